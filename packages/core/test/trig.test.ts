/**
 * sin and cos against PyTorch 2.13 (test/reference/ops-values.ts, made by
 * test/reference/ops_values.py): values in float64 and float32, first and second derivatives in
 * float64, NaN and ±∞; the closed forms sin′ = cos, cos′ = −sin, sin″ = −sin on a grid; both
 * backends on long arrays. The generic checks (gradcheck of both orders, method ≡ function,
 * js ≡ wasm, in-place safety) come from the op table (test/ops/).
 */
import { describe, expect, it } from "vitest";
import { cos, getBackend, grad, setBackend, sin, tensor, traceBackward, type Tensor } from "../src/index.js";
import { expectClose } from "./helpers.js";
import { TRIG, TRIG_SPECIAL, TRIG_SPECIAL_X, TRIG_X } from "./reference/ops-values.js";

const f64 = (v: readonly number[], requiresGrad = false) => tensor(Float64Array.from(v), { requiresGrad });
const OURS = { sin, cos } as const;

/** d²/dx² of sum(f(x)), elementwise. */
const second = (f: (x: Tensor) => Tensor, xs: readonly number[]) =>
  Array.from(grad((x: Tensor) => grad((t: Tensor) => f(t).sum())(x).sum())(f64(xs)).data);

describe("sin and cos against PyTorch", () => {
  for (const name of ["sin", "cos"] as const) {
    it(`${name}: float64 values, gradients and second derivatives at ${TRIG_X.join(", ")}`, () => {
      const x = f64(TRIG_X, true);
      const y = OURS[name](x);
      y.sum().backward();
      // Math.sin/cos and C's libm may differ in the last bit: one part in 10¹⁵.
      expectClose(y.data, TRIG[name].y, 1e-15);
      expectClose(x.grad!.data, TRIG[name].dy, 1e-15);
      expectClose(second(OURS[name], TRIG_X), TRIG[name].d2y, 1e-15);
      // The signs of zero, as PyTorch: sin(−0) = −0.
      expect(Object.is(y.data[1], TRIG[name].y[1])).toBe(true);
    });

    it(`${name}: float32 values within one float32 step of PyTorch's`, () => {
      const y = OURS[name](tensor(TRIG_X));
      expect(y.dtype).toBe("float32");
      TRIG[name].y32.forEach((want, i) => {
        const ulp = 2 ** (Math.floor(Math.log2(Math.max(Math.abs(want), 2 ** -126))) - 23);
        expect(Math.abs(y.data[i] - want), `x = ${TRIG_X[i]}: got ${y.data[i]}, PyTorch ${want}`).toBeLessThanOrEqual(ulp);
      });
    });

    it(`${name}: NaN and ±∞ give NaN, as PyTorch`, () => {
      expect(Array.from(OURS[name](f64(TRIG_SPECIAL_X)).data)).toEqual(TRIG_SPECIAL[name]);
    });
  }
});

describe("closed forms", () => {
  const xs = Array.from({ length: 41 }, (_, i) => -10 + i / 2);

  it("sin′ = cos, cos′ = −sin, sin″ = −sin, cos″ = −cos", () => {
    const x = f64(xs, true);
    sin(x).sum().backward();
    expectClose(x.grad!.data, xs.map(Math.cos), 0);
    x.grad = null;
    cos(x).sum().backward();
    expectClose(x.grad!.data, xs.map((v) => -Math.sin(v)), 0);
    expectClose(second(sin, xs), xs.map((v) => -Math.sin(v)), 0);
    expectClose(second(cos, xs), xs.map((v) => -Math.cos(v)), 0);
  });

  it("sin² + cos² = 1, and the rules traceBackward shows", () => {
    const x = f64(xs, true);
    const one = sin(x).square().add(cos(x).square());
    expectClose(one.data, xs.map(() => 1), 4e-16);
    expect(traceBackward(sin(f64([0.5], true)).sum()).map((s) => [s.op, s.rule])).toEqual([["sum", expect.any(String)], ["sin", "dx = g·cos(x)"]]);
    expect(traceBackward(cos(f64([0.5], true)).sum()).map((s) => s.rule)[1]).toBe("dx = −g·sin(x)");
  });

  it("both backends give the reference's bits on long float32 and float64 arrays (the wasm backend runs the reference loop)", () => {
    const before = getBackend();
    try {
      const xs = Array.from({ length: 1500 }, (_, i) => (i - 750) / 37);
      for (const dtype of ["float32", "float64"] as const) {
        const run = (b: string) => { setBackend(b); return [sin, cos].map((f) => Array.from(f(tensor(xs, { dtype })).data)); };
        expect(run("wasm")).toEqual(run("js"));
        setBackend("js");
        expect(run("js")[0]).toEqual(xs.map((v) => (dtype === "float32" ? Math.fround(Math.sin(Math.fround(v))) : Math.sin(v))));
      }
    } finally {
      setBackend(before);
    }
  });

  it("name the op in their errors", () => {
    expect(() => sin([1, 2] as unknown as Tensor)).toThrow(/sin: input must be a Tensor, got an array/);
    expect(() => cos(2 as unknown as Tensor)).toThrow(/cos: input must be a Tensor, got number/);
  });
});
