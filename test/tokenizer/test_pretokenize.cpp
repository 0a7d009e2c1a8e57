// test_pretokenize.cpp: GPT-2's split pattern (tokenizer/pretokenize.h), with the traps
// that broke other ports: combining marks, case-sensitive contractions, the last space of a run.
#include <doctest.h>

#include <string>
#include <vector>

#include "tokenizer/pretokenize.h"

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

TEST_CASE("pretokenize/safe_split") {
    std::string s = "one two\n  three\nfour  \nfive\n\nsix.\nsev";
    // after a lone "\n" where a non-space follows: not before "  three", "five" or "six"
    CHECK(pretokenize_safe_split(s.data(), s.size(), 0) == s.find("four"));
    CHECK(pretokenize_safe_split(s.data(), s.size(), s.find("four") + 1) == s.find("sev"));
    CHECK(pretokenize_safe_split(s.data(), s.size(), s.find("sev") + 1) == s.size());
    CHECK(pretokenize_last_safe_split(s.data(), s.size()) == s.find("four"));  // "sev" has < 4 bytes after
    // the pieces of a text cut at a safe point are the pieces of the whole
    size_t p = s.find("sev");
    Pieces whole = split(s), left = split(s.substr(0, p)), right = split(s.substr(p));
    left.insert(left.end(), right.begin(), right.end());
    CHECK(left == whole);
}
