/**
 * The nn foundation: Module discovery through fields, names, train/eval, zeroGrad; the layers
 * (Linear, Sequential, activations, Dropout); and the initializers' formulas and statistics.
 */
import { afterEach, describe, expect, it } from "vitest";
import { manualSeed, mul, noGrad, relu, setReluAtZero, tensor, zeros, type Tensor } from "@backprop/core";
import {
  Dropout, LeakyReLU, Linear, Module, ReLU, Sequential, Sigmoid, Softplus, Tanh, calculateGain, init,
} from "../src/index.js";

afterEach(() => setReluAtZero("left"));

const vals = (t: Tensor): number[] => Array.from(t.data);

function stats(t: Tensor): { mean: number; std: number; min: number; max: number } {
  const d = t.data;
  let s = 0, min = Infinity, max = -Infinity;
  for (const v of d) { s += v; min = Math.min(min, v); max = Math.max(max, v); }
  const mean = s / d.length;
  let ss = 0;
  for (const v of d) ss += (v - mean) ** 2;
  return { mean, std: Math.sqrt(ss / (d.length - 1)), min, max };
}

/** Set a parameter's values (in place, outside the graph). */
function setValues(t: Tensor, values: number[]): void {
  noGrad(() => t.copy_(tensor(values, { shape: t.shape.slice(), dtype: t.dtype })));
}

class Block extends Module {
  fc = new Linear(3, 4);
  act = new ReLU();
  forward(x: Tensor): Tensor {
    return this.act.forward(this.fc.forward(x));
  }
}

class Net extends Module {
  fc1 = new Linear(2, 3);
  layers = [new Linear(3, 3), new Linear(3, 3, { bias: false })];
  block = new Block();
  scale = tensor([1.5], { requiresGrad: true });
  running = zeros([3]); // a frozen buffer
  drop = new Dropout(0.5);
  label = "not a tensor";
  forward(x: Tensor): Tensor {
    let h = relu(this.fc1.forward(x));
    for (const l of this.layers) h = relu(l.forward(h));
    return this.block.forward(h).mul(this.scale);
  }
}

describe("Module: discovery through fields", () => {
  it("finds nested modules, arrays of modules and tensor fields, with dotted names in field order", () => {
    const net = new Net();
    expect(net.namedParameters().map(([n]) => n)).toEqual([
      "fc1.weight", "fc1.bias", "layers.0.weight", "layers.0.bias", "layers.1.weight",
      "block.fc.weight", "block.fc.bias", "scale",
    ]);
    const named = new Map(net.namedParameters());
    expect(named.get("fc1.weight")).toBe(net.fc1.weight);
    expect(named.get("layers.0.bias")).toBe(net.layers[0].bias);
    expect(named.get("block.fc.weight")).toBe(net.block.fc.weight);
    expect(named.get("scale")).toBe(net.scale);
    expect(net.parameters()).toEqual(net.namedParameters().map(([, t]) => t));
    expect(net.parameters()).toHaveLength(8);
  });

  it("frozen tensors (requiresGrad false) are in the state dict but not in parameters()", () => {
    const net = new Net();
    expect(net.parameters()).not.toContain(net.running);
    expect(net.namedTensors().map(([n]) => n)).toContain("running");
    expect(Object.keys(net.stateDict())).toContain("running");
    net.scale.requiresGrad = false; // freezing a parameter takes it out of parameters()
    expect(net.parameters()).not.toContain(net.scale);
    expect(Object.keys(net.stateDict())).toContain("scale");
  });

  it("lists a tensor shared by two fields once, under its first name", () => {
    class Tied extends Module {
      enc = new Linear(4, 4);
      dec = new Linear(4, 4);
      constructor() {
        super();
        this.dec.weight = this.enc.weight;
      }
      forward(x: Tensor) { return this.dec.forward(this.enc.forward(x)); }
    }
    const m = new Tied();
    expect(m.namedParameters().map(([n]) => n)).toEqual(["enc.weight", "enc.bias", "dec.bias"]);
    expect(Object.keys(m.stateDict())).toEqual(["enc.weight", "enc.bias", "dec.bias"]);
  });

  it("lists a module shared by two fields once", () => {
    class Shared extends Module {
      a = new Linear(2, 2);
      b = this.a;
      list = [this.a];
      forward(x: Tensor) { return this.b.forward(this.a.forward(x)); }
    }
    const m = new Shared();
    expect(m.namedParameters().map(([n]) => n)).toEqual(["a.weight", "a.bias"]);
    expect(m.namedModules().map(([n]) => n)).toEqual(["", "a"]);
  });

  it("does not hang on cycles (a child pointing back at its parent, an array holding itself)", () => {
    class Child extends Module {
      fc = new Linear(2, 2);
      parent: Module | null = null;
      forward(x: Tensor) { return this.fc.forward(x); }
    }
    class Parent extends Module {
      child = new Child();
      self = this;
      loop: unknown[] = [];
      constructor() {
        super();
        this.child.parent = this;
        this.loop.push(this.loop, this.child);
      }
      forward(x: Tensor) { return this.child.forward(x); }
    }
    const p = new Parent();
    expect(p.namedParameters().map(([n]) => n)).toEqual(["child.fc.weight", "child.fc.bias"]);
    expect(p.namedModules().map(([n]) => n)).toEqual(["", "child", "child.fc"]);
    p.eval();
    expect(p.child.fc.training).toBe(false);
  });

  it("Sequential names its modules 0, 1, … as PyTorch, also when nested", () => {
    const seq = new Sequential(new Linear(2, 4), new ReLU(), new Linear(4, 1));
    expect(seq.namedParameters().map(([n]) => n)).toEqual(["0.weight", "0.bias", "2.weight", "2.bias"]);
    class Wrap extends Module {
      net = seq;
      forward(x: Tensor) { return this.net.forward(x); }
    }
    expect(new Wrap().namedParameters().map(([n]) => n)).toEqual(["net.0.weight", "net.0.bias", "net.2.weight", "net.2.bias"]);
    expect(seq.length).toBe(3);
    expect([...seq]).toEqual([seq[0], seq[1], seq[2]]);
    expect(() => new Sequential(new Linear(1, 1), {} as Module)).toThrow(/argument 1 is not a Module/);
  });

  it("namedModules lists every module with its dotted name", () => {
    expect(new Net().namedModules().map(([n]) => n)).toEqual(["", "fc1", "layers.0", "layers.1", "block", "block.fc", "block.act", "drop"]);
  });
});

describe("Module: train/eval, zeroGrad", () => {
  it("train(false)/eval() and train() reach every module, in arrays and Sequentials too", () => {
    const net = new Net();
    const seq = new Sequential(new Dropout(), new Sequential(new Dropout()));
    expect(net.training).toBe(true);
    expect(net.eval()).toBe(net);
    for (const [, m] of net.namedModules()) expect(m.training).toBe(false);
    expect(net.layers[1].training).toBe(false);
    net.train();
    for (const [, m] of net.namedModules()) expect(m.training).toBe(true);
    net.train(false);
    expect(net.block.act.training).toBe(false);
    seq.eval();
    expect((seq[1] as Sequential)[0].training).toBe(false);
    expect(() => net.train("yes" as unknown as boolean)).toThrow(/mode must be a boolean/);
  });

  it("zeroGrad clears every parameter's gradient", () => {
    const net = new Net();
    net.forward(tensor([[1, -2], [0.5, 3]])).sum().backward();
    expect(net.parameters().every((p) => p.grad !== null)).toBe(true);
    net.zeroGrad();
    expect(net.parameters().map((p) => p.grad)).toEqual(net.parameters().map(() => null));
  });
});

describe("Linear", () => {
  it("has weight [out, in] and bias [out], both parameters", () => {
    const l = new Linear(5, 3);
    expect(l.weight.shape).toEqual([3, 5]);
    expect(l.bias!.shape).toEqual([3]);
    expect(l.weight.requiresGrad && l.bias!.requiresGrad).toBe(true);
    expect(l.weight.dtype).toBe("float32");
    expect(new Linear(2, 2, { dtype: "float64" }).weight.dtype).toBe("float64");
  });

  it("computes y = x·Wᵀ + b (PyTorch layout) for 1-D, 2-D and batched inputs", () => {
    const l = new Linear(3, 2);
    setValues(l.weight, [1, 2, 3, -1, 0, 4]); // rows: outputs
    setValues(l.bias!, [0.5, -2]);
    const y = l.forward(tensor([[1, 1, 1], [2, 0, -1]]));
    expect(y.shape).toEqual([2, 2]);
    expect(y.toArray()).toEqual([[6.5, 1], [-0.5, -8]]);
    expect(l.forward(tensor([1, 1, 1])).toArray()).toEqual([6.5, 1]);
    expect(l.forward(zeros([4, 5, 3])).shape).toEqual([4, 5, 2]);
  });

  it("backward: dW = gᵀ·x, db = Σ rows of g", () => {
    const l = new Linear(2, 2);
    l.forward(tensor([[1, 2], [3, 4], [5, 6]])).sum().backward();
    expect(l.weight.grad!.toArray()).toEqual([[9, 12], [9, 12]]);
    expect(l.bias!.grad!.toArray()).toEqual([3, 3]);
  });

  it("bias: false has no bias parameter and computes x·Wᵀ", () => {
    const l = new Linear(2, 1, { bias: false });
    expect(l.bias).toBeNull();
    expect(l.namedParameters().map(([n]) => n)).toEqual(["weight"]);
    setValues(l.weight, [2, -3]);
    expect(l.forward(tensor([[1, 1]])).toArray()).toEqual([[-1]]);
  });

  it("default init: weight and bias uniform in ±1/√in (PyTorch's default)", () => {
    manualSeed(0);
    const l = new Linear(64, 512);
    const bound = 1 / 8;
    const w = stats(l.weight);
    expect(w.max).toBeLessThanOrEqual(bound);
    expect(w.min).toBeGreaterThanOrEqual(-bound);
    expect(w.max).toBeGreaterThan(0.99 * bound);
    expect(w.min).toBeLessThan(-0.99 * bound);
    expect(Math.abs(w.mean)).toBeLessThan(0.003);
    expect(w.std).toBeGreaterThan((bound / Math.sqrt(3)) * 0.98); // a uniform's std
    expect(w.std).toBeLessThan((bound / Math.sqrt(3)) * 1.02);
    const b = stats(l.bias!);
    expect(b.max).toBeLessThanOrEqual(bound);
    expect(b.min).toBeGreaterThanOrEqual(-bound);
    expect(b.max - b.min).toBeGreaterThan(1.9 * bound);
    // roughly uniform: each quarter of the range holds about a quarter of the weights
    const quarters = [0, 0, 0, 0];
    for (const v of l.weight.data) quarters[Math.min(3, Math.floor(((v + bound) / (2 * bound)) * 4))]++;
    for (const q of quarters) expect(Math.abs(q / l.weight.size - 0.25)).toBeLessThan(0.01);
  });

  it("is seeded: manualSeed gives the same weights", () => {
    manualSeed(3);
    const a = new Linear(4, 4);
    manualSeed(3);
    const b = new Linear(4, 4);
    manualSeed(4);
    const c = new Linear(4, 4);
    expect(vals(b.weight)).toEqual(vals(a.weight));
    expect(vals(c.weight)).not.toEqual(vals(a.weight));
  });

  it("in = 0 (finding 5): weight [3, 0], bias bound 0 as PyTorch; forward of [5, 0] is the bias broadcast to [5, 3]", () => {
    const l = new Linear(0, 3);
    expect(l.weight.shape).toEqual([3, 0]);
    expect(vals(l.bias!)).toEqual([0, 0, 0]); // U(−0, 0): PyTorch's bound is 0 when fan_in is 0
    setValues(l.bias!, [1, -2, 0.5]);
    const y = l.forward(zeros([5, 0]));
    expect(y.shape).toEqual([5, 3]);
    expect(y.toArray()).toEqual(Array.from({ length: 5 }, () => [1, -2, 0.5]));
    y.sum().backward();
    expect(vals(l.bias!.grad!)).toEqual([5, 5, 5]);
    expect(l.weight.grad!.shape).toEqual([3, 0]);
    const noBias = new Linear(0, 2, { bias: false, dtype: "float64" });
    expect(noBias.forward(zeros([4, 0], { dtype: "float64" })).toArray()).toEqual([[0, 0], [0, 0], [0, 0], [0, 0]]);
  });

  it("out = 0 gives an empty output [n, 0]", () => {
    const l = new Linear(3, 0);
    expect(l.forward(zeros([4, 3])).shape).toEqual([4, 0]);
  });

  it("rejects bad sizes and unknown options", () => {
    expect(() => new Linear(-1, 2)).toThrow(/inFeatures must be a non-negative integer/);
    expect(() => new Linear(2, 1.5)).toThrow(/outFeatures must be a non-negative integer/);
    expect(() => new Linear(2, 2, { bais: false } as object)).toThrow(/unknown option "bais"/);
  });
});

describe("Sequential", () => {
  it("applies its modules in order", () => {
    const a = new Linear(2, 3), b = new Linear(3, 1);
    const seq = new Sequential(a, new ReLU(), b);
    const x = tensor([[1, -1], [0.5, 2]]);
    expect(vals(seq.forward(x))).toEqual(vals(b.forward(relu(a.forward(x)))));
    expect(vals(new Sequential().forward(x))).toEqual(vals(x));
  });
});

/** d(sum f(x))/dx at the given points. */
function gradAt(m: Module, xs: number[]): number[] {
  const x = tensor(xs, { dtype: "float64", requiresGrad: true });
  m.forward(x).sum().backward();
  return vals(x.grad!);
}

describe("activations", () => {
  it("ReLU: values, and the gradient at exactly 0 per atZero (default: the global setting)", () => {
    expect(vals(new ReLU().forward(tensor([-2, 0, 3])))).toEqual([0, 0, 3]);
    expect(gradAt(new ReLU(), [-1, 0, 1])).toEqual([0, 0, 1]);
    expect(gradAt(new ReLU({ atZero: "left" }), [0])).toEqual([0]);
    expect(gradAt(new ReLU({ atZero: "right" }), [-1, 0, 1])).toEqual([0, 1, 1]);
    setReluAtZero("right");
    expect(gradAt(new ReLU(), [0])).toEqual([1]);
    expect(gradAt(new ReLU({ atZero: "left" }), [0])).toEqual([0]); // per-module beats global
  });

  it("LeakyReLU: slope·x below 0, gradient at 0 = slope (left) or 1 (right)", () => {
    expect(vals(new LeakyReLU(0.2).forward(tensor([-2, 0, 3], { dtype: "float64" })))).toEqual([-0.4, 0, 3]);
    expect(new LeakyReLU().slope).toBe(0.01);
    expect(gradAt(new LeakyReLU(0.2), [-1, 0, 1])).toEqual([0.2, 0.2, 1]);
    expect(gradAt(new LeakyReLU(0.2, { atZero: "right" }), [0])).toEqual([1]);
    setReluAtZero("right");
    expect(gradAt(new LeakyReLU(0.2), [0])).toEqual([1]);
    expect(gradAt(new LeakyReLU(0.2, { atZero: "left" }), [0])).toEqual([0.2]);
  });

  it("rejects bad kink options when the module is built", () => {
    expect(() => new ReLU({ atZero: "middle" as "left" })).toThrow(/atZero must be "left".*or "right"/);
    expect(() => new ReLU({ side: "left" } as object)).toThrow(/unknown option "side"/);
    expect(() => new LeakyReLU(NaN)).toThrow(/slope must be a finite number/);
    expect(() => new LeakyReLU(0.1, { atZero: 1 as unknown as "left" })).toThrow(/atZero/);
  });

  it("Softplus: (1/β)·log(1 + e^(βx)), linear where βx > threshold; gradient σ(βx)", () => {
    const x = [-2, 0, 3];
    const sp = (v: number, beta = 1) => Math.log1p(Math.exp(beta * v)) / beta;
    const out = (m: Module) => vals(m.forward(tensor(x, { dtype: "float64" })));
    out(new Softplus()).forEach((v, i) => expect(v).toBeCloseTo(sp(x[i]), 12));
    out(new Softplus({ beta: 2 })).forEach((v, i) => expect(v).toBeCloseTo(sp(x[i], 2), 12));
    expect(out(new Softplus({ threshold: 1 }))[2]).toBe(3); // 3 > 1: exactly x
    expect(out(new Softplus({ beta: 2, threshold: 5 }))[2]).toBe(3); // 6 > 5
    expect(out(new Softplus({ beta: 2, threshold: 7 }))[2]).toBeCloseTo(sp(3, 2), 12);
    gradAt(new Softplus({ beta: 2 }), x).forEach((g, i) => expect(g).toBeCloseTo(1 / (1 + Math.exp(-2 * x[i])), 12));
    expect(gradAt(new Softplus({ threshold: 1 }), [3])).toEqual([1]);
    expect(() => new Softplus({ bta: 1 } as object)).toThrow(/unknown option "bta"/);
  });

  it("Sigmoid and Tanh", () => {
    const x = [-1, 0, 2];
    vals(new Sigmoid().forward(tensor(x, { dtype: "float64" }))).forEach((v, i) => expect(v).toBeCloseTo(1 / (1 + Math.exp(-x[i])), 14));
    vals(new Tanh().forward(tensor(x, { dtype: "float64" }))).forEach((v, i) => expect(v).toBeCloseTo(Math.tanh(x[i]), 14));
  });
});

describe("Dropout", () => {
  const N = 20000;

  it("zeroes a fraction ≈ p and scales the survivors by exactly 1/(1−p)", () => {
    manualSeed(1);
    for (const p of [0.1, 0.5, 0.8]) {
      const x = tensor(Array.from({ length: N }, (_, i) => 1 + (i % 7)), { dtype: "float64" });
      const y = new Dropout(p).forward(x);
      let zeroed = 0, worst = 0;
      y.data.forEach((v, i) => {
        if (v === 0) zeroed++;
        else worst = Math.max(worst, Math.abs(v - x.data[i] / (1 - p)));
      });
      expect(worst).toBeLessThan(1e-12);
      expect(Math.abs(zeroed / N - p)).toBeLessThan(0.015); // sd ≤ 0.0036
    }
  });

  it("keeps the mean (inverted dropout)", () => {
    manualSeed(2);
    const y = new Dropout(0.3).forward(tensor(new Float64Array(N).fill(2)));
    expect(stats(y).mean).toBeGreaterThan(1.95);
    expect(stats(y).mean).toBeLessThan(2.05);
  });

  it("is seeded: the same seed gives the same mask, another seed a different one", () => {
    const x = tensor(new Float32Array(1000).fill(1));
    manualSeed(7);
    const a = vals(new Dropout(0.5).forward(x));
    manualSeed(7);
    const b = vals(new Dropout(0.5).forward(x));
    manualSeed(8);
    const c = vals(new Dropout(0.5).forward(x));
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    // a second call draws a fresh mask
    manualSeed(7);
    const d = new Dropout(0.5);
    d.forward(x);
    expect(vals(d.forward(x))).not.toEqual(a);
  });

  it("is the identity in eval mode", () => {
    const x = tensor([1, -2, 3, 4]);
    const d = new Dropout(0.9).eval();
    expect(vals(d.forward(x))).toEqual([1, -2, 3, 4]);
    const net = new Sequential(new Linear(4, 4), new Dropout(0.99));
    net.eval();
    const a = vals(net.forward(x)), b = vals(net.forward(x));
    expect(a).toEqual(b);
    expect(a.every((v) => v !== 0)).toBe(true);
  });

  it("p = 0 is the identity in training; p = 1 zeroes everything (and its gradient)", () => {
    const x = tensor([1, -2, 3], { requiresGrad: true });
    expect(vals(new Dropout(0).forward(x))).toEqual([1, -2, 3]);
    const y = new Dropout(1).forward(x);
    expect(vals(y).every((v) => v === 0)).toBe(true); // x·0, as PyTorch (−0 for negative x)
    y.sum().backward();
    expect(vals(x.grad!)).toEqual([0, 0, 0]);
  });

  it("the gradient flows through the mask: 1/(1−p) where kept, 0 where dropped", () => {
    manualSeed(4);
    const x = tensor(new Float64Array(200).fill(1), { requiresGrad: true });
    const y = new Dropout(0.25).forward(x);
    mul(y, 3).sum().backward();
    y.data.forEach((v, i) => expect(x.grad!.data[i]).toBeCloseTo(v === 0 ? 0 : 3 / 0.75, 12));
    expect(vals(x.grad!).some((g) => g === 0)).toBe(true);
  });

  it("rejects p outside [0, 1]", () => {
    for (const p of [-0.1, 1.5, NaN, "0.5"]) expect(() => new Dropout(p as number)).toThrow(/p must be a probability in \[0, 1\]/);
  });
});

describe("init: gains and formulas", () => {
  it("calculateGain: PyTorch's values", () => {
    expect(calculateGain("linear")).toBe(1);
    expect(calculateGain("sigmoid")).toBe(1);
    expect(calculateGain("tanh")).toBeCloseTo(5 / 3, 15);
    expect(calculateGain("relu")).toBeCloseTo(Math.SQRT2, 15);
    expect(calculateGain("leaky_relu")).toBeCloseTo(Math.sqrt(2 / (1 + 0.01 ** 2)), 15);
    expect(calculateGain("leaky_relu", 0.2)).toBeCloseTo(Math.sqrt(2 / 1.04), 15);
    expect(calculateGain("leaky_relu", 0)).toBeCloseTo(Math.SQRT2, 15);
    expect(() => calculateGain("gelu" as "relu")).toThrow(/unknown nonlinearity "gelu"/);
  });

  // [out, in] = [128, 512]: fan_in 512, fan_out 128 (65 536 values: sample std within ~0.3%).
  const W = () => zeros([128, 512]);
  const fanIn = 512, fanOut = 128;

  it.each([
    [{}, Math.SQRT2 / Math.sqrt(fanIn)], // defaults: a = 0, fan_in, leaky_relu → gain √2
    [{ mode: "fan_out" as const }, Math.SQRT2 / Math.sqrt(fanOut)],
    [{ nonlinearity: "relu" as const }, Math.SQRT2 / Math.sqrt(fanIn)],
    [{ nonlinearity: "tanh" as const }, 5 / 3 / Math.sqrt(fanIn)],
    [{ nonlinearity: "linear" as const, mode: "fan_out" as const }, 1 / Math.sqrt(fanOut)],
    [{ nonlinearity: "sigmoid" as const }, 1 / Math.sqrt(fanIn)],
    [{ a: 0.2 }, Math.sqrt(2 / 1.04) / Math.sqrt(fanIn)],
    [{ a: Math.sqrt(5) }, Math.sqrt(2 / 6) / Math.sqrt(fanIn)], // PyTorch's Linear default
  ])("kaimingUniform / kaimingNormal %j: bound √3·std, std = gain/√fan", (opts, std) => {
    manualSeed(0);
    const u = stats(init.kaimingUniform(W(), opts));
    const bound = Math.sqrt(3) * std;
    expect(u.max).toBeLessThanOrEqual(bound);
    expect(u.min).toBeGreaterThanOrEqual(-bound);
    expect(u.max).toBeGreaterThan(0.999 * bound);
    expect(u.min).toBeLessThan(-0.999 * bound);
    expect(u.std / std).toBeGreaterThan(0.98);
    expect(u.std / std).toBeLessThan(1.02);
    const n = stats(init.kaimingNormal(W(), opts));
    expect(Math.abs(n.mean)).toBeLessThan(0.02 * std);
    expect(n.std / std).toBeGreaterThan(0.98);
    expect(n.std / std).toBeLessThan(1.02);
  });

  it("fans of a conv-shaped weight [out, in, kh, kw] multiply by the kernel size", () => {
    manualSeed(1);
    const t = zeros([64, 32, 3, 3]); // fan_in 288, fan_out 576
    const std = (x: Tensor) => stats(x).std;
    expect(std(init.kaimingNormal(t, { nonlinearity: "linear" })) * Math.sqrt(288)).toBeCloseTo(1, 1);
    expect(std(init.kaimingNormal(t, { nonlinearity: "linear", mode: "fan_out" })) * Math.sqrt(576)).toBeCloseTo(1, 1);
    expect(stats(init.xavierUniform(t)).max).toBeLessThanOrEqual(Math.sqrt(6 / (288 + 576)));
  });

  it("xavierUniform / xavierNormal on 512×512: bound gain·√(6/(in+out)), std gain·√(2/(in+out))", () => {
    manualSeed(2);
    for (const gain of [1, 5 / 3]) {
      const std = gain * Math.sqrt(2 / 1024);
      const bound = gain * Math.sqrt(6 / 1024);
      const u = stats(init.xavierUniform(zeros([512, 512]), { gain }));
      expect(u.max).toBeLessThanOrEqual(bound);
      expect(u.min).toBeGreaterThanOrEqual(-bound);
      expect(u.max).toBeGreaterThan(0.999 * bound);
      expect(u.std / std).toBeGreaterThan(0.98);
      expect(u.std / std).toBeLessThan(1.02);
      const n = stats(init.xavierNormal(zeros([512, 512]), { gain }));
      expect(Math.abs(n.mean)).toBeLessThan(0.01 * std);
      expect(n.std / std).toBeGreaterThan(0.98);
      expect(n.std / std).toBeLessThan(1.02);
    }
    // xavier uses both fans: [100, 300] → √(2/400)
    manualSeed(3);
    expect(stats(init.xavierNormal(zeros([300, 100]))).std / Math.sqrt(2 / 400)).toBeCloseTo(1, 1);
  });

  it("uniform, normal, constant, zeros, ones", () => {
    manualSeed(5);
    const u = stats(init.uniform(zeros([100000]), -2, 3));
    expect(u.min).toBeGreaterThanOrEqual(-2);
    expect(u.max).toBeLessThan(3);
    expect(u.mean).toBeCloseTo(0.5, 1);
    expect(u.std / (5 / Math.sqrt(12))).toBeCloseTo(1, 1);
    const u01 = stats(init.uniform(zeros([10000])));
    expect(u01.min).toBeGreaterThanOrEqual(0);
    expect(u01.max).toBeLessThan(1);
    expect(u01.mean).toBeCloseTo(0.5, 1);
    const uo = stats(init.uniform(zeros([10000]), { a: 5, b: 6 }));
    expect(uo.min).toBeGreaterThanOrEqual(5);
    expect(uo.max).toBeLessThan(6);
    const n = stats(init.normal(zeros([100000], { dtype: "float64" }), 3, 0.5));
    expect(n.mean).toBeCloseTo(3, 2);
    expect(n.std / 0.5).toBeCloseTo(1, 1);
    const n01 = stats(init.normal(zeros([100000])));
    expect(n01.std).toBeCloseTo(1, 1);
    expect(stats(init.normal(zeros([100000]), { mean: -1, std: 2 })).mean).toBeCloseTo(-1, 1);
    expect(vals(init.constant(zeros([3]), 2.5))).toEqual([2.5, 2.5, 2.5]);
    expect(vals(init.zeros(tensor([1, 2])))).toEqual([0, 0]);
    expect(vals(init.ones(zeros([2])))).toEqual([1, 1]);
  });

  it("is seeded and keeps the dtype", () => {
    manualSeed(9);
    const a = vals(init.kaimingUniform(zeros([4, 4], { dtype: "float64" })));
    manualSeed(9);
    const t = init.kaimingUniform(zeros([4, 4], { dtype: "float64" }));
    expect(t.dtype).toBe("float64");
    expect(vals(t)).toEqual(a);
  });
});

describe("init: in place on parameters", () => {
  it("fills a requiresGrad parameter in place (no noGrad needed) and returns it, still a leaf parameter", () => {
    const p = zeros([3, 4], { requiresGrad: true });
    const r = init.normal(p, 0, 1);
    expect(r).toBe(p);
    expect(vals(p).every((v) => v !== 0)).toBe(true);
    expect(p.requiresGrad).toBe(true);
    expect(p.isLeaf).toBe(true);
    const l = new Linear(4, 4);
    init.constant(l.weight, 0.25);
    expect(vals(l.weight).every((v) => v === 0.25)).toBe(true);
  });

  it("bumps the version counter, so backward through a graph that saved the old values throws", () => {
    const w = tensor([1, 2, 3], { requiresGrad: true });
    const before = w._version.n;
    const y = mul(w, w).sum(); // mul saves w
    init.uniform(w, -1, 1);
    expect(w._version.n).toBeGreaterThan(before);
    expect(() => y.backward()).toThrow();
    // a fresh forward after init is fine
    const w2 = tensor([1, 2], { requiresGrad: true });
    init.constant(w2, 3);
    mul(w2, w2).sum().backward();
    expect(vals(w2.grad!)).toEqual([6, 6]);
  });
});

describe("init: zero-element tensors are left as they are (PyTorch: a no-op)", () => {
  it("every initializer returns the tensor unchanged, draws nothing and does not count a write", () => {
    const fs = [
      init.kaimingUniform, init.kaimingNormal, init.xavierUniform, init.xavierNormal,
      (t: Tensor) => init.uniform(t, -1, 1), (t: Tensor) => init.normal(t), (t: Tensor) => init.constant(t, 2),
    ];
    for (const shape of [[0, 3], [3, 0], [0, 0], [2, 0, 3]]) {
      for (const f of fs) {
        manualSeed(5);
        const t = zeros(shape);
        expect(f(t)).toBe(t);
        expect(t.shape).toEqual(shape);
        const next = init.uniform(zeros([1]));
        manualSeed(5);
        expect(vals(next)).toEqual(vals(init.uniform(zeros([1])))); // the generator did not move
      }
    }
    // fan_out 0 too (the case that used to divide by zero)
    expect(init.kaimingUniform(zeros([0, 3]), { mode: "fan_out" }).size).toBe(0);
  });

  it("options are still checked on a zero-element tensor", () => {
    expect(() => init.kaimingUniform(zeros([0, 3]), { mod: "fan_in" } as object)).toThrow(/unknown option "mod"/);
    expect(() => init.xavierNormal(zeros([3, 0]), { gain: NaN })).toThrow(/gain must be a finite number/);
    expect(() => init.kaimingNormal(zeros([0]))).toThrow(/fewer than 2 dimensions/);
  });
});

describe("init: errors", () => {
  it("fan-based initializers need at least 2 dimensions", () => {
    for (const f of [init.kaimingUniform, init.kaimingNormal, init.xavierUniform, init.xavierNormal]) {
      expect(() => f(zeros([5]))).toThrow(/fewer than 2 dimensions \(shape \[5\]\)/);
      expect(() => f(tensor(1))).toThrow(/fewer than 2 dimensions/);
    }
  });

  it("unknown or bad options are errors", () => {
    expect(() => init.kaimingUniform(zeros([2, 2]), { mod: "fan_in" } as object)).toThrow(/unknown option "mod"/);
    expect(() => init.kaimingNormal(zeros([2, 2]), { mode: "fan_avg" as "fan_in" })).toThrow(/mode must be "fan_in" or "fan_out"/);
    expect(() => init.kaimingNormal(zeros([2, 2]), { nonlinearity: "gelu" as "relu" })).toThrow(/unknown nonlinearity "gelu"/);
    expect(() => init.xavierUniform(zeros([2, 2]), { gian: 1 } as object)).toThrow(/unknown option "gian"/);
    expect(() => init.xavierNormal(zeros([2, 2]), { gain: NaN })).toThrow(/gain must be a finite number/);
    expect(() => init.uniform(zeros([2]), 3, 1)).toThrow(/a ≤ b/);
    expect(() => init.uniform(zeros([2]), { lo: 0 } as object)).toThrow(/unknown option "lo"/);
    expect(() => init.normal(zeros([2]), 0, -1)).toThrow(/std a finite number ≥ 0/);
    expect(() => init.normal(zeros([2]), { mean: 0, sd: 1 } as object)).toThrow(/unknown option "sd"/);
    expect(() => init.constant(zeros([2]), "1" as unknown as number)).toThrow(/value must be a number/);
    expect(() => init.normal([1, 2] as unknown as Tensor)).toThrow(/expected a Tensor/);
  });
});
