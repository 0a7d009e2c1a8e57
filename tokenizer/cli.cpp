// cli.cpp: `./train tokenizer COMMAND ...`, the command line of the tokenizer.
//   encode  --tokenizer byte|gpt2|FILE [--allow-special]   text on stdin  -> ids on stdout
//   decode  --tokenizer byte|gpt2|FILE                     ids on stdin   -> text on stdout
//   train   --input corpus.txt --vocab-size 4096 [--special S] --out tok.bin|tok.vocab
//   convert --tokenizer gpt2|FILE --out FILE               e.g. GPT-2's files -> llm.c's gpt2_tokenizer.bin
// Encode and decode stream: stdin is read in blocks, so inputs larger than memory work.
#include <chrono>   // timing of train
#include <cstdio>   // stdin, stdout
#include <cstdlib>  // strtol
#include <memory>   // make_shared: the options a Command owns

#include "data/common/files.h"  // Error, UsageError
#include "data/common/flags.h"  // Command, flag
#include "tokenizer/bpe_train.h"      // bpe_count_file, bpe_train
#include "tokenizer/tokenizer.h"
#include "tokenizer/vocab_io.h"       // vocab_save

// what `./train tokenizer --help` prints above its flags
static const char* USAGE =
    "usage: ./train tokenizer COMMAND [flags]\n"
    "  encode   read text on stdin, print ids separated by spaces   [--tokenizer T] [--allow-special]\n"
    "  decode   read ids on stdin, print the text                    [--tokenizer T]\n"
    "  train    learn a byte-level BPE vocabulary   --input FILE [--vocab-size N] [--special S] --out FILE\n"
    "  convert  write a vocabulary in another format                 [--tokenizer T] --out FILE\n";

// ----------------------------------------------------------------------------
// flags

struct CliArgs {
    std::vector<std::string> words;           // the COMMAND
    std::string command, tokenizer, input, out;
    bool allow_special = false;
    int vocab_size = 4096;
    std::vector<std::string> specials;         // after <|endoftext|>, which is always the first
};

// ----------------------------------------------------------------------------
// commands

// stdin -> ids on stdout, streamed block by block
static void cmd_encode(const CliArgs& a) {
    Tokenizer tok;
    tokenizer_load(tok, a.tokenizer);
    bool first = true;
    std::string line;
    tokenizer_encode_stream(tok, stdin, "stdin", a.allow_special, [&](const std::vector<int>& ids) {
        line.clear();
        for (int id : ids) {
            if (!first) line += ' ';
            line += std::to_string(id);
            first = false;
        }
        std::fwrite(line.data(), 1, line.size(), stdout);
    });
    std::fputc('\n', stdout);
}

// ids on stdin -> text on stdout
static void cmd_decode(const CliArgs& a) {
    Tokenizer tok;
    tokenizer_load(tok, a.tokenizer);
    std::vector<int> ids;
    std::string word;
    auto flush = [&] {
        std::string text = tokenizer_decode(tok, ids.data(), ids.size());
        std::fwrite(text.data(), 1, text.size(), stdout);
        ids.clear();
    };
    int c;
    while (true) {
        c = std::fgetc(stdin);
        if (c == EOF || c == ' ' || c == '\n' || c == '\t' || c == '\r') {
            if (!word.empty()) {
                char* end;
                long id = std::strtol(word.c_str(), &end, 10);
                if (*end || id < 0 || id > (1L << 30)) throw Error("stdin: '" + word + "' is not a token id");
                ids.push_back((int)id);
                word.clear();
                if (ids.size() >= ((size_t)1 << 16)) flush();
            }
            if (c == EOF) break;
        } else {
            word += (char)c;
        }
    }
    flush();
}

static void cmd_train(const CliArgs& a) {
    if (a.input.empty() || a.out.empty()) throw UsageError("tokenizer train: needs --input FILE and --out FILE");
    auto t0 = std::chrono::steady_clock::now();
    BpeTrainOptions opt;
    opt.vocab_size = a.vocab_size;
    opt.specials = a.specials;
    opt.verbose = true;
    WordCounts counts;
    bpe_count_file(a.input, opt.specials, counts);
    double t_count = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::fprintf(stderr, "train: %s: %zu distinct pieces in %.2fs\n", a.input.c_str(), counts.size(), t_count);
    Tokenizer tok;
    bpe_train(tok, counts, opt);
    vocab_save(tok, a.out);
    double t_all = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("trained %d tokens (%d merges) from %s in %.2fs -> %s\n", tokenizer_vocab_size(tok),
                tokenizer_vocab_size(tok) - 256 - (int)tok.specials.size(), a.input.c_str(), t_all, a.out.c_str());
}

static void cmd_convert(const CliArgs& a) {
    if (a.out.empty()) throw UsageError("tokenizer convert: needs --out FILE");
    Tokenizer tok;
    tokenizer_load(tok, a.tokenizer);
    vocab_save(tok, a.out);
    std::printf("wrote %s (%d tokens, eot %d)\n", a.out.c_str(), tokenizer_vocab_size(tok), tok.eot);
}

static int run(CliArgs& a) {
    if (a.words.size() != 1) throw UsageError("tokenizer: give one COMMAND: encode, decode, train or convert (see ./train tokenizer --help)");
    a.command = a.words[0];
    a.tokenizer = tokenizer_spec_for(a.tokenizer, 0);  // no model: bytes unless asked
    for (const std::string& sp : a.specials)
        if (sp.empty() || sp.find_first_of(" \t\r\n") != std::string::npos)
            throw UsageError("--special '" + sp + "': must be non-empty and hold no white space");
    a.specials.insert(a.specials.begin(), "<|endoftext|>");
    if (a.command == "encode") cmd_encode(a);
    else if (a.command == "decode") cmd_decode(a);
    else if (a.command == "train") cmd_train(a);
    else if (a.command == "convert") cmd_convert(a);
    else throw UsageError("tokenizer: unknown command '" + a.command + "' (see ./train tokenizer --help)");
    if (std::fflush(stdout) != 0 || std::ferror(stdout)) throw Error("stdout: write failed (disk full or closed pipe?)");
    return 0;
}

Command tokenizer_command() {
    auto a = std::make_shared<CliArgs>();  // lives as long as the command: flags point into it
    Command cmd{"tokenizer", USAGE};
    cmd.words = &a->words;
    cmd.flags = {
        flag(nullptr, "--tokenizer", &a->tokenizer, "byte, gpt2, or a vocabulary file, ours or llm.c's (none: byte)"),
        flag(nullptr, "--allow-special", &a->allow_special, "<|endoftext|> in the text becomes its id, not plain text"),
        flag(nullptr, "--input", &a->input, "train: the corpus (any size; streamed)"),
        flag(nullptr, "--vocab-size", &a->vocab_size, 257, 1 << 24, "train: 256 bytes + merges + special tokens"),
        flag(nullptr, "--special", &a->specials, "train: one more special token after <|endoftext|> (repeatable)"),
        flag(nullptr, "--out", &a->out, "FILE.bin: llm.c's gpt2_tokenizer.bin format; other names: our text format"),
    };
    cmd.run = [a] { return run(*a); };
    return cmd;
}
