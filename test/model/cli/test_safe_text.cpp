// test_safe_text.cpp: samples made safe for a terminal (model/cli/safe_text.h), on every class of
// byte: printable ASCII, newline and tab kept; control bytes, DEL and C1 controls escaped; valid
// 2/3/4-byte UTF-8 kept, also when a token boundary cuts it; invalid and overlong forms escaped
// byte by byte. Expected strings are written out by hand from RFC 3629's table.
#include <doctest.h>

#include <string>
#include <vector>

#include "model/cli/safe_text.h"

// The whole stream, fed in the given pieces (as tokens arrive), then ended.
static std::string safe_pieces(const std::vector<std::string>& pieces) {
    SafeText st;
    std::string out;
    for (const std::string& p : pieces) out += safe_text_feed(st, p);
    return out + safe_text_end(st);
}
static std::string safe(const std::string& bytes) { return safe_pieces({bytes}); }

TEST_CASE("safe_text/printable ASCII, newline and tab pass unchanged") {
    std::string ascii;
    for (int b = 0x20; b < 0x7F; b++) ascii += (char)b;
    CHECK(safe(ascii) == ascii);
    CHECK(safe("ROMEO:\n\tO, she doth teach\n") == "ROMEO:\n\tO, she doth teach\n");
    CHECK(safe("") == "");
}

TEST_CASE("safe_text/control bytes and DEL are shown as \\xHH") {
    const char* hex = "0123456789abcdef";
    for (int b = 0; b < 0x20; b++) {
        if (b == '\n' || b == '\t') continue;
        std::string want = std::string("a\\x") + hex[b >> 4] + hex[b & 15] + "b";
        CHECK(safe(std::string("a") + (char)b + "b") == want);
    }
    CHECK(safe(std::string(1, '\0')) == "\\x00");
    CHECK(safe("\x1b[31mred") == "\\x1b[31mred");  // ESC: no colour change
    CHECK(safe("x\by") == "x\\x08y");              // backspace
    CHECK(safe("x\ry") == "x\\x0dy");              // carriage return: no overwritten line
    CHECK(safe("\x7f") == "\\x7f");                // DEL
}

TEST_CASE("safe_text/valid UTF-8 of 2, 3 and 4 bytes is kept, whole or cut between tokens") {
    const std::string two = "\xc3\xa9", three = "\xe2\x82\xac", four = "\xf0\x9f\x98\x80";  // é € 😀
    const std::string edges[] = {"\xc2\xa0",          "\xdf\xbf",          // U+00A0 (after C1), U+07FF
                                 "\xe0\xa0\x80",      "\xed\x9f\xbf",      // U+0800, U+D7FF (before surrogates)
                                 "\xee\x80\x80",      "\xef\xbf\xbf",      // U+E000, U+FFFF
                                 "\xf0\x90\x80\x80",  "\xf4\x8f\xbf\xbf"}; // U+10000, U+10FFFF
    for (const std::string& c : {two, three, four}) CHECK(safe("a" + c + "b") == "a" + c + "b");
    for (const std::string& c : edges) CHECK(safe(c) == c);
    // every cut of a 4-byte character over tokens, and one byte per token
    for (size_t k = 1; k < 4; k++) CHECK(safe_pieces({"x" + four.substr(0, k), four.substr(k) + "y"}) == "x" + four + "y");
    CHECK(safe_pieces({"\xf0", "\x9f", "\x98", "\x80"}) == four);
    CHECK(safe_pieces({"\xe2\x82", "\xac\xe2", "\x82\xac"}) == three + three);
    // the wait holds nothing back: a complete character is printed by the feed that completes it
    SafeText st;
    CHECK(safe_text_feed(st, "\xe2\x82") == "");
    CHECK(safe_text_feed(st, "\xac") == three);
}

TEST_CASE("safe_text/C1 controls (U+0080..U+009F) are escaped though valid UTF-8") {
    CHECK(safe("\xc2\x9b" "31m") == "\\xc2\\x9b31m");  // CSI
    CHECK(safe("\xc2\x80") == "\\xc2\\x80");
    CHECK(safe_pieces({"\xc2", "\x9f"}) == "\\xc2\\x9f");
}

TEST_CASE("safe_text/invalid UTF-8 is escaped byte by byte") {
    CHECK(safe("\x80") == "\\x80");                    // a stray continuation byte
    CHECK(safe("a\xbf" "b") == "a\\xbfb");
    CHECK(safe("\xff\xfe") == "\\xff\\xfe");           // never in UTF-8
    CHECK(safe("\xf5\x80\x80\x80") == "\\xf5\\x80\\x80\\x80");  // would be past U+10FFFF
    CHECK(safe("\xf4\x90\x80\x80") == "\\xf4\\x90\\x80\\x80");  // U+110000
    CHECK(safe("\xed\xa0\x80") == "\\xed\\xa0\\x80");  // a surrogate, U+D800
    // cut short: by ASCII, by the end of the stream, by another lead byte (which starts afresh)
    CHECK(safe("\xe2\x82z") == "\\xe2\\x82z");
    CHECK(safe("ok\xe2\x82") == "ok\\xe2\\x82");
    CHECK(safe("\xc3\xc3\xa9") == "\\xc3\xc3\xa9");
    CHECK(safe_pieces({"\xe2", "\n"}) == "\\xe2\n");
}

TEST_CASE("safe_text/overlong forms are escaped") {
    CHECK(safe("\xc0\xaf") == "\\xc0\\xaf");              // '/' in 2 bytes
    CHECK(safe("\xc1\xbf") == "\\xc1\\xbf");              // U+007F in 2 bytes
    CHECK(safe("\xe0\x80\xaf") == "\\xe0\\x80\\xaf");     // '/' in 3 bytes
    CHECK(safe("\xe0\x9f\xbf") == "\\xe0\\x9f\\xbf");     // U+07FF in 3 bytes
    CHECK(safe("\xf0\x80\x80\xaf") == "\\xf0\\x80\\x80\\xaf");  // '/' in 4 bytes
    CHECK(safe("\xf0\x8f\xbf\xbf") == "\\xf0\\x8f\\xbf\\xbf");  // U+FFFF in 4 bytes
}
