"""
PyTorch's repr of tensors, for the printing tests (packages/core/test/printing.test.ts).

    pip install torch
    python3 packages/core/test/reference/reprs.py > packages/core/test/reference/reprs.ts

writes the cases and PyTorch's text for each (reprs.ts is its output, committed as is; its first
line names the PyTorch version). Each case says how the tensor is made, in terms the test repeats
with our tensors: the values (a list, or a formula on the flat index i computed the same way in
Python and JavaScript: integer arithmetic and one division), the shape, the dtype, requires_grad,
and an op applied to it. The test compares our repr with this text after the documented
differences (dtype=torch.float64 → dtype=float64, grad_fn=<MulBackward0> → grad_fn=<mul>,
size=(0, 3) → shape=[0, 3]).
"""
import json
import math

import torch

torch.set_printoptions(profile="default")


def js_number(v):
    if v != v:
        return "NaN"
    if v == math.inf:
        return "Infinity"
    if v == -math.inf:
        return "-Infinity"
    if v == 0 and math.copysign(1, v) < 0:
        return "-0"
    return repr(float(v))


def values_of(spec, n):
    kind = spec[0]
    if kind == "values":
        return spec[1]
    if kind == "ramp":  # (i - offset) / scale
        _, offset, scale = spec
        return [(i - offset) / scale for i in range(n)]
    if kind == "mix":  # ((i * a) % m - c) / d: scattered values of both signs
        _, a, m, c, d = spec
        return [((i * a) % m - c) / d for i in range(n)]
    if kind == "spike":  # i, except one value at index k
        _, k, v = spec
        return [float(v) if i == k else float(i) for i in range(n)]
    if kind == "pow10":  # (i % 7 - 3) · 10^k, k = i % e - s: values across many magnitudes (exact powers, one rounding)
        _, e, s = spec
        return [float((i % 7 - 3) * 10 ** (i % e - s)) if i % e >= s else (i % 7 - 3) / 10 ** (s - i % e) for i in range(n)]
    raise ValueError(kind)


OPS = {
    None: lambda x: x,
    "mul2": lambda x: x * 2,
    "sum": lambda x: x.sum(),
    "exp": lambda x: x.exp(),
    "neg": lambda x: -x,
}

# name: (values spec, shape, dtype, requires_grad, op)
CASES = {
    "1-D, requires grad": (("values", [1.5, 2.0]), [2], "float32", True, None),
    "integer values": (("values", [1.0, 2.0, 3.0]), [3], "float32", False, None),
    "float64": (("values", [1.5, -2.25]), [2], "float64", False, None),
    "float64, requires grad": (("values", [1.0, 2.0]), [2], "float64", True, None),
    "2-D": (("values", [1.0, 2.5, -3.0, 4.0]), [2, 2], "float32", False, None),
    "3-D": (("ramp", 11, 7), [2, 3, 4], "float32", False, None),
    "4-D integers": (("ramp", 0, 1), [2, 2, 2, 2], "float32", False, None),
    "0-d": (("values", [3.14159]), [], "float32", False, None),
    "0-d integer": (("values", [2.0]), [], "float32", False, None),
    "0-d zero": (("values", [0.0]), [], "float32", False, None),
    "0-d negative float64": (("values", [-0.5]), [], "float64", False, None),
    "one element": (("values", [5.0]), [1], "float32", False, None),
    "zeros": (("values", [0.0, 0.0, 0.0]), [3], "float32", False, None),
    "negative zero": (("values", [-0.0, 1.0]), [2], "float32", False, None),
    "negative zero, decimals": (("values", [-0.0, 1.5]), [2], "float32", False, None),
    "small": (("values", [1e-5, 1.0]), [2], "float32", False, None),
    "large": (("values", [1e9, 1.0]), [2], "float32", False, None),
    "ratio over 1000": (("values", [0.1, 200.0]), [2], "float32", False, None),
    "ratio 1000 exactly": (("values", [0.5, 500.0]), [2], "float32", False, None),
    "1e8 integers": (("values", [1e8, 5e7]), [2], "float64", False, None),
    "above 1e8 integers": (("values", [2e8, 1e8]), [2], "float64", False, None),
    "sci, integers and fractions": (("values", [1e10, 1.0, -2.5]), [3], "float64", False, None),
    "tiny": (("values", [1.5e-40, -3e-12, 0.0]), [3], "float64", False, None),
    "nan and inf": (("values", [float("nan"), 1.0, float("inf")]), [3], "float32", False, None),
    "nan, inf with decimals": (("values", [float("nan"), 1.5, float("-inf")]), [3], "float32", False, None),
    "nan, inf in sci": (("values", [float("nan"), 1e-7, float("-inf"), 3.0]), [4], "float32", False, None),
    "all nan": (("values", [float("nan"), float("nan")]), [2], "float32", False, None),
    "inf alone": (("values", [float("inf"), 0.0]), [2], "float64", False, None),
    "ties at 4 decimals": (("values", [0.03125, 1.03125, -2.40625, 0.15625]), [4], "float64", False, None),
    "ties at 4 digits, sci": (("values", [0.0000103125, 10312.5, 3.0]), [3], "float64", False, None),
    "float32 0.1": (("values", [0.1, 0.2, 0.3]), [3], "float32", False, None),
    "wrapping rows": (("mix", 37, 101, 50, 7), [30], "float32", False, None),
    "wrapping 2-D rows": (("mix", 37, 101, 50, 7), [3, 20], "float32", False, None),
    "wrapping sci rows": (("pow10", 9, 4), [25], "float64", False, None),
    "summarised 1-D": (("ramp", 0, 1), [2000], "float32", False, None),
    "summarised 1-D decimals": (("mix", 37, 1001, 500, 3), [1500], "float32", False, None),
    "summarised 2-D": (("ramp", 0, 3), [40, 50], "float32", False, None),
    "summarised 3-D": (("mix", 13, 997, 498, 11), [10, 10, 20], "float32", False, None),
    "summarised, short axes kept": (("ramp", 5, 4), [2, 1001], "float32", False, None),
    "summarised, sci from the edges": (("pow10", 11, 5), [1001], "float64", False, None),
    "summarised, formatter from the edges only": (("spike", 500, 0.5), [1001], "float32", False, None),
    "summarised, a huge value hidden": (("spike", 500, 1e12), [1001], "float64", False, None),
    "not summarised at 1000": (("ramp", 0, 1), [1000], "float32", False, None),
    "empty 1-D": (("values", []), [0], "float32", False, None),
    "empty 2-D": (("values", []), [0, 3], "float32", False, None),
    "empty float64": (("values", []), [2, 0], "float64", False, None),
    "empty 1-D float64": (("values", []), [0], "float64", True, None),
    "grad_fn mul": (("values", [1.5, 2.0]), [2], "float32", True, "mul2"),
    "grad_fn sum": (("values", [1.5, 2.0]), [2], "float32", True, "sum"),
    "grad_fn exp float64": (("values", [0.0, 1.0]), [2], "float64", True, "exp"),
    "grad_fn neg 2-D": (("ramp", 3, 2), [2, 3], "float32", True, "neg"),
    "rows wrapped, suffixes after": (("mix", 37, 101, 50, 7), [2, 9], "float64", True, "mul2"),
    "requires_grad on a new line": (("mix", 37, 101, 50, 7), [16], "float32", True, None),
    "dtype and requires_grad on a new line": (("mix", 37, 101, 50, 7), [2, 8], "float64", True, None),
    "suffix fits": (("values", [1.0, 2.0, 3.0]), [1, 3], "float64", True, "mul2"),
}

print(f"// Made by packages/core/test/reference/reprs.py with torch {torch.__version__}; do not edit.")
print("export type ValuesSpec = [\"values\", number[]] | [\"ramp\", number, number] | [\"mix\", number, number, number, number] | [\"spike\", number, number] | [\"pow10\", number, number];")
print("export interface ReprCase { values: ValuesSpec; shape: number[]; dtype: \"float32\" | \"float64\"; requiresGrad: boolean; op: string | null; repr: string }")
print("export const REPR_CASES: Record<string, ReprCase> = {")
for name, (spec, shape, dtype, requires_grad, op) in CASES.items():
    n = math.prod(shape)
    vals = values_of(spec, n)
    x = torch.tensor(vals, dtype=getattr(torch, dtype)).reshape(shape)
    x.requires_grad_(requires_grad)
    y = OPS[op](x)
    spec_js = "[" + ", ".join([json.dumps(spec[0])] + ([("[" + ", ".join(js_number(v) for v in spec[1]) + "]")] if spec[0] == "values" else [js_number(v) for v in spec[1:]])) + "]"
    print(f"  {json.dumps(name)}: {{ values: {spec_js}, shape: {json.dumps(shape)}, dtype: {json.dumps(dtype)}, "
          f"requiresGrad: {json.dumps(requires_grad)}, op: {json.dumps(op)},")
    print(f"    repr: {json.dumps(repr(y))} }},")
print("};")

# Python's own number formats, which PyTorch's repr uses: exactly rounded, ties to even.
numbers = [0.5, 1.5, 2.5, -0.5, -2.5, 0.03125, 1.03125, -2.40625, 10312.5, 99999.5, 9.99995, 9.999949999, 0.00005, 0.00015,
           1e-300, 5e-324, -5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 123456789.123, 1e21, 1e22, 2 ** 53 + 2,
           0.1, 0.2, 0.3, 1 / 3, -2 / 3, 1e-5, 123.456789, -0.0, 0.0, 3.0, 1e100, 4.35e-5, 0.000123456]
numbers += [((i * 7919) % 10007 - 5003) / 10007 * 10 ** ((i % 13) - 6) for i in range(40)]
print("/** Python's f\"{x:.4f}\", f\"{x:.0f}\" and f\"{x:.4e}\" for each x (ties to even, exact). */")
print("export const NUMBER_FORMATS: [number, string, string, string][] = [")
for v in numbers:
    print(f"  [{js_number(v)}, {json.dumps(f'{v:.4f}')}, {json.dumps(f'{v:.0f}')}, {json.dumps(f'{v:.4e}')}],")
print("];")
