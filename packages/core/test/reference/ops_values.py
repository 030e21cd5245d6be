"""
PyTorch's values for sin/cos, arange/linspace, allclose/equal and flatten/permute, for the tests
packages/core/test/{trig,ranges,queries,views}.test.ts.

    pip install torch
    python3 packages/core/test/reference/ops_values.py > packages/core/test/reference/ops-values.ts

writes the TypeScript constants the tests import (ops-values.ts is its output, committed as is;
its first line names the PyTorch version it ran with).
"""
import json
import math

import torch


def js_number(v):
    v = float(v)
    if v != v:
        return "NaN"
    if v == math.inf:
        return "Infinity"
    if v == -math.inf:
        return "-Infinity"
    if v == 0 and math.copysign(1, v) < 0:
        return "-0"
    return repr(v)


def js(values):
    return "[" + ", ".join(js_number(v) for v in values) + "]"


def error_of(f):
    try:
        f()
        return None
    except Exception as e:  # noqa: BLE001 - the message is what we record
        return type(e).__name__ + ": " + str(e)


print(f"// Made by packages/core/test/reference/ops_values.py with torch {torch.__version__}; do not edit.")

# ---- sin and cos: values, first and second derivatives (float64), float32 values ----
xs = [0.0, -0.0, 0.5, -0.5, 1.0, 1.5707963267948966, 3.0, -7.25, 10.0, 100.0, 1e5, 1e-8, 3.141592653589793, 1e22]
print("export const TRIG_X = " + js(xs) + ";")
print("/** PyTorch at TRIG_X: f(x) in float64 and float32, d/dx of sum f(x), d²/dx² (float64). */")
print("export const TRIG: Record<\"sin\" | \"cos\", { y: number[]; y32: number[]; dy: number[]; d2y: number[] }> = {")
for name, f in [("sin", torch.sin), ("cos", torch.cos)]:
    x = torch.tensor(xs, dtype=torch.float64, requires_grad=True)
    y = f(x)
    (g,) = torch.autograd.grad(y.sum(), x, create_graph=True)
    (h,) = torch.autograd.grad(g.sum(), x)
    y32 = f(torch.tensor(xs, dtype=torch.float32))
    print(f"  {name}: {{ y: {js(y.tolist())}, y32: {js(y32.tolist())}, dy: {js(g.tolist())}, d2y: {js(h.tolist())} }},")
print("};")
specials = [float("nan"), float("inf"), float("-inf")]
print("export const TRIG_SPECIAL_X = " + js(specials) + ";")
print("export const TRIG_SPECIAL = { sin: " + js(torch.sin(torch.tensor(specials, dtype=torch.float64)).tolist())
      + ", cos: " + js(torch.cos(torch.tensor(specials, dtype=torch.float64)).tolist()) + " };")

# ---- arange and linspace ----
arange_cases = [(5,), (2.5,), (0,), (1, 4), (1, 2.5, 0.5), (5, 1, -1), (0, -3, -0.7), (1, 1, 1), (1, 1, -1), (0, 10, 3),
                (0, 1, 0.1), (-3, 7.5, 0.37), (0, 1, 1 / 3), (1e6, 1e6 + 100, 0.3), (0.5, -0.5, -0.125), (0, 100, 1)]
print("/** torch.arange(*args, dtype=float64 and float32) as lists. */")
print("export const ARANGE: { args: number[]; f64: number[]; f32: number[] }[] = [")
for a in arange_cases:
    f64 = torch.arange(*a, dtype=torch.float64).tolist()
    f32 = torch.arange(*a, dtype=torch.float32).tolist()
    print(f"  {{ args: {js(a)}, f64: {js(f64)}, f32: {js(f32)} }},")
print("];")
print("/** PyTorch's errors for bad ranges. */")
print("export const ARANGE_ERRORS: { args: number[]; error: string }[] = [")
for a in [(0, 1, 0), (0, 1, -1), (1, 0, 1), (0, float("inf"), 1), (0, float("nan"), 1), (-1,)]:
    print(f"  {{ args: {js(a)}, error: {json.dumps(error_of(lambda: torch.arange(*a)))} }},")
print("];")

linspace_cases = [(0, 1, 5), (-1, 1, 0), (3, 5, 1), (3, 5, 2), (0, 1, 7), (-3, 7.5, 1001), (1e6, 1e6 + 100, 33), (5, -5, 11),
                  (0, 0, 4), (0.1, 0.7, 3), (0, 1, 100), (-2.5, 1e-3, 64)]
print("/** torch.linspace(start, end, steps, dtype=float64 and float32) as lists. */")
print("export const LINSPACE: { args: number[]; f64: number[]; f32: number[] }[] = [")
for a in linspace_cases:
    f64 = torch.linspace(*a, dtype=torch.float64).tolist()
    f32 = torch.linspace(*a, dtype=torch.float32).tolist()
    print(f"  {{ args: {js(a)}, f64: {js(f64)}, f32: {js(f32)} }},")
print("];")
print(f"export const LINSPACE_NEGATIVE_ERROR = {json.dumps(error_of(lambda: torch.linspace(0, 1, -1)))};")

# ---- allclose and equal ----
nan, inf = float("nan"), float("inf")
allclose_cases = [
    ("equal values", [1.0, 2.0, 3.0], [1.0, 2.0, 3.0], {}),
    ("within rtol", [1.0, 2.0, 3.0], [1.0, 2.0, 3.00001], {}),
    ("beyond rtol", [1.0, 2.0, 3.0], [1.0, 2.0, 3.0001], {}),
    ("inf and inf", [inf, -inf], [inf, -inf], {}),
    ("inf and -inf", [inf], [-inf], {}),
    ("a number and inf", [1.0], [inf], {}),
    ("inf and a large number", [inf], [1e38], {}),
    ("nan", [nan, 1.0], [nan, 1.0], {}),
    ("nan, equal_nan", [nan, 1.0], [nan, 1.0], {"equal_nan": True}),
    ("nan against a number, equal_nan", [nan], [1.0], {"equal_nan": True}),
    ("atol", [1.0, 2.0], [1.5, 2.5], {"atol": 0.5}),
    ("atol just short", [1.0, 2.0], [1.5, 2.50001], {"atol": 0.5, "rtol": 0.0}),
    ("zero tolerances", [1.0, 2.0], [1.0, 2.0], {"atol": 0.0, "rtol": 0.0}),
    ("zero tolerances, one ulp", [1.0, 2.0], [1.0, 2.0000002384185791], {"atol": 0.0, "rtol": 0.0}),
    ("near zero: atol decides", [0.0, 1e-9], [1e-9, 0.0], {}),
    ("near zero: beyond atol", [0.0], [1e-7], {}),
    ("negative values", [-100.0], [-100.001], {}),
    ("asymmetric: b scales (true)", [100.0], [100.001], {"rtol": 1e-5, "atol": 0.0}),
    ("asymmetric: b scales (false)", [100.001], [100.0], {"rtol": 1e-5, "atol": 0.0}),
    ("empty", [], [], {}),
]
# near the boundary |a − b| = atol + rtol·|b|, where float32 arithmetic decides
for mag in [1.0, 3.7, 1000.0, 1e-3, 12345.678]:
    for k in [0.5, 0.99, 1.0, 1.01, 2.0]:
        allclose_cases.append((f"boundary {mag} x {k}", [mag * (1 + k * 1e-5) + k * 1e-8], [mag], {}))
print("/** torch.allclose(a, b, **opts) in float32 and float64 (same dtype on both sides). */")
print("export const ALLCLOSE: { name: string; a: number[]; b: number[]; opts: { rtol?: number; atol?: number; equalNan?: boolean }; f32: boolean; f64: boolean }[] = [")
for name, a, b, o in allclose_cases:
    r = {}
    for dt, key in [(torch.float32, "f32"), (torch.float64, "f64")]:
        r[key] = torch.allclose(torch.tensor(a, dtype=dt), torch.tensor(b, dtype=dt), **o)
    opts = {{"equal_nan": "equalNan"}.get(k, k): v for k, v in o.items()}
    print(f"  {{ name: {json.dumps(name)}, a: {js(a)}, b: {js(b)}, opts: {json.dumps(opts)}, f32: {json.dumps(r['f32'])}, f64: {json.dumps(r['f64'])} }},")
print("];")
bshape = torch.allclose(torch.tensor([[1.0], [2.0]]), torch.tensor([1.0, 1.0, 1.0]))
print(f"/** torch.allclose of [[1], [2]] and [1, 1, 1] (broadcast to [2, 3]). */\nexport const ALLCLOSE_BROADCAST = {json.dumps(bshape)};")
print("export const ALLCLOSE_ERRORS = {")
print(f"  shapes: {json.dumps(error_of(lambda: torch.allclose(torch.ones(3), torch.ones(2))))},")
print(f"  rtol: {json.dumps(error_of(lambda: torch.allclose(torch.ones(3), torch.ones(3), rtol=-1)))},")
print(f"  dtypes: {json.dumps(error_of(lambda: torch.allclose(torch.ones(3), torch.ones(3, dtype=torch.float64))))},")
print("};")

equal_cases = [
    ("same", [1.0, 2.0], [2], "float32", [1.0, 2.0], [2], "float32"),
    ("one differs", [1.0, 2.0], [2], "float32", [1.0, 2.5], [2], "float32"),
    ("shapes [2] and [1, 2]", [1.0, 2.0], [2], "float32", [1.0, 2.0], [1, 2], "float32"),
    ("shapes [2, 1] and [2]", [1.0, 1.0], [2, 1], "float32", [1.0, 1.0], [2], "float32"),
    ("nan", [nan, 1.0], [2], "float32", [nan, 1.0], [2], "float32"),
    ("-0 and 0", [-0.0], [1], "float32", [0.0], [1], "float32"),
    ("float32 and float64, same values", [0.5, 2.0], [2], "float32", [0.5, 2.0], [2], "float64"),
    ("float32 and float64, 0.1", [0.1], [1], "float32", [0.1], [1], "float64"),
    ("empty [0, 3]", [], [0, 3], "float32", [], [0, 3], "float32"),
    ("empty [0, 3] and [3, 0]", [], [0, 3], "float32", [], [3, 0], "float32"),
    ("0-d", [4.0], [], "float64", [4.0], [], "float64"),
    ("inf", [inf, -inf], [2], "float64", [inf, -inf], [2], "float64"),
]
print("/** torch.equal(a, b). */")
print("export const EQUAL: { name: string; a: number[]; aShape: number[]; aDtype: \"float32\" | \"float64\"; b: number[]; bShape: number[]; bDtype: \"float32\" | \"float64\"; result: boolean }[] = [")
for name, a, ash, ad, b, bsh, bd in equal_cases:
    r = torch.equal(torch.tensor(a, dtype=getattr(torch, ad)).reshape(ash), torch.tensor(b, dtype=getattr(torch, bd)).reshape(bsh))
    print(f"  {{ name: {json.dumps(name)}, a: {js(a)}, aShape: {json.dumps(ash)}, aDtype: {json.dumps(ad)}, b: {js(b)}, bShape: {json.dumps(bsh)}, bDtype: {json.dumps(bd)}, result: {json.dumps(r)} }},")
print("];")

# ---- flatten and permute: shapes and values ----
x = torch.arange(24, dtype=torch.float64).reshape(2, 3, 4)
print("/** On torch.arange(24).reshape(2, 3, 4): the shape and values of flatten(x, a, b) and permute(x, dims). */")
print("export const FLATTEN: { args: number[]; shape: number[] }[] = [")
for a in [(), (1,), (0, 1), (1, 2), (-2, -1), (2, 2), (0, -1)]:
    print(f"  {{ args: {js(a)}, shape: {json.dumps(list(torch.flatten(x, *a).shape))} }},")
print("];")
print(f"export const FLATTEN_0D_SHAPE = {json.dumps(list(torch.flatten(torch.tensor(3.0)).shape))};")
print(f"export const FLATTEN_ERROR = {json.dumps(error_of(lambda: torch.flatten(x, 2, 1)))};")
print("export const PERMUTE: { dims: number[]; shape: number[]; values: number[] }[] = [")
for d in [(2, 0, 1), (1, 0, 2), (-1, -2, -3), (0, 1, 2)]:
    p = x.permute(*d)
    print(f"  {{ dims: {js(d)}, shape: {json.dumps(list(p.shape))}, values: {js(p.reshape(-1).tolist())} }},")
print("];")
print("export const PERMUTE_ERRORS = {")
print(f"  repeated: {json.dumps(error_of(lambda: x.permute(0, 0, 1)))},")
print(f"  count: {json.dumps(error_of(lambda: x.permute(0, 1)))},")
print(f"  range: {json.dumps(error_of(lambda: x.permute(0, 1, 3)))},")
print("};")
print("export const VIEW_ERRORS = {")
print(f"  transposed: {json.dumps(error_of(lambda: x.transpose(0, 1).view(-1)))},")
print(f"  size: {json.dumps(error_of(lambda: x.view(5, 5)))},")
print(f"  twoInferred: {json.dumps(error_of(lambda: x.view(-1, -1)))},")
print("};")
