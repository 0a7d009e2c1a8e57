// evaluate.cpp: validation loss and bits per byte. See evaluate.h.
#include "model/train/evaluate.h"
#include "model/train/distributed.h"  // distributed_sum: the batches of every rank

#include <cmath>   // log
#include <vector>

EvalResult evaluate(GPT2& model, DataLoader& val, const Tokenizer& tok, int batches, int B, int T) {
    std::vector<int> inputs((size_t)B * T), targets((size_t)B * T);  // (B,T) each
    dataloader_reset(val);  // the same batches every time, so validations compare
    // (batches) each batch's mean loss and text bytes; a rank fills its own batches, the others stay 0
    std::vector<double> losses(batches, 0.0), bytes(batches, 0.0);
    model.training = false;  // no dropout
    for (int k = val.opt.process_rank; k < batches; k += val.opt.num_processes) {
        dataloader_next_batch(val, inputs.data(), targets.data());  // batch k: the loader strides as k does
        gpt2_forward(model, inputs.data(), targets.data(), B, T);
        losses[k] = model.mean_loss;
        bytes[k] = (double)tokenizer_text_bytes(tok, targets.data(), targets.size());  // the text the targets stand for
    }
    // every batch from the rank that ran it (x + 0 is x), then summed in batch order: one process's bits
    distributed_sum(losses.data(), losses.size());
    distributed_sum(bytes.data(), bytes.size());
    double loss_sum = 0.0, bytes_sum = 0.0;
    for (int k = 0; k < batches; k++) loss_sum += losses[k], bytes_sum += bytes[k];
    double loss = loss_sum / batches;
    double tokens = (double)batches * B * T;
    return {loss, loss / std::log(2.0) * tokens / bytes_sum};
}
