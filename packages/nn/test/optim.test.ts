import { describe, expect, it } from "vitest";
import { manualSeed, randn, tensor, type Tensor } from "@backprop/core";
import { Adam, AdamW, clipGradNorm, Linear, SGD, type AdamOptions, type SGDOptions } from "../src/index.js";

// ---------------------------------------------------------------------------------------------
// Helpers. The reference updates below are written out in plain float64 JS numbers, element by
// element, independently of the optimizers (which use tensor ops).

const P0 = [0.5, -1.25, 2, 0.125, -0.75];

/** The gradient at step k (0-based): changes sign and size from step to step. */
function gradAt(k: number, n = P0.length): number[] {
  return Array.from({ length: n }, (_, i) => Math.sin(1.3 * k + 0.7 * i + 0.2) * (i + 1) * (k % 2 === 0 ? 1 : 0.3) + 0.05 * k);
}

const f64 = (v: number[], requiresGrad = true) => tensor(v, { dtype: "float64", requiresGrad });

function expectClose(actual: ArrayLike<number>, expected: readonly number[], tol = 1e-12): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    if (!(err <= tol * (1 + Math.abs(expected[i])))) {
      throw new Error(`element ${i}: got ${actual[i]}, expected ${expected[i]} (error ${err})`);
    }
  }
}

/** Run `steps` steps of an optimizer on a float64 copy of P0 with the gradients gradAt(k); returns the values after each step. */
function runOptimizer(make: (p: Tensor) => { step(): void }, steps: number): number[][] {
  const p = f64(P0);
  const opt = make(p);
  const out: number[][] = [];
  for (let k = 0; k < steps; k++) {
    p.grad = f64(gradAt(k), false);
    opt.step();
    out.push(Array.from(p.data));
  }
  return out;
}

interface SgdRef { lr: number; momentum?: number; dampening?: number; nesterov?: boolean; weightDecay?: number; maximize?: boolean }

/** torch.optim.SGD, element by element. */
function sgdReference(o: SgdRef, steps: number): number[][] {
  const { lr, momentum = 0, dampening = 0, nesterov = false, weightDecay = 0, maximize = false } = o;
  const p = P0.slice();
  let buf: number[] | null = null;
  const out: number[][] = [];
  for (let k = 0; k < steps; k++) {
    const grad = gradAt(k);
    const g = grad.map((gi, i) => (maximize ? -gi : gi) + weightDecay * p[i]);
    let d = g;
    if (momentum !== 0) {
      buf = buf === null ? g.slice() : buf.map((b, i) => momentum * b + (1 - dampening) * g[i]);
      d = nesterov ? g.map((gi, i) => gi + momentum * buf![i]) : buf;
    }
    for (let i = 0; i < p.length; i++) p[i] -= lr * d[i];
    out.push(p.slice());
  }
  return out;
}

interface AdamRef { lr?: number; betas?: [number, number]; eps?: number; weightDecay?: number; amsgrad?: boolean; maximize?: boolean; decoupled: boolean }

/** torch.optim.Adam / AdamW, element by element, in the textbook form p − lr·m̂/(√v̂ + eps). */
function adamReference(o: AdamRef, steps: number, grads: (k: number) => number[] = gradAt, p0 = P0): number[][] {
  const { lr = 1e-3, betas: [b1, b2] = [0.9, 0.999], eps = 1e-8, weightDecay = 0, amsgrad = false, maximize = false, decoupled } = o;
  const p = p0.slice();
  const n = p.length;
  const m = new Array<number>(n).fill(0);
  const v = new Array<number>(n).fill(0);
  const vmax = new Array<number>(n).fill(0);
  const out: number[][] = [];
  for (let k = 0; k < steps; k++) {
    const t = k + 1;
    const grad = grads(k);
    for (let i = 0; i < n; i++) {
      let g = maximize ? -grad[i] : grad[i];
      if (decoupled) p[i] *= 1 - lr * weightDecay;
      else g += weightDecay * p[i];
      m[i] = b1 * m[i] + (1 - b1) * g;
      v[i] = b2 * v[i] + (1 - b2) * g * g;
      vmax[i] = Math.max(vmax[i], v[i]);
      const mHat = m[i] / (1 - b1 ** t);
      const vHat = (amsgrad ? vmax[i] : v[i]) / (1 - b2 ** t);
      p[i] -= (lr * mHat) / (Math.sqrt(vHat) + eps);
    }
    out.push(p.slice());
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

describe("SGD: the update equations of torch.optim.SGD", () => {
  const cases: [string, SGDOptions][] = [
    ["plain", { lr: 0.1 }],
    ["momentum", { lr: 0.1, momentum: 0.9 }],
    ["momentum + dampening", { lr: 0.05, momentum: 0.8, dampening: 0.5 }],
    ["nesterov", { lr: 0.1, momentum: 0.9, nesterov: true }],
    ["weightDecay", { lr: 0.1, weightDecay: 0.3 }],
    ["maximize", { lr: 0.1, maximize: true }],
    ["momentum + weightDecay + nesterov", { lr: 0.07, momentum: 0.85, weightDecay: 0.2, nesterov: true }],
    ["maximize + momentum + dampening + weightDecay", { lr: 0.02, momentum: 0.5, dampening: 0.25, weightDecay: 0.1, maximize: true }],
  ];

  it.each(cases)("%s, over 5 steps with changing gradients", (_, opts) => {
    const got = runOptimizer((p) => new SGD([p], opts), 5);
    const want = sgdReference(opts, 5);
    got.forEach((row, k) => expectClose(row, want[k]));
  });

  it("the options really change the trajectory (each case differs from plain SGD)", () => {
    const plain = sgdReference({ lr: 0.1 }, 3)[2];
    for (const [, opts] of cases.slice(1)) {
      const got = runOptimizer((p) => new SGD([p], { ...opts, lr: 0.1 }), 3)[2];
      expect(Math.max(...got.map((x, i) => Math.abs(x - plain[i])))).toBeGreaterThan(1e-3);
    }
  });

  it("the first momentum step uses the gradient itself as the buffer (not zero, not damped)", () => {
    const p = f64(P0);
    const g = gradAt(0);
    p.grad = f64(g, false);
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9, dampening: 0.5 });
    opt.step();
    expectClose(p.data, P0.map((x, i) => x - 0.1 * g[i]), 1e-15);
    const buf = opt.state.get(p)!.momentumBuffer;
    expectClose(buf.data, g, 0);
    expect(buf).not.toBe(p.grad); // a copy, not an alias of the user's gradient
    // The second step then uses buf = 0.9·g₀ + 0.5·g₁.
    const g1 = gradAt(1);
    p.grad = f64(g1, false);
    opt.step();
    expectClose(opt.state.get(p)!.momentumBuffer.data, g.map((x, i) => 0.9 * x + 0.5 * g1[i]));
  });

  it("parameters whose grad is null are skipped: value, version and state untouched", () => {
    const a = f64([1, 2]);
    const b = f64([3, 4]);
    const opt = new SGD([a, b], { lr: 0.5, momentum: 0.9 });
    a.grad = f64([1, 1], false);
    const vb = b._version.n;
    opt.step();
    expect(Array.from(a.data)).toEqual([0.5, 1.5]);
    expect(Array.from(b.data)).toEqual([3, 4]);
    expect(b._version.n).toBe(vb);
    expect(opt.state.has(b)).toBe(false);
    // a's grad cleared: a is untouched on the next step and its momentum buffer is kept as it was.
    const bufBefore = opt.state.get(a)!.momentumBuffer;
    a.grad = null;
    b.grad = f64([2, 2], false);
    opt.step();
    expect(Array.from(a.data)).toEqual([0.5, 1.5]);
    expect(opt.state.get(a)!.momentumBuffer).toBe(bufBefore);
    expect(Array.from(b.data)).toEqual([2, 3]);
  });

  it("reads .grad without modifying it", () => {
    const p = f64(P0);
    const g = f64(gradAt(0), false);
    p.grad = g;
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9, weightDecay: 0.1, nesterov: true, maximize: true });
    opt.step();
    opt.step();
    expect(p.grad).toBe(g);
    expect(Array.from(g.data)).toEqual(gradAt(0));
    expect(g._version.n).toBe(0);
  });

  it("a learning rate changed between steps takes effect", () => {
    const p = f64([1, -2]);
    const opt = new SGD([p], { lr: 0.1 });
    p.grad = f64([1, 1], false);
    opt.step();
    opt.lr = 0.01;
    opt.step();
    expectClose(p.data, [1 - 0.1 - 0.01, -2 - 0.1 - 0.01], 1e-15);
    expect(opt.lr).toBe(0.01);
  });

  it("rejects bad options before anything changes, with clear errors", () => {
    const p = f64([1, 2]);
    p.grad = f64([1, 1], false);
    const bad: [unknown, RegExp][] = [
      [{ lr: 0.1, nesterov: true }, /nesterov momentum requires momentum > 0 and dampening = 0/],
      [{ lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }, /nesterov momentum requires momentum > 0 and dampening = 0/],
      [{ lr: -0.1 }, /lr must be >= 0/],
      [{ lr: NaN }, /lr must be a finite number/],
      [{ lr: Infinity }, /lr must be a finite number/],
      [{ lr: 0.1, learningRate: 0.1 }, /unknown option "learningRate"/],
      [{ lr: 0.1, weight_decay: 0.1 }, /unknown option "weight_decay"/],
      [{}, /lr is required/],
      [undefined, /lr is required/],
      [0.1, /options must be an object/],
      [{ lr: 0.1, momentum: -0.5 }, /momentum must be >= 0/],
      [{ lr: 0.1, weightDecay: -1 }, /weightDecay must be >= 0/],
      [{ lr: 0.1, dampening: NaN }, /dampening must be a finite number/],
      [{ lr: 0.1, momentum: 0.9, nesterov: 1 }, /nesterov must be a boolean/],
    ];
    for (const [opts, re] of bad) {
      expect(() => new SGD([p], opts as SGDOptions)).toThrow(re);
    }
    expect(Array.from(p.data)).toEqual([1, 2]);
    expect(Array.from(p.grad!.data)).toEqual([1, 1]);
    expect(p._version.n).toBe(0);

    // Setting a bad lr later throws too and keeps the old one.
    const opt = new SGD([p], { lr: 0.5 });
    expect(() => (opt.lr = -1)).toThrow(/lr must be >= 0/);
    expect(() => (opt.lr = NaN)).toThrow(/lr must be a finite number/);
    expect(opt.lr).toBe(0.5);
    opt.step();
    expect(Array.from(p.data)).toEqual([0.5, 1.5]);
  });

  it("validates and deduplicates the parameter list; accepts a Module", () => {
    const w = f64([1, 2]);
    w.grad = f64([1, 1], false);
    const opt = new SGD([w, w], { lr: 1 }); // listed twice, updated once
    expect(opt.params).toEqual([w]);
    opt.step();
    expect(Array.from(w.data)).toEqual([0, 1]);

    expect(() => new SGD([f64([1], false)], { lr: 1 })).toThrow(/params\[0\] does not require grad/);
    expect(() => new SGD([w, 3 as unknown as Tensor], { lr: 1 })).toThrow(/params\[1\] is not a Tensor/);
    expect(() => new SGD([w.mul(2)], { lr: 1 })).toThrow(/not a leaf tensor/);
    expect(() => new SGD([], { lr: 1 })).toThrow(/empty parameter list/);
    expect(() => new SGD(w as unknown as Tensor[], { lr: 1 })).toThrow(/single Tensor/);
    expect(() => new SGD(null as unknown as Tensor[], { lr: 1 })).toThrow(/params must be an array of Tensors or a Module/);

    const lin = new Linear(3, 2);
    const fromModule = new SGD(lin, { lr: 0.1 });
    expect(fromModule.params).toEqual([lin.weight, lin.bias]);
  });

  it("zeroGrad sets every .grad to null", () => {
    const a = f64([1]);
    const b = f64([2]);
    a.grad = f64([1], false);
    b.grad = f64([1], false);
    new SGD([a, b], { lr: 1 }).zeroGrad();
    expect(a.grad).toBeNull();
    expect(b.grad).toBeNull();
  });

  it("bumps the version counter: backward through a graph that saved the parameter throws after step()", () => {
    const w = f64([1, 2]);
    const x = f64([3, 4], false);
    const y = w.mul(x).square().sum(); // mul and square save their inputs
    y.backward();
    y.backward(); // fine before the step: the graph stays usable
    const opt = new SGD([w], { lr: 0.1 });
    opt.step();
    expect(() => y.backward()).toThrow(/modified in place/);
    // A fresh forward pass works.
    opt.zeroGrad();
    w.mul(x).square().sum().backward();
    expect(w.grad).not.toBeNull();
  });

  it("bumps the versions of its state tensors too (a graph that saved the momentum buffer is stale after a step)", () => {
    const p = f64([1, 2]);
    p.grad = f64([1, 1], false);
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
    opt.step();
    const buf = opt.state.get(p)!.momentumBuffer;
    const x = f64([1, 1]);
    const y = x.mul(buf).sum();
    y.backward();
    opt.step();
    expect(() => y.backward()).toThrow(/modified in place/);
  });

  it("keeps float32 parameters, state and gradients in float32", () => {
    const p = tensor(P0, { requiresGrad: true });
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9, weightDecay: 0.01 });
    for (let k = 0; k < 3; k++) {
      p.grad = tensor(gradAt(k), { dtype: k === 1 ? "float64" : "float32" }); // a float64 grad is used as float32
      opt.step();
    }
    expect(p.dtype).toBe("float32");
    expect(p.data).toBeInstanceOf(Float32Array);
    expect(opt.state.get(p)!.momentumBuffer.dtype).toBe("float32");
    expectClose(p.data, sgdReference({ lr: 0.1, momentum: 0.9, weightDecay: 0.01 }, 3)[2], 1e-6);
  });
});

describe("Adam and AdamW: the update equations of torch.optim.Adam / AdamW", () => {
  const cases: [string, "Adam" | "AdamW", AdamOptions][] = [
    ["Adam, defaults", "Adam", {}],
    ["Adam, lr/betas/eps", "Adam", { lr: 0.01, betas: [0.8, 0.99], eps: 1e-6 }],
    ["Adam, weightDecay", "Adam", { lr: 0.01, weightDecay: 0.1 }],
    ["Adam, amsgrad", "Adam", { lr: 0.01, amsgrad: true, betas: [0.9, 0.5] }],
    ["Adam, maximize + weightDecay", "Adam", { lr: 0.01, maximize: true, weightDecay: 0.05 }],
    ["Adam, beta1 = 0", "Adam", { lr: 0.01, betas: [0, 0.9] }],
    ["AdamW, defaults (weightDecay 1e-2)", "AdamW", {}],
    ["AdamW, weightDecay", "AdamW", { lr: 0.01, weightDecay: 0.1 }],
    ["AdamW, amsgrad + maximize + weightDecay", "AdamW", { lr: 0.01, amsgrad: true, maximize: true, weightDecay: 0.2, betas: [0.7, 0.6] }],
  ];

  it.each(cases)("%s, over 6 steps", (_, kind, opts) => {
    const got = runOptimizer((p) => (kind === "Adam" ? new Adam([p], opts) : new AdamW([p], opts)), 6);
    const want = adamReference(
      { ...opts, betas: opts.betas ? [opts.betas[0], opts.betas[1]] : undefined, weightDecay: opts.weightDecay ?? (kind === "AdamW" ? 1e-2 : 0), decoupled: kind === "AdamW" },
      6,
    );
    got.forEach((row, k) => expectClose(row, want[k]));
  });

  it("amsgrad changes the result when v shrinks (the reference is sensitive to it)", () => {
    const a = runOptimizer((p) => new Adam([p], { lr: 0.01, amsgrad: true, betas: [0.9, 0.5] }), 6)[5];
    const b = runOptimizer((p) => new Adam([p], { lr: 0.01, betas: [0.9, 0.5] }), 6)[5];
    expect(Math.max(...a.map((x, i) => Math.abs(x - b[i])))).toBeGreaterThan(1e-4);
  });

  it("Adam puts weight decay into the gradient, AdamW decays the weights directly", () => {
    // With a zero gradient, AdamW's moments stay 0 and p is only decayed: p·(1 − lr·wd) per step.
    // Adam sees the gradient wd·p: its first step is lr·m̂/(√v̂ + eps) = lr·sign(p) (up to eps).
    const zero = () => new Array<number>(P0.length).fill(0);
    const pw = f64(P0);
    const pa = f64(P0);
    const adamw = new AdamW([pw], { lr: 0.1, weightDecay: 0.5 });
    const adam = new Adam([pa], { lr: 0.1, weightDecay: 0.5 });
    for (let k = 1; k <= 3; k++) {
      pw.grad = f64(zero(), false);
      pa.grad = f64(zero(), false);
      adamw.step();
      adam.step();
      expectClose(pw.data, P0.map((x) => x * (1 - 0.1 * 0.5) ** k), 1e-15);
      if (k === 1) expectClose(pa.data, P0.map((x) => x - 0.1 * Math.sign(x)), 1e-7);
    }
    expectClose(pa.data, adamReference({ lr: 0.1, weightDecay: 0.5, decoupled: false }, 3, zero)[2]);
  });

  it("defaults: lr 1e-3, betas [0.9, 0.999], eps 1e-8; weightDecay 0 for Adam, 1e-2 for AdamW", () => {
    const a = new Adam([f64([1])]);
    const w = new AdamW([f64([1])]);
    expect(a.defaults).toEqual({ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false });
    expect(w.defaults).toEqual({ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false, maximize: false });
    const g = w.paramGroups[0];
    expect([a.lr, g.lr, g.betas, g.eps, g.weightDecay, g.amsgrad, g.maximize]).toEqual([1e-3, 1e-3, [0.9, 0.999], 1e-8, 1e-2, false, false]);
  });

  it("each parameter has its own step count: a step without a gradient does not advance it", () => {
    const a = f64(P0);
    const b = f64(P0);
    const opt = new Adam([a, b], { lr: 0.05 });
    const gb: number[][] = [];
    for (let k = 0; k < 4; k++) {
      a.grad = f64(gradAt(k), false);
      b.grad = k % 2 === 0 ? f64(gradAt(k), false) : null; // b has gradients at steps 0 and 2 only
      if (b.grad) gb.push(gradAt(k));
      opt.step();
    }
    expect(opt.state.get(a)!.step).toBe(4);
    expect(opt.state.get(b)!.step).toBe(2);
    expectClose(a.data, adamReference({ lr: 0.05, decoupled: false }, 4)[3]);
    expectClose(b.data, adamReference({ lr: 0.05, decoupled: false }, 2, (k) => gb[k])[1]);
  });

  it("a learning rate changed between steps takes effect", () => {
    const p = f64(P0);
    const opt = new Adam([p], { lr: 0.1 });
    p.grad = f64(gradAt(0), false);
    opt.step();
    opt.lr = 0;
    const before = Array.from(p.data);
    p.grad = f64(gradAt(1), false);
    opt.step();
    expect(Array.from(p.data)).toEqual(before);
    expect(opt.state.get(p)!.step).toBe(2); // the moments still advance
  });

  it("rejects bad options before anything changes", () => {
    const p = f64([1, 2]);
    const bad: [unknown, RegExp][] = [
      [{ betas: [1, 0.999] }, /betas\[0\] must be in \[0, 1\)/],
      [{ betas: [0.9, -0.1] }, /betas\[1\] must be in \[0, 1\)/],
      [{ betas: [0.9, NaN] }, /betas\[1\] must be in \[0, 1\)/],
      [{ betas: [0.9] }, /betas must be a pair/],
      [{ eps: -1e-8 }, /eps must be >= 0/],
      [{ lr: NaN }, /lr must be a finite number/],
      [{ lr: -1 }, /lr must be >= 0/],
      [{ weightDecay: -0.1 }, /weightDecay must be >= 0/],
      [{ weight_decay: 0.1 }, /unknown option "weight_decay"/],
      [{ amsgrad: "yes" }, /amsgrad must be a boolean/],
    ];
    for (const [opts, re] of bad) {
      expect(() => new Adam([p], opts as AdamOptions)).toThrow(re);
      expect(() => new AdamW([p], opts as AdamOptions)).toThrow(re);
    }
    expect(Array.from(p.data)).toEqual([1, 2]);
    expect(p._version.n).toBe(0);
  });

  it("bumps the version counter, keeps float32 state, and does not modify .grad", () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const x = tensor([3, 4]);
    const y = w.mul(x).sum();
    y.backward();
    const g = w.grad!;
    const opt = new AdamW([w], { lr: 0.1, amsgrad: true });
    opt.step();
    expect(() => y.backward()).toThrow(/modified in place/);
    expect(Array.from(g.data)).toEqual([3, 4]);
    const s = opt.state.get(w)!;
    expect([w.dtype, s.expAvg.dtype, s.expAvgSq.dtype, s.maxExpAvgSq!.dtype]).toEqual(["float32", "float32", "float32", "float32"]);
    expectClose(w.data, adamReference({ lr: 0.1, weightDecay: 0.01, amsgrad: true, decoupled: true }, 1, () => [3, 4], [1, 2])[0], 1e-6);
  });
});

describe("clipGradNorm: torch.nn.utils.clip_grad_norm_", () => {
  const setup = () => {
    const a = f64([3, -4, 1]);
    const b = f64([[2, -2], [0, 5]].flat());
    const c = f64([7]); // no gradient
    a.grad = f64([3, -4, 1], false);
    b.grad = f64([2, -2, 0, 5], false);
    return { a, b, c };
  };
  const sq = [3, -4, 1, 2, -2, 0, 5];
  const l2 = Math.sqrt(sq.reduce((s, x) => s + x * x, 0)); // √59

  it("returns the total 2-norm and scales every gradient by maxNorm / (total + 1e-6)", () => {
    const { a, b, c } = setup();
    const ga = a.grad!;
    const total = clipGradNorm([a, b, c], 2);
    expect(total).toBeCloseTo(l2, 13);
    const coef = 2 / (l2 + 1e-6);
    expectClose(a.grad!.data, [3, -4, 1].map((x) => x * coef), 1e-15);
    expectClose(b.grad!.data, [2, -2, 0, 5].map((x) => x * coef), 1e-15);
    expect(c.grad).toBeNull();
    // .grad was replaced by a new tensor; the old one is unchanged.
    expect(a.grad).not.toBe(ga);
    expect(Array.from(ga.data)).toEqual([3, -4, 1]);
    // The new total norm is maxNorm (to within the 1e-6).
    const after = Math.hypot(...a.grad!.data, ...b.grad!.data);
    expect(Math.abs(after - 2)).toBeLessThan(1e-6);
  });

  it("changes nothing when the total norm is under maxNorm", () => {
    const { a, b } = setup();
    const [ga, gb] = [a.grad, b.grad];
    expect(clipGradNorm([a, b], 10)).toBeCloseTo(l2, 13);
    expect(a.grad).toBe(ga);
    expect(b.grad).toBe(gb);
    expect(Array.from(a.grad!.data)).toEqual([3, -4, 1]);
  });

  it("other norm types: 1, 3 and Infinity", () => {
    const want: [number, number][] = [
      [1, sq.reduce((s, x) => s + Math.abs(x), 0)],
      [3, sq.reduce((s, x) => s + Math.abs(x) ** 3, 0) ** (1 / 3)],
      [Infinity, 5],
    ];
    for (const [p, total] of want) {
      const { a, b } = setup();
      expect(clipGradNorm([a, b], 1, p)).toBeCloseTo(total, 12);
      expectClose(a.grad!.data, [3, -4, 1].map((x) => x / (total + 1e-6)), 1e-14);
    }
  });

  it("accepts a Module or a single Tensor; returns 0 when nothing has a gradient", () => {
    const lin = new Linear(2, 1, { dtype: "float64" });
    expect(clipGradNorm(lin, 1)).toBe(0);
    lin.weight.grad = tensor([[6, 8]], { dtype: "float64" });
    expect(clipGradNorm(lin, 5)).toBeCloseTo(10, 14);
    expectClose(lin.weight.grad.data, [6 * 5 / (10 + 1e-6), 8 * 5 / (10 + 1e-6)], 1e-15);
    const t = f64([1]);
    t.grad = f64([-3], false);
    expect(clipGradNorm(t, 1)).toBe(3);
    expectClose(t.grad.data, [-3 / (3 + 1e-6)], 1e-15);
  });

  it("keeps each gradient's dtype and counts a repeated tensor once", () => {
    const w = tensor([0, 0], { requiresGrad: true });
    w.grad = tensor([3, 4]);
    expect(clipGradNorm([w, w], 1)).toBeCloseTo(5, 6);
    expect(w.grad.dtype).toBe("float32");
    expectClose(w.grad.data, [0.6, 0.8], 1e-6);
  });

  it("rejects bad arguments; errorIfNonfinite throws on a NaN norm and changes nothing", () => {
    const { a, b } = setup();
    expect(() => clipGradNorm([a, b], -1)).toThrow(/maxNorm must be a number >= 0/);
    expect(() => clipGradNorm([a, b], NaN)).toThrow(/maxNorm/);
    expect(() => clipGradNorm([a, b], 1, 0)).toThrow(/normType must be a number > 0/);
    expect(() => clipGradNorm([a, b], 1, 2, { errorIfNonFinite: true } as never)).toThrow(/unknown option/);
    b.grad = f64([NaN, 0, 0, 0], false);
    expect(() => clipGradNorm([a, b], 1, 2, { errorIfNonfinite: true })).toThrow(/NaN/);
    expect(Array.from(a.grad!.data)).toEqual([3, -4, 1]);
    // Without the flag, as PyTorch: the NaN spreads to every gradient.
    expect(clipGradNorm([a, b], 1)).toBeNaN();
    expect(Number.isNaN(a.grad!.data[0])).toBe(true);
  });
});

describe("training", () => {
  // y = x·[2, −3, 0.5] + 1, no noise: a Linear layer must recover the weights.
  const trueW = [2, -3, 0.5];
  const data = () => {
    manualSeed(1234);
    const x = randn([64, 3]);
    const y = x.matmul(tensor(trueW).reshape([3, 1])).add(1);
    return { x, y, model: new Linear(3, 1) };
  };

  it("SGD with momentum fits a linear regression", () => {
    const { x, y, model } = data();
    const opt = new SGD(model, { lr: 0.05, momentum: 0.9 });
    let loss = Infinity;
    for (let i = 0; i < 150; i++) {
      opt.zeroGrad();
      const l = model.forward(x).sub(y).square().mean();
      l.backward();
      clipGradNorm(model, 10);
      opt.step();
      loss = l.item();
    }
    expect(loss).toBeLessThan(1e-6);
    expectClose(model.weight.data, trueW, 1e-3);
    expectClose(model.bias!.data, [1], 1e-3);
  });

  it("Adam fits the same regression", () => {
    const { x, y, model } = data();
    const opt = new Adam(model.parameters(), { lr: 0.05 });
    for (let i = 0; i < 400; i++) {
      opt.zeroGrad();
      model.forward(x).sub(y).square().mean().backward();
      opt.step();
    }
    expectClose(model.weight.data, trueW, 2e-3);
    expectClose(model.bias!.data, [1], 2e-3);
  });
});
