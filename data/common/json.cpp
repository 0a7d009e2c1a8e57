// json.cpp: the JSON reader and quoter. See json.h.
#include "data/common/json.h"

#include <cerrno>   // strtod's range errors
#include <cstdlib>  // strtod

#include "data/common/errors.h"  // Error

const Json* Json::find(const std::string& key) const {
    for (const auto& m : members)
        if (m.first == key) return &m.second;
    return nullptr;
}

void utf8_append(std::string& out, uint32_t cp) {
    if (cp < 0x80) { out += (char)cp; return; }
    if (cp < 0x800) { out += (char)(0xC0 | cp >> 6); }
    else if (cp < 0x10000) { out += (char)(0xE0 | cp >> 12); out += (char)(0x80 | (cp >> 6 & 0x3F)); }
    else { out += (char)(0xF0 | cp >> 18); out += (char)(0x80 | (cp >> 12 & 0x3F)); out += (char)(0x80 | (cp >> 6 & 0x3F)); }
    out += (char)(0x80 | (cp & 0x3F));
}

namespace {

// A recursive-descent parser over one string; i is the next byte.
struct Parser {
    const std::string& js;
    const std::string& name;
    size_t i = 0;
    // subtle: nesting is bounded so that a file of 100000 '[' ends in an Error, not a stack overflow
    static constexpr int MAX_DEPTH = 64;

    Error fail(const char* what) const {
        return Error(name + ": malformed JSON at byte " + std::to_string(i) + " (" + what + ")");
    }
    void skip_ws() {
        while (i < js.size() && (js[i] == ' ' || js[i] == '\n' || js[i] == '\r' || js[i] == '\t')) i++;
    }
    bool eat(char c) {
        if (i < js.size() && js[i] == c) { i++; return true; }
        return false;
    }
    bool eat_word(const char* w) {
        size_t n = std::char_traits<char>::length(w);
        if (js.compare(i, n, w) != 0) return false;
        i += n;
        return true;
    }
    uint32_t hex4() {
        if (i + 4 > js.size()) throw fail("truncated \\u escape");
        uint32_t v = 0;
        for (int k = 0; k < 4; k++, i++) {
            char c = js[i];
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (d < 0) throw fail("bad \\u escape");
            v = v << 4 | (uint32_t)d;
        }
        return v;
    }
    // after the opening quote; returns the string's UTF-8
    std::string string_body() {
        std::string out;
        while (true) {
            if (i >= js.size()) throw fail("unterminated string");
            char c = js[i++];
            if (c == '"') return out;
            if ((unsigned char)c < 0x20) throw fail("control character in a string");
            if (c != '\\') { out += c; continue; }
            if (i >= js.size()) throw fail("unterminated escape");
            char e = js[i++];
            switch (e) {
                case 'n': out += '\n'; break;
                case 't': out += '\t'; break;
                case 'r': out += '\r'; break;
                case 'b': out += '\b'; break;
                case 'f': out += '\f'; break;
                case '"': case '\\': case '/': out += e; break;
                case 'u': {
                    uint32_t cp = hex4();
                    // a UTF-16 surrogate pair spells one code point above U+FFFF
                    if (cp >= 0xD800 && cp < 0xDC00 && i + 6 <= js.size() && js[i] == '\\' && js[i + 1] == 'u') {
                        i += 2;
                        uint32_t lo = hex4();
                        if (lo < 0xDC00 || lo >= 0xE000) throw fail("bad surrogate pair");
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    }
                    utf8_append(out, cp);
                    break;
                }
                default: throw fail("unknown escape");
            }
        }
    }
    // -?digits(.digits)?([eE][+-]?digits)?, kept as text
    std::string number() {
        size_t start = i;
        eat('-');
        auto digits = [&] {
            size_t s = i;
            while (i < js.size() && js[i] >= '0' && js[i] <= '9') i++;
            if (i == s) throw fail("expected a digit");
        };
        digits();
        if (eat('.')) digits();
        if (i < js.size() && (js[i] == 'e' || js[i] == 'E')) {
            i++;
            if (!eat('+')) eat('-');
            digits();
        }
        return js.substr(start, i - start);
    }
    // the comma-separated items of an object or array, after its opening bracket, through `close`
    template <class Item>
    void items(char close, Item item) {
        skip_ws();
        if (eat(close)) return;
        while (true) {
            item();
            skip_ws();
            if (eat(',')) continue;
            if (eat(close)) return;
            throw fail(close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
        }
    }
    Json value(int depth) {
        if (depth > MAX_DEPTH) throw fail("nested too deeply");
        skip_ws();
        if (i >= js.size()) throw fail("expected a value, found the end");
        Json v;
        char c = js[i];
        if (c == '{') {  // { "key": value, ... }
            i++;
            v.kind = Json::Object;
            items('}', [&] {
                skip_ws();
                if (!eat('"')) throw fail("expected a string key");
                std::string key = string_body();
                if (v.find(key)) throw fail(("duplicate key '" + key + "'").c_str());
                skip_ws();
                if (!eat(':')) throw fail("expected ':'");
                v.members.emplace_back(std::move(key), value(depth + 1));
            });
            return v;
        }
        if (c == '[') {  // [ value, ... ]
            i++;
            v.kind = Json::Array;
            items(']', [&] { v.items.push_back(value(depth + 1)); });
            return v;
        }
        if (c == '"') { i++; v.kind = Json::String; v.text = string_body(); return v; }
        if (c == '-' || (c >= '0' && c <= '9')) { v.kind = Json::Number; v.text = number(); return v; }
        if (eat_word("true")) { v.kind = Json::Bool; v.boolean = true; return v; }
        if (eat_word("false")) { v.kind = Json::Bool; return v; }
        if (eat_word("null")) return v;
        throw fail("unexpected character");
    }
};

}  // namespace

Json json_parse(const std::string& text, const std::string& name) {
    Parser p{text, name};
    Json v = p.value(0);
    p.skip_ws();
    if (p.i != text.size()) throw p.fail("text after the value");
    return v;
}

int64_t json_int(const Json& v, const std::string& name, const std::string& what, int64_t lo, int64_t hi) {
    auto bad = [&] {
        return Error(name + ": " + what + " is not an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
    };
    if (v.kind != Json::Number) throw bad();
    // digits only (an optional '-'): 1.0 and 1e3 are not integers here
    size_t s = v.text[0] == '-' ? 1 : 0;
    if (v.text.size() == s || v.text.size() - s > 18) throw bad();  // 18 digits: no int64 overflow
    int64_t x = 0;
    for (size_t k = s; k < v.text.size(); k++) {
        if (v.text[k] < '0' || v.text[k] > '9') throw bad();
        x = x * 10 + (v.text[k] - '0');
    }
    if (s) x = -x;
    if (x < lo || x > hi) throw bad();
    return x;
}

double json_number(const Json& v, const std::string& name, const std::string& what) {
    if (v.kind != Json::Number) throw Error(name + ": " + what + " is not a number");
    errno = 0;
    double x = std::strtod(v.text.c_str(), nullptr);
    if (errno == ERANGE) throw Error(name + ": " + what + " is out of range");
    return x;
}

std::string json_quote(const std::string& s) {
    static const char* hex = "0123456789abcdef";
    std::string out = "\"";
    for (char c : s) {
        unsigned char u = (unsigned char)c;
        if (c == '"' || c == '\\') { out += '\\'; out += c; }
        else if (c == '\n') out += "\\n";
        else if (c == '\t') out += "\\t";
        else if (c == '\r') out += "\\r";
        else if (u < 0x20 || u == 0x7F) { out += "\\u00"; out += hex[u >> 4]; out += hex[u & 15]; }
        else out += c;
    }
    return out + "\"";
}
