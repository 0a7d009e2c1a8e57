// test_tokenizer.cpp: the tokenizer as the trainer sees it (tokenizer/tokenizer.h): the byte
// tokenizer; GPT-2's ids against tiktoken's (test/fixtures/tokenizer_gpt2_reference.txt, written by
// dev/tokenizer/gpt2_reference.mjs); round trips; the parallel encoder; `./train tokenizer ...`.
#include <doctest.h>

#include <algorithm>  // std::find: the plain merge table
#include <chrono>     // the linear-time case
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <unordered_map>
#include <unistd.h>  // dup, dup2
#include <vector>

#include "data/common/files.h"
#include "data/common/flags.h"      // Command, flags_parse: tokenizer_command as ./train runs it
#include "tokenizer/bpe_train.h"  // training a vocabulary on random bytes
#include "tokenizer/tokenizer.h"
#include "tokenizer/vocab_io.h"  // vocab_save: a tokenizer recorded beside a checkpoint
#include "test/check.h"   // require_gpt2_vocab, require_input, shared_dir, temp_dir
#include "test/sha256.h"  // sha256_hex

// GPT-2's tokenizer, loaded once; a test that needs it fails (require_gpt2_vocab) where its files are absent
static const Tokenizer& gpt2() {
    static Tokenizer tok;
    static bool loaded = false;
    if (!loaded) {
        require_gpt2_vocab();
        tokenizer_load(tok, "gpt2");
        loaded = true;
    }
    return tok;
}

static std::string ids_to_string(const std::vector<int>& ids) {
    std::string s;
    for (size_t i = 0; i < ids.size(); i++) s += (i ? " " : "") + std::to_string(ids[i]);
    return s;
}

static std::string from_hex(const std::string& h) {
    std::string s;
    for (size_t i = 0; i + 1 < h.size(); i += 2) s += (char)std::stoi(h.substr(i, 2), nullptr, 16);
    return s;
}

struct RefCase { bool allow_special; std::string text, ids; };
static std::vector<RefCase> reference_cases(std::string* shakespeare_line) {
    const std::string path = "test/fixtures/tokenizer_gpt2_reference.txt";
    require_input(path, "node dev/tokenizer/gpt2_reference.mjs writes it");
    std::ifstream f(path);
    REQUIRE(f.good());
    std::vector<RefCase> out;
    std::string line;
    while (std::getline(f, line)) {
        std::vector<std::string> cols;
        std::stringstream ss(line);
        std::string col;
        while (std::getline(ss, col, '\t')) cols.push_back(col);
        if (cols.size() >= 3 && cols[0] == "case") out.push_back({cols[1] == "S", from_hex(cols[2]), cols.size() > 3 ? cols[3] : ""});
        if (cols.size() == 3 && cols[0] == "shakespeare") *shakespeare_line = line;
    }
    return out;
}

TEST_CASE("tokenizer/byte") {
    Tokenizer tok;
    tokenizer_load(tok, "byte");
    CHECK(tokenizer_vocab_size(tok) == 256);
    CHECK(tok.eot == -1);
    std::string s = "hi \xff<|endoftext|>";
    std::vector<int> ids = tokenizer_encode(tok, s, true);
    REQUIRE(ids.size() == s.size());
    CHECK(ids[3] == 255);
    CHECK(tokenizer_decode(tok, ids.data(), ids.size()) == s);
    CHECK_THROWS_AS(tokenizer_load(tok, "/nonexistent/vocab"), Error);
}

TEST_CASE("tokenizer/encode gpt2 equals tiktoken") {
    const Tokenizer* tok = &gpt2();
    std::string shakespeare;
    std::vector<RefCase> cases = reference_cases(&shakespeare);
    CHECK(cases.size() >= 300);
    for (const RefCase& c : cases) {
        CAPTURE(c.text);
        std::vector<int> ids = tokenizer_encode(*tok, c.text, c.allow_special);
        CHECK(ids_to_string(ids) == c.ids);
        CHECK(tokenizer_decode(*tok, ids.data(), ids.size()) == c.text);  // round trip on every string
    }
    // hand-checked: <|endoftext|> is plain text unless allowed
    CHECK(tokenizer_encode(*tok, "<|endoftext|>", true) == std::vector<int>{50256});
    CHECK(tokenizer_encode(*tok, "<|endoftext|>").size() > 1);
    // all of Tiny Shakespeare: the id count and SHA-256 of "id id ..." equal tiktoken's
    std::string path = shared_dir() + "/data/tinyshakespeare.txt";
    require_input(path, GET_SHARED);
    std::string text = read_file(path);
    std::vector<int> ids = tokenizer_encode_parallel(*tok, text);
    CHECK(shakespeare == "shakespeare\t" + std::to_string(ids.size()) + "\t" + sha256_hex(ids_to_string(ids)));
    CHECK(tokenizer_decode(*tok, ids.data(), ids.size()) == text);
}

TEST_CASE("tokenizer/decode") {
    Tokenizer tok;
    tokenizer_load(tok, "byte");
    int bad[] = {65, 256};
    CHECK_THROWS_WITH_AS(tokenizer_decode(tok, bad, 2), doctest::Contains("256"), Error);
    // random bytes survive encode then decode (invalid UTF-8 included): with a vocabulary trained on
    // random bytes here, and with GPT-2's
    std::mt19937 rng(3);
    auto random_bytes = [&](int rep) {
        std::string s;
        size_t len = rng() % 64;
        for (size_t k = 0; k < len; k++) s += (char)(rep % 2 ? rng() % 256 : " a\n\xc3\xa9'\xff"[rng() % 8]);
        return s;
    };
    std::string corpus;
    for (int rep = 0; rep < 400; rep++) corpus += random_bytes(rep);
    WordCounts counts;
    bpe_count_words(corpus.data(), corpus.size(), {"<|endoftext|>"}, counts);
    BpeTrainOptions opt;
    opt.vocab_size = 400;
    Tokenizer trained;
    bpe_train(trained, counts, opt);
    std::vector<const Tokenizer*> toks = {&trained, &gpt2()};
    for (const Tokenizer* t : toks)
        for (int rep = 0; rep < 200; rep++) {
            std::string s = random_bytes(rep);
            std::vector<int> ids = tokenizer_encode(*t, s, rep % 3 == 0);
            CHECK(tokenizer_decode(*t, ids.data(), ids.size()) == s);
        }
    // hand-checked: an invalid byte is a piece of its own, encoded as its one-byte token
    const Tokenizer& g = gpt2();
    std::vector<int> want = tokenizer_encode(g, "abc");
    want.push_back(g.byte_id[0xff]);
    for (int id : tokenizer_encode(g, " def")) want.push_back(id);
    CHECK(tokenizer_encode(g, "abc\xff def") == want);
}

TEST_CASE("tokenizer/encode_parallel") {
    const Tokenizer* tok = &gpt2();
    std::mt19937 rng(11);
    std::string text;
    const char* parts[] = {"word", " ", "\n", "\n\n", "  ", "'s", "<|endoftext|>", "é", "\t", "42", "\xff"};
    for (int k = 0; k < 20000; k++) text += parts[rng() % 11];
    for (bool special : {false, true}) {
        std::vector<int> serial = tokenizer_encode(*tok, text, special);
        for (size_t chunk : {(size_t)1, (size_t)100, (size_t)4096, (size_t)1 << 20})
            CHECK(tokenizer_encode_parallel(*tok, text, special, chunk) == serial);
    }
}

TEST_CASE("tokenizer/encode_stream") {
    const Tokenizer* tok = &gpt2();
    std::string text;
    for (int k = 0; k < 300; k++) text += "Line " + std::to_string(k) + ": it's  here\n\n  and <|endoftext|> \xff\xc3\xa9.\n";
    std::string path = temp_dir("tokenizer_stream") + "/in.txt";
    { std::ofstream(path, std::ios::binary) << text; }
    for (bool special : {false, true})
        for (size_t block : {(size_t)1, (size_t)7, (size_t)100, (size_t)4096, (size_t)1 << 20}) {
            CAPTURE(block);
            FILE* f = std::fopen(path.c_str(), "rb");
            REQUIRE(f);
            std::vector<int> ids;
            tokenizer_encode_stream(*tok, f, path, special, [&](const std::vector<int>& part) {
                ids.insert(ids.end(), part.begin(), part.end());
            }, block);
            std::fclose(f);
            CHECK(ids == tokenizer_encode(*tok, text, special));
        }
}

// ----------------------------------------------------------------------------
// the command line: tokenizer_main with stdin and stdout pointed at files

static std::string run_cli(std::vector<std::string> args, const std::string& input, int* status) {
    static const std::string dir = temp_dir("tokenizer_cli");  // one directory; files rewritten per call
    std::string in = dir + "/stdin", out = dir + "/stdout";
    { std::ofstream(in, std::ios::binary) << input; }
    args.erase(args.begin());  // "tokenizer": the subcommand's name is not one of its arguments
    std::fflush(stdout);
    int saved_in = dup(0), saved_out = dup(1);
    REQUIRE(std::freopen(in.c_str(), "rb", stdin));
    REQUIRE(std::freopen(out.c_str(), "wb", stdout));
    try {  // the exit statuses train.cpp's main gives
        Command cmd = tokenizer_command();
        *status = flags_parse(cmd, args) ? cmd.run() : 0;
    } catch (const UsageError&) {
        *status = 2;
    } catch (const Error&) {
        *status = 1;
    }
    std::fflush(stdout);
    dup2(saved_in, 0);
    dup2(saved_out, 1);
    close(saved_in);
    close(saved_out);
    clearerr(stdin);
    return read_file(out);
}

TEST_CASE("tokenizer/main") {
    int status;
    std::string dir = temp_dir("tokenizer_main");
    std::string corpus = dir + "/corpus.txt";
    std::string text;
    for (int k = 0; k < 300; k++) text += "to be or not to be, that is the question " + std::to_string(k % 7) + "\n";
    { std::ofstream(corpus, std::ios::binary) << text; }
    // train a vocabulary, then encode and decode with it
    run_cli({"tokenizer", "train", "--input", corpus, "--vocab-size", "280", "--out", dir + "/tok.vocab"}, "", &status);
    CHECK(status == 0);
    Tokenizer tok;
    tokenizer_load(tok, dir + "/tok.vocab");
    CHECK(tokenizer_vocab_size(tok) == 280);
    std::string ids = run_cli({"tokenizer", "encode", "--tokenizer", dir + "/tok.vocab"}, "to be<|endoftext|>", &status);
    CHECK(status == 0);
    CHECK(ids == ids_to_string(tokenizer_encode(tok, "to be<|endoftext|>")) + "\n");
    std::string special = run_cli({"tokenizer", "encode", "--tokenizer", dir + "/tok.vocab", "--allow-special"}, "to be<|endoftext|>", &status);
    CHECK(special == ids_to_string(tokenizer_encode(tok, "to be<|endoftext|>", true)) + "\n");
    CHECK(special.find("279") != std::string::npos);
    CHECK(run_cli({"tokenizer", "decode", "--tokenizer", dir + "/tok.vocab"}, ids, &status) == "to be<|endoftext|>");
    // more special tokens (kept by our text format), each its own id when allowed
    run_cli({"tokenizer", "train", "--input", corpus, "--vocab-size", "280", "--special", "<|pad|>", "--out", dir + "/sp.vocab"}, "", &status);
    CHECK(status == 0);
    std::string sp = run_cli({"tokenizer", "encode", "--tokenizer", dir + "/sp.vocab", "--allow-special"}, "<|pad|><|endoftext|>", &status);
    CHECK(sp == "279 278\n");  // <|endoftext|> 278 comes first, then <|pad|> 279
    run_cli({"tokenizer", "train", "--input", corpus, "--special", "<|pad|>", "--out", dir + "/sp.bin"}, "", &status);
    CHECK(status == 1);  // llm.c's format holds only <|endoftext|>
    // wrong flags (status 2) and wrong input (status 1) are errors, never ignored
    run_cli({"tokenizer", "encode", "--bogus"}, "", &status);
    CHECK(status == 2);
    run_cli({"tokenizer"}, "", &status);
    CHECK(status == 2);
    run_cli({"tokenizer", "train", "--input", corpus, "--vocab-size", "12", "--out", dir + "/x.vocab"}, "", &status);
    CHECK(status == 2);
    run_cli({"tokenizer", "decode", "--tokenizer", "byte"}, "65 x", &status);
    CHECK(status == 1);
    run_cli({"tokenizer", "encode", "--tokenizer", corpus}, "hi", &status);  // not a vocabulary
    CHECK(status == 1);
    CHECK(run_cli({"tokenizer", "--help"}, "", &status).find("encode") != std::string::npos);
    CHECK(status == 0);
}

TEST_CASE("tokenizer/tokenizer_spec_for: given, recorded beside the checkpoint, gpt2 by size, else byte") {
    std::string dir = temp_dir("tokenizer-rule");
    const std::string ckpt = dir + "/model_best.bin";
    CHECK(tokenizer_beside(ckpt) == dir + "/tokenizer.vocab");
    CHECK(tokenizer_beside("model.bin") == "./tokenizer.vocab");
    CHECK(tokenizer_recorded_in(dir) == dir + "/tokenizer.vocab");
    // nothing recorded yet
    CHECK(tokenizer_spec_for("", 1024, ckpt) == "byte");
    CHECK(tokenizer_spec_for("", 50257, ckpt) == "gpt2");
    CHECK(tokenizer_spec_for("", 0) == "byte");
    Tokenizer byte;
    tokenizer_load(byte, "byte");
    vocab_save(byte, dir + "/tokenizer.vocab");
    CHECK(tokenizer_spec_for("", 1024, ckpt) == dir + "/tokenizer.vocab");
    CHECK(tokenizer_spec_for("", 50257, ckpt) == dir + "/tokenizer.vocab");  // the record beats the guess by size
    CHECK(tokenizer_spec_for("gpt2", 1024, ckpt) == "gpt2");                  // and --tokenizer beats the record
}

TEST_CASE("tokenizer/load_for_model: the sizes must agree, fewer only for a model larger on purpose") {
    std::string dir = temp_dir("tokenizer-fit");
    const std::string ckpt = dir + "/model_best.bin";
    Tokenizer tok;
    auto load = [&](const std::string& spec, int V, bool on_purpose) {
        return [&tok, spec, V, ckpt, on_purpose] { tokenizer_load_for_model(tok, spec, V, ckpt, on_purpose); };
    };
    auto usage_error = [](auto f) {
        try {
            f();
        } catch (const UsageError& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    CHECK(usage_error(load("byte", 256, false)) == "");
    CHECK(usage_error(load("", 0, false)) == "");  // no model yet: the fresh model takes the tokenizer's size
    CHECK(usage_error(load("byte", 1024, false)) ==
          "tokenizer byte has 256 tokens but the model " + ckpt + " has 1024; give the tokenizer it was trained with: --tokenizer FILE");
    CHECK(usage_error(load("", 1024, false)).find("tokenizer byte has 256") == 0);  // the rule's byte, too
    CHECK(usage_error(load("byte", 512, true)) == "");   // --vocab 512 on purpose
    CHECK(usage_error(load("byte", 200, true)) != "");   // never more tokens than the model
    // the tokenizer recorded beside the checkpoint is the one the model was made with
    Tokenizer byte;
    tokenizer_load(byte, "byte");
    vocab_save(byte, dir + "/tokenizer.vocab");
    CHECK(usage_error(load("", 512, false)) == "");
    CHECK(tok.name == dir + "/tokenizer.vocab");
    CHECK(usage_error(load("byte", 512, false)) != "");  // given explicitly, bytes are not the record
}

// ----------------------------------------------------------------------------
// the merge table (issue 16: built in the vocabulary's bytes, not their square)

// The plain merge table: every cut of every ordinary token looked up by its two halves' bytes,
// lowest id first (what tokenizer_build computed before it walked tries).
static std::unordered_map<uint64_t, int> plain_merges(const Tokenizer& tok) {
    auto special = [&](int id) { return std::find(tok.specials.begin(), tok.specials.end(), id) != tok.specials.end(); };
    std::unordered_map<std::string, int> id_of;
    for (size_t t = 0; t < tok.vocab.size(); t++)
        if (!special((int)t)) id_of.emplace(tok.vocab[t], (int)t);
    std::unordered_map<uint64_t, int> merges;
    for (size_t t = 0; t < tok.vocab.size(); t++) {
        const std::string& s = tok.vocab[t];
        if (s.size() < 2 || special((int)t) || id_of.at(s) != (int)t) continue;
        for (size_t k = 1; k < s.size(); k++) {
            auto l = id_of.find(s.substr(0, k)), r = id_of.find(s.substr(k));
            if (l != id_of.end() && r != id_of.end())
                merges.emplace((uint64_t)(uint32_t)l->second << 32 | (uint32_t)r->second, (int)t);
        }
    }
    return merges;
}

TEST_CASE("tokenizer/build: the merge table is the plain one") {
    // a trained vocabulary on a small alphabet (many tokens cut many ways), with a duplicate and a special
    std::mt19937 rng(16);
    std::string text;
    for (int i = 0; i < 20000; i++) text += "abc "[rng() % 4];
    WordCounts counts;
    bpe_count_words(text.data(), text.size(), {}, counts);
    BpeTrainOptions opt;
    opt.vocab_size = 700;
    opt.specials = {"<|endoftext|>"};
    Tokenizer tok;
    bpe_train(tok, counts, opt);
    tok.vocab.push_back(tok.vocab[300]);  // a duplicate: the lower id keeps the merges
    tok.vocab.push_back("ab");            // a special spelled like ordinary bytes takes no part in merges
    tok.specials.push_back((int)tok.vocab.size() - 1);
    tokenizer_build(tok);
    REQUIRE(tok.merges.size() > 400);
    CHECK(tok.merges == plain_merges(tok));
    CHECK(gpt2().merges == plain_merges(gpt2()));  // and GPT-2's 50,000 merges (plus every other cut)
}

// issue 16: a vocabulary trained on one long word of 'a' holds tokens of half its length, and
// every load copied both halves of every cut: a 256 KB token cost minutes; now milliseconds
TEST_CASE("tokenizer/build: a token of 256 KB loads in linear time") {
    Tokenizer tok;
    tok.name = "long";
    for (int b = 0; b < 256; b++) tok.vocab.push_back(std::string(1, (char)b));
    for (size_t len = 2; len <= ((size_t)1 << 18); len *= 2) tok.vocab.push_back(std::string(len, 'a'));
    auto t0 = std::chrono::steady_clock::now();
    tokenizer_build(tok);
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    CHECK(s < 5.0);
    // token 256 + k is a^(2^(k+1)), made of two a^(2^k): ids 'a' = 97, then 256, 257, ...
    CHECK(tok.merges.at((uint64_t)97 << 32 | 97) == 256);
    CHECK(tok.merges.at((uint64_t)272 << 32 | 272) == 273);  // a^2^17 + a^2^17 = a^2^18
    CHECK(tokenizer_encode(tok, std::string((size_t)1 << 18, 'a')) == std::vector<int>{273});
}
