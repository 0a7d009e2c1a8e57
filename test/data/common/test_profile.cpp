// test_profile.cpp: model/profile, the per-layer timer table behind `--profile`: TIMED calls
// land in the row of their layer and the column of their pass, and cost nothing when off.
#include <doctest.h>

#include <cstdio>
#include <string>

#include "data/common/profile.h"
#include "test/check.h"  // temp_dir

static int calls = 0;
static void tlayer_forward(int k) { calls += k; }
static void tlayer_backward(int k) { calls += k; }
static void thing_update(int k) { calls += k; }

// The printed table, read back through a temporary file.
static std::string printed(int steps) {
    std::string path = temp_dir("profile") + "/profile.txt";
    FILE* f = std::fopen(path.c_str(), "w");
    REQUIRE(f);
    profile_print(f, steps);
    std::fclose(f);
    f = std::fopen(path.c_str(), "r");
    std::string s;
    char buf[256];
    while (std::fgets(buf, sizeof buf, f)) s += buf;
    std::fclose(f);
    return s;
}

TEST_CASE("profile/TIMED calls the function and fills one row per layer") {
    profile_enable(true);
    calls = 0;
    TIMED(tlayer_forward)(1);
    TIMED(tlayer_backward)(2);
    TIMED(tlayer_forward)(4);
    TIMED(thing_update)(8);
    CHECK(calls == 15);  // every call went through, once
    std::string table = printed(2);
    CHECK(table.find("tlayer ") != std::string::npos);       // the row "tlayer": forward and backward
    CHECK(table.find("thing_update") != std::string::npos);  // no _forward/_backward: the update column
    CHECK(table.find("tlayer_forward") == std::string::npos);
    profile_enable(false);
}

TEST_CASE("profile/off: TIMED still calls, the table stays empty") {
    profile_enable(false);
    calls = 0;
    TIMED(tlayer_forward)(3);
    CHECK(calls == 3);
    CHECK(printed(1).find("tlayer ") == std::string::npos);
}
