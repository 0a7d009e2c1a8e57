// corpus.h: where the default corpus, Tiny Shakespeare (1.1 MB, char-rnn's input.txt), is found.
// The program does not ship it and holds no HTTP client: `make data` downloads it with curl into
// cache/ and checks its SHA-256. This file only looks for a copy, in this order:
//   $SCRATCHGPT_DATA (a path to the file), ../shared/data/tinyshakespeare.txt (beside CI clones),
//   cache/tinyshakespeare.txt (what `make data` writes).
#pragma once
#include <string>

// The one copy of where the corpus comes from and its hash: the Makefile's `data` target reads
// both lines with sed (TS_URL, TS_SHA), so keep each on one line, in this form.
constexpr const char* TINYSHAKESPEARE_URL = "https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt";
constexpr const char* TINYSHAKESPEARE_SHA256 = "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed";

// The path of the first copy found; throws Error saying how to get one if there is none
// (or if $SCRATCHGPT_DATA names a file that does not exist).
std::string corpus_path();
