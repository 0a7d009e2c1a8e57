// json.h: a small JSON reader and the one string quoter, shared by every folder.
// Enough for the JSON files GPT-2's world uses: encoder.json / vocab.json (one flat object),
// config.json, and the header of a .safetensors file. Numbers keep their text, so an integer
// is read exactly (a byte offset past 2^53 is refused, not rounded). Nothing here is GPT-2.
// Every malformed input throws Error("NAME: malformed JSON at byte N (what)"), NAME being the file.
// Spec: RFC 8259 (https://www.rfc-editor.org/rfc/rfc8259).
#pragma once
#include <cstdint>  // int64_t
#include <string>
#include <utility>  // std::pair
#include <vector>

struct Json {
    enum Kind { Null, Bool, Number, String, Array, Object };
    Kind kind = Null;
    bool boolean = false;
    std::string text;                                   // String: its UTF-8; Number: its digits as written
    std::vector<Json> items;                            // Array
    std::vector<std::pair<std::string, Json>> members;  // Object, in file order (duplicates refused)

    // The member named key, or nullptr (an Object only).
    const Json* find(const std::string& key) const;
};

// Parses `text`, which must hold exactly one JSON value (whitespace around it allowed).
// name: what errors call the input (a path, or "file.safetensors header").
Json json_parse(const std::string& text, const std::string& name);

// An Integer Number as int64, or throws Error("name: what is not an integer in [lo, hi]").
int64_t json_int(const Json& v, const std::string& name, const std::string& what, int64_t lo, int64_t hi);
// A Number as double, or throws Error naming `what`.
double json_number(const Json& v, const std::string& name, const std::string& what);

// Appends the UTF-8 bytes of code point cp (what a \uXXXX escape stands for).
void utf8_append(std::string& out, uint32_t cp);
// s as a JSON string literal with its quotes: " \ and control bytes escaped, other bytes as they are.
std::string json_quote(const std::string& s);
