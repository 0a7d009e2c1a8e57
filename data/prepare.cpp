// prepare.cpp: text -> token shards. See prepare.h.
// Reading order: list the inputs, check the manifest (cached?), then stream chunks
// -> tokenize a round in parallel -> append to the train or val shard writer.
#include "data/prepare.h"

#include <chrono>      // steady_clock, for the summary
#include <climits>     // INT32_MAX
#include <cmath>       // llround, floor
#include <cstdio>      // printf, FILE
#include <cstring>     // strlen
#include <dirent.h>    // opendir, readdir
#include <glob.h>      // glob: stale shards to remove
#include <sys/stat.h>  // stat: sizes, mtimes, directories
#include <algorithm>   // sort
#include <memory>      // make_shared: the options a Command owns

#include "data/common/files.h"  // Error, UsageError, AtomicFile, make_dir, read_file
#include "data/common/flags.h"  // Command, flag: the command line
#include "data/corpus.h"         // corpus_path: the default input
#include "data/shard.h"          // write_shard, read_shard_header
#include "tokenizer/pretokenize.h"  // pretokenize_read_chunks, pretokenize_next_cut: where text may be cut

static const size_t CHUNK_BYTES = 1 << 20;  // text read and tokenized per chunk (about)
static const size_t ROUND_CHUNKS = 16;      // chunks tokenized in parallel per round

// ----------------------------------------------------------------------------
// inputs and the manifest

struct InputFile {
    std::string path;
    size_t size = 0;
    long long mtime_ns = 0;
};

static InputFile stat_file(const std::string& path) {
    struct stat st;
    if (stat(path.c_str(), &st) != 0) throw Error(path + ": no such file or directory");
    // a FIFO would block the read, a device never end (issue 16): refused before any work
    if (!S_ISREG(st.st_mode)) throw Error(path + ": not a regular file (a device, FIFO or directory)");
    InputFile f;
    f.path = path;
    f.size = (size_t)st.st_size;
    f.mtime_ns = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
    return f;
}

static bool is_dir(const std::string& path) {
    struct stat st;
    return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_regular(const std::string& path) {
    struct stat st;
    return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// A file, or the regular non-hidden files of a directory (not recursive), sorted by name; the
// directory's other entries (subdirectories, FIFOs, devices, sockets) are skipped, each said unless quiet.
static std::vector<InputFile> list_inputs(const std::string& input, bool quiet) {
    std::vector<InputFile> files;
    if (!is_dir(input)) {
        files.push_back(stat_file(input));
        return files;
    }
    DIR* d = opendir(input.c_str());
    if (!d) throw Error(input + ": cannot list directory");
    std::vector<std::string> names;
    while (dirent* e = readdir(d))
        if (e->d_name[0] != '.') names.push_back(e->d_name);
    closedir(d);
    std::sort(names.begin(), names.end());
    for (const std::string& n : names) {
        std::string path = input + "/" + n;
        if (is_regular(path)) files.push_back(stat_file(path));
        else if (!quiet && !is_dir(path)) std::printf("prepare: skipped %s (not a regular file)\n", path.c_str());
    }
    if (files.empty()) throw Error(input + ": no regular files in this directory");
    return files;
}

// Everything the shards depend on, one item a line; a finished run appends its shard list.
static std::string manifest_settings(const PrepareOptions& opt, const Tokenizer& tok,
                                     const std::vector<InputFile>& inputs) {
    char line[512];
    std::string s = "scratchgpt-prepare 1\n";
    s += "tokenizer " + opt.tokenizer + " name " + tok.name + " vocab " + std::to_string(tokenizer_vocab_size(tok)) +
         " eot " + std::to_string(tok.eot) + "\n";
    if (!is_dir(opt.tokenizer) && opt.tokenizer != "byte" && opt.tokenizer != "gpt2" && file_exists(opt.tokenizer)) {
        InputFile t = stat_file(opt.tokenizer);  // a trained tokenizer file: retrained means stale
        s += "tokenizer_file " + std::to_string(t.size) + " " + std::to_string(t.mtime_ns) + "\n";
    }
    std::snprintf(line, sizeof line, "val_fraction %.17g shard_tokens %zu\n", opt.val_fraction, opt.shard_tokens);
    s += line;
    for (const InputFile& f : inputs)
        s += "input " + std::to_string(f.size) + " " + std::to_string(f.mtime_ns) + " " + f.path + "\n";
    return s;
}

std::string prepare_tokenizer_of(const std::string& shard) {
    size_t cut = shard.rfind("_train_");
    if (cut == std::string::npos) cut = shard.rfind("_val_");
    const std::string manifest = cut == std::string::npos ? "" : shard.substr(0, cut) + ".prepare";
    if (manifest.empty() || !file_exists(manifest)) return "";
    // the line manifest_settings writes: "tokenizer SPEC name ..."
    const std::string text = read_file(manifest);
    const size_t at = text.find("\ntokenizer ");
    if (at == std::string::npos) return "";
    const size_t start = at + std::strlen("\ntokenizer "), end = text.find(' ', start);
    return end == std::string::npos ? "" : text.substr(start, end - start);
}

// Removes earlier shards of this NAME (and leftover .tmp files) so a glob never mixes two runs.
static void remove_old_shards(const std::string& prefix) {
    for (const char* suffix : {"_train_*.bin", "_val_*.bin", "_*.bin.tmp"}) {
        glob_t g;
        if (glob((prefix + suffix).c_str(), 0, nullptr, &g) == 0)
            for (size_t i = 0; i < g.gl_pathc; i++) std::remove(g.gl_pathv[i]);
        globfree(&g);
    }
}

// ----------------------------------------------------------------------------
// shard writers, one per split

enum Split { TRAIN = 0, VAL = 1 };

struct ShardWriter {
    std::string prefix;             // out_dir/NAME_train_ or ..._val_
    std::vector<uint16_t> tokens;   // (< shard_tokens) not yet written
    std::vector<std::string> paths; // shards written
    size_t total = 0;               // tokens written
};

// Writes whole shards while the buffer holds at least `at_least` tokens (1 at the end: the rest).
static void flush(ShardWriter& w, const Tokenizer& tok, size_t shard_tokens, size_t at_least, bool quiet) {
    while (!w.tokens.empty() && w.tokens.size() >= at_least) {
        size_t n = std::min(shard_tokens, w.tokens.size());
        size_t bytes = tokenizer_text_bytes(tok, w.tokens.data(), n);  // the text they stand for
        char index[16];
        std::snprintf(index, sizeof index, "%06zu", w.paths.size());
        std::string path = w.prefix + index + ".bin";
        write_shard(path, w.tokens.data(), n, tokenizer_vocab_size(tok), bytes);
        if (!quiet) std::printf("prepare: wrote %s (%zu tokens)\n", path.c_str(), n);
        w.paths.push_back(path);
        w.total += n;
        w.tokens.erase(w.tokens.begin(), w.tokens.begin() + n);
    }
    if (at_least == 1) std::vector<uint16_t>().swap(w.tokens);  // this split is done: free its buffer
}

struct Chunk {
    std::string text;
    Split split = TRAIN;
    bool doc_start = false;         // first chunk of a file: preceded by <|endoftext|>
    std::vector<uint16_t> tokens;   // filled by encode_round
};

// Tokenizes the round's chunks in parallel (each writes only its own chunk), then appends
// them in order, so the shards do not depend on the thread count.
static void encode_round(std::vector<Chunk>& round, const Tokenizer& tok, ShardWriter* writers,
                         size_t shard_tokens, bool quiet) {
    int n = (int)round.size();
    std::string bad;  // first error message, if any (no exception may leave an OpenMP region)
#pragma omp parallel for schedule(dynamic)
    for (int i = 0; i < n; i++) {
        std::vector<int> ids = tokenizer_encode(tok, round[i].text, true);
        std::vector<uint16_t>& out = round[i].tokens;
        out.reserve(ids.size() + 1);
        if (round[i].doc_start && tok.eot >= 0) out.push_back((uint16_t)tok.eot);
        for (int id : ids) {
            if (id < 0 || id >= SHARD_MAX_VOCAB) {
#pragma omp critical
                bad = "tokenizer " + tok.name + ": id " + std::to_string(id) + " does not fit a uint16 shard";
                break;
            }
            out.push_back((uint16_t)id);
        }
    }
    if (!bad.empty()) throw Error(bad);
    for (Chunk& c : round) {
        // the text is train then val: at the switch, the last train shard is complete, and
        // writing it now keeps one buffer in memory, not two
        if (c.split == VAL) flush(writers[TRAIN], tok, shard_tokens, 1, quiet);
        ShardWriter& w = writers[c.split];
        w.tokens.insert(w.tokens.end(), c.tokens.begin(), c.tokens.end());
        flush(w, tok, shard_tokens, shard_tokens, quiet);
    }
    round.clear();
}

// ----------------------------------------------------------------------------
// prepare

static std::string number(double x) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", x);
    return buf;
}

static std::string default_name(const std::string& input) {
    std::string base = input;
    while (base.size() > 1 && base.back() == '/') base.pop_back();
    base = base.substr(base.find_last_of('/') + 1);
    size_t dot = base.find_last_of('.');
    if (dot != std::string::npos && dot > 0) base = base.substr(0, dot);
    return base.empty() ? "data" : base;
}

PrepareResult prepare(const PrepareOptions& given, const Tokenizer& tok) {
    PrepareOptions opt = given;
    if (opt.input.empty()) {
        opt.input = corpus_path();
        if (opt.name.empty()) opt.name = "tinyshakespeare";
    }
    if (opt.name.empty()) opt.name = default_name(opt.input);
    if (!(opt.val_fraction >= 0 && opt.val_fraction < 1))
        throw UsageError("--val-fraction " + number(opt.val_fraction) + ": must be in [0, 1)");
    if (opt.shard_tokens == 0 || opt.shard_tokens > (size_t)INT32_MAX)
        throw UsageError("--shard-tokens " + std::to_string(opt.shard_tokens) + ": must be in 1..2^31-1");
    if (tokenizer_vocab_size(tok) > SHARD_MAX_VOCAB)
        throw Error("tokenizer " + tok.name + ": " + std::to_string(tokenizer_vocab_size(tok)) +
                    " tokens do not fit the uint16 ids of a shard");
    std::vector<InputFile> inputs = list_inputs(opt.input, opt.quiet);
    PrepareResult res;
    for (const InputFile& f : inputs) res.bytes += f.size;

    // cached: the manifest of a finished run with these settings, and its shards all there
    std::string prefix = opt.out_dir + "/" + opt.name;
    std::string manifest = prefix + ".prepare", settings = manifest_settings(opt, tok, inputs);
    if (file_exists(manifest)) {
        std::string old = read_file(manifest);
        if (old.compare(0, settings.size(), settings) == 0) {
            res.cached = true;
            size_t p = settings.size();
            while (p < old.size()) {  // "train PATH" / "val PATH" lines
                size_t nl = old.find('\n', p), sp = old.find(' ', p);
                if (nl == std::string::npos || sp > nl) { res.cached = false; break; }
                std::string kind = old.substr(p, sp - p), path = old.substr(sp + 1, nl - sp - 1);
                size_t count = 0;
                try {
                    count = read_shard_header(path).num_tokens;
                } catch (const Error&) {  // lost or damaged since: make it again
                    res.cached = false;
                    break;
                }
                (kind == "val" ? res.val : res.train).push_back(path);
                (kind == "val" ? res.val_tokens : res.train_tokens) += count;
                p = nl + 1;
            }
            if (res.cached) {
                if (!opt.quiet)
                    std::printf("prepare: %s: cached (%zu train + %zu val tokens; delete %s to redo)\n",
                                prefix.c_str(), res.train_tokens, res.val_tokens, manifest.c_str());
                return res;
            }
            res = PrepareResult();
            for (const InputFile& f : inputs) res.bytes += f.size;
        }
    }
    make_dir(opt.out_dir);
    std::remove(manifest.c_str());  // first: an interrupted run must not look finished
    remove_old_shards(prefix);
    auto t0 = std::chrono::steady_clock::now();

    // stream: chunks of about CHUNK_BYTES, cut where the tokens are those of the whole text
    // (pretokenize.h's rule), so the shards do not depend on where the chunks end
    ShardWriter writers[2];
    writers[TRAIN].prefix = prefix + "_train_";
    writers[VAL].prefix = prefix + "_val_";
    size_t val_start = res.bytes - (size_t)std::llround(opt.val_fraction * (double)res.bytes);  // first val byte
    Split split = TRAIN;
    size_t pos = 0;  // global offset of the first byte not yet in a chunk
    std::vector<Chunk> round;
    auto emit = [&](std::string text, Split s, bool& doc_start) {
        if (text.empty()) return;
        round.push_back(Chunk{std::move(text), s, doc_start, {}});
        doc_start = false;
        if (round.size() == ROUND_CHUNKS) encode_round(round, tok, writers, opt.shard_tokens, opt.quiet);
    };
    for (const InputFile& in : inputs) {
        File f(in.path);  // closed on a throw too
        bool doc_start = true;
        pretokenize_read_chunks(f.get(), in.path, CHUNK_BYTES, [&](std::string& text) {
            size_t end = text.size();
            if (split == TRAIN && pos + end > val_start) {
                // the split rule: the first cut at or after val_start (the chunk's end if none)
                size_t q = val_start > pos ? pretokenize_next_cut(text.data(), end, val_start - pos) : 0;
                emit(text.substr(0, q), TRAIN, doc_start);
                split = VAL;
                emit(text.substr(q), VAL, doc_start);
            } else {
                emit(std::move(text), split, doc_start);
            }
            pos += end;
        });
    }
    encode_round(round, tok, writers, opt.shard_tokens, opt.quiet);
    for (ShardWriter& w : writers) flush(w, tok, opt.shard_tokens, 1, opt.quiet);

    // finished: the manifest last, so only a complete run is ever reused
    std::string text = settings;
    for (const std::string& p : writers[TRAIN].paths) text += "train " + p + "\n";
    for (const std::string& p : writers[VAL].paths) text += "val " + p + "\n";
    AtomicFile mf(manifest);
    mf.write(text.data(), text.size());
    mf.commit();
    res.train = writers[TRAIN].paths;
    res.val = writers[VAL].paths;
    res.train_tokens = writers[TRAIN].total;
    res.val_tokens = writers[VAL].total;
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    size_t tokens = res.train_tokens + res.val_tokens;
    if (!opt.quiet)
        std::printf("prepare: %s: %zu bytes -> %zu train + %zu val tokens (%.3f bytes/token) in %.2f s\n",
                    prefix.c_str(), res.bytes, res.train_tokens, res.val_tokens,
                    tokens ? (double)res.bytes / (double)tokens : 0.0, secs);
    return res;
}

// ----------------------------------------------------------------------------
// the command line

// The flags' variables; they live as long as the command: the flags point into them, run reads them.
struct PrepareArgs {
    PrepareOptions opt;
    int64_t shard_tokens = (int64_t)PrepareOptions().shard_tokens;  // a size_t there; flags hold int64_t
};

Command prepare_command() {
    auto a = std::make_shared<PrepareArgs>();
    a->opt.tokenizer = "";  // none given: tokenizer_spec_for's rule
    Command cmd{"prepare",
        "usage: ./train prepare [-i INPUT] [-o OUTDIR] [flags]\n"
        "Tokenizes text into llm.c token shards OUTDIR/NAME_{train,val}_NNNNNN.bin (skipped if already done).\n"
        "INPUT defaults to Tiny Shakespeare, from $SCRATCHGPT_DATA, ../shared/data/ or cache/ (`make data`).\n"};
    cmd.flags = {
        flag("-i", "--input", &a->opt.input, "a text file or a directory of them (none: Tiny Shakespeare)"),
        flag("-o", "--out-dir", &a->opt.out_dir, "output directory"),
        flag(nullptr, "--name", &a->opt.name, "shard name prefix (none: the input's file name)"),
        flag(nullptr, "--tokenizer", &a->opt.tokenizer, "byte, gpt2, or a vocabulary file (none: byte)"),
        flag(nullptr, "--val-fraction", &a->opt.val_fraction, 0, 1, "the last this fraction of the text is validation, < 1"),
        flag(nullptr, "--shard-tokens", &a->shard_tokens, 1, INT32_MAX, "at most this many tokens per shard"),
    };
    cmd.run = [a] {
        PrepareOptions opt = a->opt;
        opt.shard_tokens = (size_t)a->shard_tokens;
        opt.tokenizer = tokenizer_spec_for(opt.tokenizer, 0);  // no model: bytes unless asked
        Tokenizer tok;
        tokenizer_load(tok, opt.tokenizer);
        prepare(opt, tok);
        return 0;
    };
    return cmd;
}
