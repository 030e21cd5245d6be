"""
Reference values for the layer and module-printing tests (packages/nn/test/norm.test.ts,
embedding.test.ts, module-print.test.ts):

    pip install torch
    python3 packages/nn/test/reference/modules.py > packages/nn/test/reference/modules.ts

writes the TypeScript constants the tests import (modules.ts is its output, committed as is; its
first line names the PyTorch version it ran with). Everything is float64 unless the name says
float32; tensors are { shape, data } with data flat, row-major; floats are written with Python's
repr, which reads back to the same float64.

- REPRS: print(model) for a few models (PyTorch's text; the tests build the same models here);
  FLOAT_REPRS: Python's repr of some floats, as settings are printed.
- LAYER_NORM, BATCH_NORM, EMBEDDING: forward values, first derivatives of sum(y·r) and second
  derivatives of sum(∂/∂x sum(y·r) · r2), and BatchNorm1d's running statistics batch after batch.
- STATE_DICT: a PyTorch model with a BatchNorm1d, its state dict before and after three SGD steps
  (in our JSON form; num_batches_tracked, an int64 in PyTorch, written as dtype "float64"), the
  training data and its eval-mode output after training.
"""
import json

import torch
import torch.nn as nn

torch.set_default_dtype(torch.float64)


def T(t):
    t = t.detach()
    return {"shape": list(t.shape), "data": [float(v) for v in t.reshape(-1).tolist()]}


def grads(y, inputs, r, r2):
    """First derivatives of sum(y·r) w.r.t. inputs; second: of sum(∂/∂x sum(y·r) · r2) w.r.t. inputs."""
    live = [t for t in inputs if t is not None]
    first = torch.autograd.grad((y * r).sum(), live, create_graph=True)
    second = torch.autograd.grad((first[0] * r2).sum(), live, allow_unused=True)
    second = [torch.zeros_like(t) if s is None else s for s, t in zip(second, live)]
    return [T(g) for g in first], [T(g) for g in second]


# ---- print(model) ----


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 4)
        self.act = nn.ReLU()


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(10, 2)
        self.fc1 = nn.Linear(2, 3)
        self.layers = nn.ModuleList([nn.Linear(3, 3), nn.Linear(3, 3), nn.Linear(3, 3, bias=False), nn.Linear(3, 3)])
        self.block = Block()
        self.norm = nn.LayerNorm(4)
        self.drop = nn.Dropout(0.5)


class Scaled(nn.Module):
    """A custom module with settings of its own (one line) and a child."""

    def __init__(self):
        super().__init__()
        self.inner = nn.Linear(2, 2)

    def extra_repr(self):
        return "scale=2.0"


class TwoLines(nn.Module):
    """A leaf whose settings take two lines."""

    def extra_repr(self):
        return "a=1\nb=2"


class Holder(nn.Module):
    def __init__(self):
        super().__init__()
        self.leaf = TwoLines()
        self.scaled = Scaled()
        self.many = nn.ModuleList([nn.Tanh(), nn.Tanh(), nn.ReLU(), nn.Tanh(), nn.ModuleList([nn.Sigmoid(), nn.Sigmoid()])])


reprs = {
    "mlp": repr(nn.Sequential(nn.Linear(2, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 1))),
    "zoo": repr(nn.Sequential(
        nn.Linear(4, 4, bias=False), nn.ReLU(), nn.LeakyReLU(0.2), nn.Sigmoid(), nn.Tanh(),
        nn.Softplus(beta=2.0, threshold=5.0), nn.ELU(alpha=0.5), nn.GELU(approximate="tanh"), nn.SiLU(),
        nn.Hardtanh(-2.0, 3.0), nn.ReLU6(), nn.Dropout(0.25), nn.Flatten(), nn.Identity(),
        nn.LayerNorm([3, 4], eps=1e-3, bias=False),
        nn.BatchNorm1d(4, momentum=None, affine=False, track_running_stats=False),
        nn.Embedding(10, 3, padding_idx=0),
        nn.Sequential(nn.Linear(1, 1), nn.Sequential(nn.Tanh())),
    )),
    "defaults": [repr(m) for m in [
        nn.Linear(3, 2), nn.ReLU(), nn.LeakyReLU(), nn.Sigmoid(), nn.Tanh(), nn.Softplus(), nn.ELU(), nn.GELU(),
        nn.SiLU(), nn.Hardtanh(), nn.ReLU6(), nn.Dropout(), nn.Flatten(), nn.Identity(), nn.LayerNorm(5),
        nn.BatchNorm1d(5), nn.Embedding(7, 2), nn.Sequential(), nn.Dropout(1e-5), nn.LayerNorm(3, eps=1e-12),
        nn.BatchNorm1d(3, eps=0.001, momentum=0.01, bias=False), nn.Embedding(7, 2, padding_idx=-1),
        nn.Flatten(0, 2), nn.LeakyReLU(1e-20), nn.Hardtanh(-0.5, 1e16),
    ]],
    "custom": repr(Net()),
    "extra": repr(Holder()),
}

# Python's repr of floats, for the settings printed in module trees (finite values; JSON has no inf/nan)
FLOATS = [0.0, 1.0, 0.1, 1e-5, 1.5e-5, 1e-4, 0.0001234, 0.00009999, 2 / 3, -2.5, 123456789.0, 1e15, 9999999999999998.0,
          1e16, 1.2345e16, 1e21, 1e22, 5e-324, 1.7976931348623157e308, 0.30000000000000004, 100.0, 1e-7, 12345.678]
float_reprs = [[x, repr(x)] for x in FLOATS]

# ---- LayerNorm ----

torch.manual_seed(0)
layer_norm = []
for name, x_shape, norm_shape, eps, affine, bias in [
    ("last dim", [2, 3, 4], [4], 1e-5, True, True),
    ("last two dims, no bias", [2, 3, 4], [3, 4], 1e-3, True, False),
    ("no affine", [5, 6], [6], 1e-5, False, False),
]:
    ln = nn.LayerNorm(norm_shape, eps=eps, elementwise_affine=affine, bias=bias)
    with torch.no_grad():
        if ln.weight is not None:
            ln.weight.copy_(torch.randn(norm_shape) * 0.5 + 1)
        if ln.bias is not None:
            ln.bias.copy_(torch.randn(norm_shape))
    x = (torch.randn(x_shape) * 2 + 1).requires_grad_()
    r, r2 = torch.randn(x_shape), torch.randn(x_shape)
    y = ln(x)
    first, second = grads(y, [x, ln.weight, ln.bias], r, r2)
    layer_norm.append({
        "name": name, "normalizedShape": norm_shape, "eps": eps, "affine": affine, "bias": bias,
        "x": T(x), "weight": T(ln.weight) if ln.weight is not None else None, "biasValue": T(ln.bias) if ln.bias is not None else None,
        "r": T(r), "r2": T(r2), "y": T(y), "first": first, "second": second,
    })

# ---- BatchNorm1d ----

torch.manual_seed(1)
batch_norm = []
for name, shape, momentum in [("[N, C]", [6, 4], 0.1), ("[N, C, L]", [3, 4, 5], 0.1), ("[N, C], momentum None", [6, 4], None), ("[N, C, L], momentum 0.3", [2, 4, 3], 0.3)]:
    bn = nn.BatchNorm1d(4, momentum=momentum)
    with torch.no_grad():
        bn.weight.copy_(torch.randn(4) * 0.5 + 1)
        bn.bias.copy_(torch.randn(4))
    w0, b0 = T(bn.weight), T(bn.bias)
    batches, steps = [], []
    for i in range(3):
        x = (torch.randn(shape) * (i + 1) + i).requires_grad_()
        r, r2 = torch.randn(shape), torch.randn(shape)
        y = bn(x)
        first, second = grads(y, [x, bn.weight, bn.bias], r, r2)
        batches.append({"x": T(x), "r": T(r), "r2": T(r2), "y": T(y), "first": first, "second": second})
        steps.append({"runningMean": T(bn.running_mean), "runningVar": T(bn.running_var), "numBatchesTracked": int(bn.num_batches_tracked)})
    bn.eval()
    x = (torch.randn(shape) * 3 - 1).requires_grad_()
    r, r2 = torch.randn(shape), torch.randn(shape)
    y = bn(x)
    first, second = grads(y, [x, bn.weight, bn.bias], r, r2)
    # the same batches in float32 (PyTorch accumulates the batch statistics in float32)
    bn32 = nn.BatchNorm1d(4, momentum=momentum).float()
    steps32 = []
    for b in batches:
        bn32(torch.tensor(b["x"]["data"], dtype=torch.float32).reshape(shape))
        steps32.append({"runningMean": T(bn32.running_mean.double()), "runningVar": T(bn32.running_var.double())})
    batch_norm.append({
        "name": name, "momentum": momentum, "weight": w0, "bias": b0, "batches": batches, "steps": steps, "steps32": steps32,
        "eval": {"x": T(x), "r": T(r), "r2": T(r2), "y": T(y), "first": first, "second": second},
    })

no_stats = []
for affine in [False, True]:
    bn = nn.BatchNorm1d(3, affine=affine, track_running_stats=False, eps=1e-3)
    x = (torch.randn(5, 3) * 2).requires_grad_()
    r, r2 = torch.randn(5, 3), torch.randn(5, 3)
    y_train = bn(x)
    bn.eval()
    y_eval = bn(x)
    first, second = grads(y_eval, [x, bn.weight, bn.bias], r, r2)
    no_stats.append({"affine": affine, "x": T(x), "r": T(r), "r2": T(r2), "yTrain": T(y_train), "yEval": T(y_eval), "first": first, "second": second,
                     "keys": list(bn.state_dict().keys())})

# ---- Embedding ----

torch.manual_seed(2)
embedding = []
for padding_idx in [None, 2]:
    emb = nn.Embedding(6, 3, padding_idx=padding_idx)
    with torch.no_grad():
        emb.weight.copy_(torch.randn(6, 3))  # the padding row given nonzero values: still no gradient
    idx = torch.tensor([[0, 2, 2], [5, 2, 0]])
    r = torch.randn(2, 3, 3)
    y = emb(idx)
    (y * r).sum().backward()
    embedding.append({"paddingIdx": padding_idx, "weight": T(emb.weight), "indices": idx.tolist(), "r": T(r), "y": T(y), "gradWeight": T(emb.weight.grad)})

# ---- a state dict both ways ----


def state(model):
    return {k: {"shape": list(v.shape), "dtype": "float64", "data": [float(x) for x in v.reshape(-1).tolist()]} for k, v in model.state_dict().items()}


torch.manual_seed(3)
model = nn.Sequential(nn.Linear(3, 5), nn.BatchNorm1d(5), nn.ReLU(), nn.Linear(5, 2))
before = state(model)
xs = [torch.randn(8, 3) for _ in range(3)]
ys = [torch.randn(8, 2) for _ in range(3)]
opt = torch.optim.SGD(model.parameters(), lr=0.1)
for x, y in zip(xs, ys):
    opt.zero_grad()
    nn.functional.mse_loss(model(x), y).backward()
    opt.step()
after = state(model)
model.eval()
x_test = torch.randn(4, 3)
state_dict = {
    "before": before, "after": after, "lr": 0.1, "xs": [T(x) for x in xs], "ys": [T(y) for y in ys],
    "xTest": T(x_test), "yTest": T(model(x_test)), "dtypes": {k: str(v.dtype) for k, v in model.state_dict().items()},
}

out = {
    "REPRS": reprs, "FLOAT_REPRS": float_reprs, "LAYER_NORM": layer_norm, "BATCH_NORM": batch_norm, "BATCH_NORM_NO_STATS": no_stats,
    "EMBEDDING": embedding, "STATE_DICT": state_dict,
}
print(f"// Made by modules.py with PyTorch {torch.__version__}; do not edit (run the script again).")
print("/* eslint-disable */")
for k, v in out.items():
    print(f"export const {k} = {json.dumps(v)};")
