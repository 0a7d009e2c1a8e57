// cli.cpp: `./train tokenizer ...`, the command line of the tokenizer (argv[0] == "tokenizer").
//   encode  --tokenizer gpt2|byte|FILE [--allow-special]   text on stdin  -> ids on stdout
//   decode  --tokenizer gpt2|byte|FILE                     ids on stdin   -> text on stdout
//   train   --input corpus.txt --vocab-size 4096 [--special S] --out tok.bin|tok.vocab
//   convert --tokenizer gpt2|FILE --out FILE               e.g. GPT-2's files -> llm.c's gpt2_tokenizer.bin
// Encode and decode stream: stdin is read in blocks, so inputs larger than memory work.
#include <chrono>   // timing of train
#include <cstdio>   // stdin, stdout
#include <cstdlib>  // strtol
#include <cstring>  // strcmp

#include "data/common/files.h"  // Error, UsageError
#include "tokenizer/bpe_train.h"      // bpe_count_file, bpe_train
#include "tokenizer/tokenizer.h"
#include "tokenizer/vocab_io.h"       // vocab_save

// ----------------------------------------------------------------------------
// flags

static const char* USAGE =
    "usage: ./train tokenizer COMMAND [flags]\n"
    "  encode  [--tokenizer T] [--allow-special]  read text on stdin, print ids separated by spaces\n"
    "  decode  [--tokenizer T]                    read ids on stdin, print the text\n"
    "  train   --input FILE [--vocab-size N] [--special S] --out FILE   learn a byte-level BPE vocabulary\n"
    "  convert [--tokenizer T] --out FILE         write a vocabulary in another format\n"
    "flags:\n"
    "  --tokenizer T     byte | gpt2 | a vocabulary file (ours, or llm.c's gpt2_tokenizer.bin)  [gpt2]\n"
    "  --allow-special   <|endoftext|> in the text becomes its id instead of plain text\n"
    "  --input FILE      the training corpus (any size; streamed)\n"
    "  --vocab-size N    total vocabulary: 256 bytes + merges + special tokens  [4096]\n"
    "  --special S       train: one more special token after <|endoftext|> (repeatable)\n"
    "  --out FILE        FILE.bin: llm.c's gpt2_tokenizer.bin format; any other name: our text format\n";

struct CliArgs {
    std::string command, tokenizer = "gpt2", input, out;
    bool allow_special = false;
    int vocab_size = 4096;
    std::vector<std::string> specials = {"<|endoftext|>"};
};

static CliArgs parse(int argc, char** argv) {
    CliArgs a;
    if (argc < 2) throw UsageError(std::string("tokenizer: missing command\n") + USAGE);
    a.command = argv[1];
    for (int i = 2; i < argc; i++) {
        std::string flag = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) throw UsageError("tokenizer: " + flag + " needs a value");
            return argv[++i];
        };
        if (flag == "--tokenizer") a.tokenizer = value();
        else if (flag == "--allow-special") a.allow_special = true;
        else if (flag == "--input") a.input = value();
        else if (flag == "--out") a.out = value();
        else if (flag == "--special") {
            std::string sp = value();
            if (sp.empty() || sp.find_first_of(" \t\r\n") != std::string::npos)
                throw UsageError("--special '" + sp + "': must be non-empty and hold no white space");
            a.specials.push_back(sp);
        }
        else if (flag == "--vocab-size") {
            std::string v = value();
            char* end;
            long n = std::strtol(v.c_str(), &end, 10);
            if (*end || n < 257 || n > (1L << 24)) throw UsageError("--vocab-size " + v + ": expected 257..16777216");
            a.vocab_size = (int)n;
        } else throw UsageError("tokenizer " + a.command + ": unknown flag " + flag + "\n" + USAGE);
    }
    return a;
}

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

int tokenizer_main(int argc, char** argv) {
    if (argc >= 2 && (!std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h"))) {
        std::fputs(USAGE, stdout);
        return 0;
    }
    CliArgs a = parse(argc, argv);
    if (a.command == "encode") cmd_encode(a);
    else if (a.command == "decode") cmd_decode(a);
    else if (a.command == "train") cmd_train(a);
    else if (a.command == "convert") cmd_convert(a);
    else throw UsageError("tokenizer: unknown command '" + a.command + "'\n" + USAGE);
    if (std::fflush(stdout) != 0 || std::ferror(stdout)) throw Error("stdout: write failed (disk full or closed pipe?)");
    return 0;
}
