/**
 * Losses of @backprop/nn: bceWithLogits (one fused node), bce (composed, clamped at −100), mse and
 * crossEntropy (one fused node). Values against the formulas written out with Math.* in float64,
 * at ordinary and extreme logits, in float32 and float64; every reduction; weight and posWeight as
 * PyTorch; gradients with gradcheck (and the Hessian through createGraph); the saturation that the
 * fused loss avoids; error messages.
 */
import { describe, expect, it } from "vitest";
import {
  Tensor, tensor, gradcheck, grad, traceBackward, sigmoid, logSoftmax, gather, mean, sum, noGrad,
} from "@backprop/core";
import {
  bceWithLogits, bce, mse, crossEntropy, BCEWithLogitsLoss, BCELoss, MSELoss, CrossEntropyLoss,
} from "../src/index.js";

type DT = "float32" | "float64";
const DTYPES: DT[] = ["float32", "float64"];

function tt(values: readonly number[], dtype: DT = "float64", opts: { shape?: number[]; requiresGrad?: boolean } = {}): Tensor {
  return tensor(values.slice(), { dtype, shape: opts.shape ?? [values.length], requiresGrad: opts.requiresGrad ?? false });
}

function arr(x: Tensor): number[] {
  return Array.from(x.data);
}

/** softplus(x) = log(1 + eˣ), stable, in float64. */
const softplusRef = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
const sigmoidRef = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

/** PyTorch's documented form: −w·[p·t·log σ(z) + (1 − t)·log(1 − σ(z))], with log σ(z) = −softplus(−z). */
function bceLogitsRef(z: number, t: number, w = 1, p = 1): number {
  const logSig = -softplusRef(-z), log1mSig = -softplusRef(z);
  return -w * (p * t * logSig + (1 - t) * log1mSig);
}

/** |a − b| within a relative tolerance (plus a tiny absolute floor for values near 0). */
function expectClose(actual: number, expected: number, rel: number, abs = 0): void {
  expect(Number.isFinite(actual)).toBe(true);
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected) + abs);
}

const tol = (dtype: DT) => (dtype === "float64" ? 1e-12 : 2e-7);

describe("bceWithLogits: values", () => {
  const zs = [-1000, -50, -20, -3, -0.5, 0, 0.5, 3, 20, 50, 1000];
  const ts = [0, 1, 0.3];

  for (const dtype of DTYPES) {
    it(`matches the written-out formula at ordinary and extreme logits (${dtype})`, () => {
      const z: number[] = [], t: number[] = [];
      for (const zi of zs) for (const ti of ts) { z.push(zi); t.push(ti); }
      const out = bceWithLogits(tt(z, dtype), tt(t, dtype), { reduction: "none" });
      expect(out.shape).toEqual([z.length]);
      expect(out.dtype).toBe(dtype);
      arr(out).forEach((v, i) => {
        // the reference at the values the tensor actually holds (float32 rounds t = 0.3)
        const ref = bceLogitsRef(z[i], dtype === "float32" ? Math.fround(t[i]) : t[i]);
        // equal to max(z,0) − z·t + log(1+e^(−|z|)) too
        const alt = Math.max(z[i], 0) - z[i] * (dtype === "float32" ? Math.fround(t[i]) : t[i]) + Math.log1p(Math.exp(-Math.abs(z[i])));
        expectClose(v, ref, tol(dtype), 1e-12);
        expectClose(v, alt, tol(dtype), 1e-12);
      });
    });

    it(`is exact at ±1000 (${dtype})`, () => {
      const out = bceWithLogits(tt([-1000, 1000, 1000, -1000, -50, 50], dtype), tt([1, 1, 0, 0, 1, 0], dtype), { reduction: "none" });
      expect(arr(out)).toEqual([1000, 0, 1000, 0, 50, 50]);
    });

    it(`keeps tiny losses: no cancellation between large terms (${dtype})`, () => {
      // (1 − t)·z + softplus(−z) at z = −20, t = 0 is −20 + 20.000000002, which rounds to 0 in float32;
      // the rearranged forward adds only non-negative terms and keeps log1p(e^−20) = 2.061e-9.
      const out = bceWithLogits(tt([-20, 20, -50, 50], dtype), tt([0, 1, 0, 1], dtype), { reduction: "none" });
      const r = (x: number) => (dtype === "float32" ? Math.fround(x) : x);
      expect(arr(out)).toEqual([r(Math.log1p(Math.exp(-20))), r(Math.log1p(Math.exp(-20))), r(Math.log1p(Math.exp(-50))), r(Math.log1p(Math.exp(-50)))]);
      const withPos = bceWithLogits(tt([-20, 20], dtype), tt([0, 1], dtype), { posWeight: 3, reduction: "none" });
      expect(arr(withPos)).toEqual([r(Math.log1p(Math.exp(-20))), r(3 * r(Math.log1p(Math.exp(-20))))]);
    });
  }

  it("reductions: mean and sum are 0-d, none keeps the shape", () => {
    const z = tt([0.3, -1.2, 2.5, -0.7, 1.1, 0], "float64", { shape: [2, 3] });
    const t = tt([1, 0, 1, 0, 0, 1], "float64", { shape: [2, 3] });
    const none = bceWithLogits(z, t, { reduction: "none" });
    expect(none.shape).toEqual([2, 3]);
    const refs = [0.3, -1.2, 2.5, -0.7, 1.1, 0].map((zi, i) => bceLogitsRef(zi, [1, 0, 1, 0, 0, 1][i]));
    arr(none).forEach((v, i) => expectClose(v, refs[i], 1e-14));
    const s = bceWithLogits(z, t, { reduction: "sum" });
    const m = bceWithLogits(z, t);
    expect(s.shape).toEqual([]);
    expect(m.shape).toEqual([]);
    const total = refs.reduce((a, b) => a + b, 0);
    expectClose(s.item(), total, 1e-14);
    expectClose(m.item(), total / 6, 1e-14);
  });

  it("weight and posWeight as PyTorch (hand-computed numbers)", () => {
    // rows: z = [[1, −2], [0.5, 3]], t = [[1, 0], [0, 1]], posWeight = [2, 3] (per class), weight = [[1], [0.5]] (per row)
    //   (0,0) p=2, t=1: lw = 2 → 2·log(1+e^−1)          = 0.6265234
    //   (0,1) p=3, t=0: lw = 1 → −2 + log(1+e^2)         = 0.1269280
    //   (1,0) t=0: (0.5 + log(1+e^−0.5))·0.5             = 0.4870385
    //   (1,1) p=3, t=1: 3·log(1+e^−3)·0.5                = 0.0728810
    const z = tt([1, -2, 0.5, 3], "float64", { shape: [2, 2] });
    const t = tt([1, 0, 0, 1], "float64", { shape: [2, 2] });
    const opts = { posWeight: tt([2, 3]), weight: tt([1, 0.5], "float64", { shape: [2, 1] }) };
    const none = arr(bceWithLogits(z, t, { ...opts, reduction: "none" }));
    [0.6265234, 0.126928, 0.4870385, 0.072881].forEach((v, i) => expect(none[i]).toBeCloseTo(v, 6));
    expect(bceWithLogits(z, t, { ...opts, reduction: "sum" }).item()).toBeCloseTo(1.3133709, 6);
    // mean divides by the number of elements (not by the sum of the weights)
    expect(bceWithLogits(z, t, opts).item()).toBeCloseTo(0.3283427, 6);
    // and against PyTorch's documented formula, element by element
    const p = [2, 3, 2, 3], w = [1, 1, 0.5, 0.5];
    none.forEach((v, i) => expectClose(v, bceLogitsRef([1, -2, 0.5, 3][i], [1, 0, 0, 1][i], w[i], p[i]), 1e-14));
    // numbers work as weights too (a weak scalar)
    expectClose(bceWithLogits(z, t, { posWeight: 2, weight: 0.5, reduction: "sum" }).item(),
      [1, -2, 0.5, 3].reduce((a, zi, i) => a + bceLogitsRef(zi, [1, 0, 0, 1][i], 0.5, 2), 0), 1e-14);
  });

  it("PyTorch's documentation example: 64 classes, logit 1.5, target 1, posWeight ones → 0.20141", () => {
    const z = tensor(new Float32Array(10 * 64).fill(1.5), { shape: [10, 64] });
    const t = tensor(new Float32Array(10 * 64).fill(1), { shape: [10, 64] });
    const posWeight = tensor(new Float32Array(64).fill(1));
    expect(bceWithLogits(z, t, { posWeight }).item()).toBeCloseTo(0.20141, 5);
    // posWeight only scales positive targets: 3× for t = 1, no effect for t = 0
    posWeight.data.fill(3);
    expect(bceWithLogits(z, t, { posWeight }).item()).toBeCloseTo(3 * 0.20141, 4);
    const t0 = tensor(new Float32Array(10 * 64), { shape: [10, 64] });
    expect(bceWithLogits(z, t0, { posWeight }).item()).toBeCloseTo(softplusRef(1.5), 5);
  });

  it("mixed dtypes promote to float64; the gradient comes back in each input's dtype", () => {
    const z = tt([0.25, -2], "float32", { requiresGrad: true });
    const t = tt([1, 0], "float64", { requiresGrad: true });
    const out = bceWithLogits(z, t, { reduction: "sum" });
    expect(out.dtype).toBe("float64");
    out.backward();
    expect(z.grad!.dtype).toBe("float32");
    expect(t.grad!.dtype).toBe("float64");
    expect(z.grad!.data[0]).toBeCloseTo(sigmoidRef(0.25) - 1, 6);
  });
});

describe("bceWithLogits: one fused node and its gradient", () => {
  it("the output's op is bceWithLogits and its node has the logits as a direct input", () => {
    const z = tt([0.5, -1, 2], "float32", { requiresGrad: true });
    const t = tt([1, 0, 1], "float32");
    const out = bceWithLogits(z, t, { posWeight: tt([2, 2, 2], "float32") });
    expect(out.op).toBe("bceWithLogits");
    const steps = traceBackward(out);
    expect(steps.length).toBe(1); // one node between the logits and the loss
    expect(steps[0].op).toBe("bceWithLogits");
    expect(steps[0].inputs[0]).toBe(z);
    expect(steps[0].rule).toBe("dz = g·(lw·σ(z) − p·t)/3, dt = g·(−z + (p − 1)·softplus(−z))/3, lw = 1 + (p − 1)·t");
    expect(steps[0].inputGrads[1]).toBeNull(); // targets do not require grad
    expect(bceWithLogits(z, t, { reduction: "sum" })._node!.rule).toBe("dz = g·(σ(z) − t), dt = −g·z");
    // no graph when nothing requires grad or under noGrad
    expect(bceWithLogits(tt([1]), tt([1])).op).toBeNull();
    expect(noGrad(() => bceWithLogits(z, t)).op).toBeNull();
  });

  for (const dtype of DTYPES) {
    it(`gradients at ±1000 are exact: −1/N, 0, 1/N, 0 (${dtype})`, () => {
      const z = tt([-1000, 1000, 1000, -1000, -50, 50], dtype, { requiresGrad: true });
      const t = tt([1, 1, 0, 0, 1, 0], dtype);
      bceWithLogits(z, t).backward(); // mean over N = 6
      const r = (x: number) => (dtype === "float32" ? Math.fround(x) : x);
      expect(arr(z.grad!)).toEqual([r(-1 / 6), 0, r(1 / 6), 0, r(-1 / 6), r(1 / 6)]);
    });

    it(`fused gradient at z = −20, t = 1 is −1 within 1e-6 (sum, ${dtype})`, () => {
      const z = tt([-20], dtype, { requiresGrad: true });
      bceWithLogits(z, tt([1], dtype), { reduction: "sum" }).backward();
      expect(Math.abs(z.grad!.data[0] - -1)).toBeLessThan(1e-6);
      // σ(−20) − 1: exactly −1 once rounded to float32, −0.9999999979 in float64
      expect(z.grad!.data[0]).toBe(dtype === "float32" ? -1 : sigmoidRef(-20) - 1);
    });
  }

  it("gradcheck: logits and targets, every reduction, with weight and posWeight", () => {
    const z0 = [0.3, -1.2, 2.5, -0.7, 1.1, 0.05];
    const t0 = [1, 0, 0.7, 0, 1, 0.2];
    const shape = [2, 3];
    const variants = [
      {},
      { posWeight: tt([2, 0.5, 3]) },
      { weight: tt([1.5, 0.25], "float64", { shape: [2, 1] }) },
      { weight: tt([0.5, 2, 1]), posWeight: tt([3, 1, 0.5]) },
      { weight: 0.7, posWeight: 1.8 },
    ];
    for (const reduction of ["mean", "sum", "none"] as const) {
      for (const v of variants) {
        const opts = { ...v, reduction };
        const fz = gradcheck((z) => bceWithLogits(z, tt(t0, "float64", { shape }), opts), [tt(z0, "float64", { shape })]);
        expect(fz.ok, JSON.stringify({ reduction, v: Object.keys(v), f: fz.failures[0] })).toBe(true);
        const both = gradcheck((z, t) => bceWithLogits(z, t, opts), [tt(z0, "float64", { shape }), tt(t0, "float64", { shape })]);
        expect(both.ok, JSON.stringify({ reduction, v: Object.keys(v), f: both.failures[0] })).toBe(true);
      }
    }
  });

  it("the backward is itself differentiable: the Hessian passes gradcheck, and d²L/dz² = w·lw·σ(1−σ)/N", () => {
    const t = tt([1, 0, 1]);
    const opts = { posWeight: tt([2, 3, 0.5]), weight: tt([1, 0.5, 2]) };
    const dLdz = grad((z: Tensor) => bceWithLogits(z, t, opts));
    const res = gradcheck((z) => dLdz(z), [tt([0.4, -1.3, 2])]);
    expect(res.ok, JSON.stringify(res.failures[0])).toBe(true);
    // second derivative of one element, sum reduction: w·lw·σ(z)(1 − σ(z)) with lw = 1 + (p − 1)·t = 2
    const d2 = grad(grad((z: Tensor) => bceWithLogits(z, tt([1]), { posWeight: 2, weight: 0.5, reduction: "sum" })));
    const s = sigmoidRef(0.4);
    expect(d2(tt([0.4])).item()).toBeCloseTo(0.5 * 2 * s * (1 - s), 12);
  });

  it("targets get a gradient when they require grad: dL/dt = w·(−z + (p − 1)·softplus(−z))", () => {
    const z = tt([0.7, -2]);
    const t = tt([0.5, 1], "float64", { requiresGrad: true });
    bceWithLogits(z, t, { posWeight: 3, weight: 2, reduction: "sum" }).backward();
    expectClose(t.grad!.data[0], 2 * (-0.7 + 2 * softplusRef(-0.7)), 1e-14);
    expectClose(t.grad!.data[1], 2 * (2 + 2 * softplusRef(2)), 1e-14);
  });
});

describe("saturation: sigmoid → bce (unfused) against bceWithLogits (fused)", () => {
  /** d loss / dz through sigmoid then bce (sum), and through the fused loss. */
  function grads(z: number, t: number, dtype: DT): { fused: number; unfused: number } {
    const a = tt([z], dtype, { requiresGrad: true });
    bceWithLogits(a, tt([t], dtype), { reduction: "sum" }).backward();
    const b = tt([z], dtype, { requiresGrad: true });
    bce(sigmoid(b), tt([t], dtype), { reduction: "sum" }).backward();
    return { fused: a.grad!.data[0], unfused: b.grad!.data[0] };
  }

  it("at z = −20, t = 1 the unfused gradient is still ≈ −1: σ(−20) ≈ 2e-9 is representable, so −(1/σ)·σ(1−σ) cancels", () => {
    // What we see: not saturated yet in either dtype (|grad + 1| < 1e-6); the fused one is −1 too.
    for (const dtype of DTYPES) {
      const { fused, unfused } = grads(-20, 1, dtype);
      expect(Math.abs(fused + 1)).toBeLessThan(1e-6);
      expect(Math.abs(unfused + 1)).toBeLessThan(1e-6);
    }
  });

  it("where σ(z) rounds to 1 (float32, z = 20, t = 0) the unfused gradient is 0; the fused one is 1", () => {
    const { fused, unfused } = grads(20, 0, "float32");
    expect(fused).toBe(1);
    expect(Math.abs(unfused)).toBe(0); // log(1 − σ) clamped at −100: no gradient at all for a confidently wrong answer
    // in float64 σ(20) < 1, so there it still works
    expect(Math.abs(grads(20, 0, "float64").unfused - 1)).toBeLessThan(1e-6);
  });

  it("where log σ(z) < −100 (z = −120, t = 1) the clamp kills the unfused gradient in both dtypes", () => {
    for (const dtype of DTYPES) {
      const { fused, unfused } = grads(-120, 1, dtype);
      expect(fused).toBe(-1);
      expect(Math.abs(unfused)).toBe(0);
    }
  });

  it("MSE on σ(z) multiplies by σ′(z) and saturates already at z = −20 (gradient ≈ −4e-9)", () => {
    const z = tt([-20], "float64", { requiresGrad: true });
    mse(sigmoid(z), tt([1]), { reduction: "sum" }).backward();
    const s = sigmoidRef(-20);
    expect(z.grad!.data[0]).toBeCloseTo(2 * (s - 1) * s * (1 - s), 20);
    expect(Math.abs(z.grad!.data[0])).toBeLessThan(1e-8);
  });
});

describe("bce (probabilities)", () => {
  it("matches −w·(t·log p + (1 − t)·log(1 − p)), every reduction", () => {
    const p = [0.1, 0.6, 0.95, 0.3], t = [1, 0, 1, 0.4], w = [2, 1, 0.5, 1];
    const refs = p.map((pi, i) => -w[i] * (t[i] * Math.log(pi) + (1 - t[i]) * Math.log(1 - pi)));
    const none = bce(tt(p), tt(t), { weight: tt(w), reduction: "none" });
    arr(none).forEach((v, i) => expectClose(v, refs[i], 1e-14));
    const total = refs.reduce((a, b) => a + b, 0);
    expectClose(bce(tt(p), tt(t), { weight: tt(w), reduction: "sum" }).item(), total, 1e-14);
    const m = bce(tt(p), tt(t), { weight: tt(w) });
    expect(m.shape).toEqual([]);
    expectClose(m.item(), total / 4, 1e-14);
  });

  for (const dtype of DTYPES) {
    it(`clamps the logs at −100 as PyTorch: p = 0 or 1 gives 100 or 0, finite gradients (${dtype})`, () => {
      // 1e-30: log = −69.08, not clamped; 1e-50: log < −100 (and 0 in float32), clamped
      const p = tt([0, 1, 0, 1, 1e-30, 1e-50], dtype, { requiresGrad: true });
      const out = bce(p, tt([1, 0, 0, 1, 1, 1], dtype), { reduction: "none" });
      const expected = [100, 100, 0, 0, -Math.log(1e-30), 100];
      arr(out).forEach((v, i) => expectClose(v, expected[i], 1e-6));
      out.backward(tt(new Array(6).fill(1), dtype));
      const g = arr(p.grad!);
      expect(g.every(Number.isFinite)).toBe(true);
      // clamped: no gradient (PyTorch's hand-written backward would give ∓1e12 there)
      expect([g[0], g[1], g[5]].map(Math.abs)).toEqual([0, 0, 0]);
      expectClose(g[4], -1 / (dtype === "float32" ? Math.fround(1e-30) : 1e-30), 1e-6); // −t/p
    });
  }

  it("gradcheck at ordinary points, probabilities and targets, with weights", () => {
    const p0 = [0.2, 0.7, 0.45, 0.9], t0 = [1, 0, 0.3, 1];
    for (const reduction of ["mean", "sum", "none"] as const) {
      const r = gradcheck((p, t) => bce(p, t, { weight: tt([1, 2, 0.5, 1]), reduction }), [tt(p0), tt(t0)]);
      expect(r.ok, JSON.stringify(r.failures[0])).toBe(true);
    }
  });

  it("rejects probabilities outside [0, 1] and NaN, naming the loss and the value", () => {
    expect(() => bce(tt([0.5, 1.5]), tt([1, 0]))).toThrow(/bce: input must hold probabilities in \[0, 1\], got 1\.5 at flat index 1 \(shape \[2\]\)/);
    expect(() => bce(tt([-0.1]), tt([1]))).toThrow(/bce: .*got -0\.1 at flat index 0/);
    expect(() => bce(tt([0.2, NaN]), tt([1, 0]))).toThrow(/bce: .*got NaN at flat index 1/);
    expect(() => bce(tt([0, 1]), tt([1, 0]))).not.toThrow();
  });
});

describe("mse", () => {
  it("matches (pred − target)², every reduction", () => {
    const x = [1.5, -2, 0.25, 3], y = [1, 1, -0.75, 3];
    const refs = x.map((v, i) => (v - y[i]) ** 2);
    expect(arr(mse(tt(x), tt(y), { reduction: "none" }))).toEqual(refs);
    expect(mse(tt(x), tt(y), { reduction: "sum" }).item()).toBe(refs.reduce((a, b) => a + b, 0));
    const m = mse(tt(x, "float32"), tt(y, "float32"));
    expect(m.shape).toEqual([]);
    expect(m.dtype).toBe("float32");
    expect(m.item()).toBeCloseTo(refs.reduce((a, b) => a + b, 0) / 4, 6);
  });

  it("gradcheck for pred and target, every reduction", () => {
    for (const reduction of ["mean", "sum", "none"] as const) {
      const r = gradcheck((a, b) => mse(a, b, { reduction }), [tt([0.3, -1, 2, 0.5], "float64", { shape: [2, 2] }), tt([1, 0.2, -1, 0.4], "float64", { shape: [2, 2] })]);
      expect(r.ok, JSON.stringify(r.failures[0])).toBe(true);
    }
    const x = tt([3], "float64", { requiresGrad: true });
    mse(x, tt([1])).backward();
    expect(x.grad!.item()).toBe(4); // 2·(3 − 1)
  });
});

describe("crossEntropy", () => {
  const Z = [2, 1, 0.1, 0.5, 2.5, 0.3];
  const C = [0, 2];
  const lseRef = (r: number[]) => { const m = Math.max(...r); return m + Math.log(r.reduce((a, x) => a + Math.exp(x - m), 0)); };

  it("equals −logSoftmax gathered at the classes (by hand) and the written-out formula", () => {
    for (const dtype of DTYPES) {
      const z = tt(Z, dtype, { shape: [2, 3] });
      const byHand = mean(gather(logSoftmax(z, 1), 1, [[0], [2]])).item();
      const out = crossEntropy(z, C);
      expect(out.shape).toEqual([]);
      expect(out.dtype).toBe(dtype);
      expectClose(out.item(), -byHand, tol(dtype) * 4);
      const rows = [Z.slice(0, 3), Z.slice(3)];
      const refs = rows.map((r, i) => lseRef(r) - r[C[i]]); // 0.4170300, 2.4200495
      expect(refs[0]).toBeCloseTo(0.41703, 5);
      expectClose(out.item(), (refs[0] + refs[1]) / 2, tol(dtype) * 4);
      const none = crossEntropy(z, C, { reduction: "none" });
      expect(none.shape).toEqual([2]);
      arr(none).forEach((v, i) => expectClose(v, refs[i], tol(dtype) * 4));
      expectClose(crossEntropy(z, C, { reduction: "sum" }).item(), refs[0] + refs[1], tol(dtype) * 4);
    }
  });

  it("class weights as PyTorch: mean divides by the sum of the weights of the targets", () => {
    const z = tt(Z, "float64", { shape: [2, 3] });
    const weight = tt([1, 2, 3]);
    // w[c] = [1, 3]: sum = 1·0.4170300 + 3·2.4200495 = 7.6771786; mean = 7.6771786 / 4 = 1.9192946
    expect(crossEntropy(z, C, { weight, reduction: "sum" }).item()).toBeCloseTo(7.6771786, 6);
    expect(crossEntropy(z, C, { weight }).item()).toBeCloseTo(1.9192946, 6);
    const none = arr(crossEntropy(z, C, { weight, reduction: "none" }));
    expect(none[0]).toBeCloseTo(0.41703, 5);
    expect(none[1]).toBeCloseTo(3 * 2.4200495, 6);
  });

  it("accepts number[], Int32Array and a Tensor of integer values; [C] logits with a single index", () => {
    const z = tt(Z, "float64", { shape: [2, 3] });
    const ref = crossEntropy(z, C).item();
    expect(crossEntropy(z, Int32Array.from(C)).item()).toBe(ref);
    expect(crossEntropy(z, tensor([0, 2])).item()).toBe(ref);
    const one = crossEntropy(tt(Z.slice(3)), 2, { reduction: "none" });
    expect(one.shape).toEqual([]);
    expectClose(one.item(), lseRef(Z.slice(3)) - 0.3, 1e-14);
    expect(crossEntropy(tt(Z.slice(3)), [2]).item()).toBe(one.item());
  });

  for (const dtype of DTYPES) {
    it(`is stable at extreme logits (${dtype})`, () => {
      const z = tt([1000, 0, -1000, -1000, 0, 1000], dtype, { shape: [2, 3], requiresGrad: true });
      const out = crossEntropy(z, [0, 0], { reduction: "none" });
      expect(arr(out)).toEqual([0, 2000]);
      crossEntropy(z, [0, 0], { reduction: "sum" }).backward();
      expect(arr(z.grad!)).toEqual([0, 0, 0, -1, 0, 1]);
    });
  }

  it("one fused node; gradient = (softmax(z) − onehot(c))/N", () => {
    const z = tt(Z, "float64", { shape: [2, 3], requiresGrad: true });
    const out = crossEntropy(z, C);
    expect(out.op).toBe("crossEntropy");
    const steps = traceBackward(out);
    expect(steps.length).toBe(1);
    expect(steps[0].inputs[0]).toBe(z);
    expect(steps[0].rule).toBe("dz = g·(softmax(z) − onehot(c))/2");
    const rows = [Z.slice(0, 3), Z.slice(3)];
    const expected = rows.flatMap((r, i) => r.map((v, j) => (Math.exp(v - lseRef(r)) - (j === C[i] ? 1 : 0)) / 2));
    arr(z.grad!).forEach((v, i) => expectClose(v, expected[i], 1e-14));
  });

  it("gradcheck: every reduction, with and without class weights, [N, C] and [C]; and the Hessian", () => {
    for (const reduction of ["mean", "sum", "none"] as const) {
      for (const weight of [undefined, tt([1, 2, 0.5])]) {
        const r = gradcheck((z) => crossEntropy(z, [1, 0, 2], { weight, reduction }), [tt([0.3, -1, 2, 0.5, 0.1, -0.4, 1.2, 0.8, -2], "float64", { shape: [3, 3] })]);
        expect(r.ok, JSON.stringify({ reduction, f: r.failures[0] })).toBe(true);
      }
      const one = gradcheck((z) => crossEntropy(z, 1, { reduction }), [tt([0.3, -1, 2])]);
      expect(one.ok).toBe(true);
    }
    const dLdz = grad((z: Tensor) => crossEntropy(z, [1, 0], { weight: tt([2, 1, 0.5]) }));
    const h = gradcheck((z) => dLdz(z), [tt([0.3, -1, 2, 0.5, 0.1, -0.4], "float64", { shape: [2, 3] })]);
    expect(h.ok, JSON.stringify(h.failures[0])).toBe(true);
  });

  it("validates indices, shapes and weights with clear errors", () => {
    const z = tt(Z, "float64", { shape: [2, 3] });
    expect(() => crossEntropy(z, [0, 3])).toThrow(/crossEntropy: class index 3 at position 1 is not an integer in \[0, 3\) \(logits \[2, 3\]\)/);
    expect(() => crossEntropy(z, [0, 1.5])).toThrow(/crossEntropy: class index 1\.5 at position 1/);
    expect(() => crossEntropy(z, [-1, 0])).toThrow(/class index -1 at position 0/);
    expect(() => crossEntropy(z, [0])).toThrow(/crossEntropy: got 1 class indices for logits of shape \[2, 3\]; expected 2/);
    expect(() => crossEntropy(z, 1)).toThrow(/crossEntropy: a single class index needs logits of shape \[C\]/);
    expect(() => crossEntropy(z, tensor([[0], [1]]))).toThrow(/crossEntropy: class indices of shape \[2, 1\] do not fit logits \[2, 3\]/);
    expect(() => crossEntropy(tt([1, 2, 3, 4, 5, 6, 7, 8], "float64", { shape: [2, 2, 2] }), [0, 1])).toThrow(/crossEntropy: logits must have shape \[N, C\].*got \[2, 2, 2\]/);
    expect(() => crossEntropy(z, [0, 1], { weight: tt([1, 2]) })).toThrow(/crossEntropy: weight of shape \[2\] must have shape \[3\]/);
    expect(() => crossEntropy(z, "0" as never)).toThrow(/crossEntropy: class indices must be a number\[\], an Int32Array or a Tensor, got string/);
    expect(() => crossEntropy(z, [0, 1], { weight: tt([1, 2, 3], "float64", { requiresGrad: true }) })).toThrow(/crossEntropy: weight requires grad/);
  });
});

describe("options and shape errors", () => {
  it("unknown options name the loss and the key", () => {
    expect(() => bceWithLogits(tt([1]), tt([1]), { pos_weight: tt([1]) } as never)).toThrow(/bceWithLogits: unknown option "pos_weight"; expected one of: weight, posWeight, reduction/);
    expect(() => bce(tt([0.5]), tt([1]), { posWeight: 2 } as never)).toThrow(/bce: unknown option "posWeight"; expected one of: weight, reduction/);
    expect(() => mse(tt([1]), tt([1]), { weight: 2 } as never)).toThrow(/mse: unknown option "weight"; expected one of: reduction/);
    expect(() => crossEntropy(tt([1, 2]), 0, { ignoreIndex: 1 } as never)).toThrow(/crossEntropy: unknown option "ignoreIndex"/);
    expect(() => mse(tt([1]), tt([1]), { reduction: "avg" } as never)).toThrow(/mse: reduction must be "mean", "sum" or "none", got "avg"/);
  });

  it("shape mismatches name the loss and the shapes", () => {
    expect(() => bceWithLogits(tt([1, 2, 3, 4], "float64", { shape: [4, 1] }), tt([1, 0, 1, 0]))).toThrow(/bceWithLogits: targets of shape \[4\] must have the same shape as logits \[4, 1\]/);
    expect(() => bce(tt([0.5, 0.5]), tt([1]))).toThrow(/bce: targets of shape \[1\] must have the same shape as probs \[2\]/);
    expect(() => mse(tt([1, 2]), tt([1, 2, 3]))).toThrow(/mse: target of shape \[3\] must have the same shape as pred \[2\]/);
    const z = tt([1, 2, 3, 4, 5, 6], "float64", { shape: [2, 3] });
    const t = tt([1, 0, 1, 0, 1, 0], "float64", { shape: [2, 3] });
    expect(() => bceWithLogits(z, t, { posWeight: tt([1, 2]) })).toThrow(/bceWithLogits: posWeight of shape \[2\] cannot be broadcast to the input shape \[2, 3\]/);
    expect(() => bceWithLogits(z, t, { weight: tt([1, 2, 3, 4, 5, 6], "float64", { shape: [1, 2, 3] }) })).toThrow(/bceWithLogits: weight of shape \[1, 2, 3\] cannot be broadcast/);
    expect(() => bceWithLogits(z, t, { posWeight: tt([1, 2, 3]), weight: tt([1, 2], "float64", { shape: [2, 1] }) })).not.toThrow();
    expect(() => bce(tt([0.5, 0.5]), tt([1, 0]), { weight: tt([1, 2, 3]) })).toThrow(/bce: weight of shape \[3\] cannot be broadcast to the input shape \[2\]/);
  });

  it("non-tensor arguments and weights that require grad are rejected", () => {
    expect(() => bceWithLogits([1, 2] as never, tt([1, 0]))).toThrow(/bceWithLogits: logits must be a Tensor, got an array \(wrap it with tensor\(\)\)/);
    expect(() => mse(tt([1]), 1 as never)).toThrow(/mse: target must be a Tensor, got number/);
    expect(() => bceWithLogits(tt([1]), tt([1]), { posWeight: tt([2], "float64", { requiresGrad: true }) })).toThrow(/bceWithLogits: posWeight requires grad, but this loss gives no gradient to posWeight/);
    expect(() => bceWithLogits(tt([1]), tt([1]), { weight: NaN })).toThrow(/bceWithLogits: weight must be a finite number or a Tensor/);
    // under noGrad no gradient is asked for, so a weight that requires grad is fine there
    expect(noGrad(() => bceWithLogits(tt([1]), tt([1]), { posWeight: tt([2], "float64", { requiresGrad: true }) })).item()).toBeCloseTo(bceLogitsRef(1, 1, 1, 2), 12);
  });
});

describe("loss Modules", () => {
  it("forward calls the function with the constructor's options", () => {
    const z = tt([0.3, -1.2, 2.5, -0.7], "float64", { shape: [2, 2] });
    const t = tt([1, 0, 1, 0], "float64", { shape: [2, 2] });
    const posWeight = tt([2, 3]);
    const m = new BCEWithLogitsLoss({ posWeight, reduction: "sum" });
    expect(m.forward(z, t).item()).toBe(bceWithLogits(z, t, { posWeight, reduction: "sum" }).item());
    expect(m.forward(z, t).item()).not.toBe(bceWithLogits(z, t, { reduction: "sum" }).item());
    expect(m.forward(z, t).op === null).toBe(true); // nothing requires grad
    const zg = tt([0.5], "float64", { requiresGrad: true });
    expect(new BCEWithLogitsLoss().forward(zg, tt([1])).op).toBe("bceWithLogits");

    const p = tt([0.2, 0.9, 0.5, 0.5], "float64", { shape: [2, 2] });
    expect(new BCELoss({ weight: 2 }).forward(p, t).item()).toBe(bce(p, t, { weight: 2 }).item());
    expect(arr(new MSELoss({ reduction: "none" }).forward(z, t))).toEqual(arr(mse(z, t, { reduction: "none" })));
    const weight = tt([1, 2, 3]);
    const ce = new CrossEntropyLoss({ weight, reduction: "mean" });
    const logits = tt([2, 1, 0.1, 0.5, 2.5, 0.3], "float64", { shape: [2, 3] });
    expect(ce.forward(logits, [0, 2]).item()).toBe(crossEntropy(logits, [0, 2], { weight }).item());
  });

  it("weights are state (like PyTorch's buffers), not parameters; options are checked at construction", () => {
    const m = new BCEWithLogitsLoss({ posWeight: tt([2, 3]), weight: tt([1, 1]) });
    expect(m.parameters()).toEqual([]);
    expect(Object.keys(m.stateDict()).sort()).toEqual(["posWeight", "weight"]);
    expect(Object.keys(new CrossEntropyLoss({ weight: tt([1, 2]) }).stateDict())).toEqual(["weight"]);
    expect(Object.keys(new MSELoss().stateDict())).toEqual([]);
    expect(() => new BCEWithLogitsLoss({ pos_weight: tt([1]) } as never)).toThrow(/BCEWithLogitsLoss: unknown option "pos_weight"/);
    expect(() => new BCELoss({ reduction: "mean " } as never)).toThrow(/BCELoss: reduction must be "mean", "sum" or "none"/);
    expect(() => new MSELoss({ reduction: "none", extra: 1 } as never)).toThrow(/MSELoss: unknown option "extra"/);
    expect(() => new CrossEntropyLoss({ weight: [1, 2] as never })).toThrow(/CrossEntropyLoss: weight must be a Tensor, got an array/);
    expect(() => new BCEWithLogitsLoss({ posWeight: "2" as never })).toThrow(/BCEWithLogitsLoss: posWeight must be a Tensor or a number, got string/);
  });

  it("a logistic model trained with the loss Module lowers the loss", () => {
    const w = tt([0.1, -0.2], "float64", { requiresGrad: true });
    const x = tt([1, 2, -1, 0.5, 0.3, -2, -1, -1], "float64", { shape: [4, 2] });
    const y = tt([1, 1, 0, 0]);
    const loss = new BCEWithLogitsLoss();
    const logits = () => sum(x.mul(w), 1);
    const before = loss.forward(logits(), y).item();
    for (let i = 0; i < 20; i++) {
      w.grad = null;
      loss.forward(logits(), y).backward();
      noGrad(() => w.copy_(tensor(Float64Array.from(w.data, (v, j) => v - 0.5 * w.grad!.data[j]))));
    }
    expect(loss.forward(logits(), y).item()).toBeLessThan(before * 0.8);
  });
});

describe("bceWithLogits: the one-pass forward of the common case", () => {
  const zs = [-100, -30, -5, -0.5, 0, 0.5, 5, 30, 100, -1e-8, 17.3];
  const ts = [1, 0, 1, 0, 1, 0, 0.3, 1, 0, 1, 0.7];
  const exact = zs.map((z, i) => Math.max(z, 0) - z * ts[i] + Math.log1p(Math.exp(-Math.abs(z))));

  it("equals log(1 + e^z) − z·t summed in float64, for mean and sum (float64 and float32)", () => {
    const total = exact.reduce((a, b) => a + b, 0);
    for (const dtype of ["float64", "float32"] as const) {
      const z = tensor(zs, { dtype }), t = tensor(ts, { dtype });
      const tol = dtype === "float64" ? 1e-14 : 1e-6;
      expect(Math.abs(bceWithLogits(z, t, { reduction: "sum" }).item() - total)).toBeLessThan(tol * total);
      expect(Math.abs(bceWithLogits(z, t).item() - total / zs.length)).toBeLessThan(tol * total / zs.length);
      expect(bceWithLogits(z, t).dtype).toBe(dtype);
    }
  });

  it("agrees with the general path (posWeight = 1 takes it) and keeps its gradient and NaN", () => {
    const z = tensor(zs, { dtype: "float64", requiresGrad: true }), t = tensor(ts, { dtype: "float64" });
    const fast = bceWithLogits(z, t), general = bceWithLogits(z, t, { posWeight: 1 });
    expect(Math.abs(fast.item() - general.item())).toBeLessThan(1e-14);
    fast.backward();
    const s = (v: number) => 1 / (1 + Math.exp(-v));
    zs.forEach((v, i) => expect(Math.abs(z.grad!.data[i] - (s(v) - ts[i]) / zs.length)).toBeLessThan(1e-15));
    expect(bceWithLogits(tensor([NaN, 1]), tensor([1, 0])).item()).toBeNaN();
  });
});
