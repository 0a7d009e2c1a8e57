// test_export.cpp: `./train export --hf` and --export-hf (model/cli/export.h), and the tokenizer
// files they write (tokenizer/vocab_gpt2.h vocab_save_hf), as a user runs them.
#include <doctest.h>

#include <cstring>
#include <fstream>
#include <string>

#include "model/cli/export.h"
#include "model/gpt2.h"
#include "model/train/checkpoint.h"  // gpt2_build_from_checkpoint
#include "tokenizer/vocab_gpt2.h"    // vocab_save_hf
#include "data/common/files.h"
#include "data/common/json.h"        // json_parse: read vocab.json back
#include "test/check.h"

// The parameters of a checkpoint ./train reads.
static std::vector<float> params_of(const std::string& path) {
    GPT2 model;
    gpt2_build_from_checkpoint(model, path);
    return model.params_memory;
}

TEST_CASE("export/--hf DIR -e CHECKPOINT writes a directory -e reads back to the same bytes") {
    std::string dir = temp_dir("export");
    make_dir(dir + "/hf");
    std::ofstream(dir + "/hf/vocab.json") << "{}";  // an earlier export's tokenizer: this model (V=50) has none
    Run r = run_train("export --hf " + dir + "/hf -e test/fixtures/hf_gpt2/model_f16.safetensors");
    INFO(r.output);
    CHECK(r.status == 0);
    CHECK(r.output.find("exported " + dir + "/hf/model.safetensors + config.json") != std::string::npos);
    CHECK(r.output.find("GPT2LMHeadModel.from_pretrained(\"" + dir + "/hf\")") != std::string::npos);
    CHECK(params_of(dir + "/hf") == params_of("test/fixtures/hf_gpt2/model_f16.safetensors"));
    CHECK_FALSE(file_exists(dir + "/hf/vocab.json"));
    CHECK(r.output.find("note: no tokenizer exported") != std::string::npos);
}

TEST_CASE("export/usage and input errors are one line") {
    Run no_dir = run_train("export -e test/fixtures/hf_gpt2");
    CHECK(no_dir.status == 2);
    CHECK(no_dir.output == "error: --hf DIR is required (see ./train export --help)\n");
    Run no_model = run_train("export --hf /tmp/x");
    CHECK(no_model.status == 2);
    CHECK(no_model.output == "error: -e CHECKPOINT is required (see ./train export --help)\n");
    std::string dir = temp_dir("export-bad");
    Run bad = run_train("export --hf " + dir + "/hf -e " + dir);  // a directory without config.json
    CHECK(bad.status == 1);
    CHECK(bad.output.rfind("error: " + dir + "/config.json: not found", 0) == 0);
    CHECK(bad.output.find('\n') == bad.output.size() - 1);
}

TEST_CASE("export/--export-hf at the end of a run; the export trains on with -e DIR") {
    std::string dir = temp_dir("export-run");
    std::string text;
    for (int i = 0; i < 200; i++) text += "To be, or not to be, that is the question. ";
    std::ofstream(dir + "/corpus.txt") << text;
    const std::string small = "-e l1h1c16 -b 2 -t 16 -v 0 -s 0 -l 1e-3 -i " + dir + "/corpus.txt ";
    Run r = run_train(small + "-x 2 -o " + dir + "/run --export-hf " + dir + "/hf");
    INFO(r.output);
    REQUIRE(r.status == 0);
    CHECK(params_of(dir + "/hf") == params_of(dir + "/run/model_00000002.bin"));  // the final weights
    CHECK(file_exists(dir + "/hf/vocab.json"));  // the byte tokenizer: 256 tokens, no merges
    CHECK(read_file(dir + "/hf/merges.txt") == "#version: 0.2\n");
    // fine-tuning from the Hugging Face directory
    Run again = run_train("-e " + dir + "/hf -b 2 -t 16 -v 0 -s 0 -x 1 -i " + dir + "/corpus.txt");
    INFO(again.output);
    CHECK(again.status == 0);
    CHECK(again.output.find("loaded " + dir + "/hf (L=1 NH=1 C=16 V=256 maxT=16)") != std::string::npos);
}

// ----------------------------------------------------------------------------
// vocab.json + merges.txt

TEST_CASE("vocab_gpt2/vocab_save_hf: a hand-worked vocabulary") {
    // bytes 0..255, then "ab" = a+b, "abc" = ab+c, then <|endoftext|>
    Tokenizer tok;
    tok.name = "hand";
    for (int b = 0; b < 256; b++) tok.vocab.push_back(std::string(1, (char)b));
    tok.vocab.push_back("ab");
    tok.vocab.push_back("abc");
    tok.vocab.push_back("<|endoftext|>");
    tok.eot = 258;
    tok.specials = {258};
    tokenizer_build(tok);
    std::string dir = temp_dir("vocab-hf");
    vocab_save_hf(tok, dir);
    CHECK(read_file(dir + "/merges.txt") == "#version: 0.2\na b\nab c\n");
    Json v = json_parse(read_file(dir + "/vocab.json"), "vocab.json");
    REQUIRE(v.members.size() == 259);
    // GPT-2's byte alphabet: printable ASCII as itself, space as U+0120 "Ġ", byte 0 as U+0100
    CHECK(json_int(*v.find("a"), "vocab.json", "a", 0, 300) == 'a');
    CHECK(json_int(*v.find("\xC4\xA0"), "vocab.json", "space", 0, 300) == ' ');
    CHECK(json_int(*v.find("\xC4\x80"), "vocab.json", "byte 0", 0, 300) == 0);
    CHECK(json_int(*v.find("abc"), "vocab.json", "abc", 0, 300) == 257);
    CHECK(json_int(*v.find("<|endoftext|>"), "vocab.json", "eot", 0, 300) == 258);
    // a special token GPT-2's files cannot hold
    tok.vocab.push_back("<|pad|>");
    tok.specials.push_back(259);
    tokenizer_build(tok);
    CHECK(error_of([&] { vocab_save_hf(tok, dir); }).find("hand: special token 259 is not <|endoftext|>") == 0);
}

TEST_CASE("vocab_gpt2/vocab_save_hf: GPT-2's own files are copied as they are") {
    std::string gpt2 = require_gpt2_vocab();
    Tokenizer tok;
    tokenizer_load(tok, "gpt2");
    std::string dir = temp_dir("vocab-hf-gpt2");
    vocab_save_hf(tok, dir);
    CHECK(read_file(dir + "/vocab.json") == read_file(gpt2 + "/encoder.json"));
    CHECK(read_file(dir + "/merges.txt") == read_file(gpt2 + "/vocab.bpe"));
}
