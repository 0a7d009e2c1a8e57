/**
 * gpt2_reference.mjs: GPT-2 token ids from tiktoken (the npm package js-tiktoken) for the C++ tests.
 *
 * Purpose: test/tokenizer/test_tokenizer.cpp checks that our BPE with GPT-2's vocabulary gives exactly
 * tiktoken's "gpt2" ids on a few hundred varied strings (contractions, whitespace runs, digits,
 * punctuation, accented Latin, combining marks, Greek, Cyrillic, CJK, emoji and ZWJ sequences,
 * plus seeded random mixes), and on all of Tiny Shakespeare (only the id count and SHA-256 of the
 * ids written as "id id id ..." are kept: the ids would reproduce the corpus).
 * Not covered here (JavaScript strings cannot hold them): invalid UTF-8, tested in C++ alone.
 * Left out on purpose: U+0085, U+FEFF, U+001C..U+001F, where JavaScript's \s differs from
 * Unicode White_Space (which we and tiktoken's Rust core follow), and characters newer than
 * Unicode 14 (our generated tables; node may know a newer Unicode).
 * Command (from the repository root):
 *     (cd dev/tokenizer && npm install) && node dev/tokenizer/gpt2_reference.mjs [../shared/data/tinyshakespeare.txt]
 * Writes: test/fixtures/tokenizer_gpt2_reference.txt  (committed), lines:
 *     case <tab> S|- (S: special tokens allowed) <tab> hex of the UTF-8 bytes <tab> ids
 *     shakespeare <tab> id count <tab> sha256 of the ids joined by single spaces
 * Prints: the number of cases and the Shakespeare count + hash. Read by: test/tokenizer/test_tokenizer.cpp.
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { getEncoding } from "js-tiktoken";

const enc = getEncoding("gpt2");
const cases = [];  // [allowSpecial, string]

// hand-picked: each line a trap that broke some port
const hand = [
  "", " ", "a", "Hello world", "hello  world", "Hello, world!",
  // contractions: lower case only; 'S is not one; quotes that are not contractions
  "don't", "DON'T", "I'm", "I'M", "you're", "YOU'RE", "we've", "he'll", "she'd", "it's", "IT'S", "It'S",
  "'s", "'S", "''s", "'''", "x'", "rock 'n' roll", "'ll've'd", "the dog's bone", "James' hat", " 's", "'re're",
  "can't won't shouldn't", "O'Brien", "l'homme", "rock'n'roll", "'t", "'tis", "'T",
  // whitespace runs: \s+(?!\S) leaves the last space to the next word
  "a b", "a  b", "a   b", "a    b", "a\nb", "a\n\nb", "a \n b", "a\n \nb", "a\t\tb", "a \t b", "  leading",
  "trailing  ", "trailing\n", "\n", "\n\n\n", "   ", "\t", "\r\n", "a\r\nb", " \n", "\n ", "x \u00a0y", "x\u3000y",
  "x\u2003\u2003y", "a \u2028b", "end.  Next", "line1\n  line2\n    line3", "    indented code", "\tx = 1",
  // digits and numbers
  "123", "1234567890", "3.14159", " 42", "x1y2z3", "2024-11-25", "1,000,000", "$100.00", "١٢٣", "½ cup", "x²",
  "Ⅻ", "٣.١٤", "0x1F", "1e-5", "  7", "a1 b22 c333",
  // punctuation and symbols
  "!!!", "...", "?!", "(a)", "--", "@#$%^&*", " !!", "a.b", "\"quoted\"", "<|endoftext|>", "<|endoftext|", "|>",
  "foo()", "[1, 2]", "{x: y}", "a->b", "#include <stdio.h>", "©®™", "€£¥", "~`", "\\n", "«guillemets»",
  // accented Latin, combining marks (\p{M} is not a letter)
  "café", "naïve", "Ångström", "cafe\u0301", "e\u0301\u0301x", "Zürich", "façade", "Crème brûlée", "ñandú",
  "A\u030Angstro\u0308m", "x\u0300", " \u0301", "Ελληνικά\u0301", "Łódź", "Dvořák", "ǅ", "ﬁne",
  // other scripts
  "Καλημέρα κόσμε", "Привет, мир!", "Съешь же ещё этих мягких французских булок", "你好，世界", "日本語のテキスト",
  "안녕하세요 세계", "नमस्ते दुनिया", "مرحبا بالعالم", "שלום עולם", "ภาษาไทย", "ქართული", "Հայերեն", "ᚠᛇᚻ",
  "中文 English 混合", "東京タワー", "ｆｕｌｌｗｉｄｔｈ", "한국어와 English",
  // emoji, modifiers and ZWJ sequences
  "👍", "👍🏽", "👨‍👩‍👧‍👦", "🏳️‍🌈", "hi 👋🏽 there", "❤️", "🇫🇷🇯🇵", "a😀b", " 😀", "😀😀😀", "👩🏻‍💻 coding",
  "1️⃣", "🧑‍🤝‍🧑",
  // longer runs
  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "                                ", "!!!!!!!!!!!!!!!!!!!!!!!!",
  "supercalifragilisticexpialidocious", "Pneumonoultramicroscopicsilicovolcanoconiosis",
  "The quick brown fox jumps over the lazy dog.\nThe end.",
  "ROMEO:\nBut, soft! what light through yonder window breaks?\n\n",
];
for (const s of hand) cases.push([false, s]);
// special tokens allowed
for (const s of ["<|endoftext|>", "a<|endoftext|>b", "x <|endoftext|> y", "<|endoftext|><|endoftext|>",
                 "end.<|endoftext|>\nStart", "<|endoftext|", "don't<|endoftext|>'s"]) cases.push([true, s]);

// words x separators: how a word meets whitespace and punctuation on either side
const words = ["the", "The", "don't", "42", "café", "Привет", "你好", "👍", "x\u0301"];
const seps = [" ", "  ", "\n", " \n ", "\t", ", ", "!", "'s ", "'S ", "   \n\n"];
for (const w of words) for (const sep of seps) cases.push([false, w + sep + w + sep]);

// seeded random mixes of a pool of characters (mulberry32, seed 1234)
let seed = 1234;
const rand = () => {
  seed = (seed + 0x6D2B79F5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pool = ["a", "b", "e", "s", "t", "Z", "0", "7", " ", " ", " ", "\n", "\t", "'", "'s", "'S", "'ll", ".", ",",
              "!", "-", "é", "e\u0301", "\u0301", "ß", "Ω", "ж", "中", "の", "😀", "👍🏽", "\u200d", "\u00a0", "\u3000",
              "١", "½", "$", "\"", "\r\n", "‿"];
for (let k = 0; k < 150; k++) {
  let s = "";
  const len = 1 + Math.floor(rand() * 24);
  for (let j = 0; j < len; j++) s += pool[Math.floor(rand() * pool.length)];
  cases.push([false, s]);
}

const lines = [`# written by dev/tokenizer/gpt2_reference.mjs (js-tiktoken, encoding gpt2); do not edit`];
for (const [special, s] of cases) {
  const ids = special ? enc.encode(s, "all") : enc.encode(s, [], []);
  lines.push(["case", special ? "S" : "-", Buffer.from(s, "utf8").toString("hex"), ids.join(" ")].join("\t"));
}
const corpus = process.argv[2] || "../shared/data/tinyshakespeare.txt";
const text = readFileSync(corpus, "utf8");
const ids = enc.encode(text, [], []);
const sha = createHash("sha256").update(ids.join(" ")).digest("hex");
lines.push(["shakespeare", String(ids.length), sha].join("\t"));
writeFileSync("test/fixtures/tokenizer_gpt2_reference.txt", lines.join("\n") + "\n");
console.log(`${cases.length} cases; ${corpus}: ${ids.length} ids, sha256 ${sha} -> test/fixtures/tokenizer_gpt2_reference.txt`);
