// vocab_io.cpp: our text vocabulary and llm.c's gpt2_tokenizer.bin. See vocab_io.h for the formats.
#include "tokenizer/vocab_io.h"

#include <cctype>   // isxdigit
#include <cstdint>  // int32_t
#include <cstdlib>  // strtol
#include <cstring>  // memcpy
#include <unordered_set>  // the special ids of a text vocabulary, once each

#include "data/common/binary_header.h"  // BinaryHeader, header_parse, header_write
#include "data/common/crc32.h"          // crc32: the checksum of the tokens' bytes
#include "data/common/files.h"          // Error, read_file, AtomicFile

// ----------------------------------------------------------------------------
// llm.c's gpt2_tokenizer.bin

// reads version 1 (llm.c's first: no eot slot) and 2; writes 2
static const HeaderFormat LLMC_TOKENIZER_FORMAT = {"llm.c tokenizer", LLMC_TOKENIZER_MAGIC, LLMC_TOKENIZER_VERSION, 1};

static void load_llmc(Tokenizer& tok, const std::string& path, const std::string& data) {
    BinaryHeader h = header_parse(path, data.data(), data.size(), LLMC_TOKENIZER_FORMAT);
    if (h.has_checksums()) {  // ours (llm.c writes none): the rest of the file, before it is believed
        size_t body = data.size() - HEADER_BYTES;
        header_check_body(path, h.body_crc(), crc32(0, data.data() + HEADER_BYTES, body), body, LLMC_TOKENIZER_FORMAT);
    }
    int V = h[LLMC_TOKENIZER_SLOT_VOCAB];
    if (V < 256) throw Error(path + ": vocab size " + std::to_string(V) + " is below 256");
    size_t pos = HEADER_BYTES;
    for (int t = 0; t < V; t++) {
        if (pos >= data.size()) throw Error(path + ": truncated at token " + std::to_string(t) + " of " + std::to_string(V));
        size_t len = (unsigned char)data[pos++];
        if (len == 0 || pos + len > data.size())
            throw Error(path + ": truncated or malformed at token " + std::to_string(t) + " of " + std::to_string(V));
        tok.vocab.push_back(data.substr(pos, len));
        pos += len;
    }
    // version 1 files are GPT-2's, whose eot is its last token
    tok.eot = h[HEADER_SLOT_VERSION] == 2 ? h[LLMC_TOKENIZER_SLOT_EOT] : V - 1;
    if (tok.eot >= V) throw Error(path + ": eot id " + std::to_string(tok.eot) + " is outside the vocabulary");
    if (tok.eot >= 0) tok.specials.push_back(tok.eot);
}

static void save_llmc(const Tokenizer& tok, const std::string& path) {
    if (tok.specials.size() > 1 || (tok.specials.size() == 1 && tok.specials[0] != tok.eot))
        throw Error(path + ": llm.c's format keeps only <|endoftext|>; save the other special tokens in our format");
    BinaryHeader h;
    h[LLMC_TOKENIZER_SLOT_VOCAB] = (int32_t)tok.vocab.size();
    h[LLMC_TOKENIZER_SLOT_EOT] = tok.eot;
    std::string body;
    for (size_t t = 0; t < tok.vocab.size(); t++) {
        const std::string& s = tok.vocab[t];
        if (s.empty() || s.size() > 255)
            throw Error(path + ": token " + std::to_string(t) + " is " + std::to_string(s.size()) +
                        " bytes; llm.c's format holds 1..255");
        body += (char)s.size();
        body += s;
    }
    AtomicFile f(path);
    header_write(f, LLMC_TOKENIZER_FORMAT, h, crc32(0, body.data(), body.size()));
    f.write(body.data(), body.size());
    f.commit();
}

// ----------------------------------------------------------------------------
// ours: readable text

static std::string quote(const std::string& s) {
    static const char* hex = "0123456789abcdef";
    std::string q = "\"";
    for (unsigned char c : s) {
        if (c == '\\' || c == '"') { q += '\\'; q += (char)c; }
        else if (c >= 0x20 && c < 0x7F) q += (char)c;
        else { q += "\\x"; q += hex[c >> 4]; q += hex[c & 15]; }
    }
    return q + "\"";
}

static void save_text(const Tokenizer& tok, const std::string& path) {
    std::string out = std::string(VOCAB_TEXT_MAGIC) + " " + std::to_string(VOCAB_TEXT_VERSION) + "\n";
    out += "vocab_size " + std::to_string(tok.vocab.size()) + "\n";
    for (int id : tok.specials) out += "special " + std::to_string(id) + "\n";
    for (size_t t = 0; t < tok.vocab.size(); t++) out += std::to_string(t) + " " + quote(tok.vocab[t]) + "\n";
    AtomicFile f(path);
    f.write(out.data(), out.size());
    f.commit();
}

static void load_text(Tokenizer& tok, const std::string& path, const std::string& data) {
    size_t pos = 0, line_no = 0;
    std::string line;
    auto next_line = [&]() -> bool {
        if (pos >= data.size()) return false;
        size_t eol = data.find('\n', pos);
        if (eol == std::string::npos) eol = data.size();
        line = data.substr(pos, eol - pos);
        pos = eol + 1;
        line_no++;
        return true;
    };
    auto fail = [&](const std::string& what) { return Error(path + ":" + std::to_string(line_no) + ": " + what); };
    std::string want = std::string(VOCAB_TEXT_MAGIC) + " " + std::to_string(VOCAB_TEXT_VERSION);
    if (!next_line() || line != want) throw fail("expected '" + want + "' (not a vocabulary of this version)");
    long V = -1;
    if (!next_line() || std::sscanf(line.c_str(), "vocab_size %ld", &V) != 1 || V < 256 || V > (1L << 30))
        throw fail("expected 'vocab_size N' with N >= 256");
    std::unordered_set<long> listed;  // special ids seen; subtle: a repeat would cost every match of it in encode
    while (next_line() && line.rfind("special ", 0) == 0) {
        long id = std::strtol(line.c_str() + 8, nullptr, 10);
        if (id < 0 || id >= V) throw fail("special id outside the vocabulary");
        if (!listed.insert(id).second) throw fail("special id " + std::to_string(id) + " listed twice");
        tok.specials.push_back((int)id);
    }
    for (long t = 0; t < V; t++) {
        if (t > 0 && !next_line()) throw fail("truncated: " + std::to_string(t) + " of " + std::to_string(V) + " tokens");
        size_t q = line.find(' ');
        if (q == std::string::npos || std::strtol(line.c_str(), nullptr, 10) != t || q + 1 >= line.size() || line[q + 1] != '"' ||
            line.back() != '"' || line.size() < q + 3)
            throw fail("expected token " + std::to_string(t) + " as: " + std::to_string(t) + " \"bytes\"");
        std::string s;
        for (size_t i = q + 2; i + 1 < line.size(); i++) {
            if (line[i] != '\\') { s += line[i]; continue; }
            if (i + 2 >= line.size()) throw fail("bad escape");
            char e = line[++i];
            if (e == 'x') {
                if (i + 3 > line.size() - 1 || !std::isxdigit((unsigned char)line[i + 1]) ||
                    !std::isxdigit((unsigned char)line[i + 2]))
                    throw fail("bad \\x escape");
                s += (char)std::stoi(line.substr(i + 1, 2), nullptr, 16);
                i += 2;
            } else {
                s += e;  // \\ or \"
            }
        }
        tok.vocab.push_back(s);
    }
    for (int id : tok.specials)
        if (tok.vocab[id] == "<|endoftext|>") tok.eot = id;
}

// ----------------------------------------------------------------------------
// by first bytes / by extension

void vocab_load_file(Tokenizer& tok, const std::string& path) {
    std::string data = read_file(path);
    int32_t magic = 0;
    if (data.size() >= 4) std::memcpy(&magic, data.data(), 4);
    if (magic == LLMC_TOKENIZER_MAGIC) load_llmc(tok, path, data);
    else if (data.rfind(VOCAB_TEXT_MAGIC, 0) == 0) load_text(tok, path, data);
    else
        throw Error(path + ": not a vocabulary file (neither '" + VOCAB_TEXT_MAGIC + "' text nor llm.c magic " +
                    std::to_string(LLMC_TOKENIZER_MAGIC) + ")");
}

void vocab_save(const Tokenizer& tok, const std::string& path) {
    bool bin = path.size() >= 4 && path.compare(path.size() - 4, 4, ".bin") == 0;
    if (bin) save_llmc(tok, path);
    else save_text(tok, path);
}
