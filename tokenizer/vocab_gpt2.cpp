// vocab_gpt2.cpp: GPT-2's own vocabulary files, encoder.json + vocab.bpe. See vocab_gpt2.h.
#include "tokenizer/vocab_gpt2.h"

#include <cstdint>        // uint32_t
#include <cstdlib>        // getenv
#include <algorithm>      // std::sort: merges in rank order
#include <utility>        // std::pair

#include "data/common/files.h"  // Error, read_file, file_exists
#include "data/common/json.h"   // json_parse: encoder.json

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

// encoder.json (and Hugging Face's vocab.json, the same file): one flat object of "spelling": id.
static std::vector<std::pair<std::string, int>> read_encoder_json(const std::string& path) {
    Json js = json_parse(read_file(path), path);
    if (js.kind != Json::Object) throw Error(path + ": expected a JSON object of \"token\": id");
    std::vector<std::pair<std::string, int>> out;
    for (const auto& [spelling, id] : js.members)
        out.emplace_back(spelling, (int)json_int(id, path, "the token id of '" + spelling + "'", 0, 1 << 30));
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

// ----------------------------------------------------------------------------
// writing Hugging Face's vocab.json + merges.txt

// A token's bytes spelled in GPT-2's byte alphabet (the inverse of gpt2_spelling_to_bytes).
static std::string bytes_to_gpt2_spelling(const std::string& bytes, const std::vector<uint32_t>& byte_to_cp) {
    std::string out;
    for (unsigned char b : bytes) utf8_append(out, byte_to_cp[b]);
    return out;
}

void vocab_save_hf(const Tokenizer& tok, const std::string& dir) {
    if (tok.name == "gpt2") {  // the original files: the same bytes transformers' gpt2 has
        const std::string from = gpt2_dir();
        std::string vocab = read_file(from + "/encoder.json"), merges = read_file(from + "/vocab.bpe");
        AtomicFile v(dir + "/vocab.json"), m(dir + "/merges.txt");
        v.write(vocab.data(), vocab.size());
        m.write(merges.data(), merges.size());
        v.commit();
        m.commit();
        return;
    }
    for (int id : tok.specials)
        if (id != tok.eot)
            throw Error(tok.name + ": special token " + std::to_string(id) + " is not <|endoftext|>; GPT-2's tokenizer files cannot hold it");
    std::vector<int> cp_to_byte = gpt2_unicode_to_byte();
    std::vector<uint32_t> byte_to_cp(256);
    for (size_t cp = 0; cp < cp_to_byte.size(); cp++)
        if (cp_to_byte[cp] >= 0) byte_to_cp[cp_to_byte[cp]] = (uint32_t)cp;
    // vocab.json: {"spelling": id, ...} in id order
    std::string js = "{";
    for (size_t id = 0; id < tok.vocab.size(); id++) {
        const bool special = (int)id == tok.eot;
        js += (id ? ", " : "") + json_quote(special ? tok.vocab[id] : bytes_to_gpt2_spelling(tok.vocab[id], byte_to_cp)) +
              ": " + std::to_string(id);
    }
    js += "}\n";
    // merges.txt: "#version: 0.2", then "left right" per merge, lowest result id (rank) first
    std::vector<std::pair<int, uint64_t>> merges;  // (result id, left << 32 | right)
    for (const auto& [pair, id] : tok.merges) merges.push_back({id, pair});
    std::sort(merges.begin(), merges.end());
    std::vector<bool> made(tok.vocab.size(), false);
    std::string mt = "#version: 0.2\n";
    for (const auto& [id, pair] : merges) {
        made[id] = true;
        mt += bytes_to_gpt2_spelling(tok.vocab[pair >> 32], byte_to_cp) + " " +
              bytes_to_gpt2_spelling(tok.vocab[pair & 0xffffffffu], byte_to_cp) + "\n";
    }
    for (size_t id = 0; id < tok.vocab.size(); id++)
        if (!made[id] && tok.vocab[id].size() > 1 && (int)id != tok.eot)
            throw Error(tok.name + ": token " + std::to_string(id) + " is not two earlier tokens joined; GPT-2's tokenizer files cannot hold it");
    AtomicFile v(dir + "/vocab.json"), m(dir + "/merges.txt");
    v.write(js.data(), js.size());
    m.write(mt.data(), mt.size());
    v.commit();
    m.commit();
}
