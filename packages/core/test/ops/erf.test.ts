/**
 * erf and the exact GELU against 50-digit values (mpmath, made by test/reference/zoo_values.py),
 * on a dense grid against an independent series, at ±0, ±∞ and NaN, in float32, and their
 * derivatives against the hand-derived formulas.
 */
import { describe, expect, it } from "vitest";
import { erf, gelu, getBackend, grad, setBackend, tensor, type Tensor } from "../../src/index.js";
import { erfRef } from "./reference.js";
import { ERF_MPMATH, GELU_MPMATH } from "../reference/zoo-values.js";

const f64 = (v: number[], requiresGrad = false) => tensor(Float64Array.from(v), { requiresGrad });
const ULP = 2 ** -52;

/** The largest |got − want| / |want| (|got| where want is 0). */
function worstRelative(got: ArrayLike<number>, want: readonly number[]): number {
  let worst = 0;
  want.forEach((w, i) => { worst = Math.max(worst, w === 0 ? Math.abs(got[i]) : Math.abs(got[i] - w) / Math.abs(w)); });
  return worst;
}

describe("erf", () => {
  it("is within 2 units in the last place of mpmath's value from 1e−300 to 27, both signs (measured: 1.7)", () => {
    const got = erf(f64(ERF_MPMATH.x)).data;
    expect(worstRelative(got, ERF_MPMATH.erf)).toBeLessThanOrEqual(2 * ULP);
    // the two methods meet at |x| = 2.5, and erf is ±1 exactly from |x| = 6 on
    const at = (x: number) => got[ERF_MPMATH.x.indexOf(x)];
    expect(at(6)).toBe(1);
    expect(at(-27)).toBe(-1);
    expect(at(5.9)).toBe(0.9999999999999999);
  });

  it("matches the Taylor series (another algorithm) on a grid of 6001 points in [−3, 3] to 1e−13", () => {
    const xs = Array.from({ length: 6001 }, (_, i) => -3 + i / 1000);
    const got = erf(f64(xs)).data;
    let worst = 0;
    xs.forEach((x, i) => { worst = Math.max(worst, Math.abs(got[i] - erfRef(x))); });
    expect(worst).toBeLessThan(1e-13);
  });

  it("is odd and keeps −0, gives ±1 at ±∞ and NaN for NaN", () => {
    const y = erf(f64([0, -0, Infinity, -Infinity, NaN])).data;
    expect(Object.is(y[0], 0)).toBe(true);
    expect(Object.is(y[1], -0)).toBe(true);
    expect([y[2], y[3]]).toEqual([1, -1]);
    expect(y[4]).toBeNaN();
    const xs = [0.3, 1.7, 2.6, 4.2];
    expect(Array.from(erf(f64(xs.map((x) => -x))).data)).toEqual(Array.from(erf(f64(xs)).data, (v) => -v));
  });

  it("float32: the float64 value rounded once, on both backends (600 elements: the wasm backend's long-array path)", () => {
    const xs = Array.from({ length: 600 }, (_, i) => -4 + (8 * i) / 599);
    const want = Array.from(erf(f64(xs.map(Math.fround))).data, Math.fround);
    const before = getBackend();
    try {
      for (const backend of ["js", "wasm"]) {
        setBackend(backend);
        const y = erf(tensor(xs));
        expect(y.dtype).toBe("float32");
        expect(Array.from(y.data), backend).toEqual(want);
      }
    } finally {
      setBackend(before);
    }
  });

  it("d/dx erf = (2/√π)·e^(−x²) and d²/dx² = −2x·(2/√π)·e^(−x²)", () => {
    const xs = [-2, -0.5, 0, 0.7, 3];
    const c = 2 / Math.sqrt(Math.PI);
    const d1 = grad((x: Tensor) => erf(x).sum())(f64(xs));
    const d2 = grad((x: Tensor) => grad((t: Tensor) => erf(t).sum())(x).sum())(f64(xs)); // elementwise: Σ of the first derivatives
    xs.forEach((x, i) => {
      expect(d1.data[i]).toBeCloseTo(c * Math.exp(-x * x), 15);
      expect(d2.data[i]).toBeCloseTo(-2 * x * c * Math.exp(-x * x), 15);
    });
  });
});

describe("gelu (exact) against mpmath", () => {
  it("keeps its relative accuracy far out on the left (erfc, not 1 + erf): within 1e−13 down to −20", () => {
    const got = gelu(f64(GELU_MPMATH.x)).data;
    expect(worstRelative(got, GELU_MPMATH.gelu)).toBeLessThan(1e-13);
    // 1 + erf(x/√2) would give exactly 0 here (erf rounds to −1): the tail is really there
    expect(got[GELU_MPMATH.x.indexOf(-10)]).toBeLessThan(-7.6e-23);
  });
});
