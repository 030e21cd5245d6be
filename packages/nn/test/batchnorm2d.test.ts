/**
 * BatchNorm2d against PyTorch 2.13 (test/reference/conv-layers.ts, made by conv_layers.py):
 * forward values, first and second derivatives in float64 over three training batches, the
 * running statistics after each (momentum, cumulative average, unbiased variance over N·H·W,
 * float32 rounding), eval mode, no running statistics; the statistics by hand; defaults,
 * state-dict keys, errors before any state changes, Module.to on the buffers.
 */
import { describe, expect, it } from "vitest";
import { grad, gradcheck, manualSeed, mul, noGrad, randn, sum, tensor, zeros, type Tensor } from "@backprop/core";
import { BatchNorm1d, BatchNorm2d } from "../src/index.js";
import { BATCH_NORM_2D, BATCH_NORM_2D_NO_STATS } from "./reference/conv-layers.js";

interface Ref {
  shape: number[];
  data: number[];
}

const t64 = (r: Ref): Tensor => tensor(r.data, { shape: r.shape, dtype: "float64" });
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

/**
 * First derivatives of sum(f(…)·r) with respect to every input, and second derivatives of
 * sum(∂/∂inputs[0] sum(f·r) · r2), as the reference script computes them.
 */
function derivatives(f: (...a: Tensor[]) => Tensor, inputs: Tensor[], r: Tensor, r2: Tensor): { first: Tensor[]; second: Tensor[] } {
  const idx = inputs.map((_, i) => i);
  const loss = (...a: Tensor[]) => sum(mul(f(...a), r));
  const first = grad(loss, idx)(...inputs);
  const second = grad((...a: Tensor[]) => sum(mul(grad(loss, idx)(...a)[0], r2)), idx)(...inputs);
  return { first, second };
}

function expectDerivatives(got: { first: Tensor[]; second: Tensor[] }, ref: { first: Ref[]; second: Ref[] }): void {
  expect(got.first).toHaveLength(ref.first.length);
  got.first.forEach((g, i) => expectClose(g, ref.first[i]));
  got.second.forEach((g, i) => expectClose(g, ref.second[i]));
}

describe("BatchNorm2d against PyTorch", () => {
  for (const c of BATCH_NORM_2D) {
    it(`${c.name}: three training batches (values, derivatives, running statistics), then eval mode`, () => {
      const opts = { momentum: c.momentum, affine: c.affine, dtype: "float64" as const };
      const bn = new BatchNorm2d(3, opts);
      expect(Object.keys(bn.stateDict())).toEqual(c.keys);
      if (c.weight && c.bias) {
        noGrad(() => {
          bn.weight!.copy_(t64(c.weight!));
          bn.bias!.copy_(t64(c.bias!));
        });
      }
      // Derivatives on a second layer (in training mode each forward would update the statistics).
      const probe = new BatchNorm2d(3, opts);
      const f = (x: Tensor, w?: Tensor, b?: Tensor) => {
        if (w) probe.weight = w;
        if (b) probe.bias = b;
        return probe.forward(x);
      };
      const params = c.weight && c.bias ? [t64(c.weight), t64(c.bias)] : [];
      c.batches.forEach((batch, i) => {
        expectClose(bn.forward(t64(batch.x)), batch.y);
        expectClose(bn.runningMean!, c.steps[i].runningMean);
        expectClose(bn.runningVar!, c.steps[i].runningVar);
        expect(bn.numBatchesTracked!.item()).toBe(c.steps[i].numBatchesTracked);
        expectDerivatives(derivatives(f as (...a: Tensor[]) => Tensor, [t64(batch.x), ...params], t64(batch.r), t64(batch.r2)), batch);
      });
      bn.eval();
      const before = bn.stateDict();
      expectClose(bn.forward(t64(c.eval.x)), c.eval.y);
      expect(bn.stateDict()).toEqual(before); // eval mode changes nothing
      probe.eval();
      noGrad(() => {
        probe.runningMean!.copy_(bn.runningMean!);
        probe.runningVar!.copy_(bn.runningVar!);
      });
      expectDerivatives(derivatives(f as (...a: Tensor[]) => Tensor, [t64(c.eval.x), ...params], t64(c.eval.r), t64(c.eval.r2)), c.eval);
    });

    it(`${c.name}: the running statistics in float32 agree with PyTorch's float32 to a few float32 spacings (ours: float64 sums, rounded once)`, () => {
      const bn = new BatchNorm2d(3, { momentum: c.momentum, affine: c.affine });
      c.batches.forEach((batch, i) => {
        bn.forward(tensor(batch.x.data, { shape: batch.x.shape }));
        expect(bn.runningMean!.dtype).toBe("float32");
        expectClose(bn.runningMean!, c.steps32[i].runningMean, 2 ** -21);
        expectClose(bn.runningVar!, c.steps32[i].runningVar, 2 ** -21);
      });
    });
  }

  it("without running statistics: batch statistics in training and eval mode, no buffers in the state dict", () => {
    const c = BATCH_NORM_2D_NO_STATS;
    const bn = new BatchNorm2d(2, { trackRunningStats: false, eps: 1e-3, dtype: "float64" });
    expect(Object.keys(bn.stateDict())).toEqual(c.keys);
    expect([bn.runningMean, bn.runningVar, bn.numBatchesTracked]).toEqual([null, null, null]);
    expectClose(bn.forward(t64(c.x)), c.yTrain);
    expectClose(bn.eval().forward(t64(c.x)), c.yEval);
  });
});

describe("BatchNorm2d: one mean and variance per channel, over N, H and W", () => {
  // Channel 0 of this batch holds 1, 2 (image 0) and 3, 6 (image 1): mean 3, Σ(x − 3)² = 14.
  const x = tensor([[[[1, 2]], [[10, 10]]], [[[3, 6]], [[20, 0]]]], { dtype: "float64" }); // [2, 2, 1, 2]
  const means = [3, 10], sq = [14, 200]; // channel 1: 10, 10, 20, 0 → mean 10, Σ(x − 10)² = 200

  it("normalises with the biased variance (÷ N·H·W) and updates the running variance with the unbiased one (÷ (N·H·W − 1))", () => {
    const bn = new BatchNorm2d(2, { momentum: 0.25, dtype: "float64" });
    const y = vals(bn.forward(x));
    const norm = (v: number, c: number) => (v - means[c]) / Math.sqrt(sq[c] / 4 + 1e-5);
    [[1, 0], [2, 0], [10, 1], [10, 1], [3, 0], [6, 0], [20, 1], [0, 1]].forEach(([v, c], i) => expect(y[i]).toBeCloseTo(norm(v, c), 14));
    expect(vals(bn.runningMean!)).toEqual([0.25 * 3, 0.25 * 10]);
    vals(bn.runningVar!).forEach((v, c) => expect(v).toBeCloseTo(0.75 + 0.25 * (sq[c] / 3), 14));
    expect(bn.numBatchesTracked!.item()).toBe(1);
  });

  it("momentum null: the plain average of every batch so far", () => {
    const bn = new BatchNorm2d(2, { momentum: null, dtype: "float64" });
    const x2 = tensor([[[[0, 2]], [[1, 3]]]], { dtype: "float64" }); // means 1, 2; unbiased variances 2, 2
    bn.forward(x);
    bn.forward(x2);
    expect(bn.numBatchesTracked!.item()).toBe(2);
    vals(bn.runningMean!).forEach((v, c) => expect(v).toBeCloseTo((means[c] + [1, 2][c]) / 2, 14));
    vals(bn.runningVar!).forEach((v, c) => expect(v).toBeCloseTo((sq[c] / 3 + 2) / 2, 13));
  });

  it("eval mode: y = (x − runningMean)/√(runningVar + eps)·weight + bias per channel, even for one pixel of one image", () => {
    const bn = new BatchNorm2d(2, { eps: 0.5, dtype: "float64" });
    noGrad(() => {
      bn.runningMean!.copy_(tensor([1, -2], { dtype: "float64" }));
      bn.runningVar!.copy_(tensor([3.5, 0.5], { dtype: "float64" }));
      bn.weight!.copy_(tensor([2, 3], { dtype: "float64" }));
      bn.bias!.copy_(tensor([0.5, -1], { dtype: "float64" }));
    });
    bn.eval();
    const one = tensor([[[[3]], [[0]]]], { dtype: "float64", requiresGrad: true });
    const y = bn.forward(one);
    expect(vals(y)).toEqual([(2 / 2) * 2 + 0.5, (2 / 1) * 3 - 1]);
    y.sum().backward();
    expect(vals(one.grad!)).toEqual([2 / 2, 3 / 1]);
    expect(bn.numBatchesTracked!.item()).toBe(0);
  });

  it("gradcheck in float64 through the batch statistics (training) and the running ones (eval)", () => {
    manualSeed(21);
    for (const training of [true, false]) {
      const bn = new BatchNorm2d(2, { dtype: "float64" }).train(training);
      const f = (xx: Tensor, w: Tensor, b: Tensor) => {
        bn.weight = w;
        bn.bias = b;
        return bn.forward(xx);
      };
      const res = gradcheck(f as (...a: Tensor[]) => Tensor, [randn([2, 2, 2, 3], { dtype: "float64" }), randn([2], { dtype: "float64" }), randn([2], { dtype: "float64" })]);
      expect(res.failures).toEqual([]);
      expect(res.ok).toBe(true);
    }
  });

  it("an empty training batch only counts, as PyTorch", () => {
    const bn = new BatchNorm2d(2);
    expect(bn.forward(zeros([0, 2, 3, 3])).shape).toEqual([0, 2, 3, 3]);
    expect(bn.numBatchesTracked!.item()).toBe(1);
    expect([vals(bn.runningMean!), vals(bn.runningVar!)]).toEqual([[0, 0], [1, 1]]);
  });
});

describe("BatchNorm2d: defaults, keys and errors", () => {
  it("defaults as PyTorch and BatchNorm1d: weight 1, bias 0, running mean 0 and variance 1, eps 1e-5, momentum 0.1; PyTorch's keys", () => {
    const bn = new BatchNorm2d(3);
    expect([bn.numFeatures, bn.eps, bn.momentum, bn.affine, bn.trackRunningStats]).toEqual([3, 1e-5, 0.1, true, true]);
    expect([vals(bn.weight!), vals(bn.bias!), vals(bn.runningMean!), vals(bn.runningVar!)]).toEqual([[1, 1, 1], [0, 0, 0], [0, 0, 0], [1, 1, 1]]);
    expect(bn.runningVar).toBe(bn.running_var);
    expect(bn.numBatchesTracked).toBe(bn.num_batches_tracked);
    expect(bn.namedParameters().map(([n]) => n)).toEqual(["weight", "bias"]);
    expect(bn.stateDict()).toEqual(new BatchNorm1d(3).stateDict()); // the same tensors, keys and values
    expect(Object.keys(new BatchNorm2d(2, { affine: false }).stateDict())).toEqual(["running_mean", "running_var", "num_batches_tracked"]);
    expect(Object.keys(new BatchNorm2d(2, { bias: false }).stateDict())).toEqual(["weight", "running_mean", "running_var", "num_batches_tracked"]);
  });

  it("errors name the layer and the shapes, and come before any state changes", () => {
    const bn = new BatchNorm2d(3);
    const before = bn.stateDict();
    expect(() => bn.forward(zeros([2, 3]))).toThrow("BatchNorm2d(3): expected an input of shape [N, 3, H, W], got [2, 3]");
    expect(() => bn.forward(zeros([2, 3, 4]))).toThrow("BatchNorm2d(3): expected an input of shape [N, 3, H, W], got [2, 3, 4]");
    expect(() => bn.forward(zeros([2, 4, 2, 2]))).toThrow("BatchNorm2d(3): expected an input of shape [N, 3, H, W], got [2, 4, 2, 2]");
    expect(() => bn.forward(zeros([1, 3, 1, 1]))).toThrow("BatchNorm2d(3): expected more than 1 value per channel to take batch statistics (training mode), got an input of shape [1, 3, 1, 1]");
    expect(() => bn.forward([1, 2] as unknown as Tensor)).toThrow("BatchNorm2d(3): expected a Tensor, got [1, 2]");
    expect(bn.stateDict()).toEqual(before);
    expect(new BatchNorm2d(3).forward(zeros([1, 3, 1, 2])).shape).toEqual([1, 3, 1, 2]); // two values per channel suffice
    expect(new BatchNorm2d(3).eval().forward(zeros([1, 3, 1, 1])).shape).toEqual([1, 3, 1, 1]);
    expect(() => new BatchNorm2d(3, { trackRunningStats: false }).eval().forward(zeros([1, 3, 1, 1]))).toThrow(/\(training mode, or no running statistics\)/);
    expect(() => new BatchNorm2d(0)).toThrow("BatchNorm2d: numFeatures must be a positive integer, got 0");
    expect(() => new BatchNorm2d(3, { momentum: -0.1 })).toThrow("BatchNorm2d: momentum must be a number in [0, 1] or null (a cumulative average), got -0.1");
    expect(() => new BatchNorm2d(3, { eps: -1 })).toThrow("BatchNorm2d: eps must be a finite number ≥ 0, got -1");
    expect(() => new BatchNorm2d(3, { affine: "yes" as unknown as boolean })).toThrow('BatchNorm2d: affine must be a boolean, got "yes"');
    expect(() => new BatchNorm2d(3, { num_features: 3 } as object)).toThrow('BatchNorm2d: unknown option "num_features"; expected one of: eps, momentum, affine, bias, trackRunningStats, dtype');
    // BatchNorm1d keeps its own messages
    expect(() => new BatchNorm1d(3).forward(zeros([2, 3, 4, 5]))).toThrow("BatchNorm1d(3): expected an input of shape [N, 3] or [N, 3, L], got [2, 3, 4, 5]");
  });

  it("Module.to(dtype) converts weight, bias and running statistics and keeps num_batches_tracked float64", () => {
    const bn = new BatchNorm2d(2);
    bn.forward(tensor([1, 2, 3, 5, 0, 0, 2, 2], { shape: [2, 2, 1, 2] }));
    const tracked = bn.numBatchesTracked;
    bn.to("float64");
    for (const [name, t] of bn.namedTensors()) expect([name, t.dtype]).toEqual([name, "float64"]);
    expect(bn.numBatchesTracked).toBe(tracked);
    bn.forward(zeros([2, 2, 2, 2], { dtype: "float64" }));
    expect(bn.numBatchesTracked!.item()).toBe(2);
  });
});
