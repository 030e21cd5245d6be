/**
 * Embedding against PyTorch 2.13 (rows looked up, the weight's gradient accumulated over repeated
 * indices, paddingIdx's row without gradient), gradcheck first and second order, the index forms
 * accepted, the N(0, 1) initialisation, and errors naming the layer, the index and its position.
 */
import { describe, expect, it } from "vitest";
import { grad, gradcheck, manualSeed, mul, noGrad, randn, square, sum, tensor, type Tensor } from "@backprop/core";
import { Embedding } from "../src/index.js";
import { EMBEDDING } from "./reference/modules.js";

const vals = (t: Tensor): number[] => Array.from(t.data);

function withWeight(e: Embedding, w: number[]): Embedding {
  noGrad(() => e.weight.copy_(tensor(w, { shape: e.weight.shape.slice(), dtype: e.weight.dtype })));
  return e;
}

describe("Embedding against PyTorch", () => {
  for (const c of EMBEDDING) {
    it(`paddingIdx ${c.paddingIdx}: the rows looked up, and the weight's gradient (repeated indices add up${c.paddingIdx === null ? "" : "; the padding row gets none"})`, () => {
      const e = withWeight(new Embedding(6, 3, { paddingIdx: c.paddingIdx, dtype: "float64" }), c.weight.data);
      const y = e.forward(tensor(c.indices));
      expect(y.shape).toEqual(c.y.shape);
      expect(vals(y)).toEqual(c.y.data); // a lookup: exact
      sum(mul(y, tensor(c.r.data, { shape: c.r.shape, dtype: "float64" }))).backward();
      expect(e.weight.grad!.shape).toEqual(c.gradWeight.shape);
      vals(e.weight.grad!).forEach((g, i) => expect(g).toBeCloseTo(c.gradWeight.data[i], 14));
    });
  }

  it("the gradient by hand: row k gets the sum of the upstream rows at every position holding k", () => {
    const e = new Embedding(4, 2, { dtype: "float64" });
    const y = e.forward([1, 3, 1, 1]);
    y.backward(tensor([[1, 2], [10, 20], [100, 200], [1000, 2000]], { dtype: "float64" }));
    expect(e.weight.grad!.toArray()).toEqual([[0, 0], [1101, 2202], [0, 0], [10, 20]]);
  });
});

describe("Embedding: gradcheck", () => {
  it("first and second order in float64 (through square, so the second derivative is not zero)", () => {
    manualSeed(21);
    const e = new Embedding(5, 3, { dtype: "float64" });
    const idx = tensor([[4, 0, 4], [2, 2, 2]]);
    const r = randn([2, 3, 3], { dtype: "float64" });
    const f = (w: Tensor) => {
      e.weight = w;
      return square(e.forward(idx));
    };
    const w0 = randn([5, 3], { dtype: "float64" });
    const first = gradcheck(f, [w0]);
    expect(first.failures).toEqual([]);
    expect(first.ok).toBe(true);
    const second = gradcheck((w: Tensor) => grad((v: Tensor) => sum(mul(f(v), r)))(w), [w0]);
    expect(second.failures).toEqual([]);
    expect(second.ok).toBe(true);
    // With a padding index the forward still reads its row, but its gradient is 0 by definition (as
    // PyTorch's padding_idx): gradcheck fails exactly at that row's entries, and nowhere else.
    const p = new Embedding(5, 3, { paddingIdx: 2, dtype: "float64" });
    const fp = (w: Tensor) => {
      p.weight = w;
      return square(p.forward(idx));
    };
    const padded = gradcheck(fp, [w0]);
    expect(padded.ok).toBe(false);
    expect([...new Set(padded.failures.map((fl) => Math.floor(fl.index / 3)))]).toEqual([2]);
    expect(padded.failures.every((fl) => fl.analytic === 0 && fl.numeric !== 0)).toBe(true);
    // the gradient as a function of the weight is still differentiated correctly (second order)
    expect(gradcheck((w: Tensor) => grad((v: Tensor) => sum(mul(fp(v), r)))(w), [w0]).ok).toBe(true);
    const g = grad((v: Tensor) => sum(mul(fp(v), r)))(w0);
    expect(vals(g).slice(6, 9)).toEqual([0, 0, 0]);
  });
});

describe("Embedding: forms, shapes, defaults", () => {
  it("indices as a tensor (any dtype), nested arrays, an Int32Array or a number; output [...S, dim]", () => {
    const e = withWeight(new Embedding(3, 2), [0, 1, 10, 11, 20, 21]);
    expect(e.forward(tensor([2, 0], { dtype: "float32" })).toArray()).toEqual([[20, 21], [0, 1]]);
    expect(e.forward(tensor([[1], [2]], { dtype: "float64" })).shape).toEqual([2, 1, 2]);
    expect(e.forward([[1, 1, 0], [2, 2, 2]]).shape).toEqual([2, 3, 2]);
    expect(e.forward(Int32Array.from([1, 2])).toArray()).toEqual([[10, 11], [20, 21]]);
    expect(e.forward(1).toArray()).toEqual([10, 11]);
    expect(e.forward(tensor(2)).shape).toEqual([2]);
    expect(e.forward([]).shape).toEqual([0, 2]);
    expect(e.forward([0]).dtype).toBe("float32");
  });

  it("weight N(0, 1) as PyTorch, seeded; the padding row zeros (a negative paddingIdx counts from the end); state-dict key weight", () => {
    manualSeed(5);
    const e = new Embedding(1000, 50);
    const d = vals(e.weight);
    const mean = d.reduce((a, b) => a + b, 0) / d.length;
    const std = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / (d.length - 1));
    expect(Math.abs(mean)).toBeLessThan(0.02); // sd of the mean: 0.0045
    expect(Math.abs(std - 1)).toBeLessThan(0.02);
    manualSeed(5);
    expect(vals(new Embedding(1000, 50).weight)).toEqual(d);
    manualSeed(5);
    const p = new Embedding(1000, 50, { paddingIdx: -1 });
    expect(p.paddingIdx).toBe(999);
    expect(vals(p.weight).slice(0, 999 * 50)).toEqual(d.slice(0, 999 * 50)); // the whole table drawn, then the row zeroed
    expect(vals(p.weight).slice(999 * 50)).toEqual(new Array(50).fill(0));
    expect(p.weight.requiresGrad && p.weight.isLeaf).toBe(true);
    expect(Object.keys(p.stateDict())).toEqual(["weight"]);
    expect(p.weight.shape).toEqual([1000, 50]);
  });

  it("errors name the layer, the index and its position, before anything is computed", () => {
    const e = new Embedding(10, 3);
    expect(() => e.forward([[1, 2], [10, 0]])).toThrow("Embedding(10, 3): index 10 (at flat position 2 of indices of shape [2, 2]) is not a whole number in [0, 10)");
    expect(() => e.forward([-1])).toThrow(/index -1 \(at flat position 0/);
    expect(() => e.forward([1.5])).toThrow(/index 1.5 .*not a whole number in \[0, 10\)/);
    expect(() => e.forward([[1, 2], [3]])).toThrow(/Embedding\(10, 3\): indices must be a tensor or \(nested\) arrays of whole numbers/);
    expect(() => e.forward("3" as unknown as number)).toThrow(/Embedding\(10, 3\): indices must be a Tensor/);
    expect(() => new Embedding(-1, 3)).toThrow(/Embedding: numEmbeddings must be a non-negative integer, got -1/);
    expect(() => new Embedding(3, 2.5)).toThrow(/embeddingDim must be a non-negative integer/);
    expect(() => new Embedding(3, 2, { paddingIdx: 3 })).toThrow("Embedding: paddingIdx must be an integer in [-3, 3) (within numEmbeddings = 3), got 3");
    expect(() => new Embedding(3, 2, { padding_idx: 0 } as object)).toThrow(/unknown option "padding_idx"; expected one of: paddingIdx, dtype/);
  });
});
