/**
 * The pooling kernels: the wasm backend's (kernels in WebAssembly memory) against the js reference
 * (kernels/js/pool.ts), bit for bit — on windows that overlap, hang over padding, skip taps
 * (dilation), and on values full of ties (small integers), NaN and −∞.
 */
import { describe, expect, it } from "vitest";
import { jsBackend } from "../../src/kernels/js/index.js";
import { ELEMENTWISE_MIN_LENGTH, wasmBackend } from "../../src/kernels/wasm/index.js";
import { geometry } from "../../src/ops/windows.js";
import { rng } from "./inputs.js";

const wasm = wasmBackend!;

const CASES: { label: string; x: [number, number, number, number]; k: [number, number]; s: number; p: number; d: number; ceil?: boolean }[] = [
  { label: "LeNet's 2×2 stride 2", x: [8, 6, 28, 28], k: [2, 2], s: 2, p: 0, d: 1 },
  { label: "3×3 stride 2 padding 1 (overlapping, over the edges), ceilMode", x: [3, 4, 13, 11], k: [3, 3], s: 2, p: 1, d: 1, ceil: true },
  { label: "2×3 dilation 2 stride 1", x: [2, 3, 12, 14], k: [2, 3], s: 1, p: 1, d: 2 },
];

/** Small integers (many ties), with some NaN and −∞ sprinkled in. */
function values(n: number, seed: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => {
    const u = r();
    return u < 0.01 ? NaN : u < 0.02 ? -Infinity : Math.floor(r() * 5) - 2;
  });
}

const bits = (x: Float32Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);

describe("the wasm pooling kernels equal the js reference bit for bit", () => {
  for (const [i, c] of CASES.entries()) {
    it(`${c.label}: maxWindows (values and routes), gatherWindows, scatterWindows`, () => {
      const g = geometry("test", c.x, { kernel: c.k, stride: [c.s, c.s], dilation: [c.d, c.d], pads: [c.p, c.p, c.p, c.p], ceilMode: c.ceil });
      const T = g.kh * g.kw, outs = g.n * g.c * g.outH * g.outW;
      expect(outs * T).toBeGreaterThanOrEqual(ELEMENTWISE_MIN_LENGTH); // the WebAssembly path
      const x = values(g.n * g.c * g.h * g.w, 10 * i + 1), gy = values(outs, 10 * i + 2).map((v) => (Number.isFinite(v) ? v + 0.25 : 1));
      const run = (backend: typeof jsBackend) => {
        const y = new Float32Array(outs).fill(7), route = new Float32Array(outs * T).fill(7);
        backend.maxWindows(x, g, y, route);
        const avg = new Float32Array(outs).fill(7);
        backend.gatherWindows(x, g, route, avg);
        const dx = new Float32Array(x.length).fill(0.5); // added to, not overwritten
        backend.scatterWindows(gy, g, route, dx);
        return { y, route, avg, dx };
      };
      const js = run(jsBackend), wa = run(wasm);
      for (const key of ["y", "route", "avg", "dx"] as const) expect(bits(wa[key]), key).toEqual(bits(js[key]));
      expect(js.route.some((r) => r > 0 && r < 1)).toBe(true); // ties were split
      expect(js.y.some(Number.isNaN)).toBe(true);
    });
  }
});
