// checkpoint.h: reading and writing model weights in llm.c's fp32 checkpoint format,
// so a gpt2_124M.bin made by llm.c's train_gpt2.py loads here as is, and ours load there.
// Layout: llm.c's header of 256 int32 (data/common/binary_header.h), slots by name:
//   MAGIC = 20240326   VERSION = 3   MODEL_SLOT_MAX_SEQ_LEN = maxT   MODEL_SLOT_VOCAB = V
//   MODEL_SLOT_LAYERS = L   MODEL_SLOT_HEADS = NH   MODEL_SLOT_CHANNELS = C   MODEL_SLOT_PADDED_VOCAB = Vp
//   HEADER_SLOT_CHECKSUMS/_BODY_CRC/_HEADER_CRC (253..255): CRC-32s of the floats and of the header
//   (binary_header.h; llm.c never reads them, and its files, without them, load here unchecked)
//   every other slot 0
// then every parameter as float32 in the order of parameter_table() (tensors.h), wte with Vp rows.
// Every malformed or damaged file is an Error naming the file and the problem; nothing is half-loaded.
#pragma once
#include <cstdint>  // uint32_t, int64_t
#include <string>
#include <vector>

#include "model/config.h"
#include "model/gpt2.h"  // GPT2

constexpr int MODEL_MAGIC = 20240326;
constexpr int MODEL_VERSION = 3;        // fp32 with padded vocabulary (llm.c's version 5 is bf16)
// the header slots, by name (0 and 1 are magic and version)
enum ModelSlot {
    MODEL_SLOT_MAX_SEQ_LEN = 2, MODEL_SLOT_VOCAB = 3, MODEL_SLOT_LAYERS = 4, MODEL_SLOT_HEADS = 5,
    MODEL_SLOT_CHANNELS = 6, MODEL_SLOT_PADDED_VOCAB = 7,
};

// Reads and checks the header; returns the configuration it describes. A directory or a
// .safetensors file is Hugging Face's format instead (hf_checkpoint.h): its config.json.
GPT2Config checkpoint_read_config(const std::string& path);
// Reads the whole checkpoint: config and params (sized to the parameter count).
void checkpoint_load(const std::string& path, GPT2Config& config, std::vector<float>& params);
// Writes atomically (data/common/files.h's AtomicFile): the previous file survives any failure.
// Returns the file's checksum (checkpoint_checksum), which a run state records to name its model file.
uint32_t checkpoint_save(const std::string& path, const GPT2Config& config, const float* params, size_t num_parameters);
// What names one checkpoint file exactly: the CRC-32 of its header (which holds its sizes and the
// CRC-32 of its floats), read from the header alone. -1 for a file without checksums (llm.c's).
int64_t checkpoint_checksum(const std::string& path);

// The model of an llm.c-format checkpoint, or of a Hugging Face directory / .safetensors file
// (hf_checkpoint.h): config and parameters. Throws Error naming the file.
void gpt2_build_from_checkpoint(GPT2& model, const std::string& path);
// Writes the model's parameters as an llm.c checkpoint, atomically; returns its checkpoint_checksum.
uint32_t gpt2_save_checkpoint(const GPT2& model, const std::string& path);
