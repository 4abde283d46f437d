"""The CNN encoder of EncoderConfig in PyTorch, timed for EncoderBench (started by `bench encoder`, not on its own).

Embedding(V, E) -> Conv1d(E, F, w) + ReLU -> MaxPool1d(p, stride p) -> Flatten -> Linear(F*T', D) + ReLU, T' =
floor((L - w + 1) / p), inference only (torch.inference_mode). Two formulations of the same function:
  standard:  the layers as written above;
  projected: the embedding folded into the convolution, conv[n, :, t] = b + sum_k P_k[x[n, t + k]] with
             P_k = E W_k^T ([V, F] per kernel offset k), as the product's ProjectedEncoder computes it.
Users: 20 random item tokens in 1..V-1, right-aligned in the window, padding 0 before them (as EncoderBench).

Protocol (so that the JVM can interleave its measurements with these on a shared machine): prints one JSON line
{"torch": version, "threads": n}, then answers each stdin line "FORMULATION BATCH SECONDS" with one line, the users/s
of that formulation at that batch over at least SECONDS (after a warm-up); ends at the end of stdin.
"""
import argparse
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Encoder(nn.Module):
    def __init__(self, vocab, seq_len, embed, filters, kernel, pool, hidden):
        super().__init__()
        self.emb = nn.Embedding(vocab, embed)
        self.conv = nn.Conv1d(embed, filters, kernel)
        self.pool = nn.MaxPool1d(pool, stride=pool)
        self.dense = nn.Linear(filters * ((seq_len - kernel + 1) // pool), hidden)

    def forward(self, x):  # x [n, L] long
        c = F.relu(self.conv(self.emb(x).transpose(1, 2)))  # [n, F, L - w + 1]
        return F.relu(self.dense(torch.flatten(self.pool(c), 1)))


class Projected(nn.Module):
    """The same function with P[k] = E W_k^T precomputed: one gather of F floats per token and kernel offset."""

    def __init__(self, enc, kernel):
        super().__init__()
        w = enc.conv.weight  # [F, E, w]
        self.p = torch.stack([enc.emb.weight @ w[:, :, k].T for k in range(kernel)]).contiguous()  # [w, V, F]
        self.b = enc.conv.bias
        self.kernel = kernel
        self.pool = enc.pool
        self.dense = enc.dense

    def forward(self, x):
        t = x.shape[1] - self.kernel + 1
        c = self.b + sum(F.embedding(x[:, k:k + t], self.p[k]) for k in range(self.kernel))  # [n, T, F]
        c = F.relu(c).transpose(1, 2)
        return F.relu(self.dense(torch.flatten(self.pool(c), 1)))


def users_per_second(model, x, min_seconds):
    t0 = time.perf_counter()
    calls = 0
    while calls < 3 or time.perf_counter() - t0 < 0.2 * min_seconds:  # warm-up, as EncoderBench.usersPerSecond
        model(x)
        calls += 1
    users, t0 = 0, time.perf_counter()
    while True:
        model(x)
        users += x.shape[0]
        elapsed = time.perf_counter() - t0
        if elapsed >= min_seconds:
            return users / elapsed


def main():
    a = argparse.ArgumentParser()
    for name in ("vocab", "seq-len", "embed", "filters", "kernel", "pool", "hidden", "threads", "seed"):
        a.add_argument("--" + name, type=int, required=True)
    o = a.parse_args()
    torch.set_num_threads(o.threads)
    torch.manual_seed(o.seed)
    g = torch.Generator().manual_seed(o.seed)
    with torch.inference_mode():
        models = {"standard": Encoder(o.vocab, o.seq_len, o.embed, o.filters, o.kernel, o.pool, o.hidden).eval()}
        models["projected"] = Projected(models["standard"], o.kernel).eval()
        inputs = {}
        print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
        for line in sys.stdin:
            formulation, batch, seconds = line.split()
            batch = int(batch)
            if batch not in inputs:
                x = torch.zeros(batch, o.seq_len, dtype=torch.long)
                x[:, o.seq_len - 20:] = torch.randint(1, o.vocab, (batch, 20), generator=g)
                diff = (models["standard"](x) - models["projected"](x)).abs().max().item()
                if diff > 1e-4:
                    raise SystemExit("projected encoder differs from the standard one by %g" % diff)
                inputs[batch] = x
            print(users_per_second(models[formulation], inputs[batch], float(seconds)), flush=True)


if __name__ == "__main__":
    main()
