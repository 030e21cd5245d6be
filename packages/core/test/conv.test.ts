/**
 * conv2d, conv1d, maxPool2d, avgPool2d and pad against PyTorch 2.13 (test/reference/conv-values.ts,
 * made by test/reference/conv_values.py): outputs and the gradients of sum(y·G) in float64, and in
 * float32 on each backend; the classic identities of the convolution's gradients; max pooling's
 * tie rule (split, unlike PyTorch); and the errors. The generic checks (gradcheck of both orders,
 * js ≡ wasm, in-place safety, the definition-by-loops references) come from the op table (test/ops/).
 */
import { describe, expect, it } from "vitest";
import {
  avgPool2d, conv1d, conv2d, flatten, getBackend, grad, maxPool2d, ones, pad, relu, tensor, Tensor, traceBackward, zeros, type DType,
} from "../src/index.js";
import { expectClose } from "./helpers.js";
import { CONV1D, CONV2D, PADS, POOLS, TORCH_MAXPOOL_TIE_GRAD, type Case } from "./reference/conv-values.js";

const make = (c: Case, dtype: DType) => c.inputs.map((t) => tensor(Array.from(t.data), { shape: t.shape, dtype, requiresGrad: true }));

/** Run `f` on the case's inputs in `dtype`, backward with its G; compare with PyTorch within `tol`. */
function againstTorch(c: Case, f: (...xs: Tensor[]) => Tensor, dtype: DType, tol: number): void {
  const xs = make(c, dtype);
  const y = f(...xs);
  expect(y.shape, c.name).toEqual(c.y.shape);
  expectClose(y.data, c.y.data, tol);
  y.mul(tensor(c.g, { shape: c.y.shape, dtype })).sum().backward();
  xs.forEach((x, i) => expectClose(x.grad!.data, c.grads[i], tol));
}

const cases: [string, Case[], (c: Case) => (...xs: Tensor[]) => Tensor][] = [
  ["conv2d", CONV2D, (c) => (x, w, b) => conv2d(x, w, b ?? null, c.options)],
  ["conv1d", CONV1D, (c) => (x, w, b) => conv1d(x, w, b ?? null, c.options)],
  ["pooling", POOLS, (c) => {
    const { kind, ...o } = c.options;
    return (x) => (kind === "max" ? maxPool2d(x, o) : avgPool2d(x, o));
  }],
  ["pad", PADS, (c) => (x) => pad(x, c.pads!, c.options)],
];

describe(`against PyTorch (backend ${getBackend()})`, () => {
  for (const [what, list, fn] of cases) {
    for (const c of list) {
      it(`${what}: ${c.name}, float64 to 1e-12`, () => againstTorch(c, fn(c), "float64", 1e-12));
      it(`${what}: ${c.name}, float32 to 1e-5`, () => againstTorch(c, fn(c), "float32", 1e-5));
    }
  }
});

describe("the gradients of a convolution are convolutions", () => {
  const x = tensor(Array.from({ length: 2 * 3 * 5 * 5 }, (_, i) => Math.sin(i)), { shape: [2, 3, 5, 5], dtype: "float64" });
  const w = tensor(Array.from({ length: 4 * 3 * 3 * 3 }, (_, i) => Math.cos(i)), { shape: [4, 3, 3, 3], dtype: "float64" });
  const g = tensor(Array.from({ length: 2 * 4 * 3 * 3 }, (_, i) => Math.sin(2 * i + 1)), { shape: [2, 4, 3, 3], dtype: "float64" });
  const dx = grad((t: Tensor) => conv2d(t, w).mul(g).sum())(x);
  const dw = grad((t: Tensor) => conv2d(x, t).mul(g).sum())(w);

  it("dx is the full convolution of g with W's taps flipped (transposed convolution, written with conv2d itself)", () => {
    // Flip each kernel in both spatial axes and swap its in/out channels; pad g by k − 1 on every side.
    const flipped = tensor(Array.from({ length: 3 * 4 * 3 * 3 }, (_, i) => {
      const q = i % 3, p = Math.floor(i / 3) % 3, o = Math.floor(i / 9) % 4, c = Math.floor(i / 36);
      return w.data[((o * 3 + c) * 3 + (2 - p)) * 3 + (2 - q)];
    }), { shape: [3, 4, 3, 3], dtype: "float64" });
    expectClose(dx.data, conv2d(g, flipped, null, { padding: 2 }).data, 1e-13);
  });

  it("dW is the correlation of the input with g (g used as the kernel, batch and channels swapped)", () => {
    // dW[o, c] = Σₙ x[n, c] ⋆ g[n, o]: a conv2d with the batch as the channel axis.
    const xT = x.permute([1, 0, 2, 3]), gT = g.permute([1, 0, 2, 3]);
    expectClose(dw.data, conv2d(xT, gT).permute([1, 0, 2, 3]).data, 1e-13);
  });

  it("traceBackward names the rule of each", () => {
    const xg = new Tensor(x.data.slice(), x.shape, { requiresGrad: true }), wg = new Tensor(w.data.slice(), w.shape, { requiresGrad: true });
    const steps = traceBackward(conv2d(xg, wg).sum());
    const conv = steps.find((s) => s.op === "conv2d")!;
    expect(conv.rule).toBe("dx = convTranspose2d(g, W) (W's taps flipped), dW = x ⋆ g (x correlated with g)");
  });
});

describe("max pooling at a tie", () => {
  it("splits the gradient evenly between the tied inputs (PyTorch gives all of it to one)", () => {
    const x = tensor([[[[1, 1], [0, 1]]]], { dtype: "float64", requiresGrad: true });
    maxPool2d(x, { kernelSize: 2 }).sum().backward();
    expectClose(x.grad!.data, [1 / 3, 1 / 3, 0, 1 / 3], 1e-15);
    expect(TORCH_MAXPOOL_TIE_GRAD).toEqual([1, 0, 0, 0]); // PyTorch's choice, recorded by conv_values.py
  });

  it("a window of −∞ splits its gradient too, and NaN wins a window and takes its gradient (as PyTorch)", () => {
    const x = tensor([[[[-Infinity, -Infinity, 1, NaN]]]], { dtype: "float64", requiresGrad: true });
    const y = maxPool2d(x, { kernelSize: [1, 2] });
    expect(Array.from(y.data)).toEqual([-Infinity, NaN]);
    y.sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([0.5, 0.5, 0, 1]);
  });

  it("after a ReLU a window of zeros shares g in quarters, and relu′(0) = 0 stops it there", () => {
    const x = tensor([[[[-1, -2], [-3, -4]]]], { requiresGrad: true });
    const h = relu(x);
    h.retainGrad();
    maxPool2d(h, { kernelSize: 2 }).sum().backward();
    expect(Array.from(h.grad!.data)).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(Array.from(x.grad!.data)).toEqual([0, 0, 0, 0]);
  });
});

describe("shapes", () => {
  it("LeNet-5's shapes: 28×28 → conv 5×5 pad 2 → pool → conv 5×5 → pool → 400", () => {
    const x = zeros([64, 1, 28, 28]);
    const a = maxPool2d(relu(conv2d(x, zeros([6, 1, 5, 5]), zeros([6]), { padding: 2 })), { kernelSize: 2 });
    expect(a.shape).toEqual([64, 6, 14, 14]);
    const b = maxPool2d(relu(conv2d(a, zeros([16, 6, 5, 5]), zeros([16]))), { kernelSize: 2 });
    expect(b.shape).toEqual([64, 16, 5, 5]);
    expect(flatten(b, 1).shape).toEqual([64, 400]);
  });

  it("an all-ones kernel over an all-ones input counts the taps inside the input (padding adds zeros)", () => {
    const y = conv2d(ones([1, 1, 3, 3]), ones([1, 1, 3, 3]), null, { padding: 1 });
    expect(Array.from(y.data)).toEqual([4, 6, 4, 6, 9, 6, 4, 6, 4]);
  });
});

describe("errors name the op, the shapes and what was expected", () => {
  const x = zeros([1, 3, 5, 5]), w = zeros([4, 3, 3, 3]);
  const cases: [() => unknown, string][] = [
    [() => conv2d(zeros([3, 5]), w), "conv2d: input must be [N, C, H, W] or [C, H, W], got shape [3, 5]"],
    [() => conv2d(x, zeros([4, 3, 3])), "conv2d: weight must be [out, in/groups, kh, kw] (4 dimensions), got shape [4, 3, 3]"],
    [() => conv2d(x, zeros([4, 2, 3, 3])), "conv2d: input [1, 3, 5, 5] has 3 channels, but weight [4, 2, 3, 3] with groups = 1 expects 2 (2 per group)"],
    [() => conv2d(zeros([1, 4, 5, 5]), zeros([3, 2, 3, 3]), null, { groups: 2 }), "conv2d: weight [3, 2, 3, 3] has 3 output channels, which groups = 2 does not divide"],
    [() => conv2d(x, w, zeros([3])), "conv2d: bias must have shape [4] (one per output channel), got [3]"],
    [() => conv2d(x, zeros([4, 3, 7, 7])), "conv2d: the kernel 7×7 is larger than the padded input 5×5 (input [1, 3, 5, 5])"],
    [() => conv2d(x, w, null, { stride: 0 }), "conv2d: stride must be an integer ≥ 1 or a pair [h, w] of them, got 0"],
    [() => conv2d(x, w, null, { padding: -1 }), "conv2d: padding must be an integer ≥ 0 or a pair [h, w] of them, got -1"],
    [() => conv2d(x, w, null, { padding: "same", stride: 2 }), 'conv2d: padding "same" needs stride 1 (as PyTorch), got stride [2, 2]'],
    [() => conv2d(x, w, null, { padding: "full" as "same" }), 'conv2d: padding must be a number, a pair, "same" or "valid", got "full"'],
    [() => conv2d(x, w, null, { strides: 2 } as object), 'conv2d: unknown option "strides"; expected one of: stride, padding, dilation, groups'],
    [() => conv1d(zeros([1, 3, 5]), zeros([4, 2, 3])), "conv1d: input [1, 3, 5] has 3 channels, but weight [4, 2, 3] with groups = 1 expects 2"],
    [() => maxPool2d(x, {} as { kernelSize: number }), "maxPool2d: kernelSize is required (a number or [h, w])"],
    [() => maxPool2d(x, { kernelSize: 2, padding: 2 }), "maxPool2d: padding 2 must be at most half the kernel size 2 (as PyTorch: a window must see some input)"],
    [() => avgPool2d(x, { kernelSize: 2, divisorOverride: 0 }), "avgPool2d: divisorOverride must be a positive integer, got 0"],
    [() => maxPool2d(zeros([5, 5]), { kernelSize: 2 }), "maxPool2d: input must be [N, C, H, W] or [C, H, W], got shape [5, 5]"],
    [() => pad(x, [1]), "pad: pads must be an even-length array of integers [before, after, …] (last axis first) with at most 2 per axis of shape [1, 3, 5, 5], got [1]"],
    [() => pad(zeros([2, 3]), [3, 0], { mode: "reflect" }), 'pad: mode "reflect" needs pads less than the axis size, got 3, 0 on axis 1 of size 3 (shape [2, 3])'],
    [() => pad(zeros([2, 3]), [1, 1], { mode: "wrap" as "circular" }), 'pad: mode must be one of "constant", "reflect", "replicate", "circular", got "wrap"'],
    [() => pad(zeros([2, 3]), [-2, -2]), "pad: pads -2, -2 on axis 1 (size 3) of shape [2, 3] leave a negative size -1"],
  ];
  for (const [f, message] of cases) it(message, () => expect(f).toThrow(message));
});
