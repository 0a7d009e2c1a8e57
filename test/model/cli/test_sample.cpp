// test_sample.cpp: ./train sample and the trainer's samples, through the binary (make test
// builds ./train first). A run records its tokenizer in its -o folder, and `sample`, fine-tuning
// (-e) and resuming find it there without --tokenizer; a tokenizer whose size disagrees with the
// model's vocabulary is a one-line error, never a silent fallback to bytes; an id the tokenizer
// lacks is shown; --prompt seeds the trainer's samples, which are labelled with their step.
#include <doctest.h>

#include <algorithm>  // std::count
#include <cstdio>     // std::remove
#include <fstream>
#include <initializer_list>
#include <string>

#include "data/common/files.h"       // read_file, file_exists
#include "model/gpt2.h"              // gpt2_build_from_descriptor
#include "model/train/checkpoint.h"  // gpt2_save_checkpoint
#include "test/check.h"              // run_train, temp_dir
#include "tokenizer/tokenizer.h"     // Tokenizer, tokenizer_build
#include "tokenizer/vocab_io.h"      // vocab_save

// The lines of s that start with "error: ", joined.
static std::string error_lines(const std::string& s) {
    std::string found;
    for (size_t start = 0, end; start < s.size(); start = end + 1) {
        end = s.find('\n', start);
        if (end == std::string::npos) end = s.size();
        if (s.compare(start, 7, "error: ") == 0) found += s.substr(start, end - start + 1);
    }
    return found;
}

// Fails unless ./train ARGS exits 2 with exactly one error line holding every one of `words`.
static void expect_one_line(const std::string& args, std::initializer_list<const char*> words) {
    Run r = run_train(args);
    INFO("./train " << args << "\n  -> exit " << r.status << ": " << r.output);
    CHECK(r.status == 2);
    std::string line = error_lines(r.output);
    CHECK(std::count(line.begin(), line.end(), '\n') == 1);
    for (const char* w : words) CHECK_MESSAGE(line.find(w) != std::string::npos, w);
}

// Control bytes a terminal would act on: all but newline and tab, and DEL. (Which bytes at or
// above 0x80 may pass, as whole UTF-8 characters, is test_safe_text.cpp's business.)
static int raw_bytes(const std::string& s) {
    int n = 0;
    for (unsigned char c : s) n += (c < 0x20 && c != '\n' && c != '\t') || c == 0x7F;
    return n;
}

// A corpus, and a 300-token vocabulary for it: the 256 bytes, 43 frequent pieces, <|endoftext|>.
static std::string corpus(const std::string& dir) {
    std::string text;
    for (int i = 0; i < 300; i++) text += "To be, or not to be, that is the question: whether 'tis nobler in the mind. ";
    std::ofstream(dir + "/corpus.txt", std::ios::binary) << text;
    return dir + "/corpus.txt";
}
static std::string vocab_300(const std::string& dir) {
    Tokenizer tok;
    for (int b = 0; b < 256; b++) tok.vocab.push_back(std::string(1, (char)b));
    for (const char* s : {"th", "the", " the", "to", " to", "be", " be", "or", " or", "no", "not", " not", "at",
                          "hat", "that", " that", "is", " is", "qu", "que", "ques", "quest", "questi", "questio",
                          "question", " question", "wh", "whe", "wheth", "whether", " whether", "ti", "tis", "nob",
                          "nobl", "noble", "nobler", " nobler", "in", " in", "mi", "mind", " mind"})
        tok.vocab.push_back(s);
    tok.eot = (int)tok.vocab.size();
    tok.specials = {tok.eot};
    tok.vocab.push_back("<|endoftext|>");
    tokenizer_build(tok);
    REQUIRE(tokenizer_vocab_size(tok) == 300);
    vocab_save(tok, dir + "/tok300.vocab");
    return dir + "/tok300.vocab";
}

static const char* TINY = "-e l1h1c16 -b 2 -t 16 -x 2 -v 2 -m 1 -s 0 --threads 1";

TEST_CASE("sample/a run records its tokenizer; sample, fine-tuning and resuming find it") {
    std::string dir = temp_dir("sample-recorded");
    std::string text = corpus(dir), vocab = vocab_300(dir);
    Run run = run_train(std::string(TINY) + " -i " + text + " --tokenizer " + vocab + " -o " + dir + "/run");
    INFO(run.output);
    REQUIRE(run.status == 0);
    // recorded beside the checkpoints: the same vocabulary, in our format
    REQUIRE(file_exists(dir + "/run/tokenizer.vocab"));
    CHECK(read_file(dir + "/run/tokenizer.vocab") == read_file(vocab));
    // sample without --tokenizer decodes as with the run's tokenizer given
    const std::string sample = " --prompt 'To be' -g 40 --seed 5 --threads 1";
    Run found = run_train("sample -e " + dir + "/run/model_best.bin" + sample);
    Run given = run_train("sample -e " + dir + "/run/model_best.bin --tokenizer " + vocab + sample);
    INFO(found.output);
    CHECK(found.status == 0);
    CHECK(given.status == 0);
    CHECK(found.output == given.output);
    CHECK(found.output.rfind("To be", 0) == 0);
    // the bytes tokenizer (the old silent fallback) does not fit: one line, both sizes, the fix
    expect_one_line("sample -e " + dir + "/run/model_best.bin --tokenizer byte",
                    {"tokenizer byte has 256 tokens", "has 300", "--tokenizer FILE"});
    // fine-tuning from the checkpoint finds it too (-n 1: a checkpoint every step), and records it in turn
    const std::string tuned = dir + "/tuned";
    Run tune = run_train(std::string(TINY) + " -n 1 -i " + text + " -e " + dir + "/run/model_best.bin -o " + tuned);
    INFO(tune.output);
    REQUIRE(tune.status == 0);
    CHECK(read_file(tuned + "/tokenizer.vocab") == read_file(vocab));
    expect_one_line(std::string(TINY) + " -i " + text + " -e " + dir + "/run/model_best.bin --tokenizer byte",
                    {"tokenizer byte has 256 tokens", "has 300"});
    // resuming that run (its command line has no --tokenizer) finds it beside the checkpoint: as if
    // killed after step 1, the last pair goes, and the run resumes from step 1
    CHECK(std::remove((tuned + "/state_00000002.bin").c_str()) == 0);
    CHECK(std::remove((tuned + "/model_00000002.bin").c_str()) == 0);
    Run resumed = run_train("-y 1 -o " + tuned);
    INFO(resumed.output);
    CHECK(resumed.status == 0);
    CHECK(resumed.output.find("resumed from " + tuned + "/state_00000001.bin") != std::string::npos);
    CHECK(file_exists(tuned + "/model_00000002.bin"));
}

TEST_CASE("sample/a tokenizer of another size than the model's is one line, never a fallback") {
    std::string dir = temp_dir("sample-mismatch");
    std::string vocab = vocab_300(dir);
    GPT2 model;
    gpt2_build_from_descriptor(model, "l1h1c16", 16, 1024, 1);
    gpt2_save_checkpoint(model, dir + "/v1024.bin");  // nothing recorded beside it
    // none given: bytes by the rule, which do not fit 1024 ids
    expect_one_line("sample -e " + dir + "/v1024.bin --prompt hi -g 5",
                    {"tokenizer byte has 256 tokens but the model " , "v1024.bin has 1024", "--tokenizer FILE"});
    expect_one_line("sample -e " + dir + "/v1024.bin --tokenizer " + vocab, {"has 300 tokens", "has 1024"});
    // and a tokenizer larger than the model
    gpt2_build_from_descriptor(model, "l1h1c16", 16, 256, 1);
    gpt2_save_checkpoint(model, dir + "/v256.bin");
    expect_one_line("sample -e " + dir + "/v256.bin --tokenizer " + vocab, {"has 300 tokens", "has 256"});
    Run fits = run_train("sample -e " + dir + "/v256.bin --prompt hi -g 0");
    CHECK(fits.status == 0);
    CHECK(fits.output == "hi\n");
}

TEST_CASE("sample/a model made larger on purpose (--vocab) samples with its recorded tokenizer, showing every id") {
    std::string dir = temp_dir("sample-larger");
    std::string text = corpus(dir);
    Run run = run_train(std::string(TINY) + " -i " + text + " --vocab 512 -o " + dir + "/run");
    INFO(run.output);
    REQUIRE(run.status == 0);
    // an untrained model of 512 ids picks ids 256..511 about half the time: shown, not dropped
    Run s = run_train("sample -e " + dir + "/run/model_00000002.bin -g 50 --threads 1");
    INFO(s.output);
    CHECK(s.status == 0);
    CHECK(s.output.find("<|id ") != std::string::npos);
    CHECK(s.output.find("\\x") != std::string::npos);  // and bytes 0..255 at random: control bytes shown escaped,
    CHECK(raw_bytes(s.output) == 0);                   // none sent raw
    CHECK(s.output.find("note: tokenizer " + dir + "/run/tokenizer.vocab has 256 tokens for the 512 ids") !=
          std::string::npos);  // allowed, and said
    // given explicitly, bytes do not fit 512 ids without --vocab 512
    expect_one_line("sample -e " + dir + "/run/model_00000002.bin --tokenizer byte", {"has 256 tokens", "has 512"});
    CHECK(run_train(std::string(TINY) + " -i " + text + " -e " + dir + "/run/model_00000002.bin --tokenizer byte --vocab 512")
              .status == 0);
}

TEST_CASE("sample/--prompt seeds the trainer's samples, labelled with their step") {
    std::string dir = temp_dir("sample-prompt");
    std::string text = corpus(dir);
    // the prompt ends in ESC (printf's \033): printed as \x1b, like any byte of a sample
    const std::string prompt = " --prompt \"$(printf 'To be\\033')\"";
    Run run = run_train("-e l1h1c16 -b 2 -t 16 -x 2 -v 0 -s 2 -g 12 --seed 7 --threads 1 -i " + text + " -o " + dir +
                        "/run" + prompt);
    INFO(run.output);
    REQUIRE(run.status == 0);
    // the sample at step 2 is what ./train sample prints from that step's checkpoint with the
    // trainer's seed for it (--seed + step): the prompt, then the same continuation
    Run alone = run_train("sample -e " + dir + "/run/model_00000002.bin -g 12 --seed 9 --threads 1" + prompt);
    INFO(alone.output);
    REQUIRE(alone.status == 0);
    CHECK(alone.output.rfind("To be\\x1b", 0) == 0);
    CHECK(raw_bytes(run.output) == 0);
    CHECK(run.output.find("--- sample at step 2 ---\n" + alone.output + "---\n") != std::string::npos);
}
