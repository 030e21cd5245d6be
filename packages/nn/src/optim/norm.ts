/**
 * The one raw loop @backprop/nn runs itself, for clipGradNorm. (The optimizers' update loops are
 * core kernels, `kernels().sgdUpdate` / `adamUpdate`, so each backend runs them its own way.)
 */
import type { FloatArray } from "@backprop/core";

/** Σ|xᵢ|^ord (ord finite > 0), or max |xᵢ| (ord = Infinity), accumulated in float64. */
export function sumAbsPow(x: FloatArray, ord: number): number {
  let s = 0;
  if (ord === Infinity) {
    for (let i = 0; i < x.length; i++) {
      const a = Math.abs(x[i]);
      if (a > s || a !== a) s = a; // a NaN wins and stays
    }
  } else if (ord === 2) {
    for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  } else if (ord === 1) {
    for (let i = 0; i < x.length; i++) s += Math.abs(x[i]);
  } else {
    for (let i = 0; i < x.length; i++) s += Math.abs(x[i]) ** ord;
  }
  return s;
}
