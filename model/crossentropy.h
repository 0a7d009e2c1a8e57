// crossentropy.h: the end of GPT-2: logits -> probabilities -> loss, and the way back.
//   softmax:   probs[v] = exp(logits[v] - max) / sum_{v'<V} exp(logits[v'] - max)   for v < V; 0 for padding
//   loss:      losses[b,t] = -log probs[b,t,targets[b,t]]
//   backward:  dlogits[v] += dloss * (probs[v] - [v == target])   for v < V; padding gets nothing
// The softmax and the cross-entropy are differentiated together, which gives that short
// formula (and avoids dividing by tiny probabilities). Forward caches probs (B,T,Vp).
// Only the first V of the Vp padded logits are real; padding never reaches the loss.
// softmax_forward_naive is the plain loop (std::exp, the sum in double in index order), to read
// first and the tests' second oracle; softmax_forward, which the model calls, vectorises the exp
// and the sum (reduce.h). crossentropy_forward and crossentropy_softmax_backward are already the
// plain loops (a log; a subtraction), so they have no _naive twin.
// PyTorch: F.cross_entropy(logits.view(-1, V), targets.view(-1)),
// https://pytorch.org/docs/stable/generated/torch.nn.CrossEntropyLoss.html
#pragma once

// probs (B,T,Vp)  logits (B,T,Vp)
void softmax_forward_naive(float* probs, const float* logits, int B, int T, int V, int Vp);
// the same, fast: arguments as above
void softmax_forward(float* probs, const float* logits, int B, int T, int V, int Vp);
// losses (B,T)  probs (B,T,Vp)  targets (B,T)
void crossentropy_forward(float* losses, const float* probs, const int* targets, int B, int T, int Vp);
// dlogits (B,T,Vp) +=  dlosses (B,T)  probs (B,T,Vp)  targets (B,T)
void crossentropy_softmax_backward(float* dlogits, const float* dlosses, const float* probs, const int* targets,
                                   int B, int T, int V, int Vp);
