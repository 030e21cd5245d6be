/**
 * Finding 4 of issue 10: the threaded gemm with operands over 256 MB grew memory by one operand set
 * per call (2.1 → 7 GB over 6 calls of a 16000×16000 · 16000×64 product) until a major GC, because
 * each call after a large one started a new pool on a new shared memory. Now one shared memory is
 * reused: the process's resident memory stays flat over the 6 calls. The one-thread memory, which
 * was replaced after every large call (2.1 ↔ 3.2 GB), now stays too. About 3 GB, a minute or so.
 */
import { describe, expect, it } from "vitest";
import { wasmBackend, wasmKernels } from "../src/kernels/wasm/index.js";
import { keptSharedMemory } from "../src/kernels/wasm/threads.js";
import { getThreads, setThreads } from "../src/index.js";

const wasm = wasmBackend!;
const GB = 1e9;

describe("the 16000×16000 · 16000×64 product, 6 times", () => {
  for (const threads of [2, 1]) it(`on ${threads} thread(s) keeps resident memory flat and the kernels' memory the same`, () => {
    const m = 16000, k = 16000, n = 64;
    const a = new Float32Array(m * k);
    for (let i = 0; i < a.length; i++) a[i] = ((i * 7919) % 2001) / 1000 - 1;
    const b = Float32Array.from({ length: k * n }, (_, i) => ((i * 31) % 17) / 8 - 1);
    const c = new Float32Array(m * n);
    const before = getThreads();
    setThreads(threads);
    const rss: number[] = [];
    try {
      for (let call = 0; call < 6; call++) {
        wasm.gemm(a, 0, b, 0, c, 0, m, n, k, false, false);
        rss.push(process.memoryUsage().rss);
        const now = threads > 1 ? keptSharedMemory() : wasmKernels!.memory;
        if (call === 0) var memory = now;
        expect(now).toBe(memory!);
      }
    } finally {
      setThreads(before);
    }
    console.log(`${threads} thread(s): RSS after each call (GB): ${rss.map((r) => (r / GB).toFixed(2)).join(", ")}; kernel memory ${(memory!.buffer.byteLength / GB).toFixed(2)} GB`);
    // One row of C against a float64 dot product: the product is right, not only cheap.
    for (const j of [0, 31, 63]) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[7 * k + p] * b[p * n + j];
      expect(Math.abs(c[7 * n + j] - s)).toBeLessThan(1e-3 * Math.sqrt(k));
    }
    expect(Math.max(...rss) - rss[0]).toBeLessThan(0.2 * GB); // was +1 GB per call
  });
});
