// test_pretokenize.cpp: GPT-2's split pattern (tokenizer/pretokenize.h), with the traps
// that broke other ports: combining marks, case-sensitive contractions, the last space of a run.
// Then the cut rule: by hand, its promise (the ids of the parts are the ids of the whole) at
// every cut of adversarial text, the cuts it refuses, and the chunk reader built on it.
#include <doctest.h>

#include <algorithm>  // std::find
#include <chrono>     // the linear-time case
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "test/check.h"  // temp_dir, error_of
#include "tokenizer/pretokenize.h"
#include "tokenizer/tokenizer.h"  // the ids at every cut, with GPT-2's vocabulary

static std::vector<std::string> split(const std::string& s) {
    std::vector<std::string> out;
    for (size_t i = 0; i < s.size();) {
        size_t e = pretokenize_piece_end(s.data(), s.size(), i);
        REQUIRE(e > i);
        out.push_back(s.substr(i, e - i));
        i = e;
    }
    return out;
}
using Pieces = std::vector<std::string>;

TEST_CASE("pretokenize/piece_end") {
    CHECK(split("Hello world") == Pieces{"Hello", " world"});
    CHECK(split("Hello, world!") == Pieces{"Hello", ",", " world", "!"});
    CHECK(split("x1 22 a") == Pieces{"x", "1", " 22", " a"});
    SUBCASE("contractions are case-sensitive") {
        CHECK(split("it's") == Pieces{"it", "'s"});
        CHECK(split("IT'S") == Pieces{"IT", "'", "S"});  // 'S is no contraction
        CHECK(split("we'll've") == Pieces{"we", "'ll", "'ve"});
        CHECK(split("'re're") == Pieces{"'re", "'re"});
        CHECK(split("x'") == Pieces{"x", "'"});
        CHECK(split("!'s") == Pieces{"!'", "s"});  // the punctuation run takes the quote first
    }
    SUBCASE("combining marks are not letters") {
        CHECK(split("cafe\xcc\x81") == Pieces{"cafe", "\xcc\x81"});                    // e + U+0301
        CHECK(split("cafe\xcc\x81s") == Pieces{"cafe", "\xcc\x81", "s"});
        CHECK(split("caf\xc3\xa9s") == Pieces{"caf\xc3\xa9s"});                          // precomposed é is a letter
    }
    SUBCASE("white space leaves its last character to the next word") {
        CHECK(split("a  b") == Pieces{"a", " ", " b"});
        CHECK(split("a   b") == Pieces{"a", "  ", " b"});
        CHECK(split("a \n b") == Pieces{"a", " \n", " b"});
        CHECK(split("a\n\nb") == Pieces{"a", "\n", "\n", "b"});
        CHECK(split("a\tb") == Pieces{"a", "\t", "b"});
        CHECK(split("end  ") == Pieces{"end", "  "});  // at the end the whole run stays
        CHECK(split("   ") == Pieces{"   "});
        CHECK(split(" ") == Pieces{" "});
        CHECK(split("x\xc2\xa0y") == Pieces{"x", "\xc2\xa0", "y"});  // no-break space: \s but not ' '
    }
    SUBCASE("invalid UTF-8 is other, byte by byte") {
        CHECK(split("abc\xff def") == Pieces{"abc", "\xff", " def"});
        CHECK(split("a\xc3(") == Pieces{"a", "\xc3(", });
        CHECK(split(" \x80\x80x") == Pieces{" \x80\x80", "x"});
    }
}

// The stretches and specials pretokenize_specials reports, as "[text]{k}..."
static std::string specials_of(const std::string& s, const std::vector<std::string>& specials) {
    std::string out;
    pretokenize_specials(
        s.data(), s.size(), specials, [&](const char* t, size_t len) { out += "[" + std::string(t, len) + "]"; },
        [&](size_t k) { out += "{" + std::to_string(k) + "}"; });
    return out;
}

TEST_CASE("pretokenize/specials") {
    std::vector<std::string> specials = {"<|a|>", "<|a|>b", "<|e|>"};
    // in order, empty stretches between adjacent specials, the longest of two at one byte
    CHECK(specials_of("x<|e|><|a|>by<|a|>", specials) == "[x]{2}[]{1}[y]{0}[]");
    CHECK(specials_of("<|a|", specials) == "[<|a|]");
    CHECK(specials_of("", specials) == "[]");
    CHECK(specials_of("x<|e|>", {}) == "[x<|e|>]");  // no specials: all text
    // overlapping specials: the earlier wins, and the later is looked for again after it
    CHECK(specials_of("abab", {"ab", "ba"}) == "[]{0}[]{0}[]");
    CHECK(specials_of("xbab", {"ab", "ba"}) == "[x]{1}[b]");
}

// issue 16: a special of no bytes matched at every byte without advancing (encode and prepare
// never ended); now it never matches
TEST_CASE("pretokenize/specials: an empty special never matches") {
    CHECK(specials_of("ab<|e|>", {"", "<|e|>"}) == "[ab]{1}[]");
    CHECK(specials_of("ab", {""}) == "[ab]");
}

// found by test/fuzz/fuzz_vocab_llmc.cpp: a special token "th " was cut by the parallel encoder
// (tokenizer_build now refuses such a special)
TEST_CASE("pretokenize/cuttable: a special token the cut rule could split") {
    auto cuttable = [](const std::string& s) { return pretokenize_cuttable(s.data(), s.size()); };
    CHECK(cuttable("th "));            // a cut before the space
    CHECK(cuttable("a b"));
    CHECK(cuttable("a\xc2\xa0"));      // U+00A0 is white space too
    CHECK(cuttable("a\xe3\x80"));      // U+3000 cut short: the text's next byte may complete it
    CHECK_FALSE(cuttable("<|endoftext|>"));
    CHECK_FALSE(cuttable(" x"));       // a leading space is never cut from what follows it
    CHECK_FALSE(cuttable("\n\n"));     // nor a run of white space from itself
    CHECK_FALSE(cuttable("\xff"));      // a byte that starts no character waits for nothing
    CHECK_FALSE(cuttable("caf\xc3\xa9"));
}

// issue 16: every match searched for every special again from there to the end of the text, so a
// text of many <|e|> with a second special that never occurs cost (matches x text): 400,000 matches
// in 2 MB took minutes; the search is linear now (seconds under the sanitizers' slowest build)
TEST_CASE("pretokenize/specials: many matches stay linear") {
    std::string text;
    for (int i = 0; i < 400000; i++) text += "<|e|>";
    size_t matches = 0, text_bytes = 0;
    auto t0 = std::chrono::steady_clock::now();
    pretokenize_specials(
        text.data(), text.size(), {"<|never|>", "<|e|>"}, [&](const char*, size_t len) { text_bytes += len; },
        [&](size_t k) { matches += k == 1; });
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    CHECK(matches == 400000);
    CHECK(text_bytes == 0);
    CHECK(s < 5.0);
}

// ----------------------------------------------------------------------------
// cuts: the rule, by hand, then the property it promises on adversarial text

static std::vector<size_t> all_cuts(const std::string& s) {
    std::vector<size_t> cuts;
    for (size_t p = pretokenize_next_cut(s.data(), s.size(), 0); p < s.size();
         p = pretokenize_next_cut(s.data(), s.size(), p + 1))
        cuts.push_back(p);
    return cuts;
}
using Cuts = std::vector<size_t>;

TEST_CASE("pretokenize/next_cut") {
    // just before a white-space run that follows a non-space: ' ', '\n', U+00A0 (C2 A0), U+3000 (E3 80 80)
    std::string s = "one two\n  three\xc2\xa0 four\xe3\x80\x80" "five";
    CHECK(all_cuts(s) == Cuts{3, 7, 15, 22});
    CHECK(pretokenize_next_cut(s.data(), s.size(), 8) == 15);           // not inside "\n  " nor U+00A0 + ' '
    CHECK(pretokenize_next_cut(s.data(), s.size(), 23) == s.size());   // none left
    CHECK(pretokenize_last_cut(s.data(), s.size(), 0) == 22);
    CHECK(pretokenize_last_cut(s.data(), 24, 0) == 15);  // U+3000 cut off after 2 bytes is no \s (yet)
    CHECK(pretokenize_last_cut(s.data(), 3, 0) == 0);    // "one": no white space
    CHECK(pretokenize_last_cut(s.data(), 4, 0) == 3);
    CHECK(pretokenize_last_cut(s.data(), s.size(), 16) == 22);
    CHECK(pretokenize_last_cut(s.data(), 20, 16) == 0);  // none in [16, 20)
    CHECK(all_cuts("  \n x") == Cuts{});               // white space from the start: nothing before it
    CHECK(all_cuts("a\r\nb\tc") == Cuts{1, 4});
    // the character before p, decoded as the forward reader does: U+2003 (E2 80 83) is \s,
    // a stray E3 80 is two "other" bytes, a combining mark (CC 81) is not \s
    CHECK(all_cuts("x\xe2\x80\x83 y") == Cuts{1});
    CHECK(all_cuts("\xe3\x80 x") == Cuts{2});
    CHECK(all_cuts("e\xcc\x81\n") == Cuts{3});
    CHECK(all_cuts("a\x80") == Cuts{});
}

// Adversarial text: Unicode spaces, mixed runs, newlines after punctuation, contractions (and
// their upper-case non-contractions), combining marks, long words, invalid UTF-8, <|endoftext|>.
static std::string adversarial_text(unsigned seed, size_t n) {
    static const char* parts[] = {
        "word", "Word", " ", "  ", "   ", "\n", "\n\n", "\t", " \n ", "\r\n", " \t\n  ", ".\n", "!\n\n", "?\n ",
        ",", "'s", "'ll", "'re", "'S", "'", "\xc2\xa0", "\xc2\xa0 ", " \xc2\xa0", "\xe3\x80\x80", "\xe2\x80\x83",
        "\xc2\x85", "caf\xc3\xa9", "\xe5\xad\x97\xe5\xad\x97", "e\xcc\x81", "42", "3.14", "\xff", "\xe3\x80",
        "\x80", "<|endoftext|>", "<|endoftext|", "supercalifragilisticexpialidocious_and_so_on_without_any_space"};
    const unsigned N = sizeof parts / sizeof parts[0];
    std::string s;
    unsigned x = seed;
    while (s.size() < n) {
        x = x * 1103515245u + 12345u;  // a fixed LCG: the same text on every machine
        s += parts[(x >> 16) % N];
    }
    return s;
}

static Pieces concat(Pieces a, const Pieces& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

TEST_CASE("pretokenize/cuts keep the split") {
    // at every cut the rule allows, the pieces (so the ids, for any vocabulary) of the two
    // sides are the pieces of the whole; the ids are checked with GPT-2's vocabulary too
    Tokenizer gpt2;
    REQUIRE_NOTHROW(tokenizer_load(gpt2, "gpt2"));  // ../shared/data/gpt2 (or $SCRATCHGPT_GPT2)
    size_t cuts = 0, refused_and_wrong = 0;
    for (unsigned seed = 1; seed <= 10; seed++) {
        std::string s = adversarial_text(seed, 700);
        CAPTURE(s);
        Pieces whole = split(s);
        std::vector<int> ids[2] = {tokenizer_encode(gpt2, s, false), tokenizer_encode(gpt2, s, true)};
        Cuts allowed = all_cuts(s);
        for (size_t p = 1; p < s.size(); p++) {
            CAPTURE(p);
            std::string left = s.substr(0, p), right = s.substr(p);
            bool same = concat(split(left), split(right)) == whole;
            if (std::find(allowed.begin(), allowed.end(), p) == allowed.end()) {
                refused_and_wrong += !same;
                continue;
            }
            cuts++;
            CHECK(same);
            for (bool special : {false, true}) {
                std::vector<int> l = tokenizer_encode(gpt2, left, special), r = tokenizer_encode(gpt2, right, special);
                l.insert(l.end(), r.begin(), r.end());
                CHECK(l == ids[special]);
            }
        }
    }
    CHECK(cuts > 300);              // the property was tested at many cuts...
    CHECK(refused_and_wrong > 300); // ...and the text has many places where a cut would be wrong
}

TEST_CASE("pretokenize/cuts: the traps") {
    // what the rule refuses, and why: each of these cuts changes the split
    auto breaks = [](const std::string& s, size_t p) { return concat(split(s.substr(0, p)), split(s.substr(p))) != split(s); };
    CHECK(breaks("x  \ny", 4));                  // after a run: "  ","\n" in the whole, "  \n" at the end of the left
    CHECK(breaks("a   b", 2));                   // inside a run
    CHECK(breaks("a\xc2\xa0  b", 3));            // after U+00A0, inside the run U+00A0 ' ' ' '
    CHECK(breaks("it's", 3));                    // inside a contraction
    CHECK(breaks("caf\xc3\xa9", 4));             // inside a character
    for (const char* s : {"x  \ny", "a   b", "a\xc2\xa0  b", "it's", "caf\xc3\xa9"}) CHECK(all_cuts(s).size() <= 1);
    CHECK(all_cuts("x  \ny") == Cuts{1});
    CHECK(all_cuts("a\xc2\xa0  b") == Cuts{1});
}

// ----------------------------------------------------------------------------
// reading a stream in chunks

// The chunks pretokenize_read_chunks hands out for text, read block_bytes at a time.
static std::vector<std::string> read_chunks(const std::string& path, size_t block_bytes) {
    FILE* f = std::fopen(path.c_str(), "rb");
    REQUIRE(f);
    std::vector<std::string> chunks;
    pretokenize_read_chunks(f, path, block_bytes, [&](std::string& c) { chunks.push_back(c); });
    std::fclose(f);
    return chunks;
}

TEST_CASE("pretokenize/read_chunks") {
    // adversarial text with a 5000-byte stretch without white space in the middle
    std::string text = adversarial_text(7, 3000) + std::string(5000, 'x') + adversarial_text(8, 3000);
    std::string path = temp_dir("pretokenize") + "/in.txt";
    { std::ofstream(path, std::ios::binary) << text; }
    Tokenizer gpt2;
    REQUIRE_NOTHROW(tokenizer_load(gpt2, "gpt2"));
    std::vector<int> whole = tokenizer_encode(gpt2, text, true);
    for (size_t block : {(size_t)1, (size_t)7, (size_t)64, (size_t)1000, (size_t)1 << 20}) {
        CAPTURE(block);
        std::vector<std::string> chunks = read_chunks(path, block);
        std::string joined;
        std::vector<int> ids;
        for (const std::string& c : chunks) {
            CHECK(!c.empty());
            joined += c;
            if (joined.size() < text.size())  // each chunk ends at a cut of the whole text
                CHECK(pretokenize_next_cut(text.data(), text.size(), joined.size()) == joined.size());
            std::vector<int> part = tokenizer_encode(gpt2, c, true);
            ids.insert(ids.end(), part.begin(), part.end());
        }
        CHECK(joined == text);
        CHECK(ids == whole);
    }
    // one byte at a time, a chunk ends at every cut, as soon as the character at it is whole;
    // a block larger than the text is one chunk
    CHECK(read_chunks(path, 1).size() == all_cuts(text).size() + 1);
    CHECK(read_chunks(path, (size_t)1 << 20).size() == 1);
    CHECK(read_chunks(path, 64).size() > text.size() / 64 / 2);
    // nothing at all: no chunk; a stream that cannot be read: an Error naming it
    std::string empty = temp_dir("pretokenize") + "/empty.txt";
    { std::ofstream(empty, std::ios::binary); }
    CHECK(read_chunks(empty, 64).empty());
    FILE* w = std::fopen(empty.c_str(), "wb");  // open for writing only: fread fails
    REQUIRE(w);
    CHECK(error_of([&] { pretokenize_read_chunks(w, "the stream", 64, [](std::string&) {}); }) == "the stream: read error");
    std::fclose(w);
}
