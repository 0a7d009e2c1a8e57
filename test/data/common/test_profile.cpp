// test_profile.cpp: data/common/profile, the per-layer timer table behind `--profile`: calls timed
// by a ProfileScope land in the row of their layer and the column of their pass, and cost nothing when off.
#include <doctest.h>

#include <cstdio>
#include <string>

#include "data/common/profile.h"
#include "test/check.h"  // temp_dir

static int calls = 0;
static void tlayer_forward(int k) {
    ProfileScope timer("tlayer_forward");
    calls += k;
}
static void tlayer_backward(int k) {
    ProfileScope timer("tlayer_backward");
    calls += k;
}
static void thing_update(int k) {
    ProfileScope timer("thing_update");
    calls += k;
}

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

TEST_CASE("profile/ProfileScope fills one row per layer") {
    profile_enable(true);
    calls = 0;
    tlayer_forward(1);
    tlayer_backward(2);
    tlayer_forward(4);
    thing_update(8);
    CHECK(calls == 15);  // every call went through, once
    std::string table = printed(2);
    CHECK(table.find("tlayer ") != std::string::npos);       // the row "tlayer": forward and backward
    CHECK(table.find("thing_update") != std::string::npos);  // no _forward/_backward: the update column
    CHECK(table.find("tlayer_forward") == std::string::npos);
    profile_enable(false);
}

TEST_CASE("profile/off: the table stays empty") {
    profile_enable(false);
    calls = 0;
    tlayer_forward(3);
    CHECK(calls == 3);
    CHECK(printed(1).find("tlayer ") == std::string::npos);
}
