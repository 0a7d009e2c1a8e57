// corpus.cpp: finding Tiny Shakespeare. See corpus.h.
#include "data/corpus.h"

#include <cstdlib>  // getenv

#include "data/common/files.h"  // Error, file_exists

std::string corpus_path() {
    const char* env = std::getenv("SCRATCHGPT_DATA");
    if (env && *env) {
        if (!file_exists(env)) throw Error(std::string("SCRATCHGPT_DATA=") + env + ": no such file");
        return env;
    }
    for (const char* path : {"../shared/data/tinyshakespeare.txt", "cache/tinyshakespeare.txt"})
        if (file_exists(path)) return path;
    throw Error(std::string("Tiny Shakespeare not found: run `make data` (downloads ") + TINYSHAKESPEARE_URL +
                " into cache/tinyshakespeare.txt and checks its SHA-256) or set SCRATCHGPT_DATA=/path/to/input.txt");
}
