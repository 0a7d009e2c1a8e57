// evaluate.cpp: validation loss and bits per byte. See evaluate.h.
#include "model/train/evaluate.h"

#include <cmath>   // log
#include <vector>

EvalResult evaluate(GPT2& model, DataLoader& val, const Tokenizer& tok, int batches, int B, int T) {
    std::vector<int> inputs((size_t)B * T), targets((size_t)B * T);  // (B,T) each
    dataloader_reset(val);  // the same batches every time, so validations compare
    double loss_sum = 0.0, bytes = 0.0;
    model.training = false;  // no dropout
    for (int k = 0; k < batches; k++) {
        dataloader_next_batch(val, inputs.data(), targets.data());
        gpt2_forward(model, inputs.data(), targets.data(), B, T);
        loss_sum += model.mean_loss;
        bytes += (double)tokenizer_text_bytes(tok, targets.data(), targets.size());  // the text the targets stand for
    }
    double loss = loss_sum / batches;
    double tokens = (double)batches * B * T;
    return {loss, loss / std::log(2.0) * tokens / bytes};
}
