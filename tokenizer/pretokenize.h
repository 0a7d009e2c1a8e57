// pretokenize.h: GPT-2's pre-tokenizer, the regex split that runs before BPE.
// GPT-2 (and tiktoken's "gpt2") first cuts text into pieces with
//     's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// and BPE never merges across pieces. This is that regex written out by hand,
// alternative by alternative, on the classes of unicode.h. Traps it reproduces:
// contractions are lower-case only ("'S" is not one), combining marks \p{M} are
// not letters (they end a word), and \s+(?!\S) leaves the last space of a run to
// the word that follows (" \n  x" -> " \n " + " x"). Invalid UTF-8 bytes are "other".
#pragma once
#include <cstddef>  // size_t

// The end (exclusive) of the piece that starts at byte i of s[0..n), i < n.
size_t pretokenize_piece_end(const char* s, size_t n, size_t i);

// The first position p in [from, n) where the split of s[0..p) and s[p..n) equals the split of
// the whole: p follows a lone '\n' (an ASCII non-space before it) and starts a non-space.
// So text cut at such points encodes exactly as the whole does. Returns n if there is none.
size_t pretokenize_safe_split(const char* s, size_t n, size_t from);

// The last such point p in s[0..n) that has at least 4 bytes after it, so the character at p
// is whole even when s is a prefix of a stream cut mid-character; 0 if there is none.
// Readers of a stream encode s[0..p) and keep s[p..n) for the next block.
size_t pretokenize_last_safe_split(const char* s, size_t n);
