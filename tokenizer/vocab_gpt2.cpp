// vocab_gpt2.cpp: GPT-2's own vocabulary files, encoder.json + vocab.bpe. See vocab_gpt2.h.
#include "tokenizer/vocab_gpt2.h"

#include <cstdint>        // uint32_t
#include <cstdlib>        // getenv
#include <unordered_map>  // the parsed encoder.json

#include "data/common/files.h"  // Error, read_file, file_exists

std::string gpt2_dir() {
    const char* env = std::getenv("SCRATCHGPT_GPT2_DIR");
    if (env) {
        if (!file_exists(std::string(env) + "/encoder.json"))
            throw Error(std::string(env) + "/encoder.json: not found ($SCRATCHGPT_GPT2_DIR); HINT: unset it, or run `make gpt2-vocab`");
        return env;
    }
    for (const char* dir : {"../shared/data/gpt2", "cache/gpt2"})
        if (file_exists(std::string(dir) + "/encoder.json")) return dir;
    throw Error("gpt2: encoder.json + vocab.bpe not found in $SCRATCHGPT_GPT2_DIR, ../shared/data/gpt2 or "
                "cache/gpt2; HINT: run `make gpt2-vocab` to download them");
}

// GPT-2 spells each byte as a printable code point: bytes that are printable in Latin-1 stand
// for themselves, the other 68 are moved to U+0100.. in byte order (GPT-2's bytes_to_unicode).
// Returns code point -> byte, with -1 for code points that spell no byte.
static std::vector<int> gpt2_unicode_to_byte() {
    std::vector<int> cp_to_byte(512, -1);
    int moved = 0;
    for (int b = 0; b < 256; b++) {
        bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
        cp_to_byte[printable ? b : 256 + moved++] = b;
    }
    return cp_to_byte;
}

// One GPT-2 token spelling (UTF-8) -> its bytes; throws if a character spells no byte.
static std::string gpt2_spelling_to_bytes(const std::string& s, const std::vector<int>& cp_to_byte,
                                          const std::string& path) {
    std::string out;
    for (size_t i = 0; i < s.size();) {
        unsigned char c = s[i];
        uint32_t cp;
        if (c < 0x80) { cp = c; i += 1; }
        else if ((c & 0xE0) == 0xC0 && i + 1 < s.size()) { cp = (c & 0x1F) << 6 | (s[i + 1] & 0x3F); i += 2; }
        else throw Error(path + ": a token is not spelled with GPT-2's byte alphabet: '" + s + "'");
        if (cp >= cp_to_byte.size() || cp_to_byte[cp] < 0)
            throw Error(path + ": a token is not spelled with GPT-2's byte alphabet: '" + s + "'");
        out += (char)cp_to_byte[cp];
    }
    return out;
}

// Appends the UTF-8 of code point cp.
static void put_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) { out += (char)cp; return; }
    if (cp < 0x800) { out += (char)(0xC0 | cp >> 6); }
    else if (cp < 0x10000) { out += (char)(0xE0 | cp >> 12); out += (char)(0x80 | (cp >> 6 & 0x3F)); }
    else { out += (char)(0xF0 | cp >> 18); out += (char)(0x80 | (cp >> 12 & 0x3F)); out += (char)(0x80 | (cp >> 6 & 0x3F)); }
    out += (char)(0x80 | (cp & 0x3F));
}

// A minimal reader for encoder.json: one flat object of "string": integer.
static std::unordered_map<std::string, int> read_encoder_json(const std::string& path) {
    std::string js = read_file(path);
    size_t i = 0;
    auto fail = [&](const char* what) -> Error {
        return Error(path + ": malformed JSON at byte " + std::to_string(i) + " (" + what + ")");
    };
    auto skip_ws = [&] { while (i < js.size() && (js[i] == ' ' || js[i] == '\n' || js[i] == '\r' || js[i] == '\t')) i++; };
    auto hex4 = [&]() -> uint32_t {
        if (i + 4 > js.size()) throw fail("truncated \\u escape");
        uint32_t v = 0;
        for (int k = 0; k < 4; k++, i++) {
            char c = js[i];
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (d < 0) throw fail("bad \\u escape");
            v = v << 4 | (uint32_t)d;
        }
        return v;
    };
    std::unordered_map<std::string, int> out;
    skip_ws();
    if (i >= js.size() || js[i++] != '{') throw fail("expected '{'");
    while (true) {
        skip_ws();
        if (i < js.size() && js[i] == '}') break;
        if (i >= js.size() || js[i++] != '"') throw fail("expected a string key");
        std::string key;
        while (true) {
            if (i >= js.size()) throw fail("unterminated string");
            char c = js[i++];
            if (c == '"') break;
            if (c != '\\') { key += c; continue; }
            if (i >= js.size()) throw fail("unterminated escape");
            char e = js[i++];
            switch (e) {
                case 'n': key += '\n'; break;
                case 't': key += '\t'; break;
                case 'r': key += '\r'; break;
                case 'b': key += '\b'; break;
                case 'f': key += '\f'; break;
                case 'u': {
                    uint32_t cp = hex4();
                    if (cp >= 0xD800 && cp < 0xDC00 && i + 6 <= js.size() && js[i] == '\\' && js[i + 1] == 'u') {
                        i += 2;
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (hex4() - 0xDC00);
                    }
                    put_utf8(key, cp);
                    break;
                }
                default: key += e;  // \" \\ \/
            }
        }
        skip_ws();
        if (i >= js.size() || js[i++] != ':') throw fail("expected ':'");
        skip_ws();
        size_t start = i;
        while (i < js.size() && js[i] >= '0' && js[i] <= '9') i++;
        if (i == start || i - start > 9) throw fail("expected a token id");
        out[key] = std::stoi(js.substr(start, i - start));
        skip_ws();
        if (i < js.size() && js[i] == ',') { i++; continue; }
        if (i < js.size() && js[i] == '}') break;
        throw fail("expected ',' or '}'");
    }
    return out;
}

void vocab_load_gpt2(Tokenizer& tok, const std::string& dir) {
    std::string enc_path = dir + "/encoder.json", bpe_path = dir + "/vocab.bpe";
    std::vector<int> cp_to_byte = gpt2_unicode_to_byte();
    auto encoder = read_encoder_json(enc_path);
    tok.vocab.assign(encoder.size(), std::string());
    std::vector<bool> seen(encoder.size(), false);
    for (auto& [spelling, id] : encoder) {
        if (id < 0 || (size_t)id >= encoder.size() || seen[id])
            throw Error(enc_path + ": token ids are not 0.." + std::to_string(encoder.size() - 1) + " once each");
        seen[id] = true;
        if (spelling == "<|endoftext|>") {
            tok.vocab[id] = spelling;
            tok.eot = id;
            tok.specials.push_back(id);
        } else {
            tok.vocab[id] = gpt2_spelling_to_bytes(spelling, cp_to_byte, enc_path);
        }
    }
    if (tok.eot < 0) throw Error(enc_path + ": has no <|endoftext|> token");
    // vocab.bpe: "#version" line, then merge r on line r+1 as "left right"; merge r makes token 256+r
    std::string bpe = read_file(bpe_path);
    size_t pos = bpe.find('\n'), rank = 0;
    if (bpe.rfind("#version", 0) != 0 || pos == std::string::npos) throw Error(bpe_path + ": missing '#version' line");
    for (pos++; pos < bpe.size(); rank++) {
        size_t eol = bpe.find('\n', pos);
        if (eol == std::string::npos) eol = bpe.size();
        std::string line = bpe.substr(pos, eol - pos);
        pos = eol + 1;
        if (line.empty()) { rank--; continue; }
        size_t sp = line.find(' ');
        if (sp == std::string::npos) throw Error(bpe_path + ": merge " + std::to_string(rank) + " is not 'left right'");
        std::string joined = gpt2_spelling_to_bytes(line.substr(0, sp), cp_to_byte, bpe_path) +
                             gpt2_spelling_to_bytes(line.substr(sp + 1), cp_to_byte, bpe_path);
        size_t id = 256 + rank;
        if (id >= tok.vocab.size() || tok.vocab[id] != joined)
            throw Error(bpe_path + ": merge " + std::to_string(rank) + " ('" + line + "') does not make token " +
                        std::to_string(id) + " of " + enc_path);
    }
    if (256 + rank + 1 != tok.vocab.size())
        throw Error(bpe_path + ": has " + std::to_string(rank) + " merges, " + enc_path + " expects " +
                    std::to_string(tok.vocab.size() - 257));
}
