import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Tensor, grad, linear, matmul, tensor, transpose } from "../src/index.js";
import { values, prod, expectClose, expectGradOk } from "./helpers.js";

// ---------------------------------------------------------------------------------------------
// Independent references (plain JavaScript, float64 arithmetic)
// ---------------------------------------------------------------------------------------------

function rnd(shape: number[], seed: number, dtype: "float32" | "float64" = "float64", requiresGrad = false): Tensor {
  return tensor(Float64Array.from(values(prod(shape), seed)), { shape, dtype, requiresGrad });
}

/** torch.matmul semantics written out with explicit loops over flat arrays. */
function naiveMatmul(a: ArrayLike<number>, aShape: number[], b: ArrayLike<number>, bShape: number[]): { data: number[]; shape: number[] } {
  const A = aShape.length === 1 ? [1, aShape[0]] : aShape.slice();
  const B = bShape.length === 1 ? [bShape[0], 1] : bShape.slice();
  const m = A[A.length - 2], k = A[A.length - 1], k2 = B[B.length - 2], n = B[B.length - 1];
  if (k !== k2) throw new Error("reference: inner mismatch");
  const ab = A.slice(0, -2), bb = B.slice(0, -2);
  const nd = Math.max(ab.length, bb.length);
  const pa = [...Array(nd - ab.length).fill(1), ...ab], pb = [...Array(nd - bb.length).fill(1), ...bb];
  const batch = pa.map((d, i) => Math.max(d, pb[i]));
  const total = prod(batch);
  const data: number[] = [];
  for (let t = 0; t < total; t++) {
    // unravel t over batch, then ravel into each operand's own batch (size-1 axes repeat)
    let rem = t, ia = 0, ib = 0, sa = 1, sb = 1;
    for (let ax = nd - 1; ax >= 0; ax--) {
      const idx = rem % batch[ax];
      rem = Math.floor(rem / batch[ax]);
      ia += (pa[ax] === 1 ? 0 : idx) * sa;
      ib += (pb[ax] === 1 ? 0 : idx) * sb;
      sa *= pa[ax];
      sb *= pb[ax];
    }
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a[ia * m * k + i * k + p] * b[ib * k * n + p * n + j];
        data.push(s);
      }
    }
  }
  let shape = [...batch, m, n];
  if (bShape.length === 1) shape = shape.slice(0, -1);
  if (aShape.length === 1) shape.splice(shape.length - (bShape.length === 1 ? 1 : 2), 1);
  return { data, shape };
}

// ---------------------------------------------------------------------------------------------

const CASES: { name: string; a: number[]; b: number[]; out: number[] }[] = [
  { name: "1-D · 1-D (dot)", a: [4], b: [4], out: [] },
  { name: "1-D · 2-D", a: [3], b: [3, 5], out: [5] },
  { name: "2-D · 1-D", a: [2, 3], b: [3], out: [2] },
  { name: "2-D · 2-D", a: [2, 3], b: [3, 4], out: [2, 4] },
  { name: "3-D · 3-D batched", a: [2, 3, 4], b: [2, 4, 5], out: [2, 3, 5] },
  { name: "broadcast batch [2,1,3,4]·[5,4,2]", a: [2, 1, 3, 4], b: [5, 4, 2], out: [2, 5, 3, 2] },
  { name: "3-D · 2-D", a: [2, 3, 4], b: [4, 5], out: [2, 3, 5] },
  { name: "2-D · 3-D", a: [3, 4], b: [2, 4, 5], out: [2, 3, 5] },
  { name: "1-D · 3-D", a: [4], b: [2, 4, 5], out: [2, 5] },
  { name: "3-D · 1-D", a: [2, 3, 4], b: [4], out: [2, 3] },
  { name: "batch 1 vs batch 3", a: [1, 2, 3], b: [3, 3, 2], out: [3, 2, 2] },
];

describe("matmul values (as torch.matmul)", () => {
  for (const c of CASES) {
    it(`${c.name} → ${JSON.stringify(c.out)}`, () => {
      const a = rnd(c.a, 11), b = rnd(c.b, 29);
      const y = matmul(a, b);
      const ref = naiveMatmul(a.data, c.a, b.data, c.b);
      expect(ref.shape).toEqual(c.out); // the reference agrees with the expected torch shape
      expect(y.shape).toEqual(c.out);
      expect(y.dtype).toBe("float64");
      expectClose(y.data, ref.data);
      // method form is the same op
      expectClose(a.matmul(b).data, ref.data);
    });
  }

  it("dot product of small integers is exact and 0-d", () => {
    const y = matmul(tensor([1, 2, 3]), tensor([4, -5, 6]));
    expect(y.shape).toEqual([]);
    expect(y.ndim).toBe(0);
    expect(y.item()).toBe(1 * 4 - 2 * 5 + 3 * 6);
  });

  it("2-D · 2-D by hand", () => {
    const y = matmul(tensor([[1, 2], [3, 4]]), tensor([[5, 6, 7], [8, 9, 10]]));
    expect(y.toArray()).toEqual([[21, 24, 27], [47, 54, 61]]);
  });

  it("random shapes agree with the naive loop (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }),
        fc.array(fc.constantFrom(1, 2, 3), { maxLength: 2 }), fc.array(fc.constantFrom(1, 2, 3), { maxLength: 2 }),
        fc.boolean(), fc.boolean(), fc.integer({ min: 1, max: 1000 }),
        (m, k, n, ba, bb, vecA, vecB, seed) => {
          // make batch dims broadcast-compatible: where both exist and differ, set one of them to 1
          const la = ba.length, lb = bb.length, nd = Math.max(la, lb);
          for (let i = 0; i < nd; i++) {
            const ia = i - (nd - la), ib = i - (nd - lb);
            if (ia >= 0 && ib >= 0 && ba[ia] !== bb[ib] && ba[ia] !== 1 && bb[ib] !== 1) bb[ib] = 1;
          }
          const aShape = vecA ? [k] : [...ba, m, k];
          const bShape = vecB ? [k] : [...bb, k, n];
          const a = rnd(aShape, seed), b = rnd(bShape, seed + 7);
          const y = matmul(a, b);
          const ref = naiveMatmul(a.data, aShape, b.data, bShape);
          expect(y.shape).toEqual(ref.shape);
          expectClose(y.data, ref.data);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("float32 results are close to a float64 reference", () => {
    const a32 = rnd([3, 7, 16], 5, "float32"), b32 = rnd([16, 9], 6, "float32");
    const y = matmul(a32, b32);
    expect(y.dtype).toBe("float32");
    expect(y.data).toBeInstanceOf(Float32Array);
    // the reference uses the float32-rounded inputs in float64 arithmetic
    const ref = naiveMatmul(Array.from(a32.data), [3, 7, 16], Array.from(b32.data), [16, 9]);
    expectClose(y.data, ref.data, 1e-5);
    // and close to the float64 product of the unrounded inputs
    const y64 = matmul(rnd([3, 7, 16], 5), rnd([16, 9], 6));
    expectClose(y.data, y64.data, 1e-5);
  });

  it("float32 · float64 gives float64", () => {
    const y = matmul(rnd([2, 3], 1, "float32"), rnd([3, 2], 2, "float64"));
    expect(y.dtype).toBe("float64");
    const a = rnd([2, 3], 1, "float32");
    const ref = naiveMatmul(Array.from(a.data), [2, 3], rnd([3, 2], 2).data, [3, 2]);
    expectClose(y.data, ref.data);
  });

  it("empty inner dimension gives zeros, as torch", () => {
    const y = matmul(tensor(new Float64Array(0), { shape: [2, 0] }), tensor(new Float64Array(0), { shape: [0, 3] }));
    expect(y.shape).toEqual([2, 3]);
    expect(Array.from(y.data)).toEqual([0, 0, 0, 0, 0, 0]);
  });
});

describe("matmul gradients", () => {
  for (const c of CASES) {
    it(`gradcheck: ${c.name}`, () => {
      expectGradOk((a, b) => matmul(a, b), [rnd(c.a, 3), rnd(c.b, 4)]);
    });
  }

  it("gradcheck over random shapes (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }),
        fc.constantFrom<number[][]>([[], []], [[2], [2]], [[2], []], [[], [2]], [[2, 1], [3]], [[1], [2]]),
        fc.integer({ min: 1, max: 1000 }),
        (m, k, n, [ba, bb], seed) => {
          expectGradOk((a, b) => matmul(a, b), [rnd([...ba, m, k], seed), rnd([...bb, k, n], seed + 1)]);
        },
      ),
      { numRuns: 25 },
    );
  });

  it("the gradient of a broadcast operand is summed over the batch ([2,3,4]·[4,5])", () => {
    const a = rnd([2, 3, 4], 8, "float64", true), b = rnd([4, 5], 9, "float64", true);
    matmul(a, b).sum().backward();
    // d(Σ A·B)/dB[p][j] = Σ_{batch,i} A[batch,i,p]
    const expectB: number[] = [];
    for (let p = 0; p < 4; p++) {
      let s = 0;
      for (let t = 0; t < 2; t++) for (let i = 0; i < 3; i++) s += a.data[t * 12 + i * 4 + p];
      for (let j = 0; j < 5; j++) expectB.push(s);
    }
    expect(b.grad!.shape).toEqual([4, 5]);
    expectClose(b.grad!.data, expectB);
    // d/dA[t,i,p] = Σ_j B[p][j]
    const rowSums = [0, 1, 2, 3].map((p) => [0, 1, 2, 3, 4].reduce((s, j) => s + b.data[p * 5 + j], 0));
    expect(a.grad!.shape).toEqual([2, 3, 4]);
    expectClose(a.grad!.data, Array.from({ length: 24 }, (_, i) => rowSums[i % 4]));
  });

  it("broadcast gradient shapes for [2,1,3,4]·[5,4,2]", () => {
    const a = rnd([2, 1, 3, 4], 1, "float64", true), b = rnd([5, 4, 2], 2, "float64", true);
    const g = rnd([2, 5, 3, 2], 3);
    matmul(a, b).backward(g);
    expect(a.grad!.shape).toEqual([2, 1, 3, 4]);
    expect(b.grad!.shape).toEqual([5, 4, 2]);
    // dA[t,0] = Σ_s g[t,s]·B[s]ᵀ
    const expectA: number[] = [];
    for (let t = 0; t < 2; t++) for (let i = 0; i < 3; i++) for (let p = 0; p < 4; p++) {
      let acc = 0;
      for (let s = 0; s < 5; s++) for (let j = 0; j < 2; j++) acc += g.data[((t * 5 + s) * 3 + i) * 2 + j] * b.data[(s * 4 + p) * 2 + j];
      expectA.push(acc);
    }
    expectClose(a.grad!.data, expectA);
    // dB[s] = Σ_t A[t,0]ᵀ·g[t,s]
    const expectB: number[] = [];
    for (let s = 0; s < 5; s++) for (let p = 0; p < 4; p++) for (let j = 0; j < 2; j++) {
      let acc = 0;
      for (let t = 0; t < 2; t++) for (let i = 0; i < 3; i++) acc += a.data[(t * 3 + i) * 4 + p] * g.data[((t * 5 + s) * 3 + i) * 2 + j];
      expectB.push(acc);
    }
    expectClose(b.grad!.data, expectB);
  });

  it("only the operand that requires grad gets one", () => {
    const a = rnd([2, 3, 4], 1), b = rnd([4, 2], 2, "float64", true);
    const y = matmul(a, b);
    expect(y.requiresGrad).toBe(true);
    y.sum().backward();
    expect(a.grad).toBe(null);
    const expectB = [0, 1, 2, 3].flatMap((p) => {
      let s = 0;
      for (let r = 0; r < 6; r++) s += a.data[r * 4 + p];
      return [s, s];
    });
    expectClose(b.grad!.data, expectB);
    expect(matmul(rnd([2, 2], 1), rnd([2, 2], 2)).requiresGrad).toBe(false);
  });

  it("1-D · 1-D gradient is the other vector", () => {
    const a = tensor([1, 2, 3], { dtype: "float64", requiresGrad: true });
    const b = tensor([4, 5, 6], { dtype: "float64", requiresGrad: true });
    matmul(a, b).backward();
    expect(a.grad!.toArray()).toEqual([4, 5, 6]);
    expect(b.grad!.toArray()).toEqual([1, 2, 3]);
  });

  it("float32 operands get float32 gradients; mixed dtypes get each operand's dtype", () => {
    const a = rnd([2, 3], 1, "float32", true), b = rnd([3, 2], 2, "float64", true);
    matmul(a, b).sum().backward();
    expect(a.grad!.dtype).toBe("float32");
    expect(b.grad!.dtype).toBe("float64");
  });

  it("gradcheck through .T and transpose", () => {
    expectGradOk((a, b) => matmul(a.T, b), [rnd([4, 3], 1), rnd([4, 2], 2)]);
    expectGradOk((a, b) => matmul(a, b.T), [rnd([3, 4], 1), rnd([2, 4], 2)]);
    expectGradOk((a, b) => matmul(a.T, b.T), [rnd([4, 3], 1), rnd([2, 4], 2)]);
    expectGradOk((a, b) => matmul(transpose(a), b), [rnd([2, 4, 3], 3), rnd([2, 4, 5], 4)]);
    expectGradOk((a, b) => matmul(a, b.transpose(-1, -2)), [rnd([2, 3, 4], 3), rnd([5, 4], 4)]);
    expectGradOk((a, b) => matmul(a.transpose(0, 2), b), [rnd([4, 3, 2], 5), rnd([2, 4, 3], 6)]);
  });

  it("transpose gradient by hand: d Σ(Aᵀ·B)/dA = B·1ᵀ", () => {
    const a = rnd([4, 3], 1, "float64", true), b = rnd([4, 2], 2, "float64", true);
    matmul(a.T, b).sum().backward();
    // (AᵀB)[i][j] = Σ_p A[p][i] B[p][j]; d/dA[p][i] = Σ_j B[p][j]
    const expectA = Array.from({ length: 12 }, (_, idx) => b.data[Math.floor(idx / 3) * 2] + b.data[Math.floor(idx / 3) * 2 + 1]);
    expectClose(a.grad!.data, expectA);
    const expectB = Array.from({ length: 8 }, (_, idx) => {
      const p = Math.floor(idx / 2);
      return a.data[p * 3] + a.data[p * 3 + 1] + a.data[p * 3 + 2];
    });
    expectClose(b.grad!.data, expectB);
  });

  it("second derivatives through matmul: grad of Σ (A·B)² w.r.t. A, differentiated again", () => {
    const a = rnd([2, 3], 1), b = rnd([3, 2], 2);
    // f(A) = Σ (A·B)²; ∇f = 2 (A·B) Bᵀ; Hessian-vector sum: Σ_ij ∂/∂A of Σ ∇f = 2·1·(B Bᵀ) column sums
    const df = grad((x: Tensor) => matmul(x, b).square().sum());
    const g1 = df(a) as Tensor;
    const ab = naiveMatmul(a.data, [2, 3], b.data, [3, 2]).data;
    const expected1: number[] = [];
    for (let i = 0; i < 2; i++) for (let p = 0; p < 3; p++) expected1.push(2 * (ab[i * 2] * b.data[p * 2] + ab[i * 2 + 1] * b.data[p * 2 + 1]));
    expectClose(g1.data, expected1);
    const g2 = grad((x: Tensor) => (df(x) as Tensor).sum())(a) as Tensor;
    // ∂/∂A[i][q] Σ_{i,p} 2 Σ_j (AB)[i][j] B[p][j] = 2 Σ_j B[q][j] Σ_p B[p][j]
    const colSum = [0, 1].map((j) => b.data[j] + b.data[2 + j] + b.data[4 + j]);
    const expected2: number[] = [];
    for (let i = 0; i < 2; i++) for (let q = 0; q < 3; q++) expected2.push(2 * (b.data[q * 2] * colSum[0] + b.data[q * 2 + 1] * colSum[1]));
    expectClose(g2.data, expected2);
  });
});

describe("matmul second derivatives with both operands varying", () => {
  const f = (u: Tensor, v: Tensor) => matmul(u, v).square().sum();
  it("gradcheck of ∂f/∂A and ∂f/∂B as functions of (A, B), non-square and batched", () => {
    for (const [as, bs] of [[[2, 3], [3, 4]], [[2, 2, 3], [3, 2]], [[3], [3, 2]], [[2, 3], [3]]] as number[][][]) {
      expectGradOk((a, b) => grad(f, 0)(a, b) as Tensor, [rnd(as, 1), rnd(bs, 2)]);
      expectGradOk((a, b) => grad(f, 1)(a, b) as Tensor, [rnd(as, 3), rnd(bs, 4)]);
    }
  });

  it("gradcheck of the first derivatives through transposed operands", () => {
    const g = (u: Tensor, v: Tensor) => matmul(u.T, v.T).square().sum();
    expectGradOk((a, b) => grad(g, 0)(a, b) as Tensor, [rnd([3, 2], 1), rnd([4, 3], 2)]);
    expectGradOk((a, b) => grad(g, 1)(a, b) as Tensor, [rnd([3, 2], 1), rnd([4, 3], 2)]);
  });

  it("gradcheck of linear's first derivatives", () => {
    const h = (x: Tensor, w: Tensor, b: Tensor) => linear(x, w, b).square().sum();
    const ins = () => [rnd([2, 3], 1), rnd([4, 3], 2), rnd([4], 3)];
    expectGradOk((x, w, b) => grad(h, 0)(x, w, b) as Tensor, ins());
    expectGradOk((x, w, b) => grad(h, 1)(x, w, b) as Tensor, ins());
    expectGradOk((x, w, b) => grad(h, 2)(x, w, b) as Tensor, ins());
  });
});

describe("matmul errors", () => {
  it("inner-dimension mismatch names matmul and both shapes", () => {
    const t = (s: number[]) => rnd(s, 1);
    expect(() => matmul(t([2, 3]), t([4, 5]))).toThrow(/matmul.*\[2, 3\].*\[4, 5\]/);
    expect(() => matmul(t([3]), t([4]))).toThrow(/matmul.*\[3\].*\[4\]/);
    expect(() => matmul(t([2, 2, 3]), t([2, 5]))).toThrow(/matmul.*\[2, 2, 3\].*\[2, 5\]/);
    expect(() => matmul(t([3]), t([2, 4]))).toThrow(/matmul.*\[3\].*\[2, 4\]/);
    expect(() => matmul(t([2, 4]), t([3]))).toThrow(/matmul.*\[2, 4\].*\[3\]/);
  });

  it("incompatible batch dims name matmul", () => {
    expect(() => matmul(rnd([2, 3, 4], 1), rnd([3, 4, 5], 2))).toThrow(/matmul/);
  });

  it("0-d operands are rejected", () => {
    expect(() => matmul(tensor(2), tensor([1, 2]))).toThrow(/matmul.*\[\]/);
    expect(() => matmul(tensor([1, 2]), tensor(3))).toThrow(/matmul.*\[\]/);
    expect(() => matmul(tensor(2), tensor(3))).toThrow(/matmul/);
  });

  it("non-tensor operands are rejected with a clear message", () => {
    expect(() => matmul([1, 2] as unknown as Tensor, tensor([1, 2]))).toThrow(/matmul/);
  });
});

// ---------------------------------------------------------------------------------------------

/** y[r][o] = Σ_i x[r][i]·W[o][i] + b[o] for x flattened to rows. */
function naiveLinear(x: ArrayLike<number>, rows: number, inF: number, w: ArrayLike<number>, outF: number, b?: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < outF; o++) {
      let s = b ? b[o] : 0;
      for (let i = 0; i < inF; i++) s += x[r * inF + i] * w[o * inF + i];
      out.push(s);
    }
  }
  return out;
}

describe("linear(x, W, b) = x·Wᵀ + b", () => {
  it("2-D x: values and shape", () => {
    const x = rnd([4, 3], 1), w = rnd([5, 3], 2), b = rnd([5], 3);
    const y = linear(x, w, b);
    expect(y.shape).toEqual([4, 5]);
    expectClose(y.data, naiveLinear(x.data, 4, 3, w.data, 5, b.data));
    expectClose(x.linear(w, b).data, naiveLinear(x.data, 4, 3, w.data, 5, b.data));
  });

  it("by hand", () => {
    const y = linear(tensor([[1, 2]]), tensor([[1, 0], [0, 1], [1, 1]]), tensor([10, 20, 30]));
    expect(y.toArray()).toEqual([[11, 22, 33]]);
  });

  it("3-D x keeps the leading axes", () => {
    const x = rnd([2, 3, 4], 1), w = rnd([2, 4], 2), b = rnd([2], 3);
    const y = linear(x, w, b);
    expect(y.shape).toEqual([2, 3, 2]);
    expectClose(y.data, naiveLinear(x.data, 6, 4, w.data, 2, b.data));
  });

  it("1-D x gives a 1-D result", () => {
    const x = rnd([4], 1), w = rnd([3, 4], 2), b = rnd([3], 3);
    const y = linear(x, w, b);
    expect(y.shape).toEqual([3]);
    expectClose(y.data, naiveLinear(x.data, 1, 4, w.data, 3, b.data));
  });

  it("without bias (undefined or null)", () => {
    const x = rnd([4, 3], 1), w = rnd([5, 3], 2);
    const ref = naiveLinear(x.data, 4, 3, w.data, 5);
    expectClose(linear(x, w).data, ref);
    expectClose(linear(x, w, null).data, ref);
  });

  it("equals matmul(x, Wᵀ) + b", () => {
    const x = rnd([3, 4], 1), w = rnd([2, 4], 2), b = rnd([2], 3);
    expectClose(linear(x, w, b).data, matmul(x, w.T).add(b).data);
  });

  it("mixed dtypes give float64 values and gradients of each input's dtype", () => {
    const x = rnd([3, 4], 1, "float32", true), w = rnd([2, 4], 2, "float64", true), b = rnd([2], 3, "float32", true);
    const y = linear(x, w, b);
    expect(y.dtype).toBe("float64");
    expectClose(y.data, naiveLinear(Array.from(x.data), 3, 4, w.data, 2, Array.from(b.data)));
    y.sum().backward();
    expect([x.grad!.dtype, w.grad!.dtype, b.grad!.dtype]).toEqual(["float32", "float64", "float32"]);
    expect(Array.from(b.grad!.data)).toEqual([3, 3]);
  });

  it("float32 close to a float64 reference", () => {
    const x = rnd([8, 16], 1, "float32"), w = rnd([6, 16], 2, "float32"), b = rnd([6], 3, "float32");
    const y = linear(x, w, b);
    expect(y.dtype).toBe("float32");
    expectClose(y.data, naiveLinear(Array.from(x.data), 8, 16, Array.from(w.data), 6, Array.from(b.data)), 1e-5);
  });

  it("gradcheck: 2-D x with bias", () => {
    expectGradOk((x, w, b) => linear(x, w, b), [rnd([4, 3], 1), rnd([5, 3], 2), rnd([5], 3)]);
  });

  it("gradcheck: 3-D x with bias", () => {
    expectGradOk((x, w, b) => linear(x, w, b), [rnd([2, 3, 4], 1), rnd([2, 4], 2), rnd([2], 3)]);
  });

  it("gradcheck: 1-D x, and without bias", () => {
    expectGradOk((x, w, b) => linear(x, w, b), [rnd([4], 1), rnd([3, 4], 2), rnd([3], 3)]);
    expectGradOk((x, w) => linear(x, w), [rnd([4, 3], 1), rnd([5, 3], 2)]);
    expectGradOk((x, w) => linear(x, w), [rnd([2, 2, 3], 1), rnd([2, 3], 2)]);
  });

  it("bias gradient is the sum of g over all rows (3-D x)", () => {
    const x = rnd([2, 3, 4], 1), w = rnd([2, 4], 2, "float64", true), b = rnd([2], 3, "float64", true);
    const g = rnd([2, 3, 2], 4);
    linear(x, w, b).backward(g);
    const gb = [0, 1].map((o) => Array.from({ length: 6 }, (_, r) => g.data[r * 2 + o]).reduce((s, v) => s + v, 0));
    expectClose(b.grad!.data, gb);
    // dW[o][i] = Σ_r g[r][o] x[r][i]
    const gw: number[] = [];
    for (let o = 0; o < 2; o++) for (let i = 0; i < 4; i++) {
      let s = 0;
      for (let r = 0; r < 6; r++) s += g.data[r * 2 + o] * x.data[r * 4 + i];
      gw.push(s);
    }
    expectClose(w.grad!.data, gw);
  });

  it("second derivative through linear", () => {
    // f(W) = Σ (x·Wᵀ)²  →  ∇f = 2 (x Wᵀ)ᵀ x, and d/dW Σ ∇f = 2 Σ_r (Σ_i x[r][i]) x[r][:] per output row
    const x = rnd([3, 2], 1), w = rnd([2, 2], 2);
    const df = grad((W: Tensor) => linear(x, W).square().sum());
    const g2 = grad((W: Tensor) => (df(W) as Tensor).sum())(w) as Tensor;
    const expected: number[] = [];
    for (let o = 0; o < 2; o++) for (let q = 0; q < 2; q++) {
      let s = 0;
      for (let r = 0; r < 3; r++) s += 2 * (x.data[r * 2] + x.data[r * 2 + 1]) * x.data[r * 2 + q];
      expected.push(s);
    }
    expectClose(g2.data, expected);
  });

  it("shape errors name linear", () => {
    expect(() => linear(rnd([2, 3], 1), rnd([4, 5], 2))).toThrow(/linear.*\[2, 3\]/);
    expect(() => linear(rnd([2, 3], 1), rnd([4, 3], 2), rnd([5], 3))).toThrow(/linear.*bias/);
    expect(() => linear(rnd([2, 3], 1), rnd([3], 2))).toThrow(/linear.*weight/);
  });
});

describe("matmul with transposeA / transposeB (the kernel reads the transposed operand in place)", () => {
  const layouts: [boolean, boolean][] = [[true, false], [false, true], [true, true]];
  for (const [tA, tB] of layouts) {
    it(`transposeA=${tA} transposeB=${tB}: the values of matmul on transposed copies, and its gradients`, () => {
      // a stored [k, m] when transposed, b stored [n, k]: batches broadcast as in plain matmul.
      const a = rnd(tA ? [2, 5, 3] : [2, 3, 5], 11), b = rnd(tB ? [4, 5] : [5, 4], 12);
      const want = matmul(tA ? transpose(a, -1, -2) : a, tB ? transpose(b) : b);
      const got = matmul(a, b, { transposeA: tA, transposeB: tB });
      expect(got.shape).toEqual([2, 3, 4]);
      expectClose(got.data, want.data, 1e-12);
      expectGradOk((x, y) => matmul(x, y, { transposeA: tA, transposeB: tB }), [a, b]);
    });
  }

  it("the method form takes the same options", () => {
    const a = rnd([3, 2], 13), b = rnd([3, 4], 14);
    expectClose(a.matmul(b, { transposeA: true }).data, matmul(transpose(a), b).data, 1e-12);
  });

  it("checks its options, and needs matrices to transpose", () => {
    const a = rnd([3, 2], 15), v = rnd([3], 16);
    expect(() => matmul(a, a, { transposeA: true, transposeB: true })).toThrow(/matmul: inner dimensions differ: \[3, 2\]ᵀ @ \[3, 2\]ᵀ \(3 vs 2\)/);
    expect(() => matmul(v, v, { transposeA: true })).toThrow(/matmul: transposeA\/transposeB need operands with at least 2 dimensions, got shapes \[3\] and \[3\]/);
    expect(() => matmul(a, a, { transposeA: 1 } as never)).toThrow(/matmul: transposeA must be true or false, got 1/);
    expect(() => matmul(a, a, { transpose: true } as never)).toThrow(/matmul: unknown option "transpose"; expected one of: transposeA, transposeB/);
  });
});
