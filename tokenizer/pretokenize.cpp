// pretokenize.cpp: GPT-2's split pattern by hand. See pretokenize.h.
#include "tokenizer/pretokenize.h"

#include "tokenizer/unicode.h"  // utf8_char, CharClass

// the end of the longest run of characters of class cls starting at j
static size_t run_end(const char* s, size_t n, size_t j, CharClass cls) {
    while (j < n) {
        CharClass c;
        int len = utf8_char(s + j, n - j, &c);
        if (c != cls) break;
        j += (size_t)len;
    }
    return j;
}

size_t pretokenize_piece_end(const char* s, size_t n, size_t i) {
    // 's|'t|'re|'ve|'m|'ll|'d   (case-sensitive, as in GPT-2)
    if (s[i] == '\'' && i + 1 < n) {
        char a = s[i + 1];
        if (a == 's' || a == 't' || a == 'm' || a == 'd') return i + 2;
        if (i + 2 < n) {
            char b = s[i + 2];
            if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) return i + 3;
        }
    }
    CharClass c0;
    int len0 = utf8_char(s + i, n - i, &c0);
    //  ?\p{L}+ |  ?\p{N}+ |  ?[^\s\p{L}\p{N}]+   : an optional ' ' then a run of one class
    size_t j = i;
    CharClass cls = c0;
    if (s[i] == ' ' && i + 1 < n) {
        CharClass c1;
        utf8_char(s + i + 1, n - i - 1, &c1);
        if (c1 != CHAR_SPACE) { j = i + 1; cls = c1; }  // the space is the prefix of the next run
    }
    if (cls != CHAR_SPACE) return run_end(s, n, j, cls);
    // \s+(?!\S) | \s+   : a run of white space; if a non-space follows the run,
    // the first alternative backs off one character, leaving it to prefix the next piece
    size_t last = i, e = i + (size_t)len0;  // last: start of the run's last character
    while (e < n) {
        CharClass c;
        int len = utf8_char(s + e, n - e, &c);
        if (c != CHAR_SPACE) break;
        last = e;
        e += (size_t)len;
    }
    if (e == n || last == i) return e;  // run ends the text, or a single character (\s+)
    return last;                        // subtle: the last space goes to the next piece
}

// p is safe when s[p-2] s[p-1] s[p] = (ASCII non-space) '\n' (non-space). Then the '\n' is a
// one-character piece both in the whole text and at the end of s[0..p).
// subtle: a longer run such as "  \n" is not enough: before a word the run splits as "  " + "\n"
// (\s+(?!\S) backs off), but at the end of a chunk it stays whole.
static bool is_safe_split(const char* s, size_t n, size_t p) {
    if (p < 2 || s[p - 1] != '\n') return false;
    unsigned char before = (unsigned char)s[p - 2];
    if (before >= 0x80 || unicode_class(before) == CHAR_SPACE) return false;
    CharClass c;
    utf8_char(s + p, n - p, &c);
    return c != CHAR_SPACE;
}

size_t pretokenize_safe_split(const char* s, size_t n, size_t from) {
    for (size_t p = from; p < n; p++)
        if (is_safe_split(s, n, p)) return p;
    return n;
}

size_t pretokenize_last_safe_split(const char* s, size_t n) {
    for (size_t p = n < 4 ? 0 : n - 4; p >= 2; p--)
        if (is_safe_split(s, n, p)) return p;
    return 0;
}
