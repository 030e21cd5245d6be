"""
PyTorch's values for conv2d, conv1d, max_pool2d, avg_pool2d and pad, for the test
packages/core/test/conv.test.ts: outputs in float64, and the gradients of sum(y·G) for a fixed G.

    pip install torch
    python3 packages/core/test/reference/conv_values.py > packages/core/test/reference/conv-values.ts

writes the TypeScript constants the test imports (conv-values.ts is its output, committed as is;
its first line names the PyTorch version it ran with).
"""
import json

import torch
import torch.nn.functional as F


def values(shape, seed):
    n = 1
    for d in shape:
        n *= d
    return torch.sin(torch.arange(n, dtype=torch.float64) * 0.37 + seed).reshape(shape)


def flat(t):
    return [float(v) for v in t.detach().reshape(-1)]


def case(name, fn, shapes, opts, js_opts):
    """fn(*tensors, **opts); records inputs, output and the gradient of sum(y·G) for every input."""
    ts = [values(s, 1 + i).requires_grad_() for i, s in enumerate(shapes)]
    y = fn(*ts, **opts)
    g = values(list(y.shape), 17)
    grads = torch.autograd.grad((y * g).sum(), ts)
    return {
        "name": name, "options": js_opts, "inputs": [{"shape": list(t.shape), "data": flat(t)} for t in ts],
        "y": {"shape": list(y.shape), "data": flat(y)}, "g": flat(g), "grads": [flat(d) for d in grads],
    }


conv = [
    case("3→4 channels, 3×3, padding 1, bias", lambda x, w, b: F.conv2d(x, w, b, padding=1),
         [[2, 3, 5, 6], [4, 3, 3, 3], [4]], {}, {"padding": 1}),
    case("groups 2, stride 2, padding [1, 0], dilation [1, 2], bias",
         lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=(1, 0), dilation=(1, 2), groups=2),
         [[1, 4, 7, 6], [6, 2, 3, 2], [6]], {}, {"stride": 2, "padding": [1, 0], "dilation": [1, 2], "groups": 2}),
    case("padding 'same' with an even 2×4 kernel, no bias", lambda x, w: F.conv2d(x, w, padding="same"),
         [[1, 2, 4, 5], [2, 2, 2, 4]], {}, {"padding": "same"}),
    case("depthwise (groups 3), dilation 2, bias", lambda x, w, b: F.conv2d(x, w, b, dilation=2, groups=3),
         [[1, 3, 6, 6], [3, 1, 3, 3], [3]], {}, {"dilation": 2, "groups": 3}),
]
conv1d = [
    case("conv1d 3→4, k 3, stride 2, padding 1, bias", lambda x, w, b: F.conv1d(x, w, b, stride=2, padding=1),
         [[2, 3, 9], [4, 3, 3], [4]], {}, {"stride": 2, "padding": 1}),
]
pools = [
    case("max 3×3, stride 2, padding 1", lambda x: F.max_pool2d(x, 3, stride=2, padding=1), [[1, 2, 5, 5]], {},
         {"kind": "max", "kernelSize": 3, "stride": 2, "padding": 1}),
    case("max 2×2, ceilMode", lambda x: F.max_pool2d(x, 2, ceil_mode=True), [[1, 2, 5, 5]], {},
         {"kind": "max", "kernelSize": 2, "ceilMode": True}),
    case("max 2×3, stride [1, 2], dilation 2", lambda x: F.max_pool2d(x, (2, 3), stride=(1, 2), dilation=2), [[1, 1, 6, 7]], {},
         {"kind": "max", "kernelSize": [2, 3], "stride": [1, 2], "dilation": 2}),
    case("avg 3×3, stride 2, padding 1 (padding counted)", lambda x: F.avg_pool2d(x, 3, stride=2, padding=1), [[1, 2, 5, 5]], {},
         {"kind": "avg", "kernelSize": 3, "stride": 2, "padding": 1}),
    case("avg 3×3, stride 2, padding 1, countIncludePad false", lambda x: F.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=False),
         [[1, 2, 5, 5]], {}, {"kind": "avg", "kernelSize": 3, "stride": 2, "padding": 1, "countIncludePad": False}),
    case("avg 3×3, stride 2, padding 1, ceilMode", lambda x: F.avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True),
         [[1, 1, 6, 6]], {}, {"kind": "avg", "kernelSize": 3, "stride": 2, "padding": 1, "ceilMode": True}),
    case("avg 2×2, divisorOverride 3", lambda x: F.avg_pool2d(x, 2, divisor_override=3), [[1, 2, 4, 4]], {},
         {"kind": "avg", "kernelSize": 2, "divisorOverride": 3}),
]
pads = [
    case(f"pad {mode}", lambda x, mode=mode: F.pad(x, (1, 2, 2, 1), mode=mode), [[1, 2, 3, 4]], {}, {"mode": mode})
    for mode in ["constant", "reflect", "replicate", "circular"]
] + [case("pad constant 0.5, cropping", lambda x: F.pad(x, (-1, 2, 1, -1), value=0.5), [[2, 3, 4]], {}, {"value": 0.5})]
PADS = {"pad constant": [1, 2, 2, 1], "pad reflect": [1, 2, 2, 1], "pad replicate": [1, 2, 2, 1], "pad circular": [1, 2, 2, 1],
        "pad constant 0.5, cropping": [-1, 2, 1, -1]}
for p in pads:
    p["pads"] = PADS[p["name"]]

# max pooling at a tie: PyTorch's gradient goes to one input, ours is split (docs/kinks.md).
x = torch.tensor([[[[1.0, 1.0], [0.0, 1.0]]]], dtype=torch.float64, requires_grad=True)
F.max_pool2d(x, 2).sum().backward()
tie = flat(x.grad)

print(f"// Made by packages/core/test/reference/conv_values.py with torch {torch.__version__}; do not edit.")
print("export interface Case { name: string; options: any; inputs: { shape: number[]; data: number[] }[]; y: { shape: number[]; data: number[] }; g: number[]; grads: number[][]; pads?: number[] }")
for name, cases in [("CONV2D", conv), ("CONV1D", conv1d), ("POOLS", pools), ("PADS", pads)]:
    print(f"export const {name}: Case[] = {json.dumps(cases)};")
print(f"/** torch.nn.functional.max_pool2d's gradient for the 2×2 window [[1, 1], [0, 1]]: all of it to one tied input. */")
print(f"export const TORCH_MAXPOOL_TIE_GRAD = {json.dumps(tie)};")
