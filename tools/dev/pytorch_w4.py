#!/usr/bin/env python3
"""W4 of shared/workloads.md in PyTorch on CUDA, the peer `backprop bench W4` is compared with:
spiral data (1,000,000 points), 2-256-256-256-1 ReLU MLP, BCE with logits, SGD lr 0.05, random
minibatches of 65,536 drawn on the GPU, the loss read back every step (as the engine's Trainer
does). Prints steps/s in FP32 and with TF32 matmuls: median of 5 repeats of at least 1 s each,
after 20 warm-up steps. Usage: python3 tools/dev/pytorch_w4.py [seconds-per-repeat]"""
import math
import sys
import time

import torch


def spiral(n, device):
    g = torch.Generator(device=device).manual_seed(0)
    t = torch.rand(n, device=device, generator=g) * 3 * math.pi
    label = (torch.rand(n, device=device, generator=g) < 0.5).float()
    r = t / (3 * math.pi)
    angle = t + label * math.pi
    x = torch.stack([r * torch.cos(angle), r * torch.sin(angle)], 1)
    return x + 0.02 * torch.randn(n, 2, device=device, generator=g), label


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    dev = torch.device("cuda")
    torch.manual_seed(1)
    x, y = spiral(1_000_000, dev)
    lin = torch.nn.Linear
    model = torch.nn.Sequential(lin(2, 256), torch.nn.ReLU(), lin(256, 256), torch.nn.ReLU(), lin(256, 256), torch.nn.ReLU(),
                                lin(256, 1)).to(dev)
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    loss_fn = torch.nn.BCEWithLogitsLoss()

    def step():
        idx = torch.randint(0, x.shape[0], (65536,), device=dev)
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x[idx]), y[idx, None])
        loss.backward()
        opt.step()
        return loss.item()

    print(f"pytorch {torch.__version__} on {torch.cuda.get_device_name(0)}")
    for tf32 in (False, True):
        torch.backends.cuda.matmul.allow_tf32 = tf32
        for _ in range(20):
            step()
        rates = []
        for _ in range(5):
            n, t0 = 0, time.perf_counter()
            while time.perf_counter() - t0 < seconds:
                step()
                n += 1
            rates.append(n / (time.perf_counter() - t0))
        print(f"pytorch W4 {'TF32' if tf32 else 'FP32'}: {sorted(rates)[2]:.1f} steps/s")


if __name__ == "__main__":
    main()
