"""
Reference values for the convolution, pooling and BatchNorm2d layer tests
(packages/nn/test/conv-layers.test.ts, batchnorm2d.test.ts):

    pip install torch
    python3 packages/nn/test/reference/conv_layers.py > packages/nn/test/reference/conv-layers.ts

writes the TypeScript constants the tests import (conv-layers.ts is its output, committed as is;
its first line names the PyTorch version it ran with). Everything is float64 unless the name says
float32; tensors are { shape, data } with data flat, row-major; floats are written with Python's
repr, which reads back to the same float64. Sizes are written as the tests pass them: a number or
a pair [h, w] (PyTorch's tuples), padding also "same" / "valid".

- CONV_REPRS: print(model) for single layers and a small convolutional network.
- CONV: nn.Conv2d forward values and the first derivatives of sum(y·r) with respect to the input,
  weight and bias, for fixed inputs, weights and biases.
- POOL: nn.MaxPool2d / nn.AvgPool2d forward values and d sum(y·r)/dx (random inputs: no ties).
- BATCH_NORM_2D: nn.BatchNorm2d over three training batches (values, first derivatives of
  sum(y·r), second derivatives of sum(∂/∂x sum(y·r) · r2), running statistics after each), then
  eval mode; the same batches in float32; and without running statistics.
- NET: a small network (Conv2d, BatchNorm2d, ReLU, MaxPool2d, Conv2d, AvgPool2d, Flatten, Linear):
  its state dict before and after three SGD steps on MSE (num_batches_tracked, an int64 in PyTorch,
  written as dtype "float64"), the data, the eval output after, each module's parameter and
  buffer counts and output shapes.
"""
import json

import torch
import torch.nn as nn

torch.set_default_dtype(torch.float64)


def T(t):
    t = t.detach()
    return {"shape": list(t.shape), "data": [float(v) for v in t.reshape(-1).tolist()]}


def size(v):
    """A size as the tests pass it: an int, or a tuple as a list [h, w]."""
    return list(v) if isinstance(v, tuple) else v


# ---- print(model) ----


class LeNetish(nn.Module):
    """A custom model of conv layers, to print (fields in order, as our class declares them)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.bn1 = nn.BatchNorm2d(6)
        self.pool1 = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.pool2 = nn.AvgPool2d(2)
        self.fc = nn.Linear(16 * 5 * 5, 10)


conv_reprs = {
    "layers": [repr(m) for m in [
        nn.Conv2d(1, 6, 5, padding=2),
        nn.Conv2d(3, 8, 3),
        nn.Conv2d(4, 6, (3, 2), stride=(2, 1), padding=(1, 0), dilation=2, groups=2, bias=False),
        nn.Conv2d(3, 3, 3, padding="same"),
        nn.Conv2d(3, 3, 3, padding="valid"),
        nn.Conv2d(2, 4, 1, stride=2, padding=0, dilation=(1, 3)),
        nn.MaxPool2d(2),
        nn.MaxPool2d(3, stride=2, padding=1),
        nn.MaxPool2d((2, 3), stride=1, padding=(1, 1), dilation=(1, 2), ceil_mode=True),
        nn.AvgPool2d(2),
        nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False, divisor_override=4),
        nn.AvgPool2d((2, 4), stride=(1, 2)),
        nn.BatchNorm2d(6),
        nn.BatchNorm2d(3, eps=1e-3, momentum=None, affine=False),
        nn.BatchNorm2d(4, momentum=0.01, bias=False, track_running_stats=False),
    ]],
    "sequential": repr(nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(6, 16, 5), nn.BatchNorm2d(16), nn.ReLU(), nn.AvgPool2d(2, 2),
        nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 10),
    )),
    "custom": repr(LeNetish()),
}

# ---- Conv2d ----

torch.manual_seed(0)
conv = []
for name, cin, cout, k, opts, x_shape in [
    ("LeNet's first layer", 1, 6, 5, {"padding": 2}, [2, 1, 6, 6]),
    ("stride 2, padding [1, 2], a 3×2 kernel", 3, 4, (3, 2), {"stride": 2, "padding": (1, 2)}, [2, 3, 5, 4]),
    ("dilation 2, groups 2, no bias", 4, 6, 3, {"dilation": 2, "groups": 2, "bias": False}, [1, 4, 7, 6]),
    ("padding same, an even 4×3 kernel", 2, 3, (4, 3), {"padding": "same"}, [2, 2, 6, 5]),
    ("padding valid, one unbatched image", 3, 2, 3, {"padding": "valid"}, [3, 5, 5]),
    ("depthwise (groups = channels), stride [1, 2]", 3, 3, 3, {"groups": 3, "padding": 1, "stride": (1, 2)}, [2, 3, 5, 6]),
]:
    layer = nn.Conv2d(cin, cout, k, **opts)
    with torch.no_grad():
        layer.weight.copy_(torch.randn(layer.weight.shape) * 0.5)
        if layer.bias is not None:
            layer.bias.copy_(torch.randn(cout))
    x = torch.randn(x_shape).requires_grad_()
    y = layer(x)
    r = torch.randn(y.shape)
    live = [x, layer.weight] + ([layer.bias] if layer.bias is not None else [])
    first = torch.autograd.grad((y * r).sum(), live)
    conv.append({
        "name": name, "inChannels": cin, "outChannels": cout, "kernelSize": size(k),
        "opts": {key: size(v) for key, v in opts.items()},
        "x": T(x), "weight": T(layer.weight), "bias": T(layer.bias) if layer.bias is not None else None,
        "r": T(r), "y": T(y), "first": [T(g) for g in first],
    })

# ---- pooling ----

torch.manual_seed(1)
pool = []
for kind, k, opts, x_shape in [
    ("max", 2, {}, [2, 2, 4, 6]),
    ("max", 3, {"stride": 2, "padding": 1}, [1, 2, 7, 7]),
    ("max", (2, 3), {"stride": (1, 2), "dilation": (2, 1)}, [1, 2, 6, 7]),
    ("max", 3, {"stride": 2, "ceil_mode": True}, [2, 2, 6, 6]),
    ("max", 2, {"stride": 1, "padding": 1}, [3, 4, 4]),
    ("avg", 2, {}, [2, 2, 4, 6]),
    ("avg", 3, {"stride": 2, "padding": 1, "count_include_pad": False}, [1, 2, 7, 7]),
    ("avg", 3, {"stride": 2, "padding": 1, "ceil_mode": True}, [2, 2, 6, 6]),
    ("avg", 2, {"divisor_override": 5}, [1, 2, 5, 5]),
    ("avg", (2, 3), {"stride": 1, "padding": (1, 1)}, [3, 4, 5]),
]:
    layer = nn.MaxPool2d(k, **opts) if kind == "max" else nn.AvgPool2d(k, **opts)
    x = torch.randn(x_shape).requires_grad_()
    y = layer(x)
    r = torch.randn(y.shape)
    (gx,) = torch.autograd.grad((y * r).sum(), [x])
    camel = {"ceil_mode": "ceilMode", "count_include_pad": "countIncludePad", "divisor_override": "divisorOverride"}
    pool.append({
        "kind": kind, "kernelSize": size(k), "opts": {camel.get(key, key): size(v) for key, v in opts.items()},
        "repr": repr(layer), "x": T(x), "r": T(r), "y": T(y), "gradX": T(gx),
    })

# ---- BatchNorm2d ----


def grads(y, inputs, r, r2):
    """First derivatives of sum(y·r) w.r.t. inputs; second: of sum(∂/∂x sum(y·r) · r2) w.r.t. inputs."""
    live = [t for t in inputs if t is not None]
    first = torch.autograd.grad((y * r).sum(), live, create_graph=True)
    second = torch.autograd.grad((first[0] * r2).sum(), live, allow_unused=True)
    second = [torch.zeros_like(t) if s is None else s for s, t in zip(second, live)]
    return [T(g) for g in first], [T(g) for g in second]


torch.manual_seed(2)
batch_norm = []
for name, shape, momentum, affine in [
    ("[3, 3, 2, 3], momentum 0.1", [3, 3, 2, 3], 0.1, True),
    ("[2, 3, 3, 4], momentum None (a cumulative average)", [2, 3, 3, 4], None, True),
    ("[3, 3, 2, 2], momentum 0.3, no affine", [3, 3, 2, 2], 0.3, False),
    ("[1, 3, 1, 2], the smallest batch: two values per channel", [1, 3, 1, 2], 0.1, True),
]:
    bn = nn.BatchNorm2d(3, momentum=momentum, affine=affine)
    if affine:
        with torch.no_grad():
            bn.weight.copy_(torch.randn(3) * 0.5 + 1)
            bn.bias.copy_(torch.randn(3))
    w0 = T(bn.weight) if affine else None
    b0 = T(bn.bias) if affine else None
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
    bn32 = nn.BatchNorm2d(3, momentum=momentum, affine=affine).float()
    steps32 = []
    for b in batches:
        bn32(torch.tensor(b["x"]["data"], dtype=torch.float32).reshape(shape))
        steps32.append({"runningMean": T(bn32.running_mean.double()), "runningVar": T(bn32.running_var.double())})
    batch_norm.append({
        "name": name, "momentum": momentum, "affine": affine, "weight": w0, "bias": b0, "batches": batches, "steps": steps,
        "steps32": steps32, "eval": {"x": T(x), "r": T(r), "r2": T(r2), "y": T(y), "first": first, "second": second},
        "keys": list(bn.state_dict().keys()),
    })

bn = nn.BatchNorm2d(2, track_running_stats=False, eps=1e-3)
x = (torch.randn(3, 2, 2, 3) * 2).requires_grad_()
y_train = bn(x)
bn.eval()
batch_norm_no_stats = {"x": T(x), "yTrain": T(y_train), "yEval": T(bn(x)), "keys": list(bn.state_dict().keys())}

# ---- a small network, its state dict both ways ----


def state(model):
    return {k: {"shape": list(v.shape), "dtype": "float64", "data": [float(x) for x in v.reshape(-1).tolist()]} for k, v in model.state_dict().items()}


torch.manual_seed(3)
net = nn.Sequential(
    nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(4, 8, 3, stride=1, groups=2), nn.AvgPool2d(2), nn.Flatten(), nn.Linear(32, 3),
)
before = state(net)
xs = [torch.randn(4, 1, 12, 12) for _ in range(3)]
ys = [torch.randn(4, 3) for _ in range(3)]
opt = torch.optim.SGD(net.parameters(), lr=0.1)
for x, y in zip(xs, ys):
    opt.zero_grad()
    nn.functional.mse_loss(net(x), y).backward()
    opt.step()
after = state(net)
net.eval()
x_test = torch.randn(2, 1, 12, 12)
shapes, h = [], x_test
for m in net:
    h = m(h)
    shapes.append(list(h.shape))
net_ref = {
    "before": before, "after": after, "lr": 0.1, "xs": [T(x) for x in xs], "ys": [T(y) for y in ys],
    "xTest": T(x_test), "yTest": T(net(x_test)), "repr": repr(net),
    "outputShapes": shapes,
    "params": [sum(p.numel() for p in m.parameters()) for m in net],
    "buffers": [sum(b.numel() for b in m.buffers()) for m in net],
}

out = {"CONV_REPRS": conv_reprs, "CONV": conv, "POOL": pool, "BATCH_NORM_2D": batch_norm, "BATCH_NORM_2D_NO_STATS": batch_norm_no_stats, "NET": net_ref}
print(f"// Made by conv_layers.py with PyTorch {torch.__version__}; do not edit (run the script again).")
print("/* eslint-disable */")
for k, v in out.items():
    print(f"export const {k} = {json.dumps(v)};")
