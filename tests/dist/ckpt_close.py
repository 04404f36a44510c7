#!/usr/bin/env python3
"""ckpt_close.py A B ATOL RTOL [NOISE_V NOISE_ATOL]: exit 0 when two safetensors checkpoints hold
the same tensors (names, dtypes, shapes) whose F32 values agree elementwise within
|a - b| <= ATOL + RTOL * |b|, and whose other tensors are byte-equal.
With NOISE_V (checkpoints with the AdamW state): a parameter whose second moment optim.v is
<= NOISE_V in both files had only rounding-noise gradients (e.g. attention key biases, whose
exact gradient is zero because softmax ignores a shift); Adam scales such noise up to steps of
up to lr, so those values need only agree within NOISE_ATOL (2 x lr x steps bounds it).
Prints one JSON line: tensors, values, the largest absolute and relative differences, how many
values differ at all and how many were judged as noise. Standard library only."""
import json
import struct
import sys
from array import array


def load(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n])
    body = data[8 + n :]
    header.pop("__metadata__", None)
    out = {}
    for name, t in header.items():
        lo, hi = t["data_offsets"]
        out[name] = (t["dtype"], tuple(t["shape"]), body[lo:hi])
    return out


def floats(raw):
    v = array("f")
    v.frombytes(raw)
    return v


def main():
    a_path, b_path, atol, rtol = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
    noise_v = float(sys.argv[5]) if len(sys.argv) > 5 else -1.0
    noise_atol = float(sys.argv[6]) if len(sys.argv) > 6 else atol
    a, b = load(a_path), load(b_path)
    if sorted(a) != sorted(b):
        print("tensor names differ: %s" % sorted(set(a) ^ set(b)))
        return 1
    worst_abs = worst_rel = 0.0
    values = differ = bad = noise = 0
    worst_noise = 0.0
    for name in sorted(a):
        (da, sa, ba), (db, sb, bb) = a[name], b[name]
        if da != db or sa != sb:
            print("%s: dtype/shape %s %s vs %s %s" % (name, da, sa, db, sb))
            return 1
        if da != "F32":
            bad += ba != bb
            continue
        va, vb = floats(ba), floats(bb)
        vname = "optim.v." + name
        quiet = [False] * len(va)
        if noise_v >= 0 and vname in a and vname in b:
            quiet = [p <= noise_v and q <= noise_v
                     for p, q in zip(floats(a[vname][2]), floats(b[vname][2]))]
        for x, y, q in zip(va, vb, quiet):
            values += 1
            d = abs(x - y)
            if q:
                noise += 1
                worst_noise = max(worst_noise, d)
                bad += d > noise_atol
                continue
            if d == 0:
                continue
            differ += 1
            worst_abs = max(worst_abs, d)
            worst_rel = max(worst_rel, d / max(abs(y), 1e-30))
            if d > atol + rtol * abs(y):
                bad += 1
    print(json.dumps({"tensors": len(a), "values": values, "values_differing": differ,
                      "max_abs_diff": worst_abs, "max_rel_diff": worst_rel,
                      "outside_tolerance": bad, "atol": atol, "rtol": rtol,
                      "noise_values": noise, "max_noise_diff": worst_noise}))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
