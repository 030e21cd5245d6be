/**
 * The convolution kernels: the wasm backend's (columns unfolded and folded in WebAssembly memory,
 * products on the SIMD gemm, split across threads when large) against the js reference
 * (kernels/js/conv.ts), on shapes that reach every path — one thread and several, groups,
 * strides, dilation, padding, kernels larger than the stride — and threads against one thread
 * bit for bit. The ops' own checks (against PyTorch and the definition) are in test/conv.test.ts.
 */
import { describe, expect, it } from "vitest";
import type { ConvGeometry } from "../../src/kernels/backend.js";
import { jsBackend } from "../../src/kernels/js/index.js";
import { GEMM_MIN_WORK, THREADS_MIN_WORK, wasmBackend } from "../../src/kernels/wasm/index.js";
import { geometry } from "../../src/ops/windows.js";
import { getThreads, setThreads } from "../../src/index.js";
import { uniform } from "./inputs.js";

const wasm = wasmBackend!;

interface Case { label: string; x: [number, number, number, number]; out: number; k: [number, number]; stride?: number; pad?: number; dil?: number; groups?: number }

function plan(c: Case): ConvGeometry {
  const s = c.stride ?? 1, p = c.pad ?? 0, d = c.dil ?? 1;
  return { ...geometry("test", c.x, { kernel: c.k, stride: [s, s], dilation: [d, d], pads: [p, p, p, p] }), groups: c.groups ?? 1, out: c.out };
}

const work = (g: ConvGeometry) => (g.out / g.groups) * (g.c / g.groups) * g.kh * g.kw * g.n * g.outH * g.outW * g.groups;

const CASES: Case[] = [
  { label: "LeNet's first layer: 1→6, 5×5, padding 2", x: [8, 1, 28, 28], out: 6, k: [5, 5], pad: 2 },
  { label: "3×3 padding 1, large enough for threads", x: [4, 16, 20, 20], out: 32, k: [3, 3], pad: 1 },
  { label: "stride 2, dilation 2, groups 2", x: [3, 6, 17, 15], out: 4, k: [3, 2], stride: 2, dil: 2, groups: 2 },
  { label: "depthwise (groups = channels), stride 3, padding 2", x: [2, 8, 13, 11], out: 8, k: [4, 4], stride: 3, pad: 2, groups: 8 },
  { label: "1×1 kernel", x: [5, 12, 9, 7], out: 10, k: [1, 1] },
];

/** max |a − b| / max(1, |b|). */
function relErr(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return worst;
}

/** The three kernels of one case on a backend: y, dx and dw. */
function runAll(backend: typeof jsBackend, g: ConvGeometry, seed: number) {
  const x = uniform(g.n * g.c * g.h * g.w, seed), w = uniform(g.out * (g.c / g.groups) * g.kh * g.kw, seed + 1);
  const gy = uniform(g.n * g.out * g.outH * g.outW, seed + 2), bias = uniform(g.out, seed + 3);
  const y = new Float32Array(gy.length).fill(NaN), dx = new Float32Array(x.length).fill(NaN), dw = new Float32Array(w.length).fill(NaN);
  backend.convForward(x, w, bias, y, g);
  backend.convInput(gy, w, dx, g);
  backend.convWeight(x, gy, dw, g);
  return { y, dx, dw };
}

describe("the wasm convolution kernels against the js reference", () => {
  it("the cases reach the WebAssembly path, and one reaches the threads", () => {
    expect(CASES.every((c) => work(plan(c)) >= GEMM_MIN_WORK)).toBe(true);
    expect(CASES.some((c) => work(plan(c)) >= THREADS_MIN_WORK)).toBe(true);
  });

  for (const [i, c] of CASES.entries()) {
    it(`${c.label}: forward (with a bias), input gradient and weight gradient agree to float32 rounding (every output written)`, () => {
      const g = plan(c);
      const js = runAll(jsBackend, g, 10 * i), wa = runAll(wasm, g, 10 * i);
      // Terms summed per entry: float32 sums of n terms (the reference sums in float64) drift like √n.
      const terms = { y: (g.c / g.groups) * g.kh * g.kw, dx: (g.out / g.groups) * g.kh * g.kw, dw: g.n * g.outH * g.outW };
      for (const key of ["y", "dx", "dw"] as const) {
        expect(wa[key].some(Number.isNaN), `${key}: NaN left`).toBe(false);
        expect(relErr(wa[key], js[key]), key).toBeLessThan(1e-5 * Math.max(1, Math.sqrt(terms[key] / 100)));
      }
    });
  }

  it("threads give one thread's bits, on every case", () => {
    const before = getThreads();
    try {
      // All cases on one thread, then on two (each setThreads restarts the pool).
      setThreads(1);
      const one = CASES.map((c, i) => runAll(wasm, plan(c), 10 * i));
      setThreads(2);
      const two = CASES.map((c, i) => runAll(wasm, plan(c), 10 * i));
      CASES.forEach((c, i) => {
        for (const key of ["y", "dx", "dw"] as const) expect(Buffer.from(two[i][key].buffer), `${c.label}: ${key}`).toEqual(Buffer.from(one[i][key].buffer));
      });
    } finally {
      setThreads(before);
    }
  });

  it("float64 and small products run the reference itself", () => {
    const g = plan({ label: "", x: [1, 1, 4, 4], out: 1, k: [2, 2] });
    expect(work(g)).toBeLessThan(GEMM_MIN_WORK);
    const x = uniform(16, 3), w = uniform(4, 4);
    const a = new Float32Array(9), b = new Float32Array(9);
    jsBackend.convForward(x, w, null, a, g);
    wasm.convForward(x, w, null, b, g);
    expect(b).toEqual(a);
  });
});
