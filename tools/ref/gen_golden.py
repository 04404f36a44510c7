#!/usr/bin/python3
"""gen_golden.py: writes the PyTorch golden fixtures for nn/ into tests/data/nn/.

Run with Debian's torch:  /usr/bin/python3 tools/ref/gen_golden.py [OUT_DIR]
Every fixture is a safetensors file in nn/'s layouts (NHWC images, (O,KH,KW,C) conv weights):
inputs, parameters, the upstream gradient `dy`, the output `y` and gradients `d_<name>` of
L = sum(y * dy). Model fixtures hold the initial parameters, the batch, the 10 AdamW losses and
the first step's gradients. The C test (tests/nn/test_nn_golden.c) states the tolerances."""
import math
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stio  # noqa: E402
from refmodel import RefModel, nn_state, load_nn_state  # noqa: E402

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "tests", "data", "nn")
torch.manual_seed(1234)
torch.set_num_threads(1)


def leaf(*shape, scale=1.0):
    return (torch.randn(*shape) * scale).requires_grad_(True)


def dump(name, inputs, y, meta=None, nn_layout=None):
    """inputs: dict name -> leaf tensor (torch layout); nn_layout: dict name -> fn to nn layout."""
    nn_layout = nn_layout or {}
    dy = torch.randn_like(y)
    (y * dy).sum().backward()
    tens = {}
    for k, t in inputs.items():
        f = nn_layout.get(k, lambda a: a)
        tens[k] = f(t.detach())
        tens["d_" + k] = f(t.grad if t.grad is not None else torch.zeros_like(t))
    fy = nn_layout.get("y", lambda a: a)
    tens["y"], tens["dy"] = fy(y.detach()), fy(dy)
    stio.write(os.path.join(OUT, name + ".safetensors"), tens, meta)


nhwc = lambda t: t.permute(0, 2, 3, 1).contiguous()
conv_w = lambda t: t.permute(0, 2, 3, 1).contiguous()


def layers():
    x, w, b = leaf(5, 7), leaf(4, 7, scale=0.5), leaf(4, scale=0.5)
    dump("linear", {"x": x, "w": w, "b": b}, F.linear(x, w, b), {"N": 5, "In": 7, "O": 4})
    for tag, (N, C, H, W, O, k, s, p) in {"conv_s1": (2, 3, 7, 6, 4, 3, 1, 1),
                                          "conv_s2": (2, 2, 9, 8, 3, 3, 2, 1),
                                          "conv_k5": (1, 3, 9, 9, 5, 5, 2, 2),
                                          "conv_c16": (2, 16, 8, 7, 32, 3, 1, 1),
                                          "conv_c3_o16": (2, 3, 9, 8, 16, 3, 1, 1),
                                          "conv_c32_s2": (1, 32, 9, 9, 16, 3, 2, 1)}.items():
        x, w, b = leaf(N, C, H, W), leaf(O, C, k, k, scale=0.3), leaf(O, scale=0.3)
        dump(tag, {"x": x, "w": w, "b": b}, F.conv2d(x, w, b, s, p),
             dict(N=N, C=C, H=H, W=W, O=O, K=k, stride=s, pad=p), {"x": nhwc, "w": conv_w, "y": nhwc})
    # temporal conv: Conv3d kernel (5,1,1), padding (2,0,0) on (B,C,T,H,W)
    B, C, T, H, W, O = 2, 3, 6, 2, 3, 4
    x, w, b = leaf(B, C, T, H, W), leaf(O, C, 5, 1, 1, scale=0.3), leaf(O, scale=0.3)
    to_btpc = lambda t: t.permute(0, 2, 3, 4, 1).reshape(t.shape[0], t.shape[2], -1, t.shape[1]).contiguous()
    dump("tconv", {"x": x, "w": w, "b": b}, F.conv3d(x, w, b, 1, (2, 0, 0)),
         dict(B=B, C=C, T=T, P=H * W, O=O, KT=5, pad=2),
         {"x": to_btpc, "y": to_btpc, "w": lambda t: t.reshape(O, C, 5).permute(0, 2, 1).contiguous()})
    x = leaf(2, 3, 7, 6)
    dump("maxpool", {"x": x}, F.max_pool2d(x, 3, 2, 1), dict(N=2, C=3, H=7, W=6, k=3, s=2, p=1),
         {"x": nhwc, "y": nhwc})
    x = leaf(6, 10, scale=1.5)
    dump("relu", {"x": x}, F.relu(x))
    x = leaf(6, 10, scale=1.5)
    dump("gelu", {"x": x}, F.gelu(x))
    x, g, bb = leaf(5, 12, scale=2.0), leaf(12), leaf(12)
    dump("layernorm", {"x": x, "g": g, "b": bb}, F.layer_norm(x, (12,), g, bb), {"N": 5, "C": 12})
    x = leaf(4, 9, scale=3.0)
    dump("log_softmax", {"x": x}, F.log_softmax(x, -1))
    table = leaf(6, 4)
    idx = torch.tensor([3, 0, 5, 3, 1])
    dump("embedding", {"table": table}, F.embedding(idx, table), {"idx": "3,0,5,3,1"})
    # LSTM (PyTorch's, gate order i,f,g,o), with initial state
    lstm = torch.nn.LSTM(5, 6, batch_first=True)
    x, h0, c0 = leaf(3, 4, 5), leaf(1, 3, 6, scale=0.5), leaf(1, 3, 6, scale=0.5)
    y, _ = lstm(x, (h0, c0))
    ins = {"x": x, "h0": h0, "c0": c0, "wih": lstm.weight_ih_l0, "whh": lstm.weight_hh_l0,
           "bih": lstm.bias_ih_l0, "bhh": lstm.bias_hh_l0}
    dump("lstm", ins, y, dict(B=3, T=4, In=5, Hd=6), {"h0": lambda t: t[0], "c0": lambda t: t[0]})


def attention():
    from refmodel import Block
    # bare attention kernel, causal with memory 3 and relative bias, and non-causal
    for tag, causal, M in [("attn_causal", True, 3), ("attn_full", False, 0)]:
        blk = Block(8, 2, 4, causal)
        B, Tq, H, D = 2, 4, 2, 4
        q, k, v = leaf(B, Tq, H, D), leaf(B, Tq + M, H, D), leaf(B, Tq + M, H, D)
        with torch.no_grad():
            blk.relbias.copy_(torch.randn(H, 9) * 0.5)
        rb = blk.relbias
        y = blk.attend(q, k, v)
        dump(tag, {"q": q, "k": k, "v": v, "relbias": rb}, y,
             dict(B=B, Tq=Tq, Tk=Tq + M, H=H, D=D, causal=int(causal), R=4))
    # whole non-causal block against torch.nn.MultiheadAttention (independent implementation)
    C, H = 8, 2
    mha = torch.nn.MultiheadAttention(C, H, batch_first=True)
    ln1, ln2 = torch.nn.LayerNorm(C), torch.nn.LayerNorm(C)
    w1, w2 = torch.nn.Linear(C, 4 * C), torch.nn.Linear(4 * C, C)
    with torch.no_grad():
        for ln in (ln1, ln2):
            ln.weight.add_(torch.randn(C) * 0.3)
            ln.bias.add_(torch.randn(C) * 0.3)
        mha.in_proj_bias.normal_(0, 0.3)
        mha.out_proj.bias.normal_(0, 0.3)
    x = leaf(2, 5, C)
    hx = ln1(x)
    x1 = x + mha(hx, hx, hx, need_weights=False)[0]
    y = x1 + w2(F.gelu(w1(ln2(x1))))
    relbias = torch.zeros(H, 2 * 3 + 1, requires_grad=True)
    ins = {"x": x, "tf.ln1.g": ln1.weight, "tf.ln1.b": ln1.bias, "tf.attn.wqkv": mha.in_proj_weight,
           "tf.attn.bqkv": mha.in_proj_bias, "tf.attn.wo": mha.out_proj.weight, "tf.attn.bo": mha.out_proj.bias,
           "tf.attn.relbias": relbias, "tf.ln2.g": ln2.weight, "tf.ln2.b": ln2.bias, "tf.mlp.w1": w1.weight,
           "tf.mlp.b1": w1.bias, "tf.mlp.w2": w2.weight, "tf.mlp.b2": w2.bias}
    dump("block_mha", ins, y, dict(B=2, T=5, C=C, H=H, R=3))
    # causal block with a memory of earlier keys/values
    blk = Block(C, H, 3, True)
    with torch.no_grad():
        blk.relbias.normal_(0, 0.5)
    x, mk, mv = leaf(2, 4, C), torch.randn(2, 3, C), torch.randn(2, 3, C)
    y = blk(x, mk, mv)
    ins = {"x": x}
    for n, t in [("ln1.g", blk.ln1.weight), ("ln1.b", blk.ln1.bias), ("attn.wqkv", blk.qkv.weight),
                 ("attn.bqkv", blk.qkv.bias), ("attn.wo", blk.o.weight), ("attn.bo", blk.o.bias),
                 ("attn.relbias", blk.relbias), ("ln2.g", blk.ln2.weight), ("ln2.b", blk.ln2.bias),
                 ("mlp.w1", blk.w1.weight), ("mlp.b1", blk.w1.bias), ("mlp.w2", blk.w2.weight),
                 ("mlp.b2", blk.w2.bias)]:
        ins["tf." + n] = t
    dump("block_causal_mem", ins, y, dict(B=2, T=4, M=3, C=C, H=H, R=3))
    stio.write(os.path.join(OUT, "block_causal_mem_memory.safetensors"), {"mem_k": mk, "mem_v": mv})


def losses():
    logits = leaf(6, 5, scale=2.0)
    t = torch.tensor([1, -1, 4, 0, 2, 2])
    loss = F.cross_entropy(logits, t, ignore_index=-1)
    loss.backward()
    stio.write(os.path.join(OUT, "xent.safetensors"),
               {"logits": logits.detach(), "targets": t.float(), "loss": loss.detach().reshape(1),
                "d_logits": logits.grad})
    x, y = leaf(12, scale=2.0), torch.rand(12)
    loss = F.binary_cross_entropy_with_logits(x, y)
    loss.backward()
    stio.write(os.path.join(OUT, "bce.safetensors"),
               {"logits": x.detach(), "targets": y, "loss": loss.detach().reshape(1), "d_logits": x.grad})
    x, y = leaf(12), torch.randn(12)
    loss = F.mse_loss(x, y)
    loss.backward()
    stio.write(os.path.join(OUT, "mse.safetensors"),
               {"pred": x.detach(), "target": y, "loss": loss.detach().reshape(1), "d_pred": x.grad})
    # VPT's camera quantizer, written the numpy way (clip, mu-law, round to 11 bins, inverse)
    xs = torch.tensor([-20.0, -10.0, -7.0, -4.0, -2.5, -1.0, -0.3, 0.0, 0.2, 0.31, 0.9, 1.2, 2.0, 4.4, 5.0, 8.0, 10.0, 33.0])
    mu, mx, nb = 10.0, 10.0, 11
    u = xs.clamp(-mx, mx) / mx
    comp = torch.sign(u) * torch.log1p(mu * u.abs()) / math.log1p(mu)
    bins = torch.round((comp * mx + mx) / (2 * mx / (nb - 1)))
    yb = torch.arange(nb) * (2 * mx / (nb - 1)) - mx
    yn = yb / mx
    centres = torch.sign(yn) * ((1 + mu) ** yn.abs() - 1) / mu * mx
    stio.write(os.path.join(OUT, "mulaw.safetensors"), {"x": xs, "bins": bins, "centres": centres})
    # AdamW: 10 steps on L = sum(c * p^2) + sum(p), with decay on p and none on q
    p, q = torch.randn(7, requires_grad=True), torch.randn(3, requires_grad=True)
    c = torch.rand(7) + 0.5
    p0, q0 = p.detach().clone(), q.detach().clone()
    opt = torch.optim.AdamW([{"params": [p], "weight_decay": 0.1}, {"params": [q], "weight_decay": 0.0}],
                            lr=0.05, betas=(0.9, 0.99), eps=1e-8)
    for _ in range(10):
        opt.zero_grad()
        ((c * p * p).sum() + p.sum() + (q * q * q).sum()).backward()
        opt.step()
    stio.write(os.path.join(OUT, "adamw.safetensors"),
               {"p0": p0, "q0": q0, "c": c, "p10": p.detach(), "q10": q.detach()},
               {"lr": 0.05, "beta1": 0.9, "beta2": 0.99, "eps": 1e-8, "wd": 0.1})


REF_CFGS = {
    "ref_lstm": dict(H=16, W=16, C=3, widths=[16, 32], dense=32, hidden=32, use_attention=0, heads=4,
                     mem_len=8, R=6, n1=7, n2=5),
    "ref_attn": dict(H=16, W=16, C=3, widths=[16, 32], dense=32, hidden=32, use_attention=1, heads=4,
                     mem_len=8, R=6, n1=7, n2=5),
}


def models():
    for tag, cfg in REF_CFGS.items():
        torch.manual_seed(99)
        m = RefModel(cfg)
        if cfg["use_attention"]:
            with torch.no_grad():
                m.tf.relbias.normal_(0, 0.3)
        B, T = 2, 4
        frames = torch.rand(B, T, cfg["H"], cfg["W"], cfg["C"])
        t1, t2 = torch.randint(0, cfg["n1"], (B, T)), torch.randint(0, cfg["n2"], (B, T))
        init = nn_state(m)
        opt = torch.optim.AdamW(m.decay_groups(0.01), lr=3e-3, betas=(0.9, 0.999), eps=1e-8)
        losses, grads0 = [], None
        for step in range(10):
            opt.zero_grad()
            loss = m.loss(frames, t1, t2)
            loss.backward()
            if step == 0:
                grads0 = nn_state(m, grads=True)
            losses.append(loss.item())
            opt.step()
        tens = {"frames": frames.reshape(B * T, cfg["H"], cfg["W"], cfg["C"]), "t1": t1.float(), "t2": t2.float(), "losses": torch.tensor(losses)}
        tens.update({"init." + k: v for k, v in init.items()})
        tens.update({"grad0." + k: v for k, v in grads0.items()})
        tens.update({"final." + k: v for k, v in nn_state(m).items()})
        meta = {k: (",".join(map(str, v)) if isinstance(v, list) else v) for k, v in cfg.items()}
        meta.update(B=B, T=T, lr=3e-3, wd=0.01)
        stio.write(os.path.join(OUT, tag + ".safetensors"), tens, meta)


def main():
    os.makedirs(OUT, exist_ok=True)
    layers()
    attention()
    losses()
    models()
    print("wrote fixtures to", os.path.abspath(OUT))


if __name__ == "__main__":
    main()
