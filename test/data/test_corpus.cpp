// test_corpus.cpp: finding Tiny Shakespeare (data/corpus.h): $SCRATCHGPT_DATA first, then ../shared/data;
// and its URL and SHA-256, whose one copy the Makefile's `data` target reads out of corpus.h.
#include <doctest.h>

#include <cstdlib>  // setenv, unsetenv
#include <string>

#include "data/corpus.h"
#include "data/common/files.h"
#include "test/check.h"   // require_input, temp_dir
#include "test/sha256.h"  // sha256_hex

// Sets or clears $SCRATCHGPT_DATA for one scope, then puts the old value back.
struct ScopedDataEnv {
    std::string old;
    bool had;
    explicit ScopedDataEnv(const char* value) {
        const char* v = std::getenv("SCRATCHGPT_DATA");
        had = v != nullptr;
        if (had) old = v;
        if (value) setenv("SCRATCHGPT_DATA", value, 1);
        else unsetenv("SCRATCHGPT_DATA");
    }
    ~ScopedDataEnv() {
        if (had) setenv("SCRATCHGPT_DATA", old.c_str(), 1);
        else unsetenv("SCRATCHGPT_DATA");
    }
};

TEST_CASE("corpus/corpus_path") {
    std::string dir = temp_dir("corpus"), copy = dir + "/input.txt";
    AtomicFile f(copy);
    f.write("First Citizen:\n", 15);
    f.commit();
    {
        ScopedDataEnv env(copy.c_str());
        CHECK(corpus_path() == copy);
    }
    {
        ScopedDataEnv env((dir + "/missing.txt").c_str());
        try {
            corpus_path();
            CHECK(false);
        } catch (const Error& e) {
            CHECK(std::string(e.what()).find("missing.txt") != std::string::npos);
        }
    }
    {
        // CI and the tests: the copy beside every clone, through the same lookup
        ScopedDataEnv env(nullptr);
        require_input("../shared/data/tinyshakespeare.txt", GET_SHARED);
        CHECK(corpus_path() == "../shared/data/tinyshakespeare.txt");
        CHECK(file_size(corpus_path()) == 1115394);
    }
}

TEST_CASE("corpus/url and sha256") {
    // the hash is the copy's beside every clone (written from FIPS 180-4, test/sha256.h)
    CHECK(sha256_hex(read_file("../shared/data/tinyshakespeare.txt")) == TINYSHAKESPEARE_SHA256);
    // the Makefile's sed patterns (TS_URL, TS_SHA) match whole lines of this form
    std::string header = read_file("data/corpus.h");
    CHECK(header.find(std::string("\nconstexpr const char* TINYSHAKESPEARE_URL = \"") + TINYSHAKESPEARE_URL + "\";\n") !=
          std::string::npos);
    CHECK(header.find(std::string("\nconstexpr const char* TINYSHAKESPEARE_SHA256 = \"") + TINYSHAKESPEARE_SHA256 +
                      "\";\n") != std::string::npos);
}
