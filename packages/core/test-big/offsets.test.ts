/**
 * Finding 3 of issue 10: a float32 operand of 2 GiB or more threw `RangeError: offset is out of
 * bounds` (byte offsets ≥ 2³¹ went negative through `>> 2`), and past 4 GiB of kernel memory
 * `WebAssembly.Memory.grow()` failed with a raw error naming no op. Here at full size: operands
 * that end past 2 GiB in WebAssembly memory give the reference's result, and a call that cannot fit
 * in 4 GiB runs on the reference. About 10 GB of memory, a minute or two.
 */
import { describe, expect, it } from "vitest";
import { jsBackend } from "../src/kernels/js/index.js";
import { wasmBackend } from "../src/kernels/wasm/index.js";
import { backendInfo, getThreads, setThreads } from "../src/index.js";

const wasm = wasmBackend!;
const ROWS = 2 ** 23, COLS = 64; // 2²⁹ floats: 2 GiB
const a = new Float32Array(ROWS * COLS);
for (let i = 0; i < a.length; i++) a[i] = ((i * 7919) % 2001) / 1000 - 1; // cheap, varied, in [−1, 1]

/** The index of the first element where `got` is not `expected(i)` (NaN-free here), or −1. */
function firstMismatch(got: Float32Array, expected: (i: number) => number): number {
  for (let i = 0; i < got.length; i++) if (got[i] !== expected(i)) return i;
  return -1;
}

describe("a float32 operand of 2 GiB through the wasm kernels", () => {
  const out = new Float32Array(a.length);

  it("binary: 1.25 GiB + 1.25 GiB (the output lands past 2 GiB in WebAssembly memory) equals the reference bit for bit", () => {
    // A binary op with a 2 GiB operand cannot fit: its output needs 2 GiB more (the last test).
    const n = (a.length / 8) * 5, x = a.subarray(0, n), y = a.subarray(a.length - n), o = out.subarray(0, n);
    o.fill(NaN);
    wasm.binary("mul", x, [n], y, [n], o, [n]);
    expect(firstMismatch(o, (i) => Math.fround(x[i] * y[i]))).toBe(-1);
    expect(wasm.status!().note).toBe(""); // it ran in WebAssembly
  });

  for (const threads of [1, 2]) {
    it(`gemm on ${threads} thread(s): [2²³, 64] · [64, 8] (B and C copied past 2 GiB) equals the reference within float32 tolerance`, () => {
      const b = Float32Array.from({ length: COLS * 8 }, (_, i) => ((i * 31) % 17) / 8 - 1);
      const c = new Float32Array(ROWS * 8).fill(NaN), ref = new Float32Array(ROWS * 8);
      const before = getThreads();
      setThreads(threads);
      try {
        wasm.gemm(a, 0, b, 0, c, 0, ROWS, 8, COLS, false, false);
      } finally {
        setThreads(before);
      }
      jsBackend.gemm(a, 0, b, 0, ref, 0, ROWS, 8, COLS, false, false);
      let worst = 0;
      for (let i = 0; i < c.length; i++) worst = Math.max(worst, Math.abs(c[i] - ref[i]));
      expect(worst).toBeLessThanOrEqual(4 * 2 ** -24 * COLS * 1.5 * 2); // |b| ≤ 1, |a| ≤ 1
      expect(wasm.status!().note).toBe("");
    });
  }

  it("binary: 2 GiB + 2 GiB cannot fit in 4 GiB of WebAssembly memory: the reference runs it and the note says so", () => {
    out.fill(NaN);
    wasm.binary("add", a, [a.length], a, [a.length], out, [a.length]);
    expect(firstMismatch(out, (i) => Math.fround(a[i] + a[i]))).toBe(-1);
    const note = `binary "add" (${a.length} elements) ran on the js reference: WebAssembly memory cannot grow`;
    expect(wasm.status!().note).toContain(note);
    expect(backendInfo().note).toContain(note);
  });
});
