// unicode.cpp: UTF-8 decoding and character classes. See unicode.h.
#include "tokenizer/unicode.h"

#include "tokenizer/unicode_tables.h"  // UNICODE_RANGES: sorted {lo, hi, class} ranges, generated

static CharClass class_of_letter(char c) {
    return c == 'L' ? CHAR_LETTER : c == 'N' ? CHAR_NUMBER : CHAR_SPACE;
}

CharClass unicode_class(uint32_t cp) {
    // binary search for the last range with lo <= cp
    int lo = 0, hi = UNICODE_RANGE_COUNT - 1, found = -1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (UNICODE_RANGES[mid].lo <= cp) { found = mid; lo = mid + 1; }
        else hi = mid - 1;
    }
    if (found < 0 || cp > UNICODE_RANGES[found].hi) return CHAR_OTHER;
    return class_of_letter(UNICODE_RANGES[found].cls);
}

// ASCII is most text; this table answers it without the search.
struct AsciiClasses {
    CharClass cls[128];
    AsciiClasses() { for (uint32_t c = 0; c < 128; c++) cls[c] = unicode_class(c); }
};
static const AsciiClasses ascii;

int utf8_char(const char* s, size_t n, CharClass* cls) {
    const unsigned char* u = (const unsigned char*)s;
    unsigned char c = u[0];
    if (c < 0x80) { *cls = ascii.cls[c]; return 1; }
    // the sequence length and the smallest code point that needs it (to reject overlong forms)
    int len;
    uint32_t cp, min_cp;
    if ((c & 0xE0) == 0xC0)      { len = 2; cp = c & 0x1F; min_cp = 0x80; }
    else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; min_cp = 0x800; }
    else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; min_cp = 0x10000; }
    else { *cls = CHAR_OTHER; return 1; }  // a continuation byte or 0xF8..0xFF
    if ((size_t)len > n) { *cls = CHAR_OTHER; return 1; }
    for (int k = 1; k < len; k++) {
        if ((u[k] & 0xC0) != 0x80) { *cls = CHAR_OTHER; return 1; }
        cp = (cp << 6) | (u[k] & 0x3F);
    }
    if (cp < min_cp || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) { *cls = CHAR_OTHER; return 1; }
    *cls = unicode_class(cp);
    return len;
}
