#!/usr/bin/python3
"""bench_torch.py: the PyTorch twin of `vpt bench nn` (same reference model, batch, optimizer
and thread count). Prints one JSON object: train_samples_per_s, infer_frames_per_s.

  /usr/bin/python3 tools/ref/bench_torch.py --threads 2 --steps 5 [--attention]"""
import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from refmodel import RefModel  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--time", type=int, default=32)
    ap.add_argument("--attention", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    cfg = dict(H=64, W=64, C=3, widths=[16, 32, 32], dense=256, hidden=256,
               use_attention=int(a.attention), heads=8, mem_len=32, R=32, n1=128, n2=121)
    m = RefModel(cfg)
    B, T = a.batch, a.time
    frames = torch.rand(B, T, 64, 64, 3)
    t1, t2 = torch.randint(0, 128, (B, T)), torch.randint(0, 121, (B, T))
    opt = torch.optim.Adam(m.parameters(), lr=1e-4)

    def step():
        opt.zero_grad()
        m.loss(frames, t1, t2).backward()
        opt.step()

    def best(fn):  # best of a.steps timed calls after one warm-up (as vpt bench nn)
        fn()
        times = []
        for _ in range(a.steps):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        return B * T / min(times)

    train = best(step)
    with torch.no_grad():
        infer = best(lambda: m.logits(frames))
    print(json.dumps({"train_samples_per_s": round(train, 1), "infer_frames_per_s": round(infer, 1),
                      "threads": a.threads, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
