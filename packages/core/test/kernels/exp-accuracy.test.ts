/**
 * WebAssembly has no exp instruction, so the wasm backend evaluates exp and sigmoid with a
 * vectorised polynomial approximation (assembly/elementwise.ts). Here is the proof that it is
 * accurate to float32: a dense sweep of 12 million evenly spaced points over the whole range where
 * the result is finite and nonzero, against Math.exp in float64.
 */
import { describe, expect, it } from "vitest";
import { wasmBackend } from "../../src/kernels/wasm/index.js";

const wasm = wasmBackend!;
const POINTS = 12_000_000;
const CHUNK = 1 << 20;
const FLT_MIN = 2 ** -126;

/**
 * Worst error of `op` over the sweep: in ulp of the correctly rounded float32 result where that is
 * a normal number, and in units of the smallest denormal (2⁻¹⁴⁹) where it is denormal.
 */
function sweep(op: "exp" | "sigmoid", lo: number, hi: number, exact: (x: number) => number) {
  const x = new Float32Array(CHUNK), y = new Float32Array(CHUNK);
  let ulps = 0, denormalUnits = 0, denormals = 0, points = 0;
  for (let start = 0; start < POINTS; start += CHUNK) {
    const n = Math.min(CHUNK, POINTS - start);
    const xs = x.subarray(0, n), ys = y.subarray(0, n);
    for (let i = 0; i < n; i++) xs[i] = lo + ((hi - lo) * (start + i)) / (POINTS - 1);
    wasm.unary(op, xs, ys);
    for (let i = 0; i < n; i++) {
      const r = Math.fround(exact(xs[i]));
      const err = Math.abs(ys[i] - r);
      if (Math.abs(r) < FLT_MIN) {
        denormals++;
        denormalUnits = Math.max(denormalUnits, err / 2 ** -149);
      } else {
        ulps = Math.max(ulps, err / (Math.abs(r) * 2 ** -23));
      }
    }
    points += n;
  }
  return { ulps, denormalUnits, denormals, points };
}

describe("vectorised exp and sigmoid: dense sweeps of 1.2·10⁷ points", () => {
  it("exp over [−103.9, 88.72] (every finite nonzero float32 result): 1 ulp, denormals to 1 unit of 2⁻¹⁴⁹", () => {
    const r = sweep("exp", -103.9, 88.72, Math.exp);
    expect(r.points).toBe(POINTS);
    expect(r.denormals).toBeGreaterThan(0);
    expect(r.ulps).toBeLessThanOrEqual(1);
    expect(r.denormalUnits).toBeLessThanOrEqual(1);
  });

  it("sigmoid over [−103.9, 90]: 6 ulp, in its denormal left tail too (where an ulp is 2⁻¹⁴⁹)", () => {
    const r = sweep("sigmoid", -103.9, 90, (v) => 1 / (1 + Math.exp(-v)));
    expect(r.denormals).toBeGreaterThan(0);
    expect(r.ulps).toBeLessThanOrEqual(6);
    expect(r.denormalUnits).toBeLessThanOrEqual(6);
  });
});
