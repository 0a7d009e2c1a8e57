// safetensors.h: Hugging Face's tensor file format, read (memory-mapped) and written.
// A .safetensors file is: 8 bytes, the header's length N as a little-endian uint64; N bytes of
// JSON, {"NAME": {"dtype": "F32", "shape": [768, 2304], "data_offsets": [BEGIN, END]}, ...,
// "__metadata__": {"format": "pt"}} (padded with spaces); then the data section, each tensor's
// bytes row-major and little-endian at [BEGIN, END) counted from the section's start, the
// tensors covering it with no gap or overlap. Nothing here is GPT-2 (hf_checkpoint.h is).
// Every offset is checked against the file's size before anything is read; every malformed file
// is an Error naming the file (and the tensor). Spec: https://github.com/huggingface/safetensors
// ("Format"), and https://huggingface.co/docs/safetensors.
#pragma once
#include <cstddef>  // size_t
#include <cstdint>  // uint8_t
#include <map>
#include <string>
#include <vector>

#include "data/common/files.h"  // AtomicFile, open_regular_file

// The element types read here, each converted to fp32 exactly (fp16 and bf16 have fewer bits).
enum class SafeDtype { F32, F16, BF16 };

struct SafeTensor {
    SafeDtype dtype;
    std::vector<size_t> shape;  // outermost first, as PyTorch's .shape
    size_t count;               // elements: the product of shape
    const uint8_t* data;        // (count * dtype size) bytes inside the mapping, possibly unaligned
};

// A .safetensors file mapped into memory (mmap), its header parsed and checked. The tensors
// point into the mapping, which lives as long as this object.
class SafetensorsFile {
public:
    explicit SafetensorsFile(const std::string& path);  // throws Error naming the file and the problem
    ~SafetensorsFile();
    SafetensorsFile(const SafetensorsFile&) = delete;
    SafetensorsFile& operator=(const SafetensorsFile&) = delete;
    const std::string& path() const { return path_; }
    const std::map<std::string, SafeTensor>& tensors() const { return tensors_; }
    // The tensor `name` or nullptr.
    const SafeTensor* find(const std::string& name) const;
private:
    std::string path_;
    void* map_ = nullptr;
    size_t size_ = 0;
    std::map<std::string, SafeTensor> tensors_;
};

// t's elements as fp32, into out[0..t.count).
void safetensor_to_float(const SafeTensor& t, float* out);
// fp16 (IEEE half: 1 sign, 5 exponent, 10 mantissa bits) -> fp32, exact, subnormals and inf/NaN included.
float fp16_to_float(uint16_t h);
// "F32", "F16", "BF16".
const char* safe_dtype_name(SafeDtype d);

// Writes a .safetensors of fp32 tensors: declare every tensor, then write each one's data in
// the same order, then commit (AtomicFile: the old file survives any failure).
//   SafetensorsWriter w(path, specs, {{"format", "pt"}});  w.write(data0); w.write(data1); w.commit();
struct SafeTensorSpec {
    std::string name;
    std::vector<size_t> shape;
};
class SafetensorsWriter {
public:
    SafetensorsWriter(const std::string& path, const std::vector<SafeTensorSpec>& specs,
                      const std::map<std::string, std::string>& metadata);
    void write(const float* data);  // the next tensor's elements, row-major
    void commit();                  // throws Error unless every tensor was written
private:
    AtomicFile f_;
    std::vector<SafeTensorSpec> specs_;
    size_t next_ = 0;
};
