// export.h: `./train export --hf DIR -e CHECKPOINT`, a trained model handed to Hugging Face's world.
// Writes DIR/model.safetensors + DIR/config.json (model/train/hf_checkpoint.h), and the tokenizer
// as DIR/vocab.json + DIR/merges.txt when GPT-2's tokenizer files can hold it (GPT-2's own, or a
// byte-level BPE trained here), so that in Python
//     transformers.GPT2LMHeadModel.from_pretrained(DIR)
// loads it with no missing or unexpected keys. -e is any checkpoint ./train reads (llm.c's .bin or
// a Hugging Face directory). The trainer's --export-hf DIR calls export_hf at the end of a run.
#pragma once
#include <string>

#include "model/gpt2.h"           // GPT2
#include "tokenizer/tokenizer.h"  // Tokenizer

// Writes the model (and the tokenizer, when given and expressible; else a note on stderr says why
// not) into dir.
void export_hf(const GPT2& model, const Tokenizer* tok, const std::string& dir);

// `./train export ...`: its flags and what runs them (data/common/flags.h).
struct Command;
Command export_command();
