// pretokenize.cpp: GPT-2's split pattern by hand, the cut rule, the chunk reader. See pretokenize.h.
#include "tokenizer/pretokenize.h"

#include <algorithm>    // std::min, std::max
#include <string_view>  // find in the text, no copy

#include "data/common/errors.h"  // Error
#include "tokenizer/unicode.h"    // utf8_char, CharClass

// ----------------------------------------------------------------------------
// the split

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

void pretokenize_specials(const char* s, size_t n, const std::vector<std::string>& specials,
                          const std::function<void(const char* text, size_t len)>& text,
                          const std::function<void(size_t k)>& special) {
    std::string_view all(s, n);
    // next[k]: where specials[k] next occurs at or after i (n: nowhere), found again only once i
    // has passed it. subtle: searching every special from i at every match was quadratic (a text
    // of many <|endoftext|> and a vocabulary with a second special that never occurs: each match
    // scanned the rest of the text again); an empty special would match everywhere without
    // advancing, so it never matches (tokenizer_build refuses one in a vocabulary)
    std::vector<size_t> next(specials.size(), n);
    for (size_t k = 0; k < specials.size(); k++)
        if (!specials[k].empty()) next[k] = std::min(all.find(specials[k]), n);  // npos: n
    size_t i = 0;
    while (true) {
        // the earliest special token at or after i (the longest on a tie)
        size_t best = n, best_len = 0, best_k = 0;
        for (size_t k = 0; k < specials.size(); k++) {
            if (next[k] < i) next[k] = std::min(all.find(specials[k], i), n);  // overlapped by the last match
            size_t p = next[k];
            if (p < best || (p == best && p != n && specials[k].size() > best_len)) {
                best = p;
                best_len = specials[k].size();
                best_k = k;
            }
        }
        text(s + i, best - i);
        if (best == n) return;
        special(best_k);
        i = best + best_len;
    }
}

// ----------------------------------------------------------------------------
// cuts

// The rule of pretokenize.h: the character at p is \s and the one before it is not.
static bool is_cut(const char* s, size_t n, size_t p) {
    if (p == 0 || p >= n) return false;
    CharClass at;
    utf8_char(s + p, n - p, &at);  // a continuation byte is "other": p then starts no character
    if (at != CHAR_SPACE) return false;
    // The character before p ends at p-1 (the one at p starts with no continuation byte), so
    // it is \s only if the last k bytes before p decode as one \s character of k bytes.
    for (size_t k = 1; k <= 4 && k <= p; k++) {
        CharClass before;
        if ((size_t)utf8_char(s + p - k, k, &before) == k && before == CHAR_SPACE) return false;
    }
    return true;
}

size_t pretokenize_next_cut(const char* s, size_t n, size_t from) {
    for (size_t p = from; p < n; p++)
        if (is_cut(s, n, p)) return p;
    return n;
}

size_t pretokenize_last_cut(const char* s, size_t n, size_t from) {
    for (size_t p = n; p-- > from;)
        if (is_cut(s, n, p)) return p;
    return 0;
}

bool pretokenize_cuttable(const char* s, size_t n) {
    if (n > 1 && pretokenize_next_cut(s, n, 1) < n) return true;
    // a lead byte in the last 3 whose character needs more bytes than s has left
    for (size_t i = n > 3 ? n - 3 : 0; i < n; i++) {
        unsigned char c = s[i];
        size_t need = c >= 0xF8 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;  // F8..FF start nothing
        if (i + need > n) return true;
    }
    return false;
}

// ----------------------------------------------------------------------------
// reading a stream in chunks that end at cuts

void pretokenize_read_chunks(FILE* in, const std::string& name, size_t block_bytes,
                             const std::function<void(std::string& chunk)>& take) {
    block_bytes = std::max(block_bytes, (size_t)1);
    std::string text;  // the text carried from the last block (after its last cut), then the new block
    bool eof = false;
    while (!eof) {
        // at least half a block of new text, and no more than keeps the text at one block
        size_t carried = text.size(), want = block_bytes - std::min(carried, block_bytes / 2);
        text.resize(carried + want);
        size_t got = std::fread(&text[carried], 1, want, in);
        text.resize(carried + got);
        if (std::ferror(in)) throw Error(name + ": read error");
        eof = got < want;  // fread returns short only at the end (or on an error)
        // subtle: the carried text (after the last cut found) holds no cut, except maybe in its
        // last 3 bytes, whose character the new block may complete; searching from there keeps
        // a long stretch of text without white space linear, not quadratic
        size_t from = carried > 3 ? carried - 3 : 0;
        size_t cut = eof ? text.size() : pretokenize_last_cut(text.data(), text.size(), from);
        if (cut == 0) continue;  // no cut yet (or nothing at all): read on
        std::string rest = text.substr(cut);
        text.resize(cut);
        take(text);
        text = std::move(rest);
    }
}
