/**
 * The issue-10 reproducers for the op findings, each a regression test:
 * 1. a tensor a backward reads must be saved (gather's indices were not: a silently wrong gradient);
 * 2. second derivatives through where/masks must not meet 0·∞ (pow(x, 0) gave NaN);
 * 5. size-0 inputs and bad expand shapes give results as PyTorch, or errors naming the op.
 */
import { describe, expect, it } from "vitest";
import { concat, grad, linear, noGrad, ones, stack, tensor, zeros, type Tensor } from "../../src/index.js";

const f64 = (v: number | number[] | number[][], requiresGrad = true) => tensor(v, { dtype: "float64", requiresGrad });
const d2 = (f: (x: Tensor) => Tensor, at: number) => grad(grad(f))(f64(at)).data[0];

describe("finding 1: every tensor a backward reads is saved", () => {
  it("gather: changing the indices in place after the forward makes backward throw (the issue's reproducer)", () => {
    const x = f64([[1, 2, 3], [4, 5, 6]]);
    const idx = tensor([[0], [2]]);
    const loss = x.gather(1, idx).sum();
    idx.copy_(tensor([[4], [0]]));
    expect(() => loss.backward()).toThrow(/gather saved for its gradient was modified in place/);
    expect(x.grad).toBeNull();
  });

  it("gather: unchanged indices still give the right gradient", () => {
    const x = f64([[1, 2, 3], [4, 5, 6]]);
    x.gather(1, tensor([[0], [2]])).sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([1, 0, 0, 0, 0, 1]);
  });

  it("gather's second derivative (scatterAdd's backward) reads the indices too: caught as well", () => {
    const x = f64([[1, 2, 3], [4, 5, 6]]);
    const idx = tensor([[1], [2]]);
    const gx = grad((t: Tensor) => t.gather(1, idx).square().sum())(x);
    const y = gx.sum();
    noGrad(() => idx.fill_(0));
    expect(() => y.backward()).toThrow(/modified in place/);
  });
});

describe("finding 2: second derivatives where a discarded branch is infinite", () => {
  // Hand-derived: d²/dx² xᵖ = p(p−1)x^(p−2); at x = 0 that is 0 for p = 0, 1 and 3, and 2 for p = 2.
  it.each([[0, 0], [1, 0], [2, 2], [3, 0]])("d²/dx² x^%d at 0 is %d (was NaN for p = 0)", (p, want) => {
    expect(d2((x) => x.pow(p), 0)).toBe(want);
  });

  it("the third derivative of x³ at 0 is 6", () => {
    expect(grad(grad(grad((x: Tensor) => x.pow(3))))(f64(0)).data[0]).toBe(6);
  });

  it("pow's exponent gradient at base 0: d²/dp² 0^p at p = 1 is 0, not NaN", () => {
    expect(d2((p) => f64(0, false).pow(p), 1)).toBe(0);
  });

  it("d²/db² (1/b) at b = 0 is +∞ (2/b³ from the right), not NaN", () => {
    expect(d2((b) => f64(1, false).div(b), 0)).toBe(Infinity);
  });

  // Piecewise-linear ops: the second derivative is 0 at and around their kinks.
  it.each<[string, (x: Tensor) => Tensor, number]>([
    ["abs at 0", (x) => x.abs(), 0],
    ["relu at 0", (x) => x.relu(), 0],
    ["leakyRelu at 0", (x) => x.leakyRelu(0.1), 0],
    ["clamp at its lower bound", (x) => x.clamp(0, 1), 0],
    ["clamp at its upper bound", (x) => x.clamp(0, 1), 1],
    ["maximum at a tie", (x) => x.maximum(f64(0, false)), 0],
    ["minimum at a tie", (x) => x.minimum(f64(0, false)), 0],
    ["max over a tie", (x) => stack([x, f64(0, false)]).max(), 0],
    ["softplus past its threshold (the σ branch is discarded)", (x) => x.softplus(), 30],
    ["logSumExp beside −∞", (x) => stack([x, f64(-Infinity, false)]).logSumExp(), 0],
  ])("%s: 0", (_, f, at) => {
    expect(d2(f, at)).toBe(0);
  });

  // Smooth ops, against their hand-derived second derivatives (these had no second-order test before).
  it.each<[string, (x: Tensor) => Tensor, number, number]>([
    ["sqrt'' at 4 = −¼·4^(−3/2)", (x) => x.sqrt(), 4, -1 / 32],
    ["log'' at 2 = −1/2²", (x) => x.log(), 2, -1 / 4],
    ["(1/x)'' at 2 = 2/2³", (x) => f64(1, false).div(x), 2, 1 / 4],
    ["sigmoid'' at 1 = σ(1−σ)(1−2σ)", (x) => x.sigmoid(), 1, ((s) => s * (1 - s) * (1 - 2 * s))(1 / (1 + Math.exp(-1)))],
    ["tanh'' at 1 = −2·tanh·(1 − tanh²)", (x) => x.tanh(), 1, -2 * Math.tanh(1) * (1 - Math.tanh(1) ** 2)],
    ["softplus'' at 1 = σ(1)(1 − σ(1))", (x) => x.softplus(), 1, ((s) => s * (1 - s))(1 / (1 + Math.exp(-1)))],
    ["(x^1.5)'' at 4 = 0.75·4^(−½)", (x) => x.pow(1.5), 4, 0.375],
  ])("%s", (_, f, at, want) => {
    expect(Math.abs(d2(f, at) - want)).toBeLessThan(1e-14);
  });

  it("softplus'' at 0 is σ'(0) = 1/4", () => {
    expect(d2((x) => x.softplus(), 0)).toBe(0.25);
  });
});

describe("finding 5: size-0 dimensions and bad shapes", () => {
  it("new Linear(0, 3).forward(zeros([5, 0])) is the bias broadcast to [5, 3] (functional linear)", () => {
    const x = zeros([5, 0], { requiresGrad: true }), w = zeros([3, 0], { requiresGrad: true });
    const b = tensor([1, 2, 3], { requiresGrad: true });
    const y = linear(x, w, b);
    expect(y.shape).toEqual([5, 3]);
    expect(Array.from(y.data)).toEqual([1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3]);
    y.sum().backward();
    expect(Array.from(b.grad!.data)).toEqual([5, 5, 5]);
    expect(x.grad!.shape).toEqual([5, 0]);
    expect(w.grad!.shape).toEqual([3, 0]);
  });

  it("matmul with a zero inner dimension is zeros", () => {
    const y = ones([2, 0]).matmul(ones([0, 3]));
    expect(y.shape).toEqual([2, 3]);
    expect(Array.from(y.data)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it("softmax and logSoftmax over a size-0 axis give an empty result, with a gradient", () => {
    for (const op of ["softmax", "logSoftmax"] as const) {
      const x = zeros([2, 0], { requiresGrad: true });
      const y = x[op](-1);
      expect(y.shape).toEqual([2, 0]);
      y.sum().backward();
      expect(x.grad!.shape).toEqual([2, 0]);
    }
  });

  it("reductions over a size-0 axis: sum 0, mean NaN, logSumExp −∞, max and min a clear error", () => {
    const x = zeros([2, 0]);
    expect(Array.from(x.sum(1).data)).toEqual([0, 0]);
    expect(Array.from(x.mean(1).data)).toEqual([NaN, NaN]);
    expect(Array.from(x.logSumExp(1).data)).toEqual([-Infinity, -Infinity]);
    expect(() => x.max(1)).toThrow(/^max: cannot reduce over an empty axis \(shape \[2, 0\], axis 1\)/);
    expect(() => x.min()).toThrow(/^min: cannot reduce over an empty axis/);
    expect(() => x.argmax(1)).toThrow(/^argmax: .*empty axis/);
  });

  it("concat with a size-0 piece", () => {
    const y = concat([ones([2, 0]), tensor([[1], [2]])], 1);
    expect(y.shape).toEqual([2, 1]);
    expect(Array.from(y.data)).toEqual([1, 2]);
  });

  it.each([[[-1]], [[1.5]], [[2, NaN]], ["3"]])("expand to %j: an error naming expand, the shape and what is expected", (shape) => {
    expect(() => ones([1]).expand(shape as never)).toThrow(/^expand: the target shape must be an array of non-negative integers, got .* \(input shape \[1\]\)/);
  });

  it("expand quotes a huge bad shape briefly", () => {
    const shape = new Array(100000).fill(-1);
    let message = "";
    try { ones([1]).expand(shape); } catch (e) { message = (e as Error).message; }
    expect(message).toMatch(/^expand: /);
    expect(message.length).toBeLessThan(300);
  });
});

describe("op errors quote a caller's value briefly (at most a short prefix)", () => {
  const huge = "z".repeat(1_000_000);
  it.each<[string, () => unknown, RegExp]>([
    ["unsqueeze axis", () => ones([2]).unsqueeze(huge as never), /^unsqueeze: axis must be a number, got "zzz/],
    ["sum axis", () => ones([2]).sum(huge as never), /^sum: axis must be a number/],
    ["sum keepDims", () => ones([2]).sum(0, huge as never), /^sum: keepDims must be a boolean, got "zzz/],
    ["matmul option", () => ones([2, 2]).matmul(ones([2, 2]), { transposeA: huge as never }), /^matmul: transposeA must be true or false, got "zzz/],
    ["relu atZero", () => ones([2]).relu({ atZero: huge as never }), /^relu: atZero must be "left".*got "zzz/],
    ["slice bounds", () => ones([2]).slice([huge as never], [1]), /^slice: bounds must be integers, got start "zzz/],
  ])("%s", (_, f, pattern) => {
    let message = "";
    try { f(); } catch (e) { message = (e as Error).message; }
    expect(message).toMatch(pattern);
    expect(message.length).toBeLessThan(400);
  });
});
