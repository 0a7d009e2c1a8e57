// pretokenize.h: GPT-2's pre-tokenizer, the regex split that runs before BPE.
// GPT-2 (and tiktoken's "gpt2") first cuts text into pieces with
//     's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// and BPE never merges across pieces. This is that regex written out by hand,
// alternative by alternative, on the classes of unicode.h. Traps it reproduces:
// contractions are lower-case only ("'S" is not one), combining marks \p{M} are
// not letters (they end a word), and \s+(?!\S) leaves the last space of a run to
// the word that follows (" \n  x" -> " \n " + " x"). Invalid UTF-8 bytes are "other".
// Also here: where text may be cut so that its parts encode as the whole, and a reader
// that hands out a stream in such parts.
#pragma once
#include <cstddef>     // size_t
#include <cstdio>      // FILE
#include <functional>  // std::function
#include <string>
#include <vector>

// The end (exclusive) of the piece that starts at byte i of s[0..n), i < n.
size_t pretokenize_piece_end(const char* s, size_t n, size_t i);

// Special tokens come out before the split: calls text(s + a, len) for each stretch of ordinary
// text (in order, some possibly empty) and special(k) for each occurrence of specials[k] between
// them. Where several specials start at the same byte, the longest wins (as tiktoken's does).
// Encoding (with allow_special) and BPE training both see text this way.
void pretokenize_specials(const char* s, size_t n, const std::vector<std::string>& specials,
                          const std::function<void(const char* text, size_t len)>& text,
                          const std::function<void(size_t k)>& special);

// ----------------------------------------------------------------------------
// Where text may be cut: the one rule for every reader that encodes text in parts (the
// parallel and stream encoders, BPE training's counting, `./train prepare`).
//
// p (0 < p < n) is a cut when the character at p is white space (\s) and the character
// before it is not: text cut just before a white-space run. Then the ids of s[0..p)
// followed by the ids of s[p..n) are the ids of s[0..n), with or without allow_special.
// Proof sketch (the split is all that matters: BPE never merges across pieces, and a
// piece's ids depend on its bytes alone):
//  1. p ends a piece of the whole. The character before p is not \s, so its piece comes
//     from an alternative before the white-space ones (a contraction, letters, numbers,
//     other), and those hold no \s but a leading ' ': it cannot go on over the \s at p.
//  2. The pieces before p do not change when the text ends at p. Every decision the
//     pattern makes before p reads the character at p, if at all, only to see that it does
//     not continue the current piece ("'r" + ' ' is no "'re"; a letter run stops; a
//     UTF-8 sequence needs a continuation byte, and \s starts with none), exactly what the
//     end of the text tells it. A white-space run before p ends before p's non-\s neighbour,
//     so its look-ahead (?!\S) sees the same character in both.
//  3. The pieces from p on do not change: the pattern never looks behind.
//  4. Special tokens hold no white space (--special refuses it; GPT-2 has only
//     <|endoftext|>), so a cut never falls inside one, each side finds the same ones, and
//     the stretches of ordinary text between them are cut at p as the whole is (1-3).
// subtle: cutting after a run instead is wrong: "x  \ny" splits as "x","  ","\n","y"
// but "x  \n" alone keeps "  \n" whole. And "a" U+00A0 "  b" may not be cut before the
// spaces: U+00A0 is \s, and the run splits as U+00A0 ' ', ' b'. The proof is for this
// pattern: GPT-4's lets punctuation take the newlines after it, and would need another rule.

// The first cut p in [from, n), or n if there is none.
size_t pretokenize_next_cut(const char* s, size_t n, size_t from);
// The last cut p in [from, n), or 0 if there is none. A cut only looks at the characters at
// p and before it, and a character cut off by n is not \s (unicode.h), so a cut of a prefix
// of a stream is a cut of the whole stream.
size_t pretokenize_last_cut(const char* s, size_t n, size_t from);
// Whether some text holding s could be cut by the rule above strictly inside s: s has a cut after
// its first byte, or its last character is cut short (the text's next bytes could complete it into
// white space). A special token must not be (tokenizer_build refuses one): the parallel encoder
// and the stream reader cut text without looking for specials, and would split it (issue 16).
bool pretokenize_cuttable(const char* s, size_t n);

// Reads `in` to its end, block_bytes at a time, and hands take() all its text, in order, in
// non-empty chunks that end at cuts (the last one at the end of the stream): encoding the
// chunks one by one gives the ids of the whole. The text after the last cut of a block is
// carried into the next; a chunk is about block_bytes long, longer only when no cut comes
// sooner (memory: the longest stretch of text without white space). take() may move the
// chunk's text away. name is for the error: throws Error("name: read error").
void pretokenize_read_chunks(FILE* in, const std::string& name, size_t block_bytes,
                             const std::function<void(std::string& chunk)>& take);
