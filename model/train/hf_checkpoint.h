// hf_checkpoint.h: GPT-2 in Hugging Face's layout, read and written: a directory holding
// model.safetensors (safetensors.h) and config.json, as every GPT-2 on the Hub and
// GPT2LMHeadModel.save_pretrained(dir) have it. This file knows GPT-2's names and layout;
// the file format is safetensors.h's. Differences from llm.c's layout (checkpoint.h):
//  - names: transformer.h.N.attn.c_attn.weight ... (the "transformer." prefix optional on load);
//  - GPT-2's Conv1D stores a linear layer's weight as (in, out), the transpose of nn.Linear's
//    (out, in) that llm.c and this project keep: the four matrices per block are transposed here;
//  - wte has V rows (we pad to Vp with zeros); lm_head.weight is wte (tied), so it is not written,
//    and on load it must equal wte; the causal-mask buffers attn.bias / attn.masked_bias that
//    older files carry are not parameters and are ignored.
// Every malformed input is an Error naming the file and the tensor.
#pragma once
#include <string>
#include <vector>

#include "model/config.h"  // GPT2Config

// Whether -e PATH names Hugging Face's format: a directory, or a file ending in .safetensors.
bool hf_is_checkpoint(const std::string& path);
// The configuration in config.json (beside PATH, or in the directory PATH).
GPT2Config hf_read_config(const std::string& path);
// Config and params (llm.c's layout, parameter_table order, wte padded to Vp with zero rows).
void hf_load(const std::string& path, GPT2Config& config, std::vector<float>& params);
// Writes DIR/model.safetensors (fp32, "transformer."-prefixed names) and DIR/config.json;
// eot: the <|endoftext|> id written as bos/eos_token_id (-1: none).
void hf_save(const std::string& dir, const GPT2Config& config, const float* params, int eot);
