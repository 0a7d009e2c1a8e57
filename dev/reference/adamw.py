"""adamw.py: PyTorch reference for model/train/adamw.{h,cpp}: torch.optim.AdamW with a weight-decay mask,
and torch.nn.utils.clip_grad_norm_.

Purpose: the numbers test/model/train/test_adamw.cpp checks adamw_update, grad_norm and clip_grads against
(the test also works 2 steps out by hand from the formulas; this is the independent cross-check).
Command (from the repository root):  /usr/bin/python3 dev/reference/adamw.py
Writes:  test/fixtures/adamw.bin, in this order:
  params0 (N) the starting parameters: a (3,4) "weight" then a (5) "bias", N=17, one buffer as in the model;
  sizes (2) int32 the two tensors' element counts (12, 5); wd (2) their weight decay (0.1, and 0 for the
  bias, as the model decays only 2-D weights); lrs (S) the learning rate of each step, S=3;
  grads (S,N) the gradient fed at each step (the last two elements ~1e-8, so sqrt(v) ~ eps); params (S,N) the parameters after each step;
  m (N), v (N) AdamW's first and second moments after the last step;
  clip_in (N) a gradient, clip_norm (2) its global L2 norm (twice), clip_max (2) two max_norm values
  (one that clips, one that does not), clip_out (2,N) the gradient after clip_grad_norm_ with each.
Hyperparameters: betas (0.9, 0.95), eps 1e-8 (AdamWConfig's defaults); seed 42.
Prints:  "wrote test/fixtures/adamw.bin: 12 tensors"
"""
import os

import torch

from fixture import write_fixture

S = 3
LRS = [0.1, 0.05, 0.02]

torch.manual_seed(42)
w = torch.randn(3, 4)
b = torch.randn(5)
params0 = torch.cat([w.flatten(), b])
N = params0.numel()
sizes = torch.tensor([12, 5], dtype=torch.int32)
wd = torch.tensor([0.1, 0.0])
grads = torch.randn(S, N)
grads[:, -2:] *= 1e-8  # two gradients so small that sqrt(v) ~ eps: where eps's placement shows

w.requires_grad_()
b.requires_grad_()
opt = torch.optim.AdamW([{"params": [w], "weight_decay": wd[0].item()}, {"params": [b], "weight_decay": wd[1].item()}],
                        lr=LRS[0], betas=(0.9, 0.95), eps=1e-8)
params = torch.zeros(S, N)
for s in range(S):
    for group in opt.param_groups:
        group["lr"] = LRS[s]
    w.grad = grads[s, :12].view(3, 4).clone()
    b.grad = grads[s, 12:].clone()
    opt.step()
    params[s] = torch.cat([w.detach().flatten(), b.detach()])
m = torch.cat([opt.state[w]["exp_avg"].flatten(), opt.state[b]["exp_avg"]])
v = torch.cat([opt.state[w]["exp_avg_sq"].flatten(), opt.state[b]["exp_avg_sq"]])

# gradient clipping, as the training loop uses it: one global norm over all parameters
clip_in = torch.randn(N)
clip_max = torch.tensor([1.0, 100.0])
clip_norm = torch.zeros(2)
clip_out = torch.zeros(2, N)
for k in range(2):
    p = torch.zeros(N, requires_grad=True)
    p.grad = clip_in.clone()
    clip_norm[k] = torch.nn.utils.clip_grad_norm_([p], clip_max[k].item())
    clip_out[k] = p.grad

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "fixtures", "adamw.bin")
tensors = dict(params0=params0, sizes=sizes, wd=wd, lrs=torch.tensor(LRS), grads=grads, params=params,
               m=m, v=v, clip_in=clip_in, clip_norm=clip_norm, clip_max=clip_max, clip_out=clip_out)
write_fixture(path, tensors)
print("wrote test/fixtures/adamw.bin: %d tensors" % len(tensors))
