// test_json.cpp: the small JSON reader (data/common/json.h): values, escapes, exact integers,
// every malformed input as a one-line error with the byte offset, and the quoter's round trip.
#include <doctest.h>

#include <string>

#include "data/common/json.h"
#include "test/check.h"

TEST_CASE("json/parse: objects, arrays, strings, numbers, literals") {
    Json v = json_parse(" {\"a\": [1, -2.5e3, true, false, null], \"b\": {\"c\": \"x\\ty\"}} ", "t.json");
    REQUIRE(v.kind == Json::Object);
    REQUIRE(v.members.size() == 2);
    const Json* a = v.find("a");
    REQUIRE(a != nullptr);
    REQUIRE(a->items.size() == 5);
    CHECK(json_int(a->items[0], "t.json", "a[0]", 0, 10) == 1);
    CHECK(json_number(a->items[1], "t.json", "a[1]") == -2500.0);
    CHECK(a->items[2].kind == Json::Bool);
    CHECK(a->items[2].boolean);
    CHECK_FALSE(a->items[3].boolean);
    CHECK(a->items[4].kind == Json::Null);
    CHECK(v.find("b")->find("c")->text == "x\ty");
    CHECK(v.find("zz") == nullptr);
}

TEST_CASE("json/escapes: \\u, surrogate pairs (emoji), and GPT-2's byte alphabet") {
    Json v = json_parse("[\"\\u0120the\", \"\\ud83d\\ude00\", \"\\\"\\\\\\/\"]", "t.json");
    CHECK(v.items[0].text == "\xC4\xA0the");        // U+0120: GPT-2's spelling of a space
    CHECK(v.items[1].text == "\xF0\x9F\x98\x80");   // U+1F600
    CHECK(v.items[2].text == "\"\\/");
}

TEST_CASE("json/integers are exact or refused") {
    Json v = json_parse("[9007199254740993, 1.0, 1e3, -7, 999999999999999999]", "t.json");
    // 2^53 + 1: a double would round it; the text keeps it exact
    CHECK(json_int(v.items[0], "t.json", "n", 0, (int64_t)1 << 62) == 9007199254740993LL);
    CHECK(error_of([&] { json_int(v.items[1], "t.json", "n", 0, 10); }) == "t.json: n is not an integer in [0, 10]");
    CHECK(error_of([&] { json_int(v.items[2], "t.json", "n", 0, 10000); }) != "");
    CHECK(json_int(v.items[3], "t.json", "n", -10, 10) == -7);
    CHECK(error_of([&] { json_int(v.items[3], "t.json", "n", 0, 10); }) != "");
    CHECK(json_int(v.items[4], "t.json", "n", 0, (int64_t)1 << 62) == 999999999999999999LL);
}

TEST_CASE("json/malformed: one line naming the input and the byte") {
    struct Bad { std::string text, why; };
    Bad bad[] = {
        {"", "byte 0 (expected a value, found the end)"},
        {"{\"a\" 1}", "byte 5 (expected ':')"},
        {"{\"a\": 1,}", "expected a string key"},
        {"[1 2]", "expected ',' or ']'"},
        {"\"abc", "unterminated string"},
        {"\"a\nb\"", "control character in a string"},
        {"\"\\q\"", "unknown escape"},
        {"\"\\u12\"", "truncated \\u escape"},
        {"\"\\u12zz\"", "bad \\u escape"},
        {"-", "expected a digit"},
        {"1.", "expected a digit"},
        {"tru", "unexpected character"},
        {"{} x", "text after the value"},
        {"{\"a\": 1, \"a\": 2}", "duplicate key 'a'"},
        {std::string(100, '['), "nested too deeply"},
    };
    for (const Bad& b : bad) {
        CAPTURE(b.text);
        std::string err = error_of([&] { json_parse(b.text, "t.json"); });
        CHECK(err.rfind("t.json: malformed JSON at byte ", 0) == 0);
        CHECK_MESSAGE(err.find(b.why) != std::string::npos, err);
    }
}

TEST_CASE("json/quote round trips every byte") {
    std::string all;
    for (int b = 1; b < 256; b++) all += (char)b;
    std::string quoted = json_quote(all);
    CHECK(quoted.find('\n') == std::string::npos);
    CHECK(json_parse(quoted, "q").text == all);
    CHECK(json_quote("a\"b\\") == "\"a\\\"b\\\\\"");
}
