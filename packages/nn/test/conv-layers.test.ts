/**
 * Conv2d, MaxPool2d and AvgPool2d against PyTorch 2.13 (test/reference/conv-layers.ts, made by
 * conv_layers.py): forward values and gradients for fixed inputs and weights, print(model) line
 * for line, a small network trained three SGD steps from PyTorch's state dict; PyTorch's default
 * initialisation (bounds, spread, the exact draws); summary(); settings and errors.
 */
import { describe, expect, it } from "vitest";
import { manualSeed, mul, noGrad, sub, sum, tensor, zeros, type Tensor } from "@backprop/core";
import {
  AvgPool2d, BatchNorm2d, Conv2d, Flatten, Linear, MaxPool2d, Module, ReLU, Sequential, init, mse,
  type AvgPool2dLayerOptions, type Conv2dLayerOptions, type MaxPool2dLayerOptions, type StateDict,
} from "../src/index.js";
import { CONV, CONV_REPRS, NET, POOL } from "./reference/conv-layers.js";

interface Ref {
  shape: number[];
  data: number[];
}

const t64 = (r: Ref, requiresGrad = false): Tensor => tensor(r.data, { shape: r.shape, dtype: "float64", requiresGrad });
const vals = (t: Tensor): number[] => Array.from(t.data);

/** Every element within tol·max(1, |reference|), and the same shape. */
function expectClose(actual: Tensor, ref: Ref, tol = 1e-12): void {
  expect(actual.shape).toEqual(ref.shape);
  let worst = 0;
  ref.data.forEach((b, i) => {
    worst = Math.max(worst, Math.abs(actual.data[i] - b) / Math.max(1, Math.abs(b)));
  });
  expect(worst).toBeLessThanOrEqual(tol);
}

describe("toString() is PyTorch's print(model)", () => {
  it("each layer, with its defaults and with every setting", () => {
    const layers = [
      new Conv2d(1, 6, 5, { padding: 2 }),
      new Conv2d(3, 8, 3),
      new Conv2d(4, 6, [3, 2], { stride: [2, 1], padding: [1, 0], dilation: 2, groups: 2, bias: false }),
      new Conv2d(3, 3, 3, { padding: "same" }),
      new Conv2d(3, 3, 3, { padding: "valid" }),
      new Conv2d(2, 4, 1, { stride: 2, padding: 0, dilation: [1, 3] }),
      new MaxPool2d(2),
      new MaxPool2d(3, { stride: 2, padding: 1 }),
      new MaxPool2d([2, 3], { stride: 1, padding: [1, 1], dilation: [1, 2], ceilMode: true }),
      new AvgPool2d(2),
      new AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false, divisorOverride: 4 }),
      new AvgPool2d([2, 4], { stride: [1, 2] }),
      new BatchNorm2d(6),
      new BatchNorm2d(3, { eps: 1e-3, momentum: null, affine: false }),
      new BatchNorm2d(4, { momentum: 0.01, bias: false, trackRunningStats: false }),
    ];
    expect(layers.map(String)).toEqual(CONV_REPRS.layers);
    expect(CONV_REPRS.layers[0]).toBe("Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))");
    expect(CONV_REPRS.layers[6]).toBe("MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)");
    expect(CONV_REPRS.layers[9]).toBe("AvgPool2d(kernel_size=2, stride=2, padding=0)");
  });

  it("a LeNet-style Sequential, and a custom model of conv layers", () => {
    const seq = new Sequential(
      new Conv2d(1, 6, 5, { padding: 2 }), new ReLU(), new MaxPool2d(2, { stride: 2 }),
      new Conv2d(6, 16, 5), new BatchNorm2d(16), new ReLU(), new AvgPool2d(2, { stride: 2 }),
      new Flatten(), new Linear(400, 120), new ReLU(), new Linear(120, 10),
    );
    expect(String(seq)).toBe(CONV_REPRS.sequential);
    class LeNetish extends Module {
      conv1 = new Conv2d(1, 6, 5, { padding: 2 });
      bn1 = new BatchNorm2d(6);
      pool1 = new MaxPool2d(2);
      conv2 = new Conv2d(6, 16, 5);
      pool2 = new AvgPool2d(2);
      fc = new Linear(16 * 5 * 5, 10);
      forward(x: Tensor) { return x; }
    }
    expect(String(new LeNetish())).toBe(CONV_REPRS.custom);
  });
});

describe("Conv2d against PyTorch", () => {
  for (const c of CONV) {
    it(`${c.name}: values and the gradients of input, weight and bias`, () => {
      const conv = new Conv2d(c.inChannels, c.outChannels, c.kernelSize as number | [number, number], { ...(c.opts as Conv2dLayerOptions), dtype: "float64" });
      expect(conv.weight.shape).toEqual(c.weight.shape);
      expect(conv.bias === null).toBe(c.bias === null);
      noGrad(() => {
        conv.weight.copy_(t64(c.weight));
        if (c.bias) conv.bias!.copy_(t64(c.bias));
      });
      const x = t64(c.x, true);
      const y = conv.forward(x);
      expectClose(y, c.y);
      sum(mul(y, t64(c.r))).backward();
      const grads = [x.grad!, conv.weight.grad!, ...(conv.bias ? [conv.bias.grad!] : [])];
      expect(grads).toHaveLength(c.first.length);
      grads.forEach((g, i) => expectClose(g, c.first[i]));
    });
  }
});

describe("MaxPool2d and AvgPool2d against PyTorch", () => {
  for (const c of POOL) {
    const kernel = c.kernelSize as number | [number, number];
    it(`${c.repr} on ${JSON.stringify(c.x.shape)}: values and the input's gradient`, () => {
      const layer = c.kind === "max"
        ? new MaxPool2d(kernel, c.opts as MaxPool2dLayerOptions)
        : new AvgPool2d(kernel, c.opts as AvgPool2dLayerOptions);
      expect(String(layer)).toBe(c.repr);
      expect(layer.parameters()).toEqual([]);
      const x = t64(c.x, true);
      const y = layer.forward(x);
      expectClose(y, c.y);
      sum(mul(y, t64(c.r))).backward();
      expectClose(x.grad!, c.gradX);
    });
  }

  it("the defaults: stride = kernelSize, padding 0, dilation 1, ceilMode false, countIncludePad true, no divisor", () => {
    const max = new MaxPool2d([2, 3]);
    expect([max.kernelSize, max.stride, max.padding, max.dilation, max.ceilMode]).toEqual([[2, 3], [2, 3], 0, 1, false]);
    const avg = new AvgPool2d(3);
    expect([avg.kernelSize, avg.stride, avg.padding, avg.ceilMode, avg.countIncludePad, avg.divisorOverride]).toEqual([3, 3, 0, false, true, null]);
    expect(new MaxPool2d(2, { stride: null }).stride).toBe(2); // PyTorch's stride=None
    // a pair given is copied: changing the caller's array later changes nothing
    const k: [number, number] = [2, 2];
    const pool = new AvgPool2d(k);
    k[0] = 5;
    expect(pool.kernelSize).toEqual([2, 2]);
    expect(pool.stateDict()).toEqual({});
  });

  it("by hand: max and mean of 2×2 windows; the gradient goes to each window's largest input", () => {
    const x = tensor([[[[1, 2, 5, 0], [3, 4, -1, 2], [0, 0, 1, 1], [0, 9, 1, 1]]]], { requiresGrad: true });
    const m = new MaxPool2d(2).forward(x);
    expect(m.toArray()).toEqual([[[[4, 5], [9, 1]]]]);
    m.sum().backward();
    expect(vals(x.grad!)).toEqual([0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0.25, 0.25, 0, 1, 0.25, 0.25]); // a four-way tie shares
    expect(new AvgPool2d(2).forward(x).toArray()).toEqual([[[[2.5, 1.5], [2.25, 1]]]]);
  });
});

describe("Conv2d: PyTorch's default initialisation", () => {
  it("weight and bias uniform in ±1/√fanIn, fanIn = inChannels/groups·kh·kw: bounds, mean and spread", () => {
    manualSeed(7);
    for (const [conv, fanIn] of [[new Conv2d(16, 32, 3), 144], [new Conv2d(8, 24, [3, 2], { groups: 4 }), 12]] as const) {
      const bound = 1 / Math.sqrt(fanIn);
      const w = vals(conv.weight);
      expect(w.length).toBe(conv.outChannels * fanIn);
      expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
      expect(Math.max(...w)).toBeGreaterThan(0.98 * bound); // the whole range is used
      expect(Math.min(...w)).toBeLessThan(-0.98 * bound);
      const mean = w.reduce((a, b) => a + b, 0) / w.length;
      const std = Math.sqrt(w.reduce((a, b) => a + (b - mean) ** 2, 0) / w.length);
      // U(−b, b) has mean 0 and standard deviation b/√3; allow five standard errors
      expect(Math.abs(mean)).toBeLessThan((5 * bound) / Math.sqrt(3 * w.length));
      expect(Math.abs(std / (bound / Math.sqrt(3)) - 1)).toBeLessThan(0.06);
      const b = vals(conv.bias!);
      expect(b.every((v) => Math.abs(v) <= bound)).toBe(true);
      expect(new Set(b).size).toBe(b.length);
    }
  });

  it("the exact draws: the weight first, then the bias, each init.uniform(−1/√fanIn, 1/√fanIn), as Linear and PyTorch", () => {
    manualSeed(3);
    const conv = new Conv2d(4, 6, [3, 2], { groups: 2 });
    manualSeed(3);
    const bound = 1 / Math.sqrt(2 * 3 * 2);
    const w = init.uniform(zeros([6, 2, 3, 2]), -bound, bound);
    const b = init.uniform(zeros([6]), -bound, bound);
    expect(vals(conv.weight)).toEqual(vals(w));
    expect(vals(conv.bias!)).toEqual(vals(b));
    // init.kaimingUniform with a = √5 is the same distribution (its bound, computed another way, agrees to rounding)
    const kaimingBound = Math.sqrt(3) * Math.sqrt(2 / (1 + 5)) / Math.sqrt(12);
    expect(kaimingBound).toBeCloseTo(bound, 15);
  });

  it("no input channels: a weight with no values and a zero bias (nothing to draw from), as PyTorch", () => {
    const conv = new Conv2d(0, 4, 3);
    expect(conv.weight.shape).toEqual([4, 0, 3, 3]);
    expect(vals(conv.bias!)).toEqual([0, 0, 0, 0]);
  });
});

describe("Conv2d: settings and parameters", () => {
  it("sizes kept as pairs, PyTorch's defaults, parameter names, shapes and state-dict keys, dtype", () => {
    const conv = new Conv2d(6, 4, 5);
    expect([conv.kernelSize, conv.stride, conv.padding, conv.dilation, conv.groups]).toEqual([[5, 5], [1, 1], [0, 0], [1, 1], 1]);
    expect(conv.namedParameters().map(([n, p]) => [n, p.shape])).toEqual([["weight", [4, 6, 5, 5]], ["bias", [4]]]);
    expect(Object.keys(conv.stateDict())).toEqual(["weight", "bias"]);
    expect(conv.weight.dtype).toBe("float32");
    const bare = new Conv2d(6, 4, [1, 3], { groups: 2, bias: false, dtype: "float64", padding: "same" });
    expect(bare.bias).toBeNull();
    expect(bare.padding).toBe("same");
    expect(bare.weight.shape).toEqual([4, 3, 1, 3]);
    expect(bare.weight.dtype).toBe("float64");
    expect(Object.keys(bare.stateDict())).toEqual(["weight"]);
  });

  it("output shapes: ⌊(H + 2·padding − dilation·(k − 1) − 1)/stride⌋ + 1; same keeps H × W; one image gives one image", () => {
    const x = zeros([2, 3, 11, 8]);
    expect(new Conv2d(3, 5, 3).forward(x).shape).toEqual([2, 5, 9, 6]);
    expect(new Conv2d(3, 5, [3, 2], { stride: 2, padding: [1, 0] }).forward(x).shape).toEqual([2, 5, 6, 4]);
    expect(new Conv2d(3, 5, 3, { dilation: [2, 3] }).forward(x).shape).toEqual([2, 5, 7, 2]);
    expect(new Conv2d(3, 6, 4, { padding: "same", groups: 3 }).forward(x).shape).toEqual([2, 6, 11, 8]);
    expect(new Conv2d(3, 5, 3).forward(zeros([3, 4, 4])).shape).toEqual([5, 2, 2]);
  });

  it("constructor errors are PyTorch's checks, naming the layer and the values", () => {
    expect(() => new Conv2d(3, 4, 3, { groups: 2 })).toThrow("Conv2d: inChannels (3) must be divisible by groups (2)");
    expect(() => new Conv2d(4, 3, 3, { groups: 2 })).toThrow("Conv2d: outChannels (3) must be divisible by groups (2)");
    expect(() => new Conv2d(4, 4, 3, { groups: 0 })).toThrow("Conv2d: groups must be a positive integer, got 0");
    expect(() => new Conv2d(4, 4, 3, { groups: 1.5 })).toThrow("Conv2d: groups must be a positive integer, got 1.5");
    expect(() => new Conv2d(4, 4, 3, { padding: "same", stride: [1, 2] })).toThrow(
      'Conv2d: padding "same" is not supported for strided convolutions (stride (1, 2)), as in PyTorch: give the padding as numbers');
    expect(() => new Conv2d(4, 4, 3, { padding: "full" as "same" })).toThrow('Conv2d: padding must be an integer ≥ 0, a pair [h, w] of them, "same" or "valid", got "full"');
    expect(() => new Conv2d(4, 4, 0)).toThrow("Conv2d: kernelSize must be an integer ≥ 1 or a pair [h, w] of them, got 0");
    expect(() => new Conv2d(4, 4, [3, 3, 3] as unknown as number)).toThrow("Conv2d: kernelSize must be an integer ≥ 1 or a pair [h, w] of them, got [3, 3, 3]");
    expect(() => new Conv2d(4, 4, 3, { stride: 0 })).toThrow("Conv2d: stride must be an integer ≥ 1 or a pair [h, w] of them, got 0");
    expect(() => new Conv2d(4, 4, 3, { padding: [1, -1] })).toThrow("Conv2d: padding must be an integer ≥ 0 or a pair [h, w] of them, got [1, -1]");
    expect(() => new Conv2d(4, 4, 3, { dilation: [1, 0] })).toThrow("Conv2d: dilation must be an integer ≥ 1 or a pair [h, w] of them, got [1, 0]");
    expect(() => new Conv2d(-1, 4, 3)).toThrow("Conv2d: inChannels must be a non-negative integer, got -1");
    expect(() => new Conv2d(4, 2.5, 3)).toThrow("Conv2d: outChannels must be a non-negative integer, got 2.5");
    expect(() => new Conv2d(4, 4, 3, { paddingMode: "zeros" } as object)).toThrow('Conv2d: unknown option "paddingMode"; expected one of: stride, padding, dilation, groups, bias, dtype');
    expect(() => new Conv2d(4, 4, 3, { bias: 0 as unknown as boolean })).toThrow("Conv2d: bias must be a boolean, got 0");
    expect(() => new Conv2d(4, 4, 3, { dtype: "int32" as "float32" })).toThrow('Conv2d: dtype must be "float32" or "float64", got "int32"');
  });

  it("forward errors name the layer, then the op's own message with the shapes", () => {
    const conv = new Conv2d(3, 6, 5);
    expect(() => conv.forward(zeros([2, 4, 8, 8]))).toThrow(
      "Conv2d(3, 6, kernel_size=(5, 5)): conv2d: input [2, 4, 8, 8] has 4 channels, but weight [6, 3, 5, 5] with groups = 1 expects 3 (3 per group)");
    expect(() => conv.forward(zeros([2, 3, 4, 8]))).toThrow(/^Conv2d\(3, 6, kernel_size=\(5, 5\)\): conv2d: the kernel 5×5 is larger than the padded input 4×8/);
    expect(() => conv.forward(zeros([2, 3]))).toThrow("Conv2d(3, 6, kernel_size=(5, 5)): conv2d: input must be [N, C, H, W] or [C, H, W], got shape [2, 3]");
  });
});

describe("pool layers: settings and errors", () => {
  it("checked when built, each error naming the layer and the value", () => {
    expect(() => new MaxPool2d(0)).toThrow("MaxPool2d: kernelSize must be an integer ≥ 1 or a pair [h, w] of them, got 0");
    expect(() => new MaxPool2d(2, { stride: [1, 0] })).toThrow("MaxPool2d: stride must be an integer ≥ 1 or a pair [h, w] of them, got [1, 0]");
    expect(() => new MaxPool2d(2, { padding: 2 })).toThrow("MaxPool2d: padding 2 must be at most half of kernelSize 2 (as PyTorch: every window must see some input)");
    expect(() => new AvgPool2d([3, 2], { padding: [1, 2] })).toThrow("AvgPool2d: padding (1, 2) must be at most half of kernelSize (3, 2) (as PyTorch: every window must see some input)");
    expect(() => new MaxPool2d(2, { dilation: 0 })).toThrow("MaxPool2d: dilation must be an integer ≥ 1 or a pair [h, w] of them, got 0");
    expect(() => new MaxPool2d(2, { ceilMode: 1 as unknown as boolean })).toThrow("MaxPool2d: ceilMode must be a boolean, got 1");
    expect(() => new AvgPool2d(2, { divisorOverride: 0 })).toThrow("AvgPool2d: divisorOverride must be a positive integer or null, got 0");
    expect(() => new AvgPool2d(2, { countIncludePad: "no" as unknown as boolean })).toThrow('AvgPool2d: countIncludePad must be a boolean, got "no"');
    expect(() => new AvgPool2d(2, { dilation: 2 } as object)).toThrow('AvgPool2d: unknown option "dilation"; expected one of: stride, padding, ceilMode, countIncludePad, divisorOverride');
    expect(() => new MaxPool2d(2, { returnIndices: true } as object)).toThrow('MaxPool2d: unknown option "returnIndices"; expected one of: stride, padding, dilation, ceilMode');
  });

  it("forward errors name the layer, then the op's own message", () => {
    expect(() => new MaxPool2d(3).forward(zeros([1, 1, 2, 5]))).toThrow(/^MaxPool2d\(kernel_size=3\): maxPool2d: the kernel 3×3 is larger than the padded input 2×5/);
    expect(() => new AvgPool2d([2, 3]).forward(zeros([4, 4]))).toThrow("AvgPool2d(kernel_size=(2, 3)): avgPool2d: input must be [N, C, H, W] or [C, H, W], got shape [4, 4]");
  });
});

describe("a small convolutional network, with PyTorch's state dict", () => {
  const build = () => new Sequential(
    new Conv2d(1, 4, 3, { padding: 1, dtype: "float64" }), new BatchNorm2d(4, { dtype: "float64" }), new ReLU(), new MaxPool2d(2),
    new Conv2d(4, 8, 3, { stride: 1, groups: 2, dtype: "float64" }), new AvgPool2d(2), new Flatten(), new Linear(32, 3, { dtype: "float64" }),
  );

  it("prints as PyTorch; PyTorch's state dict loads, trains three SGD steps the same and predicts the same in eval mode; ours loads back", () => {
    const net = build();
    expect(String(net)).toBe(NET.repr);
    const ours = net.stateDict();
    expect(Object.keys(ours)).toEqual(Object.keys(NET.before));
    for (const [k, v] of Object.entries(ours)) expect(v.shape).toEqual((NET.before as StateDict)[k].shape);
    net.loadStateDict(NET.before as StateDict);
    NET.xs.forEach((xr, i) => {
      net.zeroGrad();
      mse(net.forward(t64(xr)), t64(NET.ys[i])).backward();
      noGrad(() => {
        for (const p of net.parameters()) p.copy_(sub(p, mul(p.grad!, NET.lr))); // plain SGD, as torch.optim.SGD(lr)
      });
    });
    const after = net.stateDict();
    for (const [k, v] of Object.entries(NET.after as StateDict)) expectClose(tensor(after[k].data, { shape: after[k].shape, dtype: "float64" }), v, 1e-11);
    expect(after["1.num_batches_tracked"].data).toEqual([3]);
    net.eval();
    expectClose(net.forward(t64(NET.xTest)), NET.yTest, 1e-11);
    const fresh = build();
    fresh.loadStateDict(JSON.parse(JSON.stringify(after)) as StateDict);
    expectClose(fresh.eval().forward(t64(NET.xTest)), NET.yTest, 1e-11);
  });

  it("summary(): every layer's output shape and own parameter count, as PyTorch counts them", () => {
    const net = build();
    const text = net.summary([2, 1, 12, 12]);
    expect(text).toBe([
      "Layer   Type         Output shape    Param #",
      "============================================",
      "(root)  Sequential   [2, 3]                0",
      "0       Conv2d       [2, 4, 12, 12]       40",
      "1       BatchNorm2d  [2, 4, 12, 12]       17",
      "2       ReLU         [2, 4, 12, 12]        0",
      "3       MaxPool2d    [2, 4, 6, 6]          0",
      "4       Conv2d       [2, 8, 4, 4]        152",
      "5       AvgPool2d    [2, 8, 2, 2]          0",
      "6       Flatten      [2, 32]               0",
      "7       Linear       [2, 3]               99",
      "============================================",
      "Input shape: [2, 1, 12, 12] (float64)",
      "Trainable params: 299",
      "Non-trainable params: 9",
      "Total params: 308",
    ].join("\n"));
    // the same shapes and counts as PyTorch's modules (parameters + buffers: BatchNorm2d's 4 + 4 + 4 + 4 + the counter)
    const rows = text.split("\n").slice(3, 11);
    expect(rows.map((r) => JSON.parse(r.match(/\[[^\]]*\]/)![0]))).toEqual(NET.outputShapes);
    expect(rows.map((r) => Number(r.split(/\s+/).at(-1)))).toEqual(NET.params.map((p, i) => p + NET.buffers[i]));
  });
});
