/**
 * view, flatten and permute: PyTorch's shapes and values (test/reference/ops-values.ts, made by
 * test/reference/ops_values.py), which of them share storage and the version counter with their
 * input, gradients through them, and their errors. The generic checks (gradcheck of both orders,
 * method ≡ function, js ≡ wasm, in-place safety) come from the op table (test/ops/).
 */
import { describe, expect, it } from "vitest";
import { arange, flatten, noGrad, permute, tensor, transpose, view, type Tensor } from "../src/index.js";
import { FLATTEN, FLATTEN_0D_SHAPE, FLATTEN_ERROR, PERMUTE, PERMUTE_ERRORS, VIEW_ERRORS } from "./reference/ops-values.js";

const x24 = (requiresGrad = false) => arange(24, { dtype: "float64", requiresGrad }).reshape([2, 3, 4]);
const leaf24 = () => tensor(Float64Array.from({ length: 24 }, (_, i) => i), { shape: [2, 3, 4], requiresGrad: true });

describe("view", () => {
  it("shares storage and the version counter, always as a new tensor (the same shape too)", () => {
    const x = x24();
    for (const shape of [[6, 4], [-1], [2, 3, 4], [4, -1, 3]]) {
      const v = view(x, shape);
      expect(v).not.toBe(x);
      expect(v.data).toBe(x.data);
      expect(v._version).toBe(x._version);
      expect(v.size).toBe(24);
    }
    expect(view(x, [4, -1, 3]).shape).toEqual([4, 2, 3]);
    const v = x.view([6, 4]);
    noGrad(() => x.fill_(7));
    expect(v.data[23]).toBe(7); // a write to the base shows through the view
  });

  it("is recorded as view; its gradient is the upstream gradient in the input's shape", () => {
    const x = leaf24();
    const y = x.view([4, 6]);
    expect(y.op).toBe("view");
    y.mul(tensor(Float64Array.from({ length: 24 }, (_, i) => i + 1), { shape: [4, 6] })).sum().backward();
    expect(x.grad!.shape).toEqual([2, 3, 4]);
    expect(Array.from(x.grad!.data)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
  });

  it("an in-place write through any alias after the forward pass makes backward through a reader of the view throw", () => {
    const x = leaf24();
    const v = x.view([24]);
    const y = v.mul(v).sum();
    noGrad(() => x.detach().fill_(1));
    expect(() => y.backward()).toThrow(/modified in place/);
  });

  it("fails where the element count cannot fit, naming the shapes and why (PyTorch: the same cases)", () => {
    const x = x24();
    expect(VIEW_ERRORS.size).toMatch(/shape '\[5, 5\]' is invalid for input of size 24/);
    expect(() => x.view([5, 5])).toThrow("view: cannot view a tensor of shape [2, 3, 4] (24 elements) as [5, 5] (25 elements): the number of elements must stay the same");
    expect(VIEW_ERRORS.twoInferred).toMatch(/only one dimension can be inferred/);
    expect(() => x.view([-1, -1])).toThrow("view: only one -1 is allowed in the target shape, got [-1, -1]");
    expect(() => x.view([5, -1])).toThrow("view: cannot view a tensor of shape [2, 3, 4] (24 elements) as [5, -1]: 24 is not a multiple of 5, the product of the other sizes, so no size fits the -1");
    expect(() => arange(0).view([0, -1])).toThrow("view: cannot view a tensor of shape [0] (0 elements) as [0, -1]: the other sizes multiply to 0, so the -1 could be any size");
    expect(() => x.view([2.5] as number[])).toThrow("view: target shape must be integers ≥ 0 (one -1 allowed), got [2.5]");
    expect(() => view([1, 2] as unknown as Tensor, [2])).toThrow("view: input must be a Tensor, got an array (wrap it with tensor())");
  });

  it("works after transpose, where PyTorch refuses: transpose copies here, and the view shares the copy's storage", () => {
    expect(VIEW_ERRORS.transposed).toMatch(/view size is not compatible with input tensor's size and stride/);
    const x = x24();
    const t = transpose(x, 0, 1);
    const v = t.view([-1]);
    expect(v.data).toBe(t.data);
    expect(v.data).not.toBe(x.data);
    expect(Array.from(v.data.slice(0, 8))).toEqual([0, 1, 2, 3, 12, 13, 14, 15]); // x.transpose(0, 1).reshape(-1) in PyTorch
  });

  it("reshape's messages say why too", () => {
    expect(() => arange(6).reshape([4, -1])).toThrow("reshape: cannot reshape a tensor of shape [6] (6 elements) into [4, -1]: 6 is not a multiple of 4, the product of the other sizes, so no size fits the -1");
  });
});

describe("flatten", () => {
  for (const { args, shape } of FLATTEN) {
    it(`flatten(x, ${args.join(", ")}) of [2, 3, 4] has PyTorch's shape ${JSON.stringify(shape)}, sharing storage`, () => {
      const x = x24();
      const f = (flatten as (x: Tensor, ...a: number[]) => Tensor)(x, ...args);
      expect(f.shape).toEqual(shape);
      expect(f.data).toBe(x.data);
      expect(f._version).toBe(x._version);
    });
  }

  it("a 0-d tensor becomes [1], as PyTorch; flattening one axis returns the tensor itself", () => {
    expect(flatten(tensor(3)).shape).toEqual(FLATTEN_0D_SHAPE);
    expect(tensor(3).flatten(0, -1).shape).toEqual([1]);
    const x = x24();
    expect(flatten(x, 1, 1)).toBe(x);
  });

  it("is recorded as flatten, and its gradient has the input's shape", () => {
    const x = leaf24();
    const y = x.flatten(1);
    expect(y.op).toBe("flatten");
    y.mul(tensor(Float64Array.from({ length: 24 }, (_, i) => 24 - i), { shape: [2, 12] })).sum().backward();
    expect(x.grad!.shape).toEqual([2, 3, 4]);
    expect(Array.from(x.grad!.data)).toEqual(Array.from({ length: 24 }, (_, i) => 24 - i));
  });

  it("refuses startDim after endDim and axes out of range, naming them", () => {
    expect(FLATTEN_ERROR).toMatch(/start_dim cannot come after end_dim/);
    const x = x24();
    expect(() => flatten(x, 2, 1)).toThrow("flatten: startDim 2 (axis 2) comes after endDim 1 (axis 1) for shape [2, 3, 4]; flatten merges startDim..endDim");
    expect(() => flatten(x, -1, 0)).toThrow(/flatten: startDim -1 \(axis 2\) comes after endDim 0 \(axis 0\)/);
    expect(() => flatten(x, 3)).toThrow("flatten: axis 3 is out of range for a tensor with 3 dimension(s) (valid: -3..2)");
    expect(() => flatten(x, 0, 1.5)).toThrow(/flatten: axis 1.5 is out of range/);
  });
});

describe("permute", () => {
  for (const { dims, shape, values } of PERMUTE) {
    it(`permute(x, [${dims.join(", ")}]) of [2, 3, 4]: PyTorch's shape and values`, () => {
      const p = permute(x24(), dims);
      expect(p.shape).toEqual(shape);
      expect(Array.from(p.data)).toEqual(values);
    });
  }

  it("moves data into a fresh tensor (PyTorch returns a strided view); the identity returns the tensor itself", () => {
    const x = x24();
    const p = x.permute([2, 0, 1]);
    expect(p.data).not.toBe(x.data);
    expect(p._version).not.toBe(x._version);
    expect(x.permute([0, 1, 2])).toBe(x);
    expect(x.permute([-3, -2, -1])).toBe(x);
  });

  it("sends the gradient back through the inverse permutation", () => {
    const x = leaf24();
    const w = tensor(Float64Array.from({ length: 24 }, (_, i) => i * i), { shape: [4, 2, 3] });
    const y = x.permute([2, 0, 1]);
    expect(y.op).toBe("permute");
    y.mul(w).sum().backward();
    // d/dx[i, j, k] of Σ y[k, i, j]·w[k, i, j] = w[k, i, j]
    const want = Array.from({ length: 24 }, (_, n) => { const i = Math.floor(n / 12), j = Math.floor(n / 4) % 3, k = n % 4; return w.data[k * 6 + i * 3 + j]; });
    expect(Array.from(x.grad!.data)).toEqual(want);
  });

  it("refuses what PyTorch refuses, naming the dims and the shape", () => {
    const x = x24();
    expect(PERMUTE_ERRORS.repeated).toMatch(/duplicate dims/);
    expect(() => x.permute([0, 0, 1])).toThrow("permute: dims [0, 0, 1] repeats an axis (shape [2, 3, 4]); give each axis once");
    expect(() => x.permute([0, -3, 1])).toThrow(/permute: dims \[0, -3, 1\] repeats an axis/);
    expect(PERMUTE_ERRORS.count).toMatch(/does not match the length of the desired ordering/);
    expect(() => x.permute([0, 1])).toThrow("permute: dims [0, 1] has 2 entries, but the input has 3 dimension(s) (shape [2, 3, 4]); give each axis once");
    expect(PERMUTE_ERRORS.range).toMatch(/Dimension out of range/);
    expect(() => x.permute([0, 1, 3])).toThrow("permute: axis 3 is out of range for a tensor with 3 dimension(s) (valid: -3..2)");
    expect(() => x.permute([0, 1, "2"] as never)).toThrow('permute: dims[2] must be an integer axis, got "2" (shape [2, 3, 4])');
    expect(() => x.permute(2 as never)).toThrow("permute: dims must be an array of axes, got 2 (input shape [2, 3, 4])");
    expect(() => tensor(1).permute([0])).toThrow(/permute: dims \[0\] has 1 entries, but the input has 0 dimension/);
  });
});
