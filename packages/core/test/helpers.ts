/**
 * Helpers shared by the core test files: deterministic inputs and tolerant comparisons.
 */
import { expect } from "vitest";
import { add, div, gradcheck, tensor, type Tensor } from "../src/index.js";

/** `n` deterministic values in [−1, 1) from a small linear congruential generator. */
export function values(n: number, seed = 1): number[] {
  let s = seed >>> 0 || 1;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push(s / 2 ** 31 - 1);
  }
  return out;
}

export const prod = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);

/** Elementwise |actual − expected| ≤ tol·max(1, |expected|); NaN and ±∞ must match exactly. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-12): void {
  expect(actual.length, "length").toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i], e = expected[i];
    if (Number.isNaN(e)) expect(a, `element ${i}`).toBeNaN();
    else if (!Number.isFinite(e)) expect(a, `element ${i}`).toBe(e);
    else expect(Math.abs(a - e), `element ${i}: got ${a}, expected ${e}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(e)));
  }
}

/** gradcheck passes, with the first failures in the message when it does not. */
export function expectGradOk(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[]): void {
  const r = gradcheck(f, inputs);
  if (!r.ok) throw new Error(`gradcheck failed: ${JSON.stringify(r.failures.slice(0, 5))}`);
  expect(r.failures).toEqual([]);
}

/** micrograd's classic expression in float64: g(a = −4, b = 2) = 24.7041, dg/da = 138.8338, dg/db = 645.5773. */
export function micrograd(): { a: Tensor; b: Tensor; g: Tensor } {
  const a = tensor(-4, { dtype: "float64", requiresGrad: true });
  const b = tensor(2, { dtype: "float64", requiresGrad: true });
  let c = a.add(b);
  let d = a.mul(b).add(b.pow(3));
  c = c.add(c.add(1));
  c = c.add(add(1, c).add(a.neg())); // 1 + c: a weak scalar on the left
  d = d.add(d.mul(2).add(b.add(a).relu()));
  d = d.add(d.mul(3).add(b.sub(a).relu()));
  const e = c.sub(d);
  const f = e.pow(2);
  let g = f.div(2.0);
  g = g.add(div(10.0, f));
  return { a, b, g };
}
