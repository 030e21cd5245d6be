/**
 * The activation zoo (elu, gelu, silu, hardtanh, relu6) against PyTorch: forward values, first
 * and second derivatives in float64, as PyTorch 2.13 computed them (test/reference/zoo-values.ts,
 * made by test/reference/zoo_values.py); behaviour at huge inputs and NaN; argument checks. The
 * derivatives exactly at the kinks are in kinks.test.ts; the generic checks (gradcheck of both
 * orders, method ≡ function, js ≡ wasm, in-place safety) come from the op table (test/ops/).
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  elu, gelu, getReluAtZero, grad, hardtanh, relu6, setReluAtZero, silu, tensor, traceBackward, type Tensor,
} from "../src/index.js";
import { expectClose } from "./helpers.js";
import { TORCH, TORCH_SECOND, TORCH_X } from "./reference/zoo-values.js";

const f64 = (v: readonly number[], requiresGrad = false) => tensor(Float64Array.from(v), { requiresGrad });

/** The value of f and the gradient of sum(f(x)) at xs (float64). */
function valueAndSlope(f: (x: Tensor) => Tensor, xs: readonly number[]): { y: number[]; dy: number[] } {
  const x = f64(xs, true);
  const y = f(x);
  y.sum().backward();
  return { y: Array.from(y.data), dy: Array.from(x.grad!.data) };
}

/** d²/dx² of sum(f(x)), elementwise (f acts elementwise, so the Hessian is diagonal). */
function secondDerivative(f: (x: Tensor) => Tensor, xs: readonly number[]): number[] {
  const d2 = grad((x: Tensor) => grad((t: Tensor) => f(t).sum())(x).sum())(f64(xs));
  return Array.from(d2.data);
}

const OURS: Record<string, (x: Tensor) => Tensor> = {
  "elu": (x) => elu(x),
  "elu alpha 0.5": (x) => elu(x, 0.5),
  "elu alpha 2": (x) => x.elu(2),
  "gelu": (x) => gelu(x),
  "gelu tanh": (x) => x.gelu({ approximate: "tanh" }),
  "silu": (x) => silu(x),
  "hardtanh": (x) => hardtanh(x),
  "hardtanh -0.25 2.5": (x) => x.hardtanh(-0.25, 2.5),
  "relu6": (x) => relu6(x),
};

afterEach(() => setReluAtZero("left"));

describe("against PyTorch (float64)", () => {
  it("covers every case the reference script computed, except clamp (tested in kinks.test.ts)", () => {
    expect(Object.keys(TORCH).filter((k) => !(k in OURS))).toEqual(["clamp -1 1"]);
  });

  for (const [name, f] of Object.entries(OURS)) {
    it(`${name}: values and gradients at ${TORCH_X.join(", ")}`, () => {
      const { y, dy } = valueAndSlope(f, TORCH_X);
      expectClose(y, TORCH[name].y, 1e-15);
      expectClose(dy, TORCH[name].dy, 1e-15);
    });
  }

  for (const name of Object.keys(TORCH_SECOND)) {
    it(`${name}: second derivatives`, () => {
      expectClose(secondDerivative(OURS[name], TORCH_X), TORCH_SECOND[name], 1e-14);
    });
  }

  it("elu's second derivative is α·eˣ left of 0 and 0 right of it (hand-derived)", () => {
    const xs = [-3, -1, -0.25, 0.5, 4];
    expectClose(secondDerivative((x) => elu(x, 0.5), xs), xs.map((x) => (x < 0 ? 0.5 * Math.exp(x) : 0)), 1e-15);
  });

  it("hardtanh and relu6 have second derivative 0 everywhere (piecewise linear)", () => {
    expect(secondDerivative((x) => hardtanh(x), TORCH_X)).toEqual(TORCH_X.map(() => 0));
    expect(secondDerivative((x) => relu6(x), TORCH_X)).toEqual(TORCH_X.map(() => 0));
  });
});

describe("properties", () => {
  it("gelu's two forms differ by less than 5e−4 (PyTorch's tanh approximation)", () => {
    const xs = Array.from({ length: 801 }, (_, i) => -8 + i / 50);
    const exact = gelu(f64(xs)).data, approx = gelu(f64(xs), { approximate: "tanh" }).data;
    let worst = 0;
    xs.forEach((_, i) => { worst = Math.max(worst, Math.abs(exact[i] - approx[i])); });
    expect(worst).toBeGreaterThan(1e-4); // they do differ
    expect(worst).toBeLessThan(5e-4);
  });

  it("float32 stays float32, and equals the float64 value rounded once (the kernels compute in float64)", () => {
    const xs = [-3.5, -1, -0.1, 0, 0.2, 2, 7];
    for (const [name, f] of Object.entries(OURS)) {
      const y = f(tensor(xs));
      expect(y.dtype, name).toBe("float32");
      expect(Array.from(y.data), name).toEqual(Array.from(f(f64(xs.map(Math.fround))).data, Math.fround));
    }
  });

  it("huge inputs give finite values and finite first and second derivatives (no 0·∞), float64 and float32", () => {
    const big = [-1e300, -1e30, -60, 60, 1e30, 1e300];
    const big32 = [-3e38, -1e20, -60, 60, 1e20, 3e38];
    for (const [name, f] of Object.entries(OURS)) {
      for (const [xs, dtype] of [[big, "float64"], [big32, "float32"]] as const) {
        const x = tensor(xs.slice(), { dtype, requiresGrad: true });
        const y = f(x);
        const g = grad((t: Tensor) => f(t).sum())(x);
        const h = grad((t: Tensor) => grad((u: Tensor) => f(u).sum())(t).sum())(x);
        for (const [what, t] of [["value", y], ["slope", g], ["second derivative", h]] as const) {
          expect(Array.from(t.data).every(Number.isFinite), `${name} ${dtype} ${what}: ${Array.from(t.data)}`).toBe(true);
        }
      }
    }
  });

  it("far from 0 each has its asymptotes: elu → −α, gelu and silu → 0 on the left, x on the right", () => {
    expect(Array.from(elu(f64([-800, 800]), 0.5).data)).toEqual([-0.5, 800]);
    expect(Array.from(gelu(f64([-800, 800])).data)).toEqual([-0, 800]);
    expect(Array.from(gelu(f64([-800, 800]), { approximate: "tanh" }).data)).toEqual([-0, 800]);
    expect(Array.from(silu(f64([-800, 800])).data)).toEqual([-0, 800]);
  });

  it("NaN stays NaN in every forward", () => {
    for (const [name, f] of Object.entries(OURS)) expect(f(f64([NaN])).data[0], name).toBeNaN();
  });

  it("the minima quoted in the doc comments: gelu −0.17 at x ≈ −0.75, silu −0.28 at x ≈ −1.28", () => {
    const xs = Array.from({ length: 3001 }, (_, i) => -3 + i / 1000);
    const argmin = (y: ArrayLike<number>) => Array.from(y).reduce((best, v, i) => (v < y[best] ? i : best), 0);
    const g = gelu(f64(xs)).data, s = silu(f64(xs)).data;
    expect(xs[argmin(g)]).toBeCloseTo(-0.752, 3);
    expect(g[argmin(g)]).toBeCloseTo(-0.17, 2);
    expect(xs[argmin(s)]).toBeCloseTo(-1.278, 3);
    expect(s[argmin(s)]).toBeCloseTo(-0.278, 3);
  });

  it("hardtanh(x, m, m) is the constant m with gradient 0, as PyTorch's F.hardtanh allows", () => {
    const { y, dy } = valueAndSlope((x) => hardtanh(x, 1, 1), [0, 1, 2]);
    expect(y).toEqual([1, 1, 1]);
    expect(dy).toEqual([0, 0, 0]);
  });

  it("infinite bounds are allowed: hardtanh(x, −∞, ∞) is the identity", () => {
    expect(valueAndSlope((x) => hardtanh(x, -Infinity, Infinity), [-1e300, 0, 5])).toEqual({ y: [-1e300, 0, 5], dy: [1, 1, 1] });
  });

  it("the backward rules as traceBackward shows them", () => {
    const rule = (f: (x: Tensor) => Tensor) => traceBackward(f(f64([0.5], true)).sum())[1].rule;
    expect(rule((x) => elu(x, 0.5))).toBe("dx = g·(x > 0 ? 1 : 0.5·eˣ)");
    expect(rule((x) => elu(x, 0.5, { atZero: "right" }))).toBe("dx = g·(x ≥ 0 ? 1 : 0.5·eˣ)");
    expect(rule((x) => gelu(x))).toBe("dx = g·(Φ(x) + x·φ(x))");
    expect(rule((x) => silu(x))).toBe("dx = g·σ(x)·(1 + x·(1 − σ(x)))");
    expect(rule((x) => hardtanh(x))).toBe("dx = g·[-1 < x < 1]");
    expect(rule((x) => hardtanh(x, -2, 3, { atBounds: "left" }))).toBe("dx = g·[-2 < x ≤ 3]");
    expect(rule((x) => relu6(x, { atBounds: "right" }))).toBe("dx = g·[0 ≤ x < 6]");
  });
});

describe("argument checks: errors name the op and the value", () => {
  const x = () => f64([0.5, -1], true);

  it("elu: alpha must be a finite number; atZero as relu's", () => {
    expect(() => elu(x(), NaN)).toThrow(/^elu: alpha must be a finite number, got NaN$/);
    expect(() => elu(x(), Infinity)).toThrow(/^elu: alpha must be a finite number, got Infinity$/);
    expect(() => elu(x(), "1" as never)).toThrow(/^elu: alpha must be a finite number, got "1"$/);
    expect(() => elu(x(), 1, { atZero: "middle" as never })).toThrow(/^elu: atZero must be "left".*got "middle"$/);
    expect(() => elu(x(), 1, { alpha: 2 } as never)).toThrow(/^elu: unknown option "alpha"; expected one of: atZero$/);
    expect(() => elu([1, 2] as never)).toThrow(/^elu: input must be a Tensor, got an array/);
    expect(getReluAtZero()).toBe("left");
  });

  it("gelu: approximate must be \"none\" or \"tanh\" (PyTorch: \"approximate argument must be either none or tanh.\")", () => {
    expect(() => gelu(x(), { approximate: "exact" as never })).toThrow(/^gelu: approximate must be "none" \(the exact x·Φ\(x\)\) or "tanh" \(PyTorch's tanh approximation\), got "exact"$/);
    expect(() => gelu(x(), { approximate: null as never })).toThrow(/^gelu: approximate must be .*got null$/);
    expect(() => gelu(x(), "tanh" as never)).toThrow(/^gelu: options must be an object, got string$/);
    expect(() => gelu(x(), { approx: "tanh" } as never)).toThrow(/^gelu: unknown option "approx"; expected one of: approximate$/);
  });

  it("hardtanh: min must not exceed max (PyTorch: \"min_val cannot be greater than max_val\"); bounds are numbers, not NaN", () => {
    expect(() => hardtanh(x(), 2, 1)).toThrow(/^hardtanh: min \(2\) must not exceed max \(1\)$/);
    expect(() => x().hardtanh(1.5)).toThrow(/^hardtanh: min \(1.5\) must not exceed max \(1\)$/);
    expect(() => hardtanh(x(), NaN, 1)).toThrow(/^hardtanh: min must be a number, got NaN$/);
    expect(() => hardtanh(x(), -1, "2" as never)).toThrow(/^hardtanh: max must be a number, got "2"$/);
    expect(() => hardtanh(x(), -1, 1, { atBounds: "inside" as never })).toThrow(/^hardtanh: atBounds must be "open" .* got "inside"$/);
    expect(() => hardtanh(x(), -1, 1, { atZero: "left" } as never)).toThrow(/^hardtanh: unknown option "atZero"; expected one of: atBounds$/);
  });

  it("relu6: only { atBounds }", () => {
    expect(() => relu6(x(), { atBounds: 6 as never })).toThrow(/^relu6: atBounds must be "open" .* got 6$/);
    expect(() => relu6(x(), 0 as never)).toThrow(/^relu6: options must be an object, got number$/);
    expect(() => silu(null as never)).toThrow(/^silu: input must be a Tensor, got null$/);
  });
});
