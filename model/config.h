// config.h: the shape of a GPT-2 model, in six integers.
// A checkpoint header carries exactly these (llm.c's layout), and a descriptor
// like "d12" builds them from one number: N layers, N heads, 64*N channels.
// Each field's comment gives its value in GPT-2 124M.
#pragma once

struct GPT2Config {
    int max_seq_len;        // maxT: longest context the position table holds   (1024)
    int vocab_size;         // V: real vocabulary size                           (50257)
    int padded_vocab_size;  // Vp: V rounded up to a multiple of 128 for speed   (50304)
    int num_layers;         // L: transformer blocks                             (12)
    int num_heads;          // NH: attention heads per block                     (12)
    int channels;           // C: width of the residual stream                   (768)
};

// Vp: the vocabulary padded to a multiple of 128; padded logits are never used.
inline int padded_vocab(int V) { return (V + 127) / 128 * 128; }
