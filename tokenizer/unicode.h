// unicode.h: UTF-8 decoding and the three character classes of GPT-2's split pattern.
// GPT-2's pre-tokenizer (pretokenize.h) only asks of a character whether it is a
// letter \p{L}, a number \p{N}, white space \s, or anything else. The answer comes
// from tables generated from the Unicode database (unicode_tables.h, written by
// dev/tokenizer/unicode_tables.py), because std::regex cannot express \p{L}.
// Bytes that do not start a valid UTF-8 sequence are single "other" characters, so
// any byte string can be split and nothing is ever rejected or lost.
#pragma once
#include <cstddef>  // size_t
#include <cstdint>  // uint32_t

enum CharClass : unsigned char { CHAR_OTHER, CHAR_LETTER, CHAR_NUMBER, CHAR_SPACE };

// The class of one code point (binary search in the generated ranges; ASCII is a table lookup).
CharClass unicode_class(uint32_t cp);

// One character of s[0..n): its length in bytes (1..4) and its class.
// subtle: an invalid sequence (stray continuation byte, overlong form, surrogate,
// > U+10FFFF, or cut off by the end of s) is one byte long and of class CHAR_OTHER.
int utf8_char(const char* s, size_t n, CharClass* cls);
