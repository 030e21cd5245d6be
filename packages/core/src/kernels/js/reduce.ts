/**
 * Reductions along one axis. The input is viewed as [outer, n, inner] (n is the reduced axis),
 * so any single-axis reduction is two plain loops; several axes are reduced one after another.
 * Sums accumulate in a JavaScript number (a double), so float32 sums keep their precision.
 */
import type { FloatArray } from "../../dtype.js";
import type { ReduceKernel } from "../codes.js";

export function reduceAxis(op: ReduceKernel, x: FloatArray, outer: number, n: number, inner: number, out: FloatArray): void {
  switch (op) {
    case "sum":
      for (let o = 0; o < outer; o++) {
        const base = o * n * inner;
        for (let j = 0; j < inner; j++) {
          let s = 0;
          for (let i = 0, p = base + j; i < n; i++, p += inner) s += x[p];
          out[o * inner + j] = s;
        }
      }
      return;
    case "max":
    case "min": {
      const sign = op === "max" ? 1 : -1;
      for (let o = 0; o < outer; o++) {
        const base = o * n * inner;
        for (let j = 0; j < inner; j++) {
          let best = -Infinity;
          let p = base + j;
          for (let i = 0; i < n; i++, p += inner) {
            const v = sign * x[p];
            if (v > best || v !== v) { best = v; if (v !== v) break; } // NaN propagates, as in PyTorch
          }
          out[o * inner + j] = sign * best;
        }
      }
      return;
    }
    case "argmax":
    case "argmin": {
      const sign = op === "argmax" ? 1 : -1;
      for (let o = 0; o < outer; o++) {
        const base = o * n * inner;
        for (let j = 0; j < inner; j++) {
          // The first index of the extreme value wins ties (as NumPy); a NaN counts as the extreme.
          let best = -Infinity, at = 0;
          let p = base + j;
          for (let i = 0; i < n; i++, p += inner) {
            const v = sign * x[p];
            if (v !== v) { at = i; break; }
            if (v > best) { best = v; at = i; }
          }
          out[o * inner + j] = at;
        }
      }
      return;
    }
  }
}
