import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  Tensor, arange, concat, gather, grad, logSoftmax, reshape, slice, softmax, squeeze, stack, tensor,
  transpose, unsqueeze,
} from "../src/index.js";
import { values, prod, expectClose, expectGradOk } from "./helpers.js";

// ---------------------------------------------------------------------------------------------
// Independent helpers
// ---------------------------------------------------------------------------------------------

function rnd(shape: number[], seed: number, requiresGrad = false): Tensor {
  return tensor(Float64Array.from(values(prod(shape), seed)), { shape, dtype: "float64", requiresGrad });
}

/** A tensor whose value at [i, j, k] is i·100 + j·10 + k: positions are readable in the values. */
function coded(shape: number[], dtype: "float32" | "float64" = "float64"): Tensor {
  const data: number[] = [];
  const nd = shape.length;
  for (let f = 0; f < prod(shape); f++) {
    let rem = f, code = 0, mult = 1;
    for (let ax = nd - 1; ax >= 0; ax--) { code += (rem % shape[ax]) * mult; rem = Math.floor(rem / shape[ax]); mult *= 10; }
    data.push(code);
  }
  return tensor(data, { shape, dtype });
}

/** Element of a flat row-major array at a multi-index. */
function at(data: ArrayLike<number>, shape: readonly number[], idx: number[]): number {
  let f = 0;
  for (let i = 0; i < shape.length; i++) f = f * shape[i] + idx[i];
  return data[f];
}

// ---------------------------------------------------------------------------------------------

describe("reshape", () => {
  it("keeps row-major order", () => {
    const x = arange(6);
    const y = reshape(x, [2, 3]);
    expect(y.shape).toEqual([2, 3]);
    expect(y.toArray()).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(x.reshape([3, 2]).toArray()).toEqual([[0, 1], [2, 3], [4, 5]]);
    expect(reshape(y, [6]).toArray()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("infers one -1", () => {
    const x = arange(24);
    expect(reshape(x, [2, -1, 4]).shape).toEqual([2, 3, 4]);
    expect(reshape(x, [-1]).shape).toEqual([24]);
    expect(reshape(x, [-1, 6]).shape).toEqual([4, 6]);
    expect(reshape(tensor(5), [-1]).shape).toEqual([1]);
    expect(reshape(tensor([5]), []).shape).toEqual([]);
  });

  it("bad reshape names the op and both shapes", () => {
    const x = arange(6);
    expect(() => reshape(x, [4, 2])).toThrow(/reshape.*\[6\].*\[4, 2\]/);
    expect(() => reshape(x.reshape([2, 3]), [4, -1])).toThrow(/reshape.*\[2, 3\].*\[4, -1\]/);
    expect(() => reshape(x, [-1, -1])).toThrow(/reshape/);
  });

  it("gradcheck", () => {
    expectGradOk((t) => reshape(t, [3, -1]).mul(rnd([3, 2], 9)), [rnd([2, 3], 1)]);
    expectGradOk((t) => t.reshape([4]).mul(rnd([4], 9)), [rnd([2, 1, 2], 1)]);
  });
});

describe("transpose and T", () => {
  it("default swaps the last two axes", () => {
    const x = coded([2, 3, 4]);
    const y = transpose(x);
    expect(y.shape).toEqual([2, 4, 3]);
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) {
      expect(at(y.data, y.shape, [i, k, j])).toBe(i * 100 + j * 10 + k);
    }
  });

  it("explicit dims, negative dims, and a 3-D swap of the outer axes", () => {
    const x = coded([2, 3, 4]);
    const y = transpose(x, 0, 2);
    expect(y.shape).toEqual([4, 3, 2]);
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) {
      expect(at(y.data, y.shape, [k, j, i])).toBe(i * 100 + j * 10 + k);
    }
    expect(Array.from(transpose(x, -3, -1).data)).toEqual(Array.from(y.data));
    expect(Array.from(x.transpose(2, 0).data)).toEqual(Array.from(y.data));
    const z = transpose(x, 0, 1);
    expect(z.shape).toEqual([3, 2, 4]);
    expect(at(z.data, z.shape, [2, 1, 3])).toBe(123);
    expect(transpose(x, 1, 1).toArray()).toEqual(x.toArray());
  });

  it("T on 2-D", () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(x.T.shape).toEqual([3, 2]);
    expect(x.T.toArray()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(x.T.T.toArray()).toEqual(x.toArray());
  });

  it("T on non-2-D throws", () => {
    expect(() => arange(3).T).toThrow(/T.*\[3\]/);
    expect(() => coded([2, 2, 2]).T).toThrow(/T.*\[2, 2, 2\]/);
  });

  it("out-of-range dims name transpose", () => {
    expect(() => transpose(coded([2, 3]), 0, 2)).toThrow(/transpose.*axis 2/);
    expect(() => transpose(arange(3))).toThrow(/transpose/);
  });

  it("gradcheck", () => {
    const w = rnd([2, 4, 3], 7);
    expectGradOk((t) => transpose(t).mul(w), [rnd([2, 3, 4], 1)]);
    expectGradOk((t) => transpose(t, 0, 2).mul(rnd([4, 3, 2], 8)), [rnd([2, 3, 4], 1)]);
    expectGradOk((t) => t.T.mul(rnd([3, 2], 8)), [rnd([2, 3], 1)]);
  });

  it("gradient is the transposed upstream gradient", () => {
    const x = rnd([2, 3], 1, true);
    const g = rnd([3, 2], 2);
    x.T.backward(g);
    expect(x.grad!.toArray()).toEqual(transposeNested(g.toArray() as number[][]));
  });
});

function transposeNested(m: number[][]): number[][] {
  return m[0].map((_, j) => m.map((row) => row[j]));
}

describe("squeeze / unsqueeze", () => {
  it("squeeze all size-1 axes", () => {
    const x = coded([1, 3, 1, 2]);
    const y = squeeze(x);
    expect(y.shape).toEqual([3, 2]);
    expect(Array.from(y.data)).toEqual(Array.from(x.data));
    expect(squeeze(tensor([[[7]]])).shape).toEqual([]);
  });

  it("squeeze one axis (also negative); an axis of size ≠ 1 is left alone, as PyTorch", () => {
    const x = coded([1, 3, 1, 2]);
    expect(squeeze(x, 0).shape).toEqual([3, 1, 2]);
    expect(squeeze(x, 2).shape).toEqual([1, 3, 2]);
    expect(squeeze(x, -2).shape).toEqual([1, 3, 2]);
    expect(squeeze(x, 1).shape).toEqual([1, 3, 1, 2]);
    expect(x.squeeze(3).shape).toEqual([1, 3, 1, 2]);
    expect(squeeze(x, [0, 2]).shape).toEqual([3, 2]);
    expect(() => squeeze(x, 4)).toThrow(/squeeze.*axis 4/);
  });

  it("unsqueeze, including negative axes (counted against ndim + 1)", () => {
    const x = coded([2, 3]);
    expect(unsqueeze(x, 0).shape).toEqual([1, 2, 3]);
    expect(unsqueeze(x, 1).shape).toEqual([2, 1, 3]);
    expect(unsqueeze(x, 2).shape).toEqual([2, 3, 1]);
    expect(unsqueeze(x, -1).shape).toEqual([2, 3, 1]);
    expect(unsqueeze(x, -3).shape).toEqual([1, 2, 3]);
    expect(x.unsqueeze(-2).shape).toEqual([2, 1, 3]);
    expect(unsqueeze(tensor(3), 0).shape).toEqual([1]);
    expect(Array.from(unsqueeze(x, 1).data)).toEqual(Array.from(x.data));
    expect(() => unsqueeze(x, 3)).toThrow(/unsqueeze.*axis 3/);
    expect(() => unsqueeze(x, -4)).toThrow(/unsqueeze.*axis -4/);
  });

  it("gradcheck", () => {
    expectGradOk((t) => squeeze(t).mul(rnd([3, 2], 5)), [rnd([1, 3, 1, 2], 1)]);
    expectGradOk((t) => squeeze(t, 2).mul(rnd([1, 3, 2], 5)), [rnd([1, 3, 1, 2], 1)]);
    expectGradOk((t) => unsqueeze(t, -1).mul(rnd([2, 3, 2], 5)), [rnd([2, 3], 1)]);
  });
});

// ---------------------------------------------------------------------------------------------

/** Python-style slice bounds per axis, written independently of the library. */
function refSlice(x: Tensor, starts: number[], ends: number[]): { data: number[]; shape: number[] } {
  const lo: number[] = [], hi: number[] = [];
  x.shape.forEach((d, i) => {
    const norm = (v: number) => { const w = v < 0 ? v + d : v; return w < 0 ? 0 : w > d ? d : w; };
    lo.push(norm(starts[i] ?? 0));
    hi.push(Math.max(norm(ends[i] ?? d), norm(starts[i] ?? 0)));
  });
  const shape = lo.map((l, i) => hi[i] - l);
  const data: number[] = [];
  const rec = (ax: number, idx: number[]) => {
    if (ax === x.ndim) { data.push(at(x.data, x.shape, idx)); return; }
    for (let i = lo[ax]; i < hi[ax]; i++) rec(ax + 1, [...idx, i]);
  };
  rec(0, []);
  return { data, shape };
}

describe("slice", () => {
  const x = coded([3, 4, 5]);

  it("basic bounds on every axis", () => {
    const y = slice(x, [1, 0, 2], [3, 2, 4]);
    expect(y.shape).toEqual([2, 2, 2]);
    expect(Array.from(y.data)).toEqual([102, 103, 112, 113, 202, 203, 212, 213]);
  });

  it("negative bounds count from the end", () => {
    const y = slice(x, [-1, -3], [3, -1]);
    expect(y.shape).toEqual([1, 2, 5]);
    expect(at(y.data, y.shape, [0, 0, 0])).toBe(210);
    expect(at(y.data, y.shape, [0, 1, 4])).toBe(224);
  });

  it("bounds are clamped; empty when start ≥ end", () => {
    expect(slice(x, [-10, 2], [10, 100]).shape).toEqual([3, 2, 5]);
    expect(slice(x, [2], [1]).shape).toEqual([0, 4, 5]);
    expect(slice(x, [5], [9]).shape).toEqual([0, 4, 5]);
  });

  it("partial axes: missing axes are taken whole", () => {
    const y = slice(x, [1], [2]);
    expect(y.shape).toEqual([1, 4, 5]);
    expect(Array.from(y.data)).toEqual(Array.from({ length: 20 }, (_, i) => 100 + Math.floor(i / 5) * 10 + (i % 5)));
    expect(x.slice([0, 1], [1, 2]).shape).toEqual([1, 1, 5]);
  });

  it("matches a reference on random bounds (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -7, max: 7 }), { maxLength: 3 }), fc.array(fc.integer({ min: -7, max: 7 }), { maxLength: 3 }),
        (starts, ends) => {
          const y = slice(x, starts, ends);
          const ref = refSlice(x, starts, ends);
          expect(y.shape).toEqual(ref.shape);
          expect(Array.from(y.data)).toEqual(ref.data);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("too many bounds / non-integers name slice", () => {
    expect(() => slice(x, [0, 0, 0, 0], [1, 1, 1, 1])).toThrow(/slice/);
    expect(() => slice(x, [0.5], [2])).toThrow(/slice/);
  });

  it("gradient places g at the slice, 0 elsewhere", () => {
    const t = rnd([3, 4], 1, true);
    slice(t, [1, -2], [3, 4]).backward(tensor([[1, 2], [3, 4]], { dtype: "float64" }));
    expect(t.grad!.toArray()).toEqual([[0, 0, 0, 0], [0, 0, 1, 2], [0, 0, 3, 4]]);
  });

  it("gradcheck", () => {
    expectGradOk((t) => slice(t, [1, -3], [3, 100]).mul(rnd([2, 3], 5)), [rnd([3, 4], 1)]);
    expectGradOk((t) => slice(t, [0, 1], [2, 3]), [rnd([2, 3, 2], 1)]);
  });
});

// ---------------------------------------------------------------------------------------------

describe("gather (as torch.gather)", () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]], { dtype: "float64" });

  it("along axis 1: out[i][j] = x[i][idx[i][j]]", () => {
    const y = gather(x, 1, [[2, 0], [1, 1]]);
    expect(y.shape).toEqual([2, 2]);
    expect(y.toArray()).toEqual([[3, 1], [5, 5]]);
    expect(x.gather(-1, [[0, 0, 2, 1], [2, 2, 2, 2]]).toArray()).toEqual([[1, 1, 3, 2], [6, 6, 6, 6]]);
  });

  it("along axis 0: out[i][j] = x[idx[i][j]][j]", () => {
    const y = gather(x, 0, [[1, 0, 1], [0, 0, 0], [1, 1, 1]]);
    expect(y.shape).toEqual([3, 3]);
    expect(y.toArray()).toEqual([[4, 2, 6], [1, 2, 3], [4, 5, 6]]);
  });

  it("indices as Int32Array or a Tensor", () => {
    expect(gather(tensor([10, 20, 30]), 0, new Int32Array([2, 2, 0, 1])).toArray()).toEqual([30, 30, 10, 20]);
    expect(gather(x, 1, tensor([[1], [0]])).toArray()).toEqual([[2], [4]]);
  });

  it("3-D against a reference", () => {
    const c = coded([2, 3, 4]);
    const idx = [[[2, 0, 1, 1]], [[0, 0, 2, 1]]]; // shape [2, 1, 4] along axis 1
    const y = gather(c, 1, idx);
    expect(y.shape).toEqual([2, 1, 4]);
    const ref: number[] = [];
    for (let i = 0; i < 2; i++) for (let k = 0; k < 4; k++) ref.push(i * 100 + idx[i][0][k] * 10 + k);
    expect(Array.from(y.data)).toEqual(ref);
  });

  it("out-of-range or non-integer index is an error naming gather", () => {
    expect(() => gather(x, 1, [[3, 0], [0, 0]])).toThrow(/gather.*index 3/);
    expect(() => gather(x, 0, [[0, 2, 0]])).toThrow(/gather.*index 2/);
    expect(() => gather(x, 1, [[-1, 0], [0, 0]])).toThrow(/gather.*index -1/);
    expect(() => gather(x, 1, [[0.5, 0], [0, 0]])).toThrow(/gather/);
    expect(() => gather(x, 2, [[0], [0]])).toThrow(/gather.*axis 2/);
  });

  it("0-d input and 0-d index, as torch.gather", () => {
    const s = tensor(3.5, { dtype: "float64", requiresGrad: true });
    const y = gather(s, 0, tensor(0));
    expect(y.shape).toEqual([]);
    expect(y.item()).toBe(3.5);
    y.backward();
    expect(s.grad!.item()).toBe(1);
    expect(gather(s, -1, tensor(0)).item()).toBe(3.5);
    expect(() => gather(s, 0, tensor(1))).toThrow(/gather.*index 1/);
  });

  it("gradient adds g back at gathered positions (repeats accumulate)", () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]], { dtype: "float64", requiresGrad: true });
    gather(t, 1, [[2, 2, 0], [1, 1, 1]]).backward(tensor([[1, 2, 3], [4, 5, 6]], { dtype: "float64" }));
    expect(t.grad!.toArray()).toEqual([[3, 0, 3], [0, 15, 0]]);
  });

  it("gradcheck along axis 0 and 1", () => {
    expectGradOk((t) => gather(t, 0, [[1, 0, 1], [1, 1, 0]]).mul(rnd([2, 3], 4)), [rnd([2, 3], 1)]);
    expectGradOk((t) => gather(t, 1, [[2, 2, 0, 1], [0, 1, 1, 1]]).mul(rnd([2, 4], 4)), [rnd([2, 3], 1)]);
  });
});

// ---------------------------------------------------------------------------------------------

describe("concat / stack", () => {
  it("concat along axis 0 and 1", () => {
    const a = tensor([[1, 2], [3, 4]]), b = tensor([[5, 6]]), c = tensor([[7], [8]]);
    expect(concat([a, b]).toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(concat([a, c], 1).toArray()).toEqual([[1, 2, 7], [3, 4, 8]]);
    expect(concat([a, c, a], -1).toArray()).toEqual([[1, 2, 7, 1, 2], [3, 4, 8, 3, 4]]);
    expect(a.concat(b).toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(a.concat([c], 1).shape).toEqual([2, 3]);
    expect(concat([arange(2), arange(3)]).toArray()).toEqual([0, 1, 0, 1, 2]);
  });

  it("mixed dtypes give float64, and each gradient takes its input's dtype", () => {
    const a = tensor([0.1], { dtype: "float32", requiresGrad: true });
    const b = tensor([0.1], { dtype: "float64", requiresGrad: true });
    const y = concat([a, b]);
    expect(y.dtype).toBe("float64");
    expect(y.data[0]).toBe(Math.fround(0.1));
    expect(y.data[1]).toBe(0.1);
    y.backward(tensor([2, 3], { dtype: "float64" }));
    expect(a.grad!.dtype).toBe("float32");
    expect(b.grad!.dtype).toBe("float64");
    expect(a.grad!.item()).toBe(2);
    expect(b.grad!.item()).toBe(3);
  });

  it("concat shape mismatch names concat", () => {
    expect(() => concat([tensor([[1, 2]]), tensor([[1, 2, 3]])])).toThrow(/concat.*\[1, 3\].*\[1, 2\]/);
    expect(() => concat([])).toThrow(/concat/);
    expect(() => concat([tensor(1), tensor(2)])).toThrow(/concat.*zero-dimensional/);
  });

  it("stack adds a new axis", () => {
    const a = tensor([1, 2, 3]), b = tensor([4, 5, 6]);
    expect(stack([a, b]).shape).toEqual([2, 3]);
    expect(stack([a, b]).toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(stack([a, b], 1).toArray()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(stack([a, b], -1).toArray()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(a.stack(b).shape).toEqual([2, 3]);
    const m = coded([2, 3]);
    const s = stack([m, m, m], 1);
    expect(s.shape).toEqual([2, 3, 3]);
    expect(at(s.data, s.shape, [1, 2, 0])).toBe(10);
    expect(stack([tensor(1), tensor(2)]).toArray()).toEqual([1, 2]);
  });

  it("stack shape mismatch is an error", () => {
    expect(() => stack([tensor([1, 2]), tensor([1, 2, 3])])).toThrow(/stack.*\[3\].*\[2\]/);
    expect(() => stack([tensor([1, 2]), tensor([[1, 2]])])).toThrow(/stack/);
    expect(() => stack([tensor([1, 2])], 2)).toThrow(/stack.*axis 2/);
  });

  it("gradcheck", () => {
    expectGradOk((a, b) => concat([a, b], 1).mul(rnd([2, 5], 9)), [rnd([2, 3], 1), rnd([2, 2], 2)]);
    expectGradOk((a, b, c) => concat([a, b, c]).mul(rnd([4, 2], 9)), [rnd([1, 2], 1), rnd([2, 2], 2), rnd([1, 2], 3)]);
    expectGradOk((a, b) => stack([a, b], 1).mul(rnd([2, 2, 3], 9)), [rnd([2, 3], 1), rnd([2, 3], 2)]);
    expectGradOk((a) => concat([a, a.square()], 0), [rnd([2], 1)]);
  });
});

// ---------------------------------------------------------------------------------------------

describe("softmax / logSoftmax", () => {
  /** softmax of each 1-D fibre along `axis`, computed independently. */
  function refSoftmax(x: Tensor, axis: number): number[] {
    const ax = axis < 0 ? axis + x.ndim : axis;
    const out = new Array<number>(x.size);
    const outer = prod(x.shape.slice(0, ax)), n = x.shape[ax], inner = prod(x.shape.slice(ax + 1));
    for (let o = 0; o < outer; o++) for (let j = 0; j < inner; j++) {
      const ids = Array.from({ length: n }, (_, i) => (o * n + i) * inner + j);
      const m = Math.max(...ids.map((i) => x.data[i]));
      const z = ids.reduce((s, i) => s + Math.exp(x.data[i] - m), 0);
      for (const i of ids) out[i] = Math.exp(x.data[i] - m) / z;
    }
    return out;
  }

  it("by hand", () => {
    const y = softmax(tensor([0, Math.log(3)], { dtype: "float64" }));
    expectClose(y.data, [0.25, 0.75]);
    const z = logSoftmax(tensor([0, Math.log(3)], { dtype: "float64" }));
    expectClose(z.data, [Math.log(0.25), Math.log(0.75)]);
  });

  it("along each axis: values, rows sum to 1, logSoftmax = log(softmax)", () => {
    const x = rnd([2, 3, 4], 3).mul(3);
    for (const axis of [0, 1, 2, -1, -2]) {
      const y = softmax(x, axis);
      expect(y.shape).toEqual([2, 3, 4]);
      expectClose(y.data, refSoftmax(x, axis));
      const sums = y.sum(axis);
      expectClose(sums.data, new Array(sums.size).fill(1), 1e-14);
      expectClose(logSoftmax(x, axis).data, Array.from(y.data, Math.log), 1e-12);
    }
    // default axis is the last one
    expectClose(softmax(x).data, refSoftmax(x, 2));
    expectClose(x.softmax(1).data, refSoftmax(x, 1));
    expectClose(x.logSoftmax().data, refSoftmax(x, 2).map(Math.log));
  });

  it("float32 rows sum to 1", () => {
    const y = softmax(tensor([[1, 2, 3], [-1, 0, 100]]));
    expect(y.dtype).toBe("float32");
    for (const v of y.sum(1).data) expect(v).toBeCloseTo(1, 6);
  });

  it("out-of-range axis names the op", () => {
    expect(() => softmax(tensor([[1, 2]]), 2)).toThrow(/softmax.*axis 2/);
    expect(() => logSoftmax(tensor([[1, 2]]), -3)).toThrow(/logSoftmax.*axis -3/);
  });

  it("gradcheck along each axis", () => {
    for (const axis of [0, 1, -1]) {
      expectGradOk((t) => softmax(t, axis), [rnd([2, 3, 2], 4)]);
      expectGradOk((t) => logSoftmax(t, axis), [rnd([2, 3, 2], 5)]);
    }
  });

  it("second derivatives of softmax and logSoftmax (gradcheck of the gradient)", () => {
    const w = rnd([2, 3], 6);
    // the first-derivative as a function, built with createGraph, must itself pass gradcheck
    const dSoft = (t: Tensor) => grad((u: Tensor) => softmax(u, 1).mul(w).sum())(t) as Tensor;
    expectGradOk(dSoft, [rnd([2, 3], 1)]);
    const dLog = (t: Tensor) => grad((u: Tensor) => logSoftmax(u, 0).mul(w).sum())(t) as Tensor;
    expectGradOk(dLog, [rnd([2, 3], 2)]);
  });
});

// ---------------------------------------------------------------------------------------------

describe("gradients of gradients for slice / gather / concat", () => {
  it("slice: grad(x => slice(x)³.sum()) = 3x² on the slice; differentiated again = 6x", () => {
    const x = rnd([3, 4], 1);
    const f = (t: Tensor) => slice(t, [1, 1], [3, 3]).pow(3).sum();
    const inSlice = (f: number) => { const i = Math.floor(f / 4), j = f % 4; return i >= 1 && i < 3 && j >= 1 && j < 3; };
    const g1 = grad(f)(x) as Tensor;
    expectClose(g1.data, Array.from(x.data, (v, i) => (inSlice(i) ? 3 * v * v : 0)));
    const g2 = grad((t: Tensor) => (grad(f)(t) as Tensor).sum())(x) as Tensor;
    expectClose(g2.data, Array.from(x.data, (v, i) => (inSlice(i) ? 6 * v : 0)));
  });

  it("slice: the same through backward({ createGraph: true })", () => {
    const x = rnd([4], 2, true);
    slice(x, [-3], [-1]).pow(3).sum().backward(undefined, { createGraph: true });
    const g1 = x.grad!;
    expect(g1.requiresGrad).toBe(true);
    expectClose(g1.data, Array.from(x.data, (v, i) => (i === 1 || i === 2 ? 3 * v * v : 0)));
    x.grad = null;
    g1.sum().backward();
    expectClose(x.grad!.data, Array.from(x.data, (v, i) => (i === 1 || i === 2 ? 6 * v : 0)));
  });

  it("gather: repeated indices, second derivative", () => {
    const x = rnd([2, 3], 3);
    const idx = [[0, 0, 2], [1, 2, 2]];
    const f = (t: Tensor) => gather(t, 1, idx).pow(3).sum();
    // count how often each element is gathered
    const count = [2, 0, 1, 0, 1, 2];
    const g1 = grad(f)(x) as Tensor;
    expectClose(g1.data, Array.from(x.data, (v, i) => count[i] * 3 * v * v));
    const g2 = grad((t: Tensor) => (grad(f)(t) as Tensor).sum())(x) as Tensor;
    expectClose(g2.data, Array.from(x.data, (v, i) => count[i] * 6 * v));
  });

  it("gather: createGraph backward", () => {
    const x = rnd([3, 2], 4, true);
    gather(x, 0, [[2, 0]]).pow(3).sum().backward(undefined, { createGraph: true });
    const g1 = x.grad!;
    x.grad = null;
    g1.sum().backward();
    expectClose(x.grad!.data, Array.from(x.data, (v, i) => (i === 4 || i === 1 ? 6 * v : 0)));
  });

  it("concat: second derivative reaches each piece", () => {
    const a = rnd([2], 5), b = rnd([3], 6);
    const f = (p: Tensor, q: Tensor) => concat([p, q]).pow(3).sum();
    const g2 = grad((p: Tensor, q: Tensor) => {
      const [gp, gq] = grad(f, [0, 1])(p, q) as Tensor[];
      return gp.sum().add(gq.sum());
    }, [0, 1])(a, b) as Tensor[];
    expectClose(g2[0].data, Array.from(a.data, (v) => 6 * v));
    expectClose(g2[1].data, Array.from(b.data, (v) => 6 * v));
  });

  it("concat with createGraph, mixed dtypes", () => {
    const a = tensor([0.5, -1], { dtype: "float32", requiresGrad: true });
    const b = tensor([2], { dtype: "float64", requiresGrad: true });
    concat([a, b]).pow(3).sum().backward(undefined, { createGraph: true });
    const ga = a.grad!, gb = b.grad!;
    expect(Array.from(ga.data)).toEqual([0.75, 3]);
    expect(Array.from(gb.data)).toEqual([12]);
    a.grad = null;
    b.grad = null;
    ga.sum().add(gb.sum()).backward();
    expect(Array.from(a.grad!.data)).toEqual([3, -6]);
    expect(Array.from(b.grad!.data)).toEqual([12]);
  });

  it("third derivatives: Σ slice(x)⁴ and Σ gather(x)⁴ give 24x where taken", () => {
    const x = rnd([2, 3], 7);
    const d = (f: (t: Tensor) => Tensor) => (t: Tensor) => (grad(f)(t) as Tensor).sum();
    const f1 = (t: Tensor) => slice(t, [1], [2]).pow(4).sum();
    const g3 = grad(d(d(f1)))(x) as Tensor;
    expectClose(g3.data, Array.from(x.data, (v, i) => (i >= 3 ? 24 * v : 0)), 1e-10);
    const f2 = (t: Tensor) => gather(t, 1, [[2], [2]]).pow(4).sum();
    const h3 = grad(d(d(f2)))(x) as Tensor;
    expectClose(h3.data, Array.from(x.data, (v, i) => (i % 3 === 2 ? 24 * v : 0)), 1e-10);
    const f3 = (t: Tensor) => concat([t, t], 1).pow(4).sum();
    const c3 = grad(d(d(f3)))(x) as Tensor;
    expectClose(c3.data, Array.from(x.data, (v) => 48 * v), 1e-10);
  });

  it("gradcheck of first derivatives (slice / gather / concat / stack)", () => {
    const dSlice = (t: Tensor) => grad((u: Tensor) => slice(u, [0, 1], [2, 3]).pow(3).sum())(t) as Tensor;
    expectGradOk(dSlice, [rnd([3, 3], 1)]);
    const dGather = (t: Tensor) => grad((u: Tensor) => gather(u, 0, [[1, 1, 0]]).pow(3).sum())(t) as Tensor;
    expectGradOk(dGather, [rnd([2, 3], 2)]);
    const dConcat = (t: Tensor) => grad((u: Tensor) => concat([u, u.mul(2)], 1).pow(3).sum())(t) as Tensor;
    expectGradOk(dConcat, [rnd([2, 2], 3)]);
    const dStack = (t: Tensor) => grad((u: Tensor) => stack([u, u.square()], 0).pow(3).sum())(t) as Tensor;
    expectGradOk(dStack, [rnd([3], 4)]);
  });

  it("gradcheck of second-order terms where the upstream gradient of pad/scatterAdd depends on x", () => {
    // H(x) = ∇ₓ Σ (∇f(x))·x: computing it runs the backward of slice's/gather's adjoint with an
    // x-dependent upstream gradient, which gradcheck then differentiates.
    const H = (f: (u: Tensor) => Tensor) => (t: Tensor) => grad((u: Tensor) => (grad(f)(u) as Tensor).mul(u).sum())(t) as Tensor;
    expectGradOk(H((u) => slice(u, [0, 1], [2, 3]).pow(3).sum()), [rnd([3, 3], 1)]);
    expectGradOk(H((u) => gather(u, 1, [[2, 2, 0], [1, 0, 0]]).pow(3).sum()), [rnd([2, 3], 2)]);
    expectGradOk(H((u) => concat([u, u.mul(2)], 0).pow(3).sum()), [rnd([2, 2], 3)]);
  });
});
