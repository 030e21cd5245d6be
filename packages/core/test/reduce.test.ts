import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  Tensor, argmax, argmin, grad, logSoftmax, logSumExp, max, mean, min, softmax, sum, tensor,
} from "../src/index.js";
import { values, prod, expectClose, expectGradOk } from "./helpers.js";

// ---------------------------------------------------------------------------------------------
// Independent references
// ---------------------------------------------------------------------------------------------

/** Distinct values (a shuffled, spaced ramp), so max/min have no ties and no kinks near them. */
function distinct(n: number, seed: number): number[] {
  const r = values(n, seed);
  const order = r.map((v, i) => [v, i]).sort((p, q) => p[0] - q[0]).map(([, i]) => i);
  const out = new Array<number>(n);
  order.forEach((i, rank) => { out[i] = (rank - n / 2) * 0.25 + 0.01 * r[i]; });
  return out;
}

function t64(shape: number[], data: number[], requiresGrad = false): Tensor {
  return tensor(Float64Array.from(data), { shape, dtype: "float64", requiresGrad });
}

/** Reduce `axes` of a flat row-major array with `combine`, keeping or dropping the axes. */
function reduceRef(
  data: ArrayLike<number>, shape: number[], axes: number[], keepDims: boolean,
  reducer: (vals: number[]) => number,
): { data: number[]; shape: number[] } {
  const nd = shape.length;
  const keepShape = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const groups: number[][] = Array.from({ length: prod(keepShape) }, () => []);
  const idx = new Array<number>(nd).fill(0);
  for (let f = 0; f < data.length; f++) {
    let rem = f;
    for (let ax = nd - 1; ax >= 0; ax--) { idx[ax] = rem % shape[ax]; rem = Math.floor(rem / shape[ax]); }
    let o = 0;
    for (let ax = 0; ax < nd; ax++) o = o * keepShape[ax] + (axes.includes(ax) ? 0 : idx[ax]);
    groups[o].push(data[f]);
  }
  return { data: groups.map(reducer), shape: keepDims ? keepShape : shape.filter((_, i) => !axes.includes(i)) };
}

const REF: Record<"sum" | "mean" | "max" | "min" | "logSumExp", (v: number[]) => number> = {
  sum: (v) => v.reduce((s, x) => s + x, 0),
  mean: (v) => v.reduce((s, x) => s + x, 0) / v.length,
  max: (v) => Math.max(...v),
  min: (v) => Math.min(...v),
  logSumExp: (v) => { const m = Math.max(...v); return m + Math.log(v.reduce((s, x) => s + Math.exp(x - m), 0)); },
};
const OPS = { sum, mean, max, min, logSumExp };
type OpName = keyof typeof OPS;

// ---------------------------------------------------------------------------------------------

describe("reductions by hand", () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]]);

  it("sum", () => {
    const s = sum(x);
    expect(s.shape).toEqual([]);
    expect(s.item()).toBe(21);
    expect(sum(x, 0).toArray()).toEqual([5, 7, 9]);
    expect(sum(x, 1).toArray()).toEqual([6, 15]);
    expect(sum(x, -1).toArray()).toEqual([6, 15]);
    expect(sum(x, 1, true).shape).toEqual([2, 1]);
    expect(sum(x, 1, true).toArray()).toEqual([[6], [15]]);
    expect(sum(x, [0, 1]).shape).toEqual([]);
    expect(sum(x, [0, 1]).item()).toBe(21);
    expect(sum(x, undefined, true).shape).toEqual([1, 1]);
    expect(sum(x, undefined, true).toArray()).toEqual([[21]]);
  });

  it("mean", () => {
    expect(mean(x).shape).toEqual([]);
    expect(mean(x).item()).toBe(3.5);
    expect(mean(x, 0).toArray()).toEqual([2.5, 3.5, 4.5]);
    expect(mean(x, -1).toArray()).toEqual([2, 5]);
    expect(mean(x, { axis: 0, keepDims: true }).toArray()).toEqual([[2.5, 3.5, 4.5]]);
  });

  it("max and min (values only, like amax/amin)", () => {
    const y = tensor([[1, 7, 3], [9, -5, 6]]);
    expect(max(y).shape).toEqual([]);
    expect(max(y).item()).toBe(9);
    expect(min(y).item()).toBe(-5);
    expect(max(y, 0).toArray()).toEqual([9, 7, 6]);
    expect(max(y, 1).toArray()).toEqual([7, 9]);
    expect(min(y, 1).toArray()).toEqual([1, -5]);
    expect(min(y, -2).toArray()).toEqual([1, -5, 3]);
    expect(max(y, 1, true).toArray()).toEqual([[7], [9]]);
  });

  it("0-d input: reductions over no axis return the value itself", () => {
    const s = tensor(4.5);
    expect(sum(s).shape).toEqual([]);
    expect(sum(s).item()).toBe(4.5);
    expect(max(s).item()).toBe(4.5);
    expect(mean(s).item()).toBe(4.5);
  });

  it("0-d input accepts axis 0 and -1, as PyTorch; values, shapes and gradients", () => {
    for (const op of ["sum", "mean", "max", "min", "logSumExp"] as OpName[]) {
      for (const axis of [0, -1, [0]] as (number | number[])[]) {
        for (const keepDims of [false, true]) {
          const s = tensor(4.5, { dtype: "float64", requiresGrad: true });
          const y = OPS[op](s, axis, keepDims);
          expect(y.shape, `${op} ${JSON.stringify(axis)}`).toEqual([]);
          expect(y.item()).toBe(4.5);
          y.backward();
          expect(s.grad!.shape).toEqual([]);
          expect(s.grad!.item()).toBe(1);
        }
      }
      expect(() => OPS[op](tensor(1), 1)).toThrow(new RegExp(`${op}.*axis 1`));
      expect(() => OPS[op](tensor(1), -2)).toThrow(new RegExp(`${op}.*axis -2`));
    }
    expect(argmax(tensor(2), 0).item()).toBe(0);
    expect(argmin(tensor(2), -1).shape).toEqual([]);
    expect(softmax(tensor(7)).item()).toBe(1);
    expect(logSoftmax(tensor(7)).item()).toBe(0);
  });

  it("method forms match", () => {
    expect(x.sum(1).toArray()).toEqual([6, 15]);
    expect(x.mean({ axis: 1 }).toArray()).toEqual([2, 5]);
    expect(x.max({ axis: 0, keepDims: true }).toArray()).toEqual([[4, 5, 6]]);
    expect(x.min().item()).toBe(1);
  });

  it("the options-object form equals the positional form", () => {
    const z = t64([2, 3, 4], values(24, 3));
    for (const op of ["sum", "mean", "max", "min", "logSumExp"] as OpName[]) {
      for (const axis of [0, -1, [0, 2], undefined] as (number | number[] | undefined)[]) {
        for (const keepDims of [true, false]) {
          const a = OPS[op](z, { axis, keepDims });
          const b = OPS[op](z, axis, keepDims);
          expect(a.shape).toEqual(b.shape);
          expect(Array.from(a.data)).toEqual(Array.from(b.data));
        }
      }
      expect(OPS[op](z, {}).shape).toEqual([]);
      expect(OPS[op](z, { axis: 1 }).shape).toEqual([2, 4]);
    }
  });

  it("unknown options are rejected", () => {
    expect(() => sum(x, { axes: 1 } as never)).toThrow(/sum/);
  });
});

describe("reductions against a reference over every axis combination", () => {
  const shape = [2, 3, 4];
  const data = values(24, 17);
  const x = t64(shape, data);
  const axisSets: (number | number[] | undefined)[] = [undefined, 0, 1, 2, -1, -2, -3, [0, 2], [2, 0], [0, 1], [1, 2], [-1, 0], [0, 1, 2]];
  for (const op of ["sum", "mean", "max", "min", "logSumExp"] as OpName[]) {
    it(op, () => {
      for (const axis of axisSets) {
        const axes = axis === undefined ? [0, 1, 2] : (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + 3 : a));
        for (const keepDims of [false, true]) {
          const y = OPS[op](x, axis, keepDims);
          const ref = reduceRef(data, shape, axes, keepDims, REF[op]);
          expect(y.shape, `${op} axis=${JSON.stringify(axis)} keepDims=${keepDims}`).toEqual(ref.shape);
          expectClose(y.data, ref.data);
        }
      }
    });
  }

  it("float32 sums are close to a float64 reference", () => {
    const d = values(1000, 9).map((v) => v * 100);
    const y = sum(tensor(Float32Array.from(d), { shape: [10, 100] }), 1);
    expect(y.dtype).toBe("float32");
    const f32 = Array.from(Float32Array.from(d));
    expectClose(y.data, reduceRef(f32, [10, 100], [1], false, REF.sum).data, 1e-6);
  });
});

describe("argmax / argmin", () => {
  const x = tensor([[1, 3, 3, 0], [2, 2, 1, 1], [5, 4, 5, 5]]);

  it("along an axis, first index wins ties", () => {
    expect(argmax(x, 1).toArray()).toEqual([1, 0, 0]);
    expect(argmin(x, 1).toArray()).toEqual([3, 2, 1]);
    expect(argmax(x, 0).toArray()).toEqual([2, 2, 2, 2]);
    expect(argmin(x, 0).toArray()).toEqual([0, 1, 1, 0]);
    expect(argmax(x, -1).toArray()).toEqual([1, 0, 0]);
  });

  it("shapes", () => {
    expect(argmax(x, 1).shape).toEqual([3]);
    expect(argmax(x, 1, true).shape).toEqual([3, 1]);
    expect(argmax(x, 0, true).toArray()).toEqual([[2, 2, 2, 2]]);
    expect(argmin(x, 0).shape).toEqual([4]);
  });

  it("no axis: index into the flattened tensor, 0-d", () => {
    const a = argmax(x);
    expect(a.shape).toEqual([]);
    expect(a.item()).toBe(8); // the first 5
    expect(argmin(x).item()).toBe(3); // the 0
    expect(x.argmax().item()).toBe(8);
  });

  it("agrees with a reference on random data (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 2 }),
        fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 64, maxLength: 64 }),
        (a, b, c, axis, pool) => {
          const shape = [a, b, c];
          const data = pool.slice(0, a * b * c); // small integers: many ties
          const t = tensor(data, { shape });
          const firstIdx = (cmp: (p: number, q: number) => boolean) => (v: number[]) => v.reduce((bi, val, i) => (cmp(val, v[bi]) ? i : bi), 0);
          const rmax = reduceRef(data, shape, [axis], false, firstIdx((p, q) => p > q));
          const rmin = reduceRef(data, shape, [axis], false, firstIdx((p, q) => p < q));
          expect(argmax(t, axis).shape).toEqual(rmax.shape);
          expect(Array.from(argmax(t, axis).data)).toEqual(rmax.data);
          expect(Array.from(argmin(t, axis).data)).toEqual(rmin.data);
        }),
      { numRuns: 50 },
    );
  });

  it("carries no gradient", () => {
    const y = tensor([[1, 2], [4, 3]], { requiresGrad: true });
    const a = argmax(y, 1);
    expect(a.requiresGrad).toBe(false);
    expect(a.isLeaf).toBe(true);
    expect(argmin(y).requiresGrad).toBe(false);
  });

  it("out-of-range axis names the op", () => {
    expect(() => argmax(x, 2)).toThrow(/argmax.*axis 2/);
    expect(() => argmin(x, -3)).toThrow(/argmin.*axis -3/);
  });
});

describe("logSumExp", () => {
  it("by hand", () => {
    const x = t64([2, 2], [0, 0, 1, 2]);
    expectClose(logSumExp(x).data, [Math.log(2 + Math.E + Math.E ** 2)]);
    expectClose(logSumExp(x, 1).data, [Math.log(2), Math.log(Math.E + Math.E ** 2)]);
    expect(logSumExp(x, 1, true).shape).toEqual([2, 1]);
    expect(logSumExp(x).shape).toEqual([]);
  });

  it("is finite and exact at ±1000", () => {
    const big = t64([2], [1000, 1000]);
    expect(logSumExp(big).item()).toBe(1000 + Math.log(2));
    const neg = t64([2], [-1000, -1000]);
    expect(logSumExp(neg).item()).toBe(-1000 + Math.log(2));
    const mixed = t64([2, 2], [1000, -1000, -1000, -1000]);
    const r = logSumExp(mixed, 1);
    expect(r.data[0]).toBe(1000);
    expect(r.data[1]).toBe(-1000 + Math.log(2));
    // float32 too
    const f32 = tensor([1000, 1000, 1000]);
    expect(logSumExp(f32).item()).toBeCloseTo(1000 + Math.log(3), 3);
    expect(Number.isFinite(logSumExp(tensor([-1000, 1000])).item())).toBe(true);
  });

  it("gradient at ±1000 is the softmax, with no NaN", () => {
    const x = t64([3], [1000, 1000, -1000], true);
    logSumExp(x).backward();
    expectClose(x.grad!.data, [0.5, 0.5, 0]);
    const y = t64([2], [-1000, -1000], true);
    logSumExp(y).backward();
    expectClose(y.grad!.data, [0.5, 0.5]);
  });

  it("all −∞ gives −∞; a +∞ entry gives +∞ (no NaN)", () => {
    expect(logSumExp(t64([2], [-Infinity, -Infinity])).item()).toBe(-Infinity);
    expect(logSumExp(t64([2], [Infinity, 1])).item()).toBe(Infinity);
  });

  it("logSoftmax at ±1000 is finite and exact", () => {
    const x = t64([3], [1000, 0, -1000]);
    const y = logSoftmax(x);
    // log(1 + e^-1000 + e^-2000) rounds to 0 in float64
    expect(Array.from(y.data)).toEqual([0, -1000, -2000]);
    const z = logSoftmax(t64([2, 2], [-1000, -1000, 1000, 999]), 1);
    expectClose(z.data, [-Math.log(2), -Math.log(2), -Math.log1p(Math.exp(-1)), -1 - Math.log1p(Math.exp(-1))]);
    for (const v of logSoftmax(tensor([1000, -1000, 0])).data) expect(Number.isFinite(v)).toBe(true);
    const s = softmax(t64([3], [1000, 0, -1000]));
    expect(Array.from(s.data)).toEqual([1, Math.exp(-1000), 0]);
  });

  it("logSoftmax gradient at ±1000 is finite", () => {
    const x = t64([3], [1000, 0, -1000], true);
    logSoftmax(x).mul(t64([3], [1, 2, 3])).sum().backward();
    // d/dx_j Σ_i w_i (x_i − lse) = w_j − (Σ w)·softmax_j = [1−6, 2, 3]
    expectClose(x.grad!.data, [-5, 2, 3]);
  });
});

describe("reduction gradients", () => {
  it("sum / mean by hand", () => {
    const x = t64([2, 3], values(6, 1), true);
    sum(x, 1).mul(t64([2], [2, 3])).sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([2, 2, 2, 3, 3, 3]);
    x.grad = null;
    mean(x, 0).sum().backward();
    expectClose(x.grad!.data, [0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
    x.grad = null;
    mean(x).backward();
    expectClose(x.grad!.data, new Array(6).fill(1 / 6));
  });

  it("max / min route the gradient to the extreme; ties share it evenly (as amax)", () => {
    const x = t64([2, 3], [1, 5, 2, 7, 7, 0], true);
    max(x, 1).mul(t64([2], [10, 20])).sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([0, 10, 0, 10, 10, 0]);
    x.grad = null;
    min(x).backward();
    expect(Array.from(x.grad!.data)).toEqual([0, 0, 0, 0, 0, 1]);
    x.grad = null;
    max(x).backward();
    expect(Array.from(x.grad!.data)).toEqual([0, 0, 0, 0.5, 0.5, 0]);
  });

  it("gradcheck on random shapes, axes and keepDims (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }),
        fc.constantFrom<OpName>("sum", "mean", "max", "min", "logSumExp"),
        fc.boolean(), fc.integer({ min: 1, max: 10000 }), fc.integer({ min: 0, max: 7 }),
        (shape, op, keepDims, seed, axisMask) => {
          const nd = shape.length;
          const axes = Array.from({ length: nd }, (_, i) => i).filter((i) => (axisMask >> i) & 1);
          // alternate positive/negative spellings
          const axis = axes.length === 0 ? undefined : axes.length === 1 ? axes[0] - (seed % 2 ? nd : 0) : axes;
          const x = t64(shape, distinct(prod(shape), seed));
          const f = (t: Tensor) => OPS[op](t, axis, keepDims);
          expectGradOk(f, [x]);
        },
      ),
      { numRuns: 25 },
    );
  });

  it("gradcheck of each op over several axes [0, 2]", () => {
    const x = t64([2, 3, 2], distinct(12, 5));
    for (const op of ["sum", "mean", "max", "min", "logSumExp"] as OpName[]) {
      expectGradOk((t) => OPS[op](t, [0, 2]), [x]);
      expectGradOk((t) => OPS[op](t, { axis: [0, 2], keepDims: true }).mul(t64([1, 3, 1], [1, -2, 3])), [x]);
    }
  });

  it("second derivative of logSumExp (Hessian diagonal = p(1 − p))", () => {
    const x = t64([3], [0.1, -0.4, 0.7]);
    const e = [0.1, -0.4, 0.7].map(Math.exp), z = e.reduce((s, v) => s + v, 0);
    const p = e.map((v) => v / z);
    // Σ_j ∂²lse/∂x_i∂x_j = 0 (softmax sums to 1); use a weighted sum to get something non-trivial.
    const w = t64([3], [1, 2, 3]);
    const g2 = grad((t: Tensor) => (grad((u: Tensor) => logSumExp(u))(t) as Tensor).mul(w).sum())(x) as Tensor;
    // ∂/∂x_i Σ_j w_j p_j = p_i (w_i − Σ_j w_j p_j)
    const wp = p[0] * 1 + p[1] * 2 + p[2] * 3;
    expectClose(g2.data, p.map((pi, i) => pi * (i + 1 - wp)));
  });
});

describe("reduction errors", () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]]);
  for (const op of ["sum", "mean", "max", "min", "logSumExp"] as OpName[]) {
    it(`${op}: out-of-range axis names the op and the axis`, () => {
      expect(() => OPS[op](x, 2)).toThrow(new RegExp(`${op}.*axis 2`));
      expect(() => OPS[op](x, -3)).toThrow(new RegExp(`${op}.*axis -3`));
      expect(() => OPS[op](x, [0, 5])).toThrow(new RegExp(`${op}.*axis 5`));
      expect(() => OPS[op](x, { axis: 7 })).toThrow(new RegExp(`${op}.*axis 7`));
    });
  }

  it("repeated axes are rejected", () => {
    expect(() => sum(x, [1, -1])).toThrow(/sum/);
  });

  it("max of an empty axis is an error; sum of an empty axis is 0", () => {
    const e = tensor(new Float32Array(0), { shape: [2, 0] });
    expect(() => max(e, 1)).toThrow(/max/);
    expect(sum(e, 1).toArray()).toEqual([0, 0]);
  });
});
