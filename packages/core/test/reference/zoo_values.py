"""
Reference values for the activation-zoo tests (packages/core/test/zoo.test.ts, ops/erf.test.ts).

    pip install torch mpmath
    python3 packages/core/test/reference/zoo_values.py > packages/core/test/reference/zoo-values.ts

writes the TypeScript constants the tests import (zoo-values.ts is its output, committed as is;
its first line names the library versions it ran with). mpmath gives erf and the exact GELU to 50 digits (rounded once to
float64); PyTorch gives its own float64 forward values and gradients, including at the kinks
(hardtanh and relu6 at their bounds, elu at 0) and clamp at its bounds, for comparison.
"""
import json

import mpmath
import torch
import torch.nn.functional as F

mpmath.mp.dps = 50
torch.set_default_dtype(torch.float64)


def f64(v):
    return float(v)


def js(values):
    # repr gives the shortest text that reads back to the same float64; JSON-compatible otherwise
    return "[" + ", ".join(repr(v) if v == v and abs(v) != float("inf") else ("NaN" if v != v else ("Infinity" if v > 0 else "-Infinity")) for v in values) + "]"


def torch_values(f, xs):
    x = torch.tensor(xs, requires_grad=True)
    y = f(x)
    y.sum().backward()
    return y.detach().tolist(), x.grad.tolist()


def torch_second(f, xs):
    x = torch.tensor(xs, requires_grad=True)
    (g,) = torch.autograd.grad(f(x).sum(), x, create_graph=True)
    (h,) = torch.autograd.grad(g.sum(), x)
    return h.tolist()


print(f"// Made by packages/core/test/reference/zoo_values.py with torch {torch.__version__}, mpmath {mpmath.__version__}; do not edit.")

erf_x = [0.0, 1e-300, 1e-10, 1e-5, 0.001, 0.1, 0.5, 0.84375, 1.0, 1.25, 1.5, 2.0, 2.4999, 2.5, 2.75, 3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 5.9, 6.0, 10.0, 27.0]
erf_x = erf_x + [-v for v in erf_x if v != 0]
print("export const ERF_MPMATH = { x: " + js(erf_x) + ",")
print("  erf: " + js([f64(mpmath.erf(mpmath.mpf(v))) for v in erf_x]) + " };")

gelu_x = [-40.0, -20.0, -10.0, -6.0, -5.0, -3.0, -1.0, -0.5, -1e-8, 0.0, 1e-8, 0.5, 1.0, 3.0, 5.0, 10.0]
print("export const GELU_MPMATH = { x: " + js(gelu_x) + ",")
print("  gelu: " + js([f64(mpmath.mpf(v) / 2 * mpmath.erfc(-mpmath.mpf(v) / mpmath.sqrt(2))) for v in gelu_x]) + " };")

xs = [-4.0, -1.5, -1.0, -0.25, 0.0, 0.3, 1.0, 2.5, 6.0, 7.5]
cases = {
    "elu": lambda x: F.elu(x),
    "elu alpha 0.5": lambda x: F.elu(x, alpha=0.5),
    "elu alpha 2": lambda x: F.elu(x, alpha=2.0),
    "gelu": lambda x: F.gelu(x),
    "gelu tanh": lambda x: F.gelu(x, approximate="tanh"),
    "silu": lambda x: F.silu(x),
    "hardtanh": lambda x: F.hardtanh(x),
    "hardtanh -0.25 2.5": lambda x: F.hardtanh(x, -0.25, 2.5),
    "relu6": lambda x: F.relu6(x),
    "clamp -1 1": lambda x: torch.clamp(x, -1.0, 1.0),
}
print("export const TORCH_X = " + js(xs) + ";")
print("/** PyTorch's forward values and gradients of sum(f(x)) at TORCH_X (float64). */")
print("export const TORCH: Record<string, { y: number[]; dy: number[] }> = {")
for name, f in cases.items():
    y, dy = torch_values(f, xs)
    print(f"  {json.dumps(name)}: {{ y: {js(y)}, dy: {js(dy)} }},")
print("};")
print("/** PyTorch's second derivatives d²/dx² of sum(f(x)) at TORCH_X (float64), for the smooth ops. */")
print("export const TORCH_SECOND: Record<string, number[]> = {")
for name in ["gelu", "gelu tanh", "silu"]:
    print(f"  {json.dumps(name)}: {js(torch_second(cases[name], xs))},")
print("};")

# exactly at each kink, every value PyTorch gives there
print("/** PyTorch at the kinks: elu at 0 (left: α), hardtanh/relu6 at their bounds (0), clamp at its bounds (1). */")
print("export const TORCH_KINKS = {")
for name, f, at in [
    ("elu alpha 0.5 at 0", lambda x: F.elu(x, alpha=0.5), [0.0]),
    ("elu alpha 2 at 0", lambda x: F.elu(x, alpha=2.0), [0.0]),
    ("elu at 0", lambda x: F.elu(x), [0.0]),
    ("hardtanh at -1, 1", lambda x: F.hardtanh(x), [-1.0, 1.0]),
    ("hardtanh -0.25 2.5 at -0.25, 2.5", lambda x: F.hardtanh(x, -0.25, 2.5), [-0.25, 2.5]),
    ("hardtanh 1 1 at 0, 1, 2", lambda x: F.hardtanh(x, 1.0, 1.0), [0.0, 1.0, 2.0]),
    ("relu6 at 0, 6", lambda x: F.relu6(x), [0.0, 6.0]),
    ("clamp -1 1 at -1, 1", lambda x: torch.clamp(x, -1.0, 1.0), [-1.0, 1.0]),
    ("relu at 0", lambda x: F.relu(x), [0.0]),
]:
    print(f"  {json.dumps(name)}: {js(torch_values(f, at)[1])},")
print("};")

# what PyTorch refuses
print("/** PyTorch's errors for bad arguments (message as it says it). */")
print("export const TORCH_ERRORS = {")
for name, f in [
    ("F.hardtanh(x, 2, 1)", lambda: F.hardtanh(torch.zeros(1), 2.0, 1.0)),
    ("nn.Hardtanh(1, 1)", lambda: torch.nn.Hardtanh(1.0, 1.0)),
    ("F.gelu(x, approximate='exact')", lambda: F.gelu(torch.zeros(1), approximate="exact")),
]:
    try:
        f()
        print(f"  {json.dumps(name)}: null,")
    except Exception as e:  # noqa: BLE001 - the message is what we record
        print(f"  {json.dumps(name)}: {json.dumps(type(e).__name__ + ': ' + str(e))},")
print("};")
