// encoder.h: the first layer of GPT-2: token embedding + position embedding.
//   forward:  out[b,t,:] = wte[inp[b,t],:] + wpe[t,:]
//   backward: dwte[inp[b,t],:] += dout[b,t,:];  dwpe[t,:] += dout[b,t,:]
// A gather in forward, a scatter-add in backward. Nothing is cached: backward
// only needs the token ids. PyTorch: nn.Embedding (twice) and a sum.
#pragma once

// out (B,T,C)  inp (B,T) token ids  wte (Vp,C)  wpe (maxT,C)
void encoder_forward(float* out, const int* inp, const float* wte, const float* wpe, int B, int T, int C);
// dwte (Vp,C) += ...  dwpe (maxT,C) += ...  dout (B,T,C)  inp (B,T)
void encoder_backward(float* dwte, float* dwpe, const float* dout, const int* inp, int B, int T, int C);
