import { describe, expect, it } from "vitest";
import { arange, full, manualSeed, ones, rand, randn, Tensor, tensor, zeros } from "../src/index.js";

const errorOf = (fn: () => unknown): Error => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    return e as Error;
  }
  throw new Error("expected a throw");
};

describe("tensor()", () => {
  it("a number gives a 0-d tensor", () => {
    const t = tensor(2.5);
    expect(t.shape).toEqual([]);
    expect(t.ndim).toBe(0);
    expect(t.size).toBe(1);
    expect(t.dtype).toBe("float32");
    expect(t.item()).toBe(2.5);
    expect(t.toArray()).toBe(2.5);
  });

  it("nested arrays give their shape, row-major", () => {
    const t = tensor([[[1, 2, 3], [4, 5, 6]]]);
    expect(t.shape).toEqual([1, 2, 3]);
    expect(t.ndim).toBe(3);
    expect(t.size).toBe(6);
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.toArray()).toEqual([[[1, 2, 3], [4, 5, 6]]]);
  });

  it("number[] gives a 1-D tensor; default dtype float32 (values rounded to float32)", () => {
    const t = tensor([0.1, 2, -3]);
    expect(t.shape).toEqual([3]);
    expect(t.dtype).toBe("float32");
    expect(t.data).toBeInstanceOf(Float32Array);
    expect(t.data[0]).toBe(Math.fround(0.1));
    expect(tensor([0.1], { dtype: "float64" }).data[0]).toBe(0.1);
  });

  it("empty arrays are allowed", () => {
    expect(tensor([]).shape).toEqual([0]);
    expect(tensor([[], []]).shape).toEqual([2, 0]);
    expect(tensor([[], []]).toArray()).toEqual([[], []]);
  });

  it("typed arrays: dtype follows the array, opts.dtype overrides, opts.shape reshapes, data is copied", () => {
    const f64 = new Float64Array([0.1, 1, 2, 3, 4, 5]);
    const a = tensor(f64);
    expect(a.dtype).toBe("float64");
    expect(a.shape).toEqual([6]);
    expect(a.data[0]).toBe(0.1);
    const b = tensor(new Float32Array([1, 2]));
    expect(b.dtype).toBe("float32");
    const c = tensor(f64, { dtype: "float32" });
    expect(c.dtype).toBe("float32");
    expect(c.data[0]).toBe(Math.fround(0.1));
    const d = tensor(new Float32Array([1, 2, 3]), { dtype: "float64" });
    expect(d.dtype).toBe("float64");
    expect(d.data).toBeInstanceOf(Float64Array);
    const e = tensor(f64, { shape: [2, 3] });
    expect(e.shape).toEqual([2, 3]);
    expect(e.toArray()).toEqual([[0.1, 1, 2], [3, 4, 5]]);
    // copied, not aliased
    expect(a.data).not.toBe(f64);
    f64[1] = 99;
    expect(a.data[1]).toBe(1);
    expect(e.data[1]).toBe(1);
  });

  it("nested input is copied too, and opts.shape reshapes it", () => {
    const src = [1, 2, 3, 4];
    const t = tensor(src, { shape: [2, 2] });
    src[0] = 100;
    expect(t.toArray()).toEqual([[1, 2], [3, 4]]);
    expect(tensor(7, { shape: [1, 1] }).shape).toEqual([1, 1]);
  });

  it("requiresGrad and name options", () => {
    const t = tensor([1, 2], { requiresGrad: true, name: "w" });
    expect(t.requiresGrad).toBe(true);
    expect(t.name).toBe("w");
    expect(tensor([1]).requiresGrad).toBe(false);
    expect(() => tensor([1], { requiresGrad: "yes" } as never)).toThrow(/requiresGrad/);
  });

  it("ragged nested arrays throw an Error naming tensor and the position", () => {
    const e1 = errorOf(() => tensor([[1, 2], [3]]));
    expect(e1.message).toMatch(/^tensor/);
    expect(e1.message).toMatch(/ragged/);
    expect(e1.message).toContain("[1]");
    const e2 = errorOf(() => tensor([[[1, 2], [3, 4]], [[5, 6], [7]]]));
    expect(e2.message).toMatch(/tensor/);
    expect(e2.message).toContain("[1][1]");
    const e3 = errorOf(() => tensor([[1, 2], 3] as never));
    expect(e3.message).toMatch(/tensor/);
    expect(e3.message).toContain("[1]");
    const e4 = errorOf(() => tensor([1, [2]] as never));
    expect(e4.message).toMatch(/tensor/);
    expect(e4.message).toContain("[1]");
  });

  it("non-numeric elements throw", () => {
    const e = errorOf(() => tensor([1, "a"] as never));
    expect(e.message).toMatch(/tensor/);
    expect(e.message).toContain("[1]");
    expect(() => tensor([[1, null]] as never)).toThrow(/tensor.*\[0\]\[1\]/);
    expect(() => tensor([true] as never)).toThrow(/tensor/);
    expect(() => tensor("3" as never)).toThrow(/tensor/);
    expect(() => tensor(undefined as never)).toThrow(/tensor/);
    expect(() => tensor(new Int32Array([1]) as never)).toThrow(/tensor/);
  });

  it("a shape that does not fit the data throws", () => {
    expect(() => tensor([1, 2, 3], { shape: [2, 2] })).toThrow(/tensor.*\[2, 2\]/);
    expect(() => tensor(new Float64Array(5), { shape: [2, 3] })).toThrow(/tensor.*\[2, 3\]/);
    expect(() => tensor([1, 2], { shape: [-1, 2] })).toThrow(/tensor.*shape/);
    expect(() => tensor([1, 2], { shape: [1.5] })).toThrow(/tensor.*shape/);
  });

  it("an unknown option key throws naming it; so does a bad dtype", () => {
    const e = errorOf(() => tensor([1], { dtyp: "float64" } as never));
    expect(e.message).toMatch(/tensor/);
    expect(e.message).toContain("dtyp");
    expect(() => tensor([1], { dtype: "int32" } as never)).toThrow(/tensor.*int32/);
    expect(() => zeros([2], { shape: [2] } as never)).toThrow(/zeros.*shape/);
  });
});

describe("filled tensors", () => {
  it("zeros / ones / full", () => {
    const z = zeros([2, 3]);
    expect(z.shape).toEqual([2, 3]);
    expect(z.dtype).toBe("float32");
    expect(Array.from(z.data)).toEqual([0, 0, 0, 0, 0, 0]);
    const o = ones([3], { dtype: "float64", requiresGrad: true });
    expect(o.dtype).toBe("float64");
    expect(o.requiresGrad).toBe(true);
    expect(Array.from(o.data)).toEqual([1, 1, 1]);
    const f = full([2, 2], -1.5);
    expect(f.toArray()).toEqual([[-1.5, -1.5], [-1.5, -1.5]]);
    const s = zeros([]);
    expect(s.shape).toEqual([]);
    expect(s.item()).toBe(0);
    expect(() => zeros([2, -1])).toThrow(/zeros/);
    expect(() => full([2], "x" as never)).toThrow(/full/);
  });

  it("arange", () => {
    const a = arange(5);
    expect(a.shape).toEqual([5]);
    expect(a.toArray()).toEqual([0, 1, 2, 3, 4]);
    expect(arange(0).shape).toEqual([0]);
    expect(arange(3, { dtype: "float64" }).dtype).toBe("float64");
    expect(() => arange(-1)).toThrow(/arange/);
    expect(Array.from(arange(2.5).data)).toEqual([0, 1, 2]); // as torch.arange(2.5)
  });
});

describe("random", () => {
  const stats = (d: ArrayLike<number>) => {
    let s = 0, s2 = 0, lo = Infinity, hi = -Infinity;
    for (let i = 0; i < d.length; i++) {
      s += d[i];
      s2 += d[i] * d[i];
      lo = Math.min(lo, d[i]);
      hi = Math.max(hi, d[i]);
    }
    const mean = s / d.length;
    return { mean, std: Math.sqrt(s2 / d.length - mean * mean), lo, hi };
  };

  it("rand is uniform on [0, 1) (float32 and float64)", () => {
    manualSeed(1);
    for (const dtype of ["float32", "float64"] as const) {
      const t = rand([100_000], { dtype });
      expect(t.dtype).toBe(dtype);
      const { mean, std, lo, hi } = stats(t.data);
      expect(lo).toBeGreaterThanOrEqual(0);
      expect(hi).toBeLessThan(1);
      expect(lo).toBeLessThan(1e-3);
      expect(hi).toBeGreaterThan(1 - 1e-3);
      expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
      expect(Math.abs(std - Math.sqrt(1 / 12))).toBeLessThan(0.01);
    }
  });

  it("randn has mean ≈ 0 and std ≈ 1", () => {
    manualSeed(2);
    const t = randn([100_000]);
    const { mean, std } = stats(t.data);
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(std - 1)).toBeLessThan(0.02);
    // roughly normal tails: about 4.55% beyond 2σ
    let beyond = 0;
    for (const v of t.data) if (Math.abs(v) > 2) beyond++;
    expect(beyond / t.size).toBeGreaterThan(0.04);
    expect(beyond / t.size).toBeLessThan(0.051);
  });

  it("manualSeed makes rand and randn reproducible bit for bit; different seeds differ", () => {
    const draw = (seed: number) => {
      manualSeed(seed);
      const a = rand([5, 7]);
      const b = randn([13], { dtype: "float64" }); // odd count: the spare normal must not leak
      const c = rand([3], { dtype: "float64" });
      return [...a.data, ...b.data, ...c.data];
    };
    const first = draw(123);
    const second = draw(123);
    expect(second).toEqual(first);
    expect(second.every((v, i) => Object.is(v, first[i]))).toBe(true);
    const other = draw(124);
    expect(other).not.toEqual(first);
    expect(other.filter((v, i) => v === first[i]).length).toBeLessThan(3);
    // a large seed still differs from a small one
    expect(draw(2 ** 40 + 123)).not.toEqual(first);
    expect(() => manualSeed(NaN)).toThrow(/manualSeed/);
  });

  it("consecutive draws differ", () => {
    manualSeed(5);
    const a = Array.from(rand([10]).data);
    const b = Array.from(rand([10]).data);
    expect(a).not.toEqual(b);
    expect(new Set(a).size).toBe(10);
  });
});

describe("reading values", () => {
  it("item() on one-element tensors, a clear error otherwise", () => {
    expect(tensor(3.5).item()).toBe(3.5);
    expect(tensor([[[-2]]]).item()).toBe(-2);
    const e = errorOf(() => tensor([1, 2]).item());
    expect(e.message).toMatch(/item/);
    expect(e.message).toContain("[2]");
    expect(() => zeros([0]).item()).toThrow(/item/);
  });

  it("toArray: a number for 0-d, nested arrays otherwise", () => {
    expect(tensor(4).toArray()).toBe(4);
    expect(tensor([4]).toArray()).toEqual([4]);
    expect(tensor([[1, 2, 3], [4, 5, 6]]).toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(arange(12).reshape([2, 3, 2]).toArray()).toEqual([[[0, 1], [2, 3], [4, 5]], [[6, 7], [8, 9], [10, 11]]]);
    expect(zeros([0, 3]).toArray()).toEqual([]);
  });

  it("toString shows the values as PyTorch prints them, with the shape and dtype (printing.test.ts has the rest)", () => {
    const s = tensor([[1, 2.5], [-3, 4]], { dtype: "float64" }).toString();
    expect(s).toBe("tensor([[ 1.0000,  2.5000],\n        [-3.0000,  4.0000]], shape=[2, 2], dtype=float64)");
    expect(String(tensor(7))).toBe("tensor(7., shape=[], dtype=float32)");
    const named = tensor([1], { requiresGrad: true, name: "bias" }).toString();
    expect(named).toBe('tensor([1.], shape=[1], dtype=float32, requires_grad=True, name="bias")');
  });

  it("toString summarises tensors of more than 1000 elements with ...", () => {
    const big = arange(2000).toString();
    expect(big).toBe("tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n        1.9990e+03], shape=[2000], dtype=float32)");
    const grid = arange(2000).reshape([40, 50]).toString();
    expect(grid).toContain("...");
    expect(grid.split("\n").length).toBe(13); // 3 rows, "...", 3 rows, each row on two lines
    expect(arange(1000).toString()).not.toContain("...");
  });
});

describe("Tensor properties", () => {
  it("shape, ndim, size, dtype, isLeaf, op", () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true });
    expect(x).toBeInstanceOf(Tensor);
    expect(x.shape).toEqual([2, 3]);
    expect(x.ndim).toBe(2);
    expect(x.size).toBe(6);
    expect(x.dtype).toBe("float32");
    expect(x.isLeaf).toBe(true);
    expect(x.op).toBeNull();
    const y = x.mul(2);
    expect(y.isLeaf).toBe(false);
    expect(y.op).toBe("mul");
    const s = y.sum();
    expect(s.op).toBe("sum");
    expect(s.shape).toEqual([]);
    expect(s.ndim).toBe(0);
    expect(s.size).toBe(1);
    // results of ops on tensors that need no grad are leaves (as PyTorch)
    const c = tensor([1, 2]).add(1);
    expect(c.isLeaf).toBe(true);
    expect(c.op).toBeNull();
    // float32 with float64 gives float64
    expect(tensor([1]).add(tensor([1], { dtype: "float64" })).dtype).toBe("float64");
    expect(tensor([1], { dtype: "float64" }).mul(2).dtype).toBe("float64");
  });

  it("each tensor has a distinct id", () => {
    const a = tensor(1), b = tensor(1);
    expect(a.id).not.toBe(b.id);
  });
});
