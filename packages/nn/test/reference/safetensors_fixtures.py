"""
safetensors files written by PyTorch, for packages/nn/test/safetensors.test.ts:

    pip install torch safetensors
    python3 packages/nn/test/reference/safetensors_fixtures.py

writes into packages/nn/test/fixtures/interop/ (all committed as they are; not run in CI):

- mlp.safetensors: the state dict of Sequential(Linear(3, 4), BatchNorm1d(4), ReLU(), Linear(4, 2))
  in float32, after two training-mode forwards (so the running statistics are not their initial
  values and num_batches_tracked, an int64, is 2).
- mlp-f64.safetensors: the same model in float64 (num_batches_tracked stays int64).
- special.safetensors: F32 and F64 tensors of awkward values (±0, ±inf, NaN, subnormals, extremes).
- half.safetensors: F16 and BF16 tensors of awkward values, for the widening to float32.
- expected.ts: the input and eval-mode output of both models, and every value of special and half
  as float64 (Python's repr, which reads back to the same float64; non-finite values as NaN,
  Infinity, -Infinity).

Every file is saved with safetensors.torch.save_file(..., metadata={"format": "pt"}), as Hugging
Face's save_pretrained saves; the test checks that our writer produces the same bytes.
"""
import json
import math
import os

import safetensors
import torch
import torch.nn as nn
from safetensors.torch import save_file

OUT = os.path.join(os.path.dirname(__file__), "..", "fixtures", "interop")
META = {"format": "pt"}


def num(v):
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return repr(float(v))


def arr(t):
    return "[" + ", ".join(num(v) for v in t.detach().reshape(-1).double().tolist()) + "]"


def model():
    return nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2))


torch.manual_seed(0)
net = model()
net.train()
with torch.no_grad():
    for _ in range(2):
        net(torch.randn(8, 3) * 2 + 0.5)
x = torch.randn(5, 3)
net.eval()
with torch.no_grad():
    y32 = net(x)
save_file(net.state_dict(), os.path.join(OUT, "mlp.safetensors"), metadata=META)

net64 = net.double()
with torch.no_grad():
    y64 = net64(x.double())
save_file(net64.state_dict(), os.path.join(OUT, "mlp-f64.safetensors"), metadata=META)

awkward = [0.0, -0.0, 1.0, -2.5, 1 / 3, math.inf, -math.inf, math.nan, 1e-40, -1e-45, 3.4e38, 1e-300, 5e-324, 1.7976931348623157e308]
f32 = torch.tensor(awkward[:11], dtype=torch.float32).reshape(11)
f64 = torch.tensor(awkward, dtype=torch.float64).reshape(2, 7)
save_file({"f32": f32, "f64": f64}, os.path.join(OUT, "special.safetensors"), metadata=META)

# Half: ±0, 1, the smallest and largest subnormals, the smallest normal, the largest value, ±inf,
# NaN, and values that round (1/3, 0.1). bfloat16: the same sort, with its own extremes.
half = torch.tensor([0.0, -0.0, 1.0, 2.0**-24, 1023 * 2.0**-24, 2.0**-14, 65504.0, math.inf, -math.inf, math.nan, 1 / 3, -0.1], dtype=torch.float16)
bf16 = torch.tensor([0.0, -0.0, 1.0, 2.0**-133, 2.0**-126, 3.3895313892515355e38, math.inf, -math.inf, math.nan, 1 / 3, -0.1, 1e-40], dtype=torch.bfloat16)
save_file({"f16": half, "bf16": bf16.reshape(3, 4)}, os.path.join(OUT, "half.safetensors"), metadata=META)

with open(os.path.join(OUT, "expected.ts"), "w") as f:
    f.write(f"// Made by packages/nn/test/reference/safetensors_fixtures.py with PyTorch {torch.__version__}, safetensors {safetensors.__version__}; do not edit (run the script again).\n")
    f.write("/* eslint-disable */\n")
    f.write(f"export const X = {{ shape: {json.dumps(list(x.shape))}, data: {arr(x)} }};\n")
    f.write(f"export const Y32 = {{ shape: {json.dumps(list(y32.shape))}, data: {arr(y32)} }};\n")
    f.write(f"export const Y64 = {{ shape: {json.dumps(list(y64.shape))}, data: {arr(y64)} }};\n")
    f.write(f"export const NUM_BATCHES_TRACKED = {int(net.state_dict()['1.num_batches_tracked'])};\n")
    f.write(f"export const SPECIAL = {{ f32: {arr(f32)}, f64: {arr(f64)} }};\n")
    f.write(f"export const HALF = {{ f16: {arr(half)}, bf16: {arr(bf16)} }};\n")
