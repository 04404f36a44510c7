"""refmodel.py: the PyTorch twin of nn/'s reference model (nn/refmodel.c) and the mapping
between its state and nn/'s parameter names and layouts (NHWC convs, NHWC flatten order).

frames (B,T,H,W,C) -> ImpalaCNN (per stack: conv3x3, maxpool 3/2/1, 2 residual blocks) ->
relu -> flatten -> linear(dense) -> relu -> LSTM(hidden) | causal transformer block ->
head1 (n1), head2 (n2); loss = CE(head1) + CE(head2)."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class ResBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c0 = nn.Conv2d(c, c, 3, padding=1)
        self.c1 = nn.Conv2d(c, c, 3, padding=1)

    def forward(self, x):
        return x + self.c1(F.relu(self.c0(F.relu(x))))


class Impala(nn.Module):
    def __init__(self, H, W, C, widths, dense):
        super().__init__()
        self.stacks = nn.ModuleList()
        cin, h, w = C, H, W
        for c in widths:
            self.stacks.append(nn.ModuleList([nn.Conv2d(cin, c, 3, padding=1), ResBlock(c), ResBlock(c)]))
            cin, h, w = c, (h - 1) // 2 + 1, (w - 1) // 2 + 1
        self.out_c, self.out_h, self.out_w = cin, h, w
        self.fc = nn.Linear(cin * h * w, dense)

    def forward(self, x):  # x (N,C,H,W)
        for conv, r0, r1 in self.stacks:
            x = r1(r0(F.max_pool2d(conv(x), 3, 2, 1)))
        return F.relu(self.fc(torch.flatten(F.relu(x), 1)))


class Block(nn.Module):
    """Pre-norm transformer block, causal, relative position bias (H, 2R+1)."""

    def __init__(self, C, H, R, causal=True):
        super().__init__()
        self.C, self.H, self.R, self.causal = C, H, R, causal
        self.ln1, self.ln2 = nn.LayerNorm(C), nn.LayerNorm(C)
        self.qkv, self.o = nn.Linear(C, 3 * C), nn.Linear(C, C)
        self.relbias = nn.Parameter(torch.zeros(H, 2 * R + 1))
        self.w1, self.w2 = nn.Linear(C, 4 * C), nn.Linear(4 * C, C)

    def attend(self, q, k, v):  # q (B,Tq,H,D), k/v (B,Tk,H,D)
        B, Tq, H, D = q.shape
        Tk = k.shape[1]
        M = Tk - Tq
        logits = torch.einsum("bihd,bjhd->bhij", q, k) / math.sqrt(D)
        i = torch.arange(Tq).view(Tq, 1) + M
        j = torch.arange(Tk).view(1, Tk)
        dist = i - j
        idx = dist.clamp(-self.R, self.R) + self.R
        logits = logits + self.relbias[:, idx]
        if self.causal:
            logits = logits.masked_fill(dist < 0, float("-inf"))
        att = torch.softmax(logits, -1)
        return torch.einsum("bhij,bjhd->bihd", att, v)

    def forward(self, x, mem_k=None, mem_v=None):
        B, T, C = x.shape
        H, D = self.H, C // self.H
        q, k, v = self.qkv(self.ln1(x)).split(C, -1)
        if mem_k is not None:
            k, v = torch.cat([mem_k, k], 1), torch.cat([mem_v, v], 1)
        a = self.attend(q.reshape(B, T, H, D), k.reshape(B, -1, H, D), v.reshape(B, -1, H, D))
        x = x + self.o(a.reshape(B, T, C))
        return x + self.w2(F.gelu(self.w1(self.ln2(x))))


class RefModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.cnn = Impala(cfg["H"], cfg["W"], cfg["C"], cfg["widths"], cfg["dense"])
        if cfg["use_attention"]:
            self.tf = Block(cfg["dense"], cfg["heads"], cfg["R"])
        else:
            self.lstm = nn.LSTM(cfg["dense"], cfg["hidden"], batch_first=True)
        self.head1 = nn.Linear(cfg["hidden"], cfg["n1"])
        self.head2 = nn.Linear(cfg["hidden"], cfg["n2"])

    def logits(self, frames):  # frames (B,T,H,W,C)
        B, T = frames.shape[:2]
        x = frames.reshape(B * T, *frames.shape[2:]).permute(0, 3, 1, 2)
        x = self.cnn(x).reshape(B, T, -1)
        x = self.tf(x) if self.cfg["use_attention"] else self.lstm(x)[0]
        return self.head1(x), self.head2(x)

    def loss(self, frames, t1, t2):
        l1, l2 = self.logits(frames)
        return F.cross_entropy(l1.flatten(0, 1), t1.flatten()) + F.cross_entropy(l2.flatten(0, 1), t2.flatten())

    def decay_groups(self, wd):
        decay = [p for n, p in self.named_parameters() if p.dim() >= 2 and "relbias" not in n]
        rest = [p for n, p in self.named_parameters() if not (p.dim() >= 2 and "relbias" not in n)]
        return [{"params": decay, "weight_decay": wd}, {"params": rest, "weight_decay": 0.0}]


def conv_to_nn(w):  # (O,C,KH,KW) -> (O,KH,KW,C)
    return w.permute(0, 2, 3, 1).contiguous()


def conv_from_nn(w):
    return w.permute(0, 3, 1, 2).contiguous()


def pairs(model):
    """(nn name, torch tensor, to_nn, from_nn) for every parameter."""
    ident = (lambda t: t, lambda t: t)
    conv = (conv_to_nn, conv_from_nn)
    cnn = model.cnn
    out = []
    for s, (c0, r0, r1) in enumerate(cnn.stacks):
        convs = [c0, r0.c0, r0.c1, r1.c0, r1.c1]
        for k, c in enumerate(convs):
            out.append((f"cnn.s{s}.conv{k}.w", c.weight) + conv)
            out.append((f"cnn.s{s}.conv{k}.b", c.bias) + ident)
    C, h, w, D = cnn.out_c, cnn.out_h, cnn.out_w, cnn.fc.out_features
    fc_to = lambda t: t.reshape(D, C, h, w).permute(0, 2, 3, 1).reshape(D, -1).contiguous()
    fc_from = lambda t: t.reshape(D, h, w, C).permute(0, 3, 1, 2).reshape(D, -1).contiguous()
    out.append(("cnn.fc.w", cnn.fc.weight, fc_to, fc_from))
    out.append(("cnn.fc.b", cnn.fc.bias) + ident)
    if model.cfg["use_attention"]:
        tf = model.tf
        for name, t in [("ln1.g", tf.ln1.weight), ("ln1.b", tf.ln1.bias), ("attn.wqkv", tf.qkv.weight),
                        ("attn.bqkv", tf.qkv.bias), ("attn.wo", tf.o.weight), ("attn.bo", tf.o.bias),
                        ("attn.relbias", tf.relbias), ("ln2.g", tf.ln2.weight), ("ln2.b", tf.ln2.bias),
                        ("mlp.w1", tf.w1.weight), ("mlp.b1", tf.w1.bias), ("mlp.w2", tf.w2.weight),
                        ("mlp.b2", tf.w2.bias)]:
            out.append(("tf." + name, t) + ident)
    else:
        l = model.lstm
        for name, t in [("wih", l.weight_ih_l0), ("whh", l.weight_hh_l0), ("bih", l.bias_ih_l0),
                        ("bhh", l.bias_hh_l0)]:
            out.append(("lstm." + name, t) + ident)
    for name, lin in [("head1", model.head1), ("head2", model.head2)]:
        out.append((name + ".w", lin.weight) + ident)
        out.append((name + ".b", lin.bias) + ident)
    return out


def nn_state(model, grads=False):
    return {n: f((t.grad if grads else t).detach()).clone() for n, t, f, _ in pairs(model)}


def load_nn_state(model, state):
    with torch.no_grad():
        for n, t, _, g in pairs(model):
            t.copy_(g(state[n]).reshape(t.shape))
