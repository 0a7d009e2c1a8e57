// export.cpp: `./train export --hf DIR -e CHECKPOINT`. See export.h.
#include "model/cli/export.h"

#include <cstdio>  // printf, remove
#include <memory>  // make_shared: the options a Command owns

#include "data/common/flags.h"          // Command, flag
#include "data/common/files.h"          // UsageError, make_dir
#include "model/train/checkpoint.h"     // gpt2_build_from_checkpoint
#include "model/train/hf_checkpoint.h"  // hf_save
#include "tokenizer/vocab_gpt2.h"       // vocab_save_hf

void export_hf(const GPT2& model, const Tokenizer* tok, const std::string& dir) {
    make_dir(dir);
    hf_save(dir, model.config, model.params_memory.data(), tok ? tok->eot : -1);
    std::string with = "";
    if (tok) try {
        vocab_save_hf(*tok, dir);
        with = " + vocab.json + merges.txt";
    } catch (const Error& e) {  // the weights are still useful without the tokenizer: said, not fatal
        std::fprintf(stderr, "note: tokenizer not exported: %s\n", e.what());
    }
    if (with.empty())  // subtle: an earlier export's tokenizer files must not pass for this model's
        for (const char* name : {"/vocab.json", "/merges.txt"}) std::remove((dir + name).c_str());
    std::printf("exported %s/model.safetensors + config.json%s (load: GPT2LMHeadModel.from_pretrained(\"%s\"))\n",
                dir.c_str(), with.c_str(), dir.c_str());
}

struct ExportOptions {
    std::string model;      // -e  the checkpoint
    std::string hf_dir;     // --hf  the directory to write
    std::string tokenizer;  // --tokenizer (none: tokenizer_spec_for's rule)
};

Command export_command() {
    auto o = std::make_shared<ExportOptions>();  // lives as long as the command: flags point into it
    Command cmd{"export", "usage: ./train export --hf DIR -e CHECKPOINT [flags]   write Hugging Face's model.safetensors + config.json\n"};
    cmd.flags = {
        flag(nullptr, "--hf", &o->hf_dir, "the directory to write (made if missing; its files are replaced)"),
        flag("-e", "--model", &o->model, "the checkpoint to export (llm.c's .bin, or a Hugging Face directory)"),
        flag(nullptr, "--tokenizer", &o->tokenizer, "the tokenizer to write as vocab.json + merges.txt (none: as ./train sample picks it; written when GPT-2's files can hold it)"),
    };
    cmd.run = [o] {
        if (o->model.empty()) throw UsageError("-e CHECKPOINT is required (see ./train export --help)");
        if (o->hf_dir.empty()) throw UsageError("--hf DIR is required (see ./train export --help)");
        GPT2 model;
        gpt2_build_from_checkpoint(model, o->model);
        // the tokenizer by the one rule: --tokenizer, else the run's (beside the checkpoint), else by
        // the vocabulary size; optional unless --tokenizer names it (the weights are useful alone)
        Tokenizer tok;
        try {
            tokenizer_load_for_model(tok, o->tokenizer, model.config.vocab_size, o->model, /*larger_on_purpose=*/false);
        } catch (const std::exception& e) {
            if (!o->tokenizer.empty()) throw;
            std::fprintf(stderr, "note: no tokenizer exported (%s)\n", e.what());
            export_hf(model, nullptr, o->hf_dir);
            return 0;
        }
        export_hf(model, &tok, o->hf_dir);
        return 0;
    };
    return cmd;
}
