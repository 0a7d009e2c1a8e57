// test_unicode.cpp: the character classes and UTF-8 decoding of tokenizer/unicode.h.
#include <doctest.h>

#include <string>

#include "tokenizer/unicode.h"

static CharClass cls_of(const std::string& s, int* len = nullptr) {
    CharClass c;
    int n = utf8_char(s.data(), s.size(), &c);
    if (len) *len = n;
    return c;
}

TEST_CASE("unicode/class") {
    CHECK(unicode_class('a') == CHAR_LETTER);
    CHECK(unicode_class('7') == CHAR_NUMBER);
    CHECK(unicode_class(' ') == CHAR_SPACE);
    CHECK(unicode_class('\n') == CHAR_SPACE);
    CHECK(unicode_class('\'') == CHAR_OTHER);
    CHECK(unicode_class(0x1C) == CHAR_OTHER);    // a separator control: not White_Space
    CHECK(unicode_class(0x85) == CHAR_SPACE);    // NEL is White_Space
    CHECK(unicode_class(0xA0) == CHAR_SPACE);    // no-break space
    CHECK(unicode_class(0x3000) == CHAR_SPACE);  // ideographic space
    CHECK(unicode_class(0xFEFF) == CHAR_OTHER);  // BOM: not White_Space (JavaScript's \s differs)
    CHECK(unicode_class(0x0301) == CHAR_OTHER);  // combining acute: \p{M}, not a letter
    CHECK(unicode_class(0x00E9) == CHAR_LETTER); // é precomposed
    CHECK(unicode_class(0x4E2D) == CHAR_LETTER); // 中
    CHECK(unicode_class(0x0661) == CHAR_NUMBER); // Arabic-Indic one
    CHECK(unicode_class(0x00BD) == CHAR_NUMBER); // ½ (No)
    CHECK(unicode_class(0x2167) == CHAR_NUMBER); // Ⅷ (Nl)
    CHECK(unicode_class(0x1F600) == CHAR_OTHER); // 😀
    CHECK(unicode_class(0x200D) == CHAR_OTHER);  // zero width joiner
    CHECK(unicode_class(0x10FFFF) == CHAR_OTHER);
}

TEST_CASE("unicode/utf8_char") {
    int len;
    CHECK(cls_of("é", &len) == CHAR_LETTER);
    CHECK(len == 2);
    CHECK(cls_of("中", &len) == CHAR_LETTER);
    CHECK(len == 3);
    CHECK(cls_of("😀", &len) == CHAR_OTHER);
    CHECK(len == 4);
    // invalid sequences are one "other" byte each
    for (std::string bad : {"\xff", "\x80", "\xc3", "\xc3(", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe4\xb8"}) {
        CAPTURE(bad.size());
        CHECK(cls_of(bad, &len) == CHAR_OTHER);
        CHECK(len == 1);
    }
    // subtle: a truncated sequence must not read past n
    std::string cut = "\xe4\xb8\xad";
    CharClass c;
    CHECK(utf8_char(cut.data(), 2, &c) == 1);
    CHECK(c == CHAR_OTHER);
}
