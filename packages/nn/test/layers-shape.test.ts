/**
 * Flatten and Identity: shapes as PyTorch's nn.Flatten (default startDim 1, endDim −1, negative
 * dimensions, a 0-d input), values in row-major order untouched, gradients reshaped back
 * (gradcheck, first and second order), errors naming the layer and the shape.
 */
import { describe, expect, it } from "vitest";
import { grad, gradcheck, mul, randn, square, sum, tensor, zeros, type Tensor } from "@backprop/core";
import { Flatten, Identity, Linear, Sequential } from "../src/index.js";

describe("Flatten", () => {
  it("default (1, −1): [N, C, L] → [N, C·L], the values in the same row-major order", () => {
    const x = tensor([[[1, 2, 3], [4, 5, 6]], [[7, 8, 9], [10, 11, 12]]]);
    const y = new Flatten().forward(x);
    expect(y.shape).toEqual([2, 6]);
    expect(y.toArray()).toEqual([[1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12]]);
  });

  it("shapes for other dimensions, as torch.flatten", () => {
    const x = zeros([2, 3, 4, 5]);
    const shape = (s: number, e: number) => new Flatten(s, e).forward(x).shape;
    expect(shape(0, -1)).toEqual([120]);
    expect(shape(1, 2)).toEqual([2, 12, 5]);
    expect(shape(-2, -1)).toEqual([2, 3, 20]);
    expect(shape(2, 2)).toEqual([2, 3, 4, 5]);
    expect(shape(-4, 0)).toEqual([2, 3, 4, 5]);
    expect(new Flatten().forward(zeros([4, 7])).shape).toEqual([4, 7]);
    expect(new Flatten().forward(zeros([0, 2, 3])).shape).toEqual([0, 6]);
    expect(new Flatten(0).forward(tensor(3)).toArray()).toEqual([3]); // a 0-d tensor counts as one dimension
    expect(new Flatten(0).forward(zeros([5])).shape).toEqual([5]);
  });

  it("gradcheck, first and second order: the gradient is the upstream gradient reshaped back", () => {
    const x = randn([2, 3, 2], { dtype: "float64" });
    const f = (t: Tensor) => square(new Flatten().forward(t));
    expect(gradcheck(f, [x]).ok).toBe(true);
    const r = randn([2, 6], { dtype: "float64" });
    expect(gradcheck((t: Tensor) => grad((u: Tensor) => sum(mul(f(u), r)))(t), [x]).ok).toBe(true);
    const g = grad((u: Tensor) => sum(mul(new Flatten().forward(u), r)))(x);
    expect(g.shape).toEqual([2, 3, 2]);
    expect(Array.from(g.data)).toEqual(Array.from(r.data));
  });

  it("errors name the layer, its settings and the input's shape (where PyTorch raises too)", () => {
    expect(() => new Flatten().forward(zeros([3]))).toThrow("Flatten(start_dim=1, end_dim=-1): startDim 1 is out of range for an input of shape [3] (1 dimensions)");
    expect(() => new Flatten(0, 5).forward(zeros([2, 3]))).toThrow(/Flatten\(start_dim=0, end_dim=5\): endDim 5 is out of range for an input of shape \[2, 3\]/);
    expect(() => new Flatten(-1, 0).forward(zeros([2, 3]))).toThrow("Flatten(start_dim=-1, end_dim=0): startDim (dimension 1) comes after endDim (dimension 0) for an input of shape [2, 3]");
    expect(new Flatten(-1, -1).forward(tensor(3)).shape).toEqual([1]);
    expect(() => new Flatten(2, 1)).toThrow("Flatten: startDim (2) must not come after endDim (1)");
    expect(() => new Flatten(0.5)).toThrow(/Flatten: startDim must be an integer, got 0.5/);
    expect(() => new Flatten().forward([1, 2] as unknown as Tensor)).toThrow(/Flatten: expected a Tensor/);
  });

  it("in a model: the flattened features feed a Linear; no parameters of its own", () => {
    const net = new Sequential(new Flatten(), new Linear(6, 2));
    expect(net.forward(zeros([4, 2, 3])).shape).toEqual([4, 2]);
    expect(new Flatten().parameters()).toEqual([]);
    expect(new Flatten(0, 2).startDim).toBe(0);
  });
});

describe("Identity", () => {
  it("returns its input itself; the gradient passes through unchanged (gradcheck); no parameters", () => {
    const x = tensor([1, -2, 3], { dtype: "float64" });
    const id = new Identity();
    expect(id.forward(x)).toBe(x);
    expect(gradcheck((t: Tensor) => square(id.forward(t)), [x]).ok).toBe(true);
    const g = grad((t: Tensor) => sum(mul(id.forward(t), tensor([4, 5, 6], { dtype: "float64" }))))(x);
    expect(Array.from(g.data)).toEqual([4, 5, 6]);
    expect(id.parameters()).toEqual([]);
    expect(id.stateDict()).toEqual({});
    const l = new Linear(3, 1);
    expect(Array.from(new Sequential(new Identity(), l).forward(x).data)).toEqual(Array.from(l.forward(x).data));
  });
});
