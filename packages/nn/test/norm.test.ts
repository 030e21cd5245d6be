/**
 * LayerNorm and BatchNorm1d against PyTorch 2.13 (test/reference/modules.ts, made by modules.py):
 * forward values, first and second derivatives in float64, BatchNorm1d's running statistics batch
 * after batch (momentum, cumulative average, unbiased running variance, float32 rounding), eval
 * mode, a PyTorch state dict loaded and trained on; gradcheck of both layers (first and second
 * order); defaults, settings, errors before any state changes, Module.to on the buffers.
 */
import { describe, expect, it } from "vitest";
import { grad, gradcheck, manualSeed, mul, noGrad, randn, sub, sum, tensor, zeros, type Tensor } from "@backprop/core";
import { BatchNorm1d, LayerNorm, Linear, ReLU, Sequential, mse, type StateDict } from "../src/index.js";
import { BATCH_NORM, BATCH_NORM_NO_STATS, LAYER_NORM, STATE_DICT } from "./reference/modules.js";

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

function expectDerivatives(got: { first: Tensor[]; second: Tensor[] }, ref: { first: Ref[]; second: Ref[] }, tol = 1e-12): void {
  expect(got.first).toHaveLength(ref.first.length);
  got.first.forEach((g, i) => expectClose(g, ref.first[i], tol));
  got.second.forEach((g, i) => expectClose(g, ref.second[i], tol));
}

/** gradcheck of f and of its gradient with respect to the first input (second order). */
function expectGradcheck(f: (...a: Tensor[]) => Tensor, inputs: Tensor[], r: Tensor): void {
  const first = gradcheck(f, inputs);
  expect(first.failures).toEqual([]);
  expect(first.ok).toBe(true);
  const idx = inputs.map((_, i) => i);
  const dx = (...a: Tensor[]) => grad((...b: Tensor[]) => sum(mul(f(...b), r)), idx)(...a)[0];
  const second = gradcheck(dx, inputs);
  expect(second.failures).toEqual([]);
  expect(second.ok).toBe(true);
}

describe("LayerNorm against PyTorch", () => {
  for (const c of LAYER_NORM) {
    it(`${c.name}: normalizedShape [${c.normalizedShape.join(", ")}], eps ${c.eps}: values, first and second derivatives`, () => {
      const ln = new LayerNorm(c.normalizedShape, { eps: c.eps, elementwiseAffine: c.affine, bias: c.bias, dtype: "float64" });
      expect(ln.weight === null).toBe(!c.affine);
      expect(ln.bias === null).toBe(!c.bias);
      const inputs = [t64(c.x), ...(c.weight ? [t64(c.weight)] : []), ...(c.biasValue ? [t64(c.biasValue)] : [])];
      const f = (x: Tensor, w?: Tensor, b?: Tensor) => {
        if (w) ln.weight = w;
        if (b) ln.bias = b;
        return ln.forward(x);
      };
      expectClose(f(...(inputs as [Tensor])), c.y);
      expectDerivatives(derivatives(f as (...a: Tensor[]) => Tensor, inputs, t64(c.r), t64(c.r2)), c);
    });
  }

  it("gradcheck in float64, first and second order, over the last one and two dimensions", () => {
    manualSeed(11);
    for (const shape of [[3], [2, 3]]) {
      const ln = new LayerNorm(shape, { dtype: "float64" });
      const x = randn([2, 2, 3], { dtype: "float64" });
      const w = randn(shape, { dtype: "float64" }), b = randn(shape, { dtype: "float64" });
      const f = (xx: Tensor, ww: Tensor, bb: Tensor) => {
        ln.weight = ww;
        ln.bias = bb;
        return ln.forward(xx);
      };
      expectGradcheck(f as (...a: Tensor[]) => Tensor, [x, w, b], randn([2, 2, 3], { dtype: "float64" }));
    }
  });

  it("defaults as PyTorch: weight ones, bias zeros, eps 1e-5, both parameters; the same output in train and eval mode", () => {
    const ln = new LayerNorm(4);
    expect(ln.normalizedShape).toEqual([4]);
    expect(ln.eps).toBe(1e-5);
    expect(vals(ln.weight!)).toEqual([1, 1, 1, 1]);
    expect(vals(ln.bias!)).toEqual([0, 0, 0, 0]);
    expect(ln.namedParameters().map(([n]) => n)).toEqual(["weight", "bias"]);
    expect(ln.weight!.dtype).toBe("float32");
    const x = tensor([[1, 2, 3, 4], [-1, 0, 0, 1]], { dtype: "float64" });
    const yTrain = vals(ln.forward(x));
    // by hand: [1, 2, 3, 4] has mean 2.5 and biased variance 1.25
    yTrain.slice(0, 4).forEach((v, i) => expect(v).toBeCloseTo((i + 1 - 2.5) / Math.sqrt(1.25 + 1e-5), 6));
    expect(vals(ln.eval().forward(x))).toEqual(yTrain);
    expect(new LayerNorm([2, 3], { elementwiseAffine: false }).parameters()).toEqual([]);
    expect(Object.keys(new LayerNorm(3, { bias: false }).stateDict())).toEqual(["weight"]);
  });

  it("errors name the layer, the expected and the given shape", () => {
    expect(() => new LayerNorm([3, 4]).forward(zeros([2, 4, 3]))).toThrow("LayerNorm((3, 4)): expected an input of shape [*, 3, 4] (its last 2 dimensions normalized), got [2, 4, 3]");
    expect(() => new LayerNorm(3).forward(zeros([3, 2]))).toThrow("LayerNorm((3,)): expected an input of shape [*, 3] (its last 1 dimension normalized), got [3, 2]");
    expect(() => new LayerNorm([2, 3]).forward(zeros([3]))).toThrow(/expected an input of shape \[\*, 2, 3\].*got \[3\]/);
    expect(() => new LayerNorm(0)).toThrow(/LayerNorm: normalizedShape must be a positive integer or a non-empty array of them, got 0/);
    expect(() => new LayerNorm([])).toThrow(/normalizedShape/);
    expect(() => new LayerNorm(3, { eps: -1 })).toThrow(/LayerNorm: eps must be a finite number ≥ 0, got -1/);
    expect(() => new LayerNorm(3, { elementwise_affine: false } as object)).toThrow(/LayerNorm: unknown option "elementwise_affine"; expected one of: eps, elementwiseAffine, bias, dtype/);
    expect(() => new LayerNorm(3, { elementwiseAffine: 1 as unknown as boolean })).toThrow(/elementwiseAffine must be a boolean/);
  });
});

describe("BatchNorm1d against PyTorch", () => {
  for (const c of BATCH_NORM) {
    it(`${c.name}: three training batches (values, derivatives, running statistics), then eval mode`, () => {
      const opts = { momentum: c.momentum, dtype: "float64" as const };
      const bn = new BatchNorm1d(4, opts);
      noGrad(() => {
        bn.weight!.copy_(t64(c.weight));
        bn.bias!.copy_(t64(c.bias));
      });
      // Derivatives on a second layer (in training mode each forward would update the statistics).
      const probe = new BatchNorm1d(4, opts);
      const f = (x: Tensor, w: Tensor, b: Tensor) => {
        probe.weight = w;
        probe.bias = b;
        return probe.forward(x);
      };
      c.batches.forEach((batch, i) => {
        expectClose(bn.forward(t64(batch.x)), batch.y);
        expectClose(bn.runningMean!, c.steps[i].runningMean);
        expectClose(bn.runningVar!, c.steps[i].runningVar);
        expect(bn.numBatchesTracked!.item()).toBe(c.steps[i].numBatchesTracked);
        expectDerivatives(derivatives(f as (...a: Tensor[]) => Tensor, [t64(batch.x), t64(c.weight), t64(c.bias)], t64(batch.r), t64(batch.r2)), batch);
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
      expectDerivatives(derivatives(f as (...a: Tensor[]) => Tensor, [t64(c.eval.x), t64(c.weight), t64(c.bias)], t64(c.eval.r), t64(c.eval.r2)), c.eval);
    });

    it(`${c.name}: the running statistics in float32 agree with PyTorch's float32 to a few float32 spacings (ours: float64 sums, rounded once)`, () => {
      const bn = new BatchNorm1d(4, { momentum: c.momentum });
      c.batches.forEach((batch, i) => {
        bn.forward(tensor(batch.x.data, { shape: batch.x.shape }));
        expect(bn.runningMean!.dtype).toBe("float32");
        expectClose(bn.runningMean!, c.steps32[i].runningMean, 2 ** -21);
        expectClose(bn.runningVar!, c.steps32[i].runningVar, 2 ** -21);
      });
    });
  }

  it("without running statistics: batch statistics in training and eval mode, no buffers in the state dict", () => {
    for (const c of BATCH_NORM_NO_STATS) {
      const bn = new BatchNorm1d(3, { affine: c.affine, trackRunningStats: false, eps: 1e-3, dtype: "float64" });
      expect(Object.keys(bn.stateDict())).toEqual(c.keys);
      expect([bn.runningMean, bn.runningVar, bn.numBatchesTracked]).toEqual([null, null, null]);
      expectClose(bn.forward(t64(c.x)), c.yTrain);
      bn.eval();
      expectClose(bn.forward(t64(c.x)), c.yEval);
      const inputs = [t64(c.x), ...(c.affine ? [bn.weight!, bn.bias!].map((p) => p.detach()) : [])];
      const f = (x: Tensor, w?: Tensor, b?: Tensor) => {
        if (w) bn.weight = w;
        if (b) bn.bias = b;
        return bn.forward(x);
      };
      expectDerivatives(derivatives(f as (...a: Tensor[]) => Tensor, inputs, t64(c.r), t64(c.r2)), c);
    }
  });

  it("gradcheck in float64, first and second order: [N, C] and [N, C, L], training (batch statistics) and eval (running statistics)", () => {
    manualSeed(12);
    for (const shape of [[5, 3], [3, 3, 4]]) {
      for (const training of [true, false]) {
        const bn = new BatchNorm1d(3, { dtype: "float64" }).train(training);
        noGrad(() => {
          bn.runningMean!.copy_(tensor([0.5, -1, 2], { dtype: "float64" }));
          bn.runningVar!.copy_(tensor([0.3, 2, 1.5], { dtype: "float64" }));
        });
        const f = (x: Tensor, w: Tensor, b: Tensor) => {
          bn.weight = w;
          bn.bias = b;
          return bn.forward(x);
        };
        const x = randn(shape, { dtype: "float64" });
        expectGradcheck(f as (...a: Tensor[]) => Tensor, [x, randn([3], { dtype: "float64" }), randn([3], { dtype: "float64" })], randn(shape, { dtype: "float64" }));
      }
    }
  });

  it("the update formulas by hand: momentum, unbiased running variance, cumulative average with momentum null", () => {
    const x1 = tensor([[1, 10], [3, 20], [8, 0]], { dtype: "float64" });
    const x2 = tensor([[0, 1], [2, 5]], { dtype: "float64" });
    const m1 = [4, 10], v1 = [13, 100]; // means; unbiased variances (Σ(x − m)²/(n − 1))
    const m2 = [1, 3], v2 = [2, 8];
    const bn = new BatchNorm1d(2, { momentum: 0.25, dtype: "float64" });
    bn.forward(x1);
    expect(vals(bn.runningMean!)).toEqual([0.25 * 4, 0.25 * 10]);
    vals(bn.runningVar!).forEach((v, i) => expect(v).toBeCloseTo(0.75 * 1 + 0.25 * v1[i], 14));
    bn.forward(x2);
    vals(bn.runningMean!).forEach((v, i) => expect(v).toBeCloseTo(0.75 * 0.25 * m1[i] + 0.25 * m2[i], 14));
    // normalisation uses the biased variance: batch x2, feature 0 has values 0, 2 → (x − 1)/√(1 + eps)
    const y = vals(new BatchNorm1d(2, { dtype: "float64" }).forward(x2));
    expect(y[0]).toBeCloseTo(-1 / Math.sqrt(1 + 1e-5), 14);
    const avg = new BatchNorm1d(2, { momentum: null, dtype: "float64" });
    avg.forward(x1);
    avg.forward(x2);
    expect(avg.numBatchesTracked!.item()).toBe(2);
    vals(avg.runningMean!).forEach((v, i) => expect(v).toBeCloseTo((m1[i] + m2[i]) / 2, 14));
    vals(avg.runningVar!).forEach((v, i) => expect(v).toBeCloseTo((v1[i] + v2[i]) / 2, 13));
    // momentum 0 never moves the statistics; 1 keeps the last batch's only
    const still = new BatchNorm1d(2, { momentum: 0, dtype: "float64" });
    still.forward(x1);
    expect([vals(still.runningMean!), vals(still.runningVar!)]).toEqual([[0, 0], [1, 1]]);
    const last = new BatchNorm1d(2, { momentum: 1, dtype: "float64" });
    last.forward(x1);
    last.forward(x2);
    expect(vals(last.runningMean!)).toEqual(m2);
    expect(vals(last.runningVar!)).toEqual(v2);
  });

  it("eval mode uses the running statistics: y = (x − runningMean)/√(runningVar + eps)·weight + bias, an affine map of x", () => {
    const bn = new BatchNorm1d(2, { eps: 0.5, dtype: "float64" });
    noGrad(() => {
      bn.runningMean!.copy_(tensor([1, -2], { dtype: "float64" }));
      bn.runningVar!.copy_(tensor([3.5, 0.5], { dtype: "float64" }));
      bn.weight!.copy_(tensor([2, 3], { dtype: "float64" }));
      bn.bias!.copy_(tensor([0.5, -1], { dtype: "float64" }));
    });
    bn.eval();
    const x = tensor([[3, 0]], { dtype: "float64", requiresGrad: true }); // one row is fine in eval mode
    const y = bn.forward(x);
    expect(vals(y)).toEqual([(2 / 2) * 2 + 0.5, (2 / 1) * 3 - 1]);
    y.sum().backward();
    expect(vals(x.grad!)).toEqual([2 / 2, 3 / 1]);
    expect(bn.numBatchesTracked!.item()).toBe(0);
  });

  it("an empty training batch only counts, as PyTorch: numBatchesTracked + 1, statistics unchanged", () => {
    const bn = new BatchNorm1d(3);
    const y = bn.forward(zeros([0, 3]));
    expect(y.shape).toEqual([0, 3]);
    expect(bn.numBatchesTracked!.item()).toBe(1);
    expect([vals(bn.runningMean!), vals(bn.runningVar!)]).toEqual([[0, 0, 0], [1, 1, 1]]);
  });

  it("defaults as PyTorch: weight 1, bias 0, running mean 0 and variance 1, eps 1e-5, momentum 0.1; PyTorch's state-dict keys", () => {
    const bn = new BatchNorm1d(3);
    expect([bn.eps, bn.momentum, bn.affine, bn.trackRunningStats]).toEqual([1e-5, 0.1, true, true]);
    expect(vals(bn.weight!)).toEqual([1, 1, 1]);
    expect(vals(bn.bias!)).toEqual([0, 0, 0]);
    expect(vals(bn.runningMean!)).toEqual([0, 0, 0]);
    expect(vals(bn.runningVar!)).toEqual([1, 1, 1]);
    expect(bn.runningMean).toBe(bn.running_mean);
    expect(bn.numBatchesTracked!.shape).toEqual([]);
    expect(bn.numBatchesTracked!.dtype).toBe("float64");
    expect(bn.namedParameters().map(([n]) => n)).toEqual(["weight", "bias"]);
    const sd = bn.stateDict();
    expect(Object.keys(sd)).toEqual(["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]);
    expect(sd.num_batches_tracked).toEqual({ shape: [], dtype: "float64", data: [0] });
    expect(Object.keys(new BatchNorm1d(2, { affine: false }).stateDict())).toEqual(["running_mean", "running_var", "num_batches_tracked"]);
    expect(Object.keys(new BatchNorm1d(2, { bias: false }).stateDict())).toEqual(["weight", "running_mean", "running_var", "num_batches_tracked"]);
  });

  it("errors name the layer and the shapes, and come before any state changes", () => {
    const bn = new BatchNorm1d(3);
    const before = bn.stateDict();
    expect(() => bn.forward(zeros([1, 3]))).toThrow("BatchNorm1d(3): expected more than 1 value per feature to take batch statistics (training mode), got an input of shape [1, 3]");
    expect(() => bn.forward(zeros([1, 3, 1]))).toThrow(/more than 1 value per feature.*\[1, 3, 1\]/);
    expect(() => bn.forward(zeros([2, 4]))).toThrow("BatchNorm1d(3): expected an input of shape [N, 3] or [N, 3, L], got [2, 4]");
    expect(() => bn.forward(zeros([2, 3, 4, 5]))).toThrow(/expected an input of shape \[N, 3\] or \[N, 3, L\], got \[2, 3, 4, 5\]/);
    expect(() => bn.forward(zeros([3]))).toThrow(/got \[3\]/);
    expect(bn.stateDict()).toEqual(before);
    // without running statistics, eval mode takes batch statistics too, so one row is refused there as well
    expect(() => new BatchNorm1d(3, { trackRunningStats: false }).eval().forward(zeros([1, 3]))).toThrow(/\(training mode, or no running statistics\)/);
    expect(new BatchNorm1d(3).eval().forward(zeros([1, 3])).shape).toEqual([1, 3]);
    expect(() => new BatchNorm1d(0)).toThrow(/BatchNorm1d: numFeatures must be a positive integer, got 0/);
    expect(() => new BatchNorm1d(3, { momentum: 1.5 })).toThrow(/BatchNorm1d: momentum must be a number in \[0, 1\] or null/);
    expect(() => new BatchNorm1d(3, { momentum: "0.1" as unknown as number })).toThrow(/momentum/);
    expect(() => new BatchNorm1d(3, { eps: NaN })).toThrow(/BatchNorm1d: eps must be a finite number ≥ 0/);
    expect(() => new BatchNorm1d(3, { track_running_stats: false } as object)).toThrow(/BatchNorm1d: unknown option "track_running_stats"; expected one of: eps, momentum, affine, bias, trackRunningStats, dtype/);
  });

  it("Module.to(dtype) converts weight, bias and running statistics and keeps num_batches_tracked float64", () => {
    const bn = new BatchNorm1d(2);
    bn.forward(tensor([[1, 2], [3, 5]]));
    const tracked = bn.numBatchesTracked;
    const mean32 = vals(bn.runningMean!);
    expect(bn.to("float64")).toBe(bn);
    for (const [, t] of bn.namedTensors()) expect(t.dtype).toBe("float64");
    expect(bn.numBatchesTracked).toBe(tracked);
    expect(vals(bn.runningMean!)).toEqual(mean32);
    expect(bn.runningMean).toBe(bn.running_mean);
    expect(bn.weight!.requiresGrad).toBe(true);
    expect(bn.runningMean!.requiresGrad).toBe(false);
    bn.forward(tensor([[0, 0], [2, 2]], { dtype: "float64" })); // the update writes the new buffers
    expect(bn.numBatchesTracked!.item()).toBe(2);
    expect(bn.runningMean!.data[0]).toBeCloseTo(0.9 * 0.2 + 0.1 * 1, 7);
  });
});

describe("a PyTorch state dict, both ways", () => {
  const build = () => new Sequential(new Linear(3, 5, { dtype: "float64" }), new BatchNorm1d(5, { dtype: "float64" }), new ReLU(), new Linear(5, 2, { dtype: "float64" }));

  it("our keys, order and shapes are PyTorch's; PyTorch's state dict loads, trains three SGD steps the same and predicts the same in eval mode", () => {
    const sd = STATE_DICT;
    const net = build();
    const ours = net.stateDict();
    expect(Object.keys(ours)).toEqual(Object.keys(sd.before));
    for (const [k, v] of Object.entries(ours)) expect(v.shape).toEqual((sd.before as StateDict)[k].shape);
    expect(sd.dtypes["1.num_batches_tracked"]).toBe("torch.int64"); // written as a float64 number here
    net.loadStateDict(sd.before as StateDict);
    sd.xs.forEach((xr, i) => {
      net.zeroGrad();
      mse(net.forward(t64(xr)), t64(sd.ys[i])).backward();
      noGrad(() => {
        for (const p of net.parameters()) p.copy_(sub(p, mul(p.grad!, sd.lr))); // plain SGD, as torch.optim.SGD(lr)
      });
    });
    const after = net.stateDict();
    for (const [k, v] of Object.entries(sd.after as StateDict)) expectClose(tensor(after[k].data, { shape: after[k].shape, dtype: "float64" }), v, 1e-12);
    expect(after["1.num_batches_tracked"].data).toEqual([3]);
    net.eval();
    expectClose(net.forward(t64(sd.xTest)), sd.yTest);
    // and back: our state dict, read as PyTorch's (same keys, shapes and values), is what PyTorch had
    const fresh = build();
    fresh.loadStateDict(JSON.parse(JSON.stringify(after)) as StateDict);
    fresh.eval();
    expectClose(fresh.forward(t64(sd.xTest)), sd.yTest);
  });
});
