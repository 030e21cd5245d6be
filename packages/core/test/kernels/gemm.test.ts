import { describe, it, expect } from "vitest";
import { gemm, type FloatArray } from "../../src/kernels/js/gemm.js";
import { rng } from "./inputs.js";

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;
const F32: Ctor = Float32Array;
const F64: Ctor = Float64Array;
const LAYOUTS: [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];

/** Logical op(A) (m×k) and op(B) (k×n) in [-1, 1), float32-representable so every array type holds them exactly. */
function operands(m: number, n: number, k: number, seed: number): { A: Float64Array; B: Float64Array } {
  const r = rng(seed);
  const A = new Float64Array(m * k), B = new Float64Array(k * n);
  for (let i = 0; i < A.length; i++) A[i] = Math.fround(2 * r() - 1);
  for (let i = 0; i < B.length; i++) B[i] = Math.fround(2 * r() - 1);
  return { A, B };
}

/** Naive triple loop in float64 on the logical matrices: C = A·B, plus Σ|a||b| per entry as the error scale. */
function reference(A: Float64Array, B: Float64Array, m: number, n: number, k: number): { C: Float64Array; scale: Float64Array } {
  const C = new Float64Array(m * n), scale = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0, t = 0;
      for (let p = 0; p < k; p++) {
        const x = A[i * k + p] * B[p * n + j];
        s += x;
        t += Math.abs(x);
      }
      C[i * n + j] = s;
      scale[i * n + j] = t;
    }
  }
  return { C, scale };
}

/** Stores logical rows×cols matrix X (or Xᵀ when trans) row-major into a new array at `off`; padding is NaN. */
function store(T: Ctor, X: Float64Array, rows: number, cols: number, trans: boolean, off: number, tail: number): FloatArray {
  const out = new T(off + rows * cols + tail).fill(NaN);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[off + (trans ? c * rows + r : r * cols + c)] = X[r * cols + c];
  }
  return out;
}

const SENTINEL = -12345.5;

function check(m: number, n: number, k: number, tA: boolean, tB: boolean, TA: Ctor, TB: Ctor, TC: Ctor,
               offs: [number, number, number] = [0, 0, 0], seed = 1): void {
  const { A, B } = operands(m, n, k, seed + 1000 * m + 100 * n + k);
  const { C: ref, scale } = reference(A, B, m, n, k);
  const [aOff, bOff, cOff] = offs;
  const a = store(TA, A, m, k, tA, aOff, 3);
  const b = store(TB, B, k, n, tB, bOff, 2);
  const c = new TC(cOff + m * n + 5).fill(SENTINEL);
  c.fill(NaN, cOff, cOff + m * n); // garbage that must be overwritten, never added to
  gemm(a, aOff, b, bOff, c, cOff, m, n, k, tA, tB);

  const tol = TC === F32 ? 1e-5 : 1e-12;
  const what = `m=${m} n=${n} k=${k} tA=${tA} tB=${tB} A=${TA.name} B=${TB.name} C=${TC.name} offs=${offs.join(",")}`;
  for (let i = 0; i < m * n; i++) {
    const got = c[cOff + i], want = ref[i];
    // Relative error, scaled by Σ|a·b| so entries that cancel to ~0 are judged fairly.
    const err = Math.abs(got - want);
    if (!(err <= tol * scale[i])) expect.fail(`${what}: C[${i}] = ${got}, want ${want} (err ${err}, scale ${scale[i]})`);
  }
  for (let i = 0; i < c.length; i++) {
    if (i < cOff || i >= cOff + m * n) {
      if (c[i] !== SENTINEL) expect.fail(`${what}: c[${i}] outside the output block was modified to ${c[i]}`);
    }
  }
}

// Shapes: degenerate, vectors, non-multiples of the 3×2 tile, and sizes past every cache block
// (k > 256 splits k, m > 96 splits rows, n > 256 splits columns).
const SHAPES: [number, number, number][] = [
  [1, 1, 1], [1, 9, 4], [9, 1, 4], [1, 1, 17], [1, 40, 1], [40, 1, 1], [2, 2, 2], [3, 2, 1], [4, 3, 5],
  [7, 13, 5], [33, 65, 17], [130, 3, 257], [32, 16, 16], [16, 16, 32], [6, 4, 300], [97, 5, 9], [4, 259, 6],
];

describe("gemm (pure JS)", () => {
  it("matches a naive triple loop for all layouts, float32 and float64", () => {
    for (const [m, n, k] of SHAPES) {
      for (const [tA, tB] of LAYOUTS) {
        check(m, n, k, tA, tB, F32, F32, F32);
        check(m, n, k, tA, tB, F64, F64, F64);
      }
    }
  });

  it("accepts any mix of array types (c's type decides the precision)", () => {
    const types = [F32, F64];
    for (const [m, n, k] of [[7, 13, 5], [33, 65, 17], [1, 5, 3]] as [number, number, number][]) {
      for (const [tA, tB] of LAYOUTS) {
        for (const TA of types) for (const TB of types) for (const TC of types) check(m, n, k, tA, tB, TA, TB, TC);
      }
    }
  });

  it("honours nonzero offsets and leaves c outside the block untouched", () => {
    for (const [m, n, k] of [[7, 13, 5], [33, 65, 17], [1, 1, 1], [130, 3, 257]] as [number, number, number][]) {
      for (const [tA, tB] of LAYOUTS) {
        check(m, n, k, tA, tB, F32, F32, F32, [3, 11, 7]);
        check(m, n, k, tA, tB, F64, F32, F64, [1, 0, 13]);
      }
    }
  });

  it("spans several blocks in every dimension at once", () => {
    for (const [tA, tB] of LAYOUTS) {
      check(100, 260, 300, tA, tB, F32, F32, F32, [5, 6, 7]);
    }
    check(100, 260, 300, false, false, F64, F64, F64);
  });

  it("k = 0 fills C with zeros even over garbage", () => {
    for (const [tA, tB] of LAYOUTS) {
      for (const T of [F32, F64]) {
        const c = new T(2 + 3 * 4 + 2).fill(7);
        gemm(new T(0), 0, new T(0), 0, c, 2, 3, 4, 0, tA, tB);
        expect(Array.from(c)).toEqual([7, 7, ...new Array(12).fill(0), 7, 7]);
        check(5, 3, 0, tA, tB, T, T, T, [1, 2, 3]);
      }
    }
  });

  it("m = 0 or n = 0 writes nothing", () => {
    for (const [m, n, k] of [[0, 4, 3], [4, 0, 3], [0, 0, 0], [0, 0, 5]] as [number, number, number][]) {
      for (const [tA, tB] of LAYOUTS) {
        const c = new Float32Array(6).fill(SENTINEL);
        gemm(new Float32Array(m * k), 0, new Float64Array(k * n), 0, c, 2, m, n, k, tA, tB);
        expect(Array.from(c)).toEqual(new Array(6).fill(SENTINEL));
      }
    }
  });

  it("gives the same answer on a tiny call after a large one (scratch reuse)", () => {
    check(130, 300, 20, false, true, F64, F64, F64);
    check(2, 3, 2, false, false, F64, F64, F64);
    check(1, 1, 300, true, true, F32, F32, F32);
  });

  it("rejects arrays too short for the requested shape", () => {
    expect(() => gemm(new Float32Array(5), 0, new Float32Array(6), 0, new Float32Array(4), 0, 2, 2, 3, false, false)).toThrow(RangeError);
    expect(() => gemm(new Float32Array(6), 0, new Float32Array(6), 1, new Float32Array(4), 0, 2, 2, 3, false, false)).toThrow(RangeError);
    expect(() => gemm(new Float32Array(6), 0, new Float32Array(6), 0, new Float32Array(4), 1, 2, 2, 3, false, false)).toThrow(RangeError);
    expect(() => gemm(new Float32Array(6), 0, new Float32Array(6), 0, new Float32Array(4), 0, 2, -2, 3, false, false)).toThrow(RangeError);
  });
});
