#!/usr/bin/python3
"""check_checkpoint.py: proves that a checkpoint written by nn/ loads in PyTorch.

  /usr/bin/python3 tools/ref/check_checkpoint.py build/tests/nn/ckpt_ref_lstm.safetensors \
      tests/data/nn/ref_lstm.safetensors

The checkpoint (written by tests/nn/test_nn_golden from the fixture's initial weights) is parsed
with struct/json/torch.frombuffer (no `safetensors` package needed); every tensor must equal the
fixture's `init.*` tensor bit for bit; the architecture comes from __metadata__.config; the
weights are loaded into the PyTorch twin (tools/ref/refmodel.py) whose loss on the fixture batch
must equal the fixture's first loss. Exit status 0 on success."""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stio  # noqa: E402
from refmodel import RefModel, load_nn_state  # noqa: E402


def main():
    ckpt_path, fix_path = sys.argv[1], sys.argv[2]
    ckpt, meta = stio.read(ckpt_path)
    fix, _ = stio.read(fix_path)
    cfg = json.loads(meta["config"])
    assert meta.get("format") == "vpt-nn/1", meta
    cfg["widths"] = cfg["widths"][:cfg["n_stacks"]]
    bad = 0
    for name, t in ckpt.items():
        want = fix["init." + name]
        if t.shape != want.shape or not torch.equal(t, want):
            print(f"MISMATCH {name}: shape {tuple(t.shape)} vs {tuple(want.shape)}")
            bad += 1
    missing = [k[5:] for k in fix if k.startswith("init.") and k[5:] not in ckpt]
    if missing:
        print("missing tensors:", missing)
        bad += len(missing)
    model = RefModel(cfg)
    load_nn_state(model, ckpt)
    B = fix["t1"].shape[0]
    frames = fix["frames"].reshape(B, -1, cfg["H"], cfg["W"], cfg["C"])
    with torch.no_grad():
        loss = model.loss(frames, fix["t1"].long(), fix["t2"].long()).item()
    want = fix["losses"][0].item()
    print(f"{os.path.basename(ckpt_path)}: {len(ckpt)} tensors identical: {bad == 0}; "
          f"step {meta.get('step')}; torch loss {loss:.7f} vs fixture {want:.7f}")
    if bad or abs(loss - want) > 1e-6 * max(1.0, abs(want)):
        sys.exit(1)


if __name__ == "__main__":
    main()
