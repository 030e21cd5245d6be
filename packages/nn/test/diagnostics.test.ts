import { describe, expect, it } from "vitest";
import { manualSeed, noGrad, randn, sigmoid, tanh, tensor, type Tensor } from "@backprop/core";
import {
  bceWithLogits, deadUnits, Diagnostics, formatReport, LeakyReLU, Linear, Module, mse, ReLU, saturation, Sequential, SGD, Sigmoid,
  signAgreement, Tanh, updateAngle,
} from "../src/index.js";

const f64 = (v: number[][] | number[], requiresGrad = false) => tensor(v, { dtype: "float64", requiresGrad });

/** A float64 Linear with the given weight rows and bias. */
function linear(w: number[][], b: number[] | null = null): Linear {
  const l = new Linear(w[0].length, w.length, { dtype: "float64", bias: b !== null });
  noGrad(() => {
    l.weight.copy_(f64(w));
    if (b !== null) l.bias!.copy_(f64(b));
  });
  return l;
}

function setWeight(l: Linear, w: number[][]): void {
  noGrad(() => l.weight.copy_(f64(w)));
}

const sig = (z: number) => 1 / (1 + Math.exp(-z));

// ---------------------------------------------------------------------------------------------

describe("deadUnits (pure)", () => {
  it("a unit is a column that is never positive", () => {
    const r = deadUnits(f64([[0, 1, 0, 0], [0, 2, 0, 3]]));
    expect(r.dead).toEqual([true, false, true, false]);
    expect(r.fraction).toBe(0.5);
  });

  it("leading axes are examples; negative values (LeakyReLU) count as inactive", () => {
    const a = tensor([-0.01, 0, 0.5, -0.02, 0, 0, -1, 0, 0, 0, 0, 2], { shape: [2, 2, 3] });
    const r = deadUnits(a);
    expect(r.dead).toEqual([true, true, false]);
    expect(r.fraction).toBeCloseTo(2 / 3, 15);
  });

  it("rejects a batch with no examples", () => {
    expect(() => deadUnits(tensor([], { shape: [0, 3] }))).toThrow(/no examples/);
  });
});

describe("dead units, monitored", () => {
  it("Linear + ReLU with exactly 2 of 5 units dead on a batch: fraction 2/5, units 1 and 3", () => {
    // x has positive entries, so a unit with non-positive weights and bias never fires.
    const model = new Sequential(linear([[1, 0], [-1, -1], [0, 1], [-2, 0.5], [1, 1]], [0, 0, 0, -3, -1]), new ReLU());
    const diag = new Diagnostics(model);
    const x = f64([[1, 2], [3, 1], [0.5, 0.5]]);
    const out = model.forward(x);
    // Unit 3: −2x₁ + 0.5x₂ − 3 < 0 for all rows; unit 4: x₁ + x₂ − 1 > 0 for rows 0 and 1.
    expect(deadUnits(out).dead).toEqual([false, true, false, true, false]);
    const r = diag.step();
    expect(r.step).toBe(1);
    expect(r.dead).toEqual([{ layer: "1", kind: "relu", fraction: 0.4, units: [1, 3], total: 5 }]);
    // The next step saw no forward: null, not a stale value.
    expect(diag.step().dead[0]).toMatchObject({ fraction: null, units: [] });
  });

  it("over an epoch a unit active in only one batch is not dead; endEpoch resets", () => {
    // unit 0 fires for x > 0, unit 1 for x < 0, unit 2 never.
    const model = new Sequential(linear([[1], [-1], [0]], [0, 0, -1]), new ReLU());
    const diag = new Diagnostics(model);
    model.forward(f64([[1], [2]]));
    expect(diag.step().dead[0].units).toEqual([1, 2]);
    model.forward(f64([[-1]]));
    expect(diag.step().dead[0].units).toEqual([0, 2]);
    const e = diag.endEpoch();
    expect(e.epoch).toBe(1);
    expect(e.dead).toEqual([{ layer: "1", kind: "relu", fraction: 1 / 3, units: [2], total: 3 }]);
    expect(diag.endEpoch().dead[0].fraction).toBeNull(); // nothing recorded since
    model.forward(f64([[1], [2]]));
    expect(diag.endEpoch().dead[0]).toMatchObject({ fraction: 2 / 3, units: [1, 2] });
  });

  it("several forwards before one step() accumulate (gradient accumulation)", () => {
    const model = new Sequential(linear([[1], [-1], [0]], [0, 0, -1]), new ReLU());
    const diag = new Diagnostics(model);
    model.forward(f64([[1]]));
    model.forward(f64([[-1]]));
    expect(diag.step().dead[0].units).toEqual([2]);
  });

  it("LeakyReLU units on the negative side for every example are reported", () => {
    const model = new Sequential(linear([[1], [-1]]), new LeakyReLU(0.1));
    const diag = new Diagnostics(model);
    model.forward(f64([[1], [3]]));
    expect(diag.step().dead).toEqual([{ layer: "1", kind: "leakyRelu", fraction: 0.5, units: [1], total: 2 }]);
  });

  it("a shared activation module is one layer per call site", () => {
    class Net extends Module {
      fc1 = linear([[1], [-1]]);
      fc2 = linear([[1, 1], [-1, -1], [0, 0]]);
      act = new ReLU();
      forward(x: Tensor): Tensor {
        return this.act.forward(this.fc2.forward(this.act.forward(this.fc1.forward(x))));
      }
    }
    const net = new Net();
    const diag = new Diagnostics(net);
    net.forward(f64([[2]])); // h1 = [2, 0] → h2 = relu([2, −2, 0]) = [2, 0, 0]
    net.forward(f64([[3]]));
    expect(diag.step().dead).toEqual([
      { layer: "act", kind: "relu", fraction: 0.5, units: [1], total: 2 },
      { layer: "act#2", kind: "relu", fraction: 2 / 3, units: [1, 2], total: 3 },
    ]);
  });

  it("forwards under noGrad are skipped by default and recorded with recordNoGrad", () => {
    const make = () => new Sequential(linear([[1], [-1]]), new ReLU());
    const m1 = make();
    const d1 = new Diagnostics(m1);
    noGrad(() => m1.forward(f64([[1]])));
    expect(d1.step().dead[0].fraction).toBeNull();
    const m2 = make();
    const d2 = new Diagnostics(m2, { recordNoGrad: true });
    noGrad(() => m2.forward(f64([[1]])));
    expect(d2.step().dead[0].fraction).toBe(0.5);
  });
});

// ---------------------------------------------------------------------------------------------

describe("saturation", () => {
  it("sigmoid: exact fraction within eps of 0 and 1, the boundary included", () => {
    const y = f64([0, 0.005, 0.01, 0.0100001, 0.5, 0.9899999, 0.99, 1]);
    expect(saturation(y, "sigmoid")).toBe(5 / 8); // 0, 0.005, 0.01 | 0.99, 1
    expect(saturation(y, "sigmoid", 0.001)).toBe(2 / 8); // 0 and 1 only
    expect(saturation(y, "sigmoid", 0.5)).toBe(1);
  });

  it("tanh: the ends are −1 and 1", () => {
    const y = f64([-1, -0.995, -0.99, -0.9899999, 0, 0.01, 0.98, 0.99, 1, 0.005]);
    expect(saturation(y, "tanh")).toBe(5 / 10); // −1, −0.995, −0.99 | 0.99, 1 (0.01 and 0.005 are mid-range)
    expect(saturation(y, "sigmoid")).toBe(9 / 10); // the same values read as sigmoid outputs: all but 0.98 are ≤ 0.01 or ≥ 0.99
  });

  it("rejects a bad kind or eps", () => {
    expect(() => saturation(f64([0.5]), "relu" as "tanh")).toThrow(/kind/);
    expect(() => saturation(f64([0.5]), "tanh", -1)).toThrow(/eps/);
    expect(() => new Diagnostics(new Sequential(new Tanh()), { eps: Number.NaN })).toThrow(/eps/);
    expect(() => new Diagnostics(new Sequential(new Tanh()), { esp: 0.1 } as object)).toThrow(/unknown option "esp"/);
  });

  it("monitored: a Sigmoid layer reports the saturated fraction of its outputs", () => {
    const model = new Sequential(new Sigmoid());
    const diag = new Diagnostics(model, { eps: 0.01 });
    model.forward(f64([[-10, 0, 10, 2]])); // σ: 4.5e−5 (sat), 0.5, 0.99995 (sat), 0.88
    const r = diag.step().saturation;
    expect(r).toEqual([{ layer: "0", kind: "sigmoid", fraction: 0.5, meanGrad: null }]); // the data needs no grad: no hook
  });

  it("mean |∂J/∂z| at a sigmoid's pre-activation equals the hand-computed value", () => {
    // z = x·Wᵀ + b for x = [[1], [−1]], W = [[1], [−2]], b = [0, 0.5]: z = [[1, −1.5], [−1, 2.5]].
    const lin = linear([[1], [-2]], [0, 0.5]);
    const model = new Sequential(lin, new Sigmoid());
    const diag = new Diagnostics(model);
    const loss = model.forward(f64([[1], [-1]])).sum(); // ∂J/∂z = σ(z)(1 − σ(z))
    loss.backward();
    const z = [1, -1.5, -1, 2.5];
    const expected = z.map((v) => sig(v) * (1 - sig(v))).reduce((a, b) => a + b) / 4;
    const r = diag.step().saturation[0];
    expect(r.meanGrad).toBeCloseTo(expected, 14);
    expect(r.fraction).toBe(0);
    // The next step counts only its own gradient: x = [[4]] gives z = [4, −7.5].
    lin.zeroGrad();
    model.forward(f64([[4]])).sum().backward();
    const r2 = diag.step().saturation[0];
    expect(r2.meanGrad).toBeCloseTo((sig(4) * (1 - sig(4)) + sig(-7.5) * (1 - sig(-7.5))) / 2, 14);
    expect(r2.fraction).toBe(0.5); // σ(−7.5) = 5.5e−4 is saturated, σ(4) = 0.982 is not
  });

  it("mean |∂J/∂z| at a tanh's pre-activation, with a mean loss", () => {
    const lin = linear([[2, 0], [0, -1]], [0, 0]);
    const model = new Sequential(lin, new Tanh());
    const diag = new Diagnostics(model, { eps: 0.03 });
    // z = [[1, 2], [0.25, −3]]; J = mean(tanh z) so ∂J/∂z = (1 − tanh² z)/4.
    model.forward(f64([[0.5, -2], [0.125, 3]])).mean().backward();
    const z = [1, 2, 0.25, -3];
    const expected = z.map((v) => (1 - Math.tanh(v) ** 2) / 4).reduce((a, b) => a + b) / 4;
    const r = diag.step().saturation[0];
    expect(r.meanGrad).toBeCloseTo(expected, 14);
    expect(r.fraction).toBe(0.25); // tanh(−3) = −0.99505 is within 0.03 of −1; tanh(2) = 0.96403 is not
  });

  it("a forward without backward reports no gradient; its stale hook never counts later", () => {
    const x = f64([[0.5, -1]], true); // a leaf that requires grad, kept across steps
    const model = new Sequential(new Tanh());
    const diag = new Diagnostics(model);
    model.forward(x); // no backward: x now carries a hook from this step
    expect(diag.step().saturation[0].meanGrad).toBeNull();
    // Next step: the tanh sees x2; x gets a gradient of 5 through another path. Only x2's counts.
    const x2 = f64([[2, 0]], true);
    model.forward(x2).sum().add(x.mul(5).sum()).backward();
    const expected = (1 - Math.tanh(2) ** 2 + 1) / 2;
    expect(diag.step().saturation[0].meanGrad).toBeCloseTo(expected, 14);
    expect(x._hooks ?? []).toHaveLength(0); // the stale hook removed itself when it fired
    expect(x2._hooks ?? []).toHaveLength(0);
  });

  it("after detach() a pending hook does not count", () => {
    const model = new Sequential(linear([[1]]), new Sigmoid());
    const diag = new Diagnostics(model);
    const out = model.forward(f64([[0.5]]));
    diag.detach();
    out.sum().backward();
    expect(diag.step().saturation[0].meanGrad).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------

describe("sign agreement", () => {
  it("pure: rows with all nonzero components of one sign; all-zero rows do not agree", () => {
    const r = signAgreement(f64([[1, 2, 0], [-1, 3, 0], [0, 0, 0], [-1, -2, -3], [0, -4, 0]]));
    expect(r.rows).toEqual([true, false, false, true, true]);
    expect(r.fraction).toBe(3 / 5);
    expect(r.zeroRows).toBe(1);
    expect(() => signAgreement(f64([1, 2]))).toThrow(/\[out, in\]/);
  });

  it("all-positive inputs make every row of the weight gradient single-signed; mixed-sign inputs make none", () => {
    manualSeed(3);
    const lin = new Linear(3, 4, { dtype: "float64" });
    const diag = new Diagnostics(lin);
    const target = f64([[0.3, -0.2, 0.9, -1]]);
    // One example: ∂J/∂w_ij = δ_i·x_j, so each row has the signs of x times the sign of δ_i.
    mse(lin.forward(f64([[0.5, 1, 2]])), target).backward();
    expect(diag.step().signAgreement).toEqual([{ layer: "", fraction: 1, zeroRows: 0 }]);
    lin.zeroGrad();
    mse(lin.forward(f64([[0.5, -1, 2]])), target).backward();
    expect(diag.step().signAgreement).toEqual([{ layer: "", fraction: 0, zeroRows: 0 }]);
    lin.zeroGrad();
    expect(diag.step().signAgreement[0].fraction).toBeNull(); // no gradient
  });

  it("a batch with mixed-sign inputs gives a hand-computed fraction", () => {
    // J = Σ y ⊙ C, so δ = C and ∂J/∂W = Cᵀ X: row i = C₀ᵢ·x₀ + C₁ᵢ·x₁.
    // x₀ = [1, −1], x₁ = [1, 2]; C = [[1, 1, 1, 0], [0, 1, −1, 0]]
    // rows: [1, −1] (mixed), [2, 1] (agree), [0, −3] (agree), [0, 0] (zero).
    const lin = linear([[0.1, 0.2], [0.3, -0.4], [-0.5, 0.6], [0.7, 0.8]]);
    const model = new Sequential(lin);
    const diag = new Diagnostics(model);
    model.forward(f64([[1, -1], [1, 2]])).mul(f64([[1, 1, 1, 0], [0, 1, -1, 0]])).sum().backward();
    expect(Array.from(lin.weight.grad!.data)).toEqual([1, -1, 2, 1, 0, -3, 0, 0]);
    expect(signAgreement(lin.weight.grad!).rows).toEqual([false, true, true, false]);
    expect(diag.step().signAgreement).toEqual([{ layer: "0", fraction: 0.5, zeroRows: 1 }]);
  });
});

// ---------------------------------------------------------------------------------------------

describe("update angle", () => {
  it("pure: 90°, 180°, 0° and null for a zero update", () => {
    expect(updateAngle([1, 0], [0, 1])).toBeCloseTo(90, 12);
    expect(updateAngle(f64([1, 2]), f64([-2, -4]))).toBeCloseTo(180, 12);
    expect(updateAngle(f64([[1, 2], [3, 4]]), [2, 4, 6, 8])).toBeCloseTo(0, 5);
    expect(updateAngle([1, 1], [1, 0])).toBeCloseTo(45, 12);
    expect(updateAngle([0, 0], [1, 0])).toBeNull();
    expect(() => updateAngle([1, 2], [1, 2, 3])).toThrow(/elements/);
  });

  it("monitored: the angle between the weight changes of consecutive steps", () => {
    const lin = linear([[0, 0]]);
    const diag = new Diagnostics(lin);
    setWeight(lin, [[1, 0]]);
    expect(diag.step().updateAngle).toEqual([{ layer: "", degrees: null, norm: 1 }]); // first step: no previous update
    setWeight(lin, [[1, 2]]); // Δ = [0, 2]
    const r2 = diag.step().updateAngle[0];
    expect(r2.degrees).toBeCloseTo(90, 12);
    expect(r2.norm).toBe(2);
    setWeight(lin, [[1, 1]]); // Δ = [0, −1]
    expect(diag.step().updateAngle[0].degrees).toBeCloseTo(180, 12);
    expect(diag.step().updateAngle[0]).toEqual({ layer: "", degrees: null, norm: 0 }); // no change
  });

  it("with plain SGD the angle is the angle between consecutive gradients", () => {
    const lin = linear([[0.5, -0.3]], [0.1]);
    const diag = new Diagnostics(lin);
    const opt = new SGD(lin, { lr: 0.1 });
    const grads: number[][] = [];
    const angles: (number | null)[] = [];
    const xs = [[[1, 2]], [[-1, 0.5]], [[2, -1]]];
    for (const x of xs) {
      opt.zeroGrad();
      mse(lin.forward(f64(x)), f64([[1]])).backward();
      grads.push(Array.from(lin.weight.grad!.data));
      opt.step();
      angles.push(diag.step().updateAngle[0].degrees);
    }
    expect(angles[0]).toBeNull();
    expect(angles[1]).toBeCloseTo(updateAngle(grads[0], grads[1])!, 9);
    expect(angles[2]).toBeCloseTo(updateAngle(grads[1], grads[2])!, 9);
  });
});

// ---------------------------------------------------------------------------------------------

describe("Diagnostics on a model", () => {
  it("detach() restores every forward and stops recording", () => {
    const relu = new ReLU();
    const model = new Sequential(new Linear(2, 3), relu, new Linear(3, 1), new Sigmoid());
    const diag = new Diagnostics(model);
    expect(Object.hasOwn(relu, "forward")).toBe(true);
    expect(Object.hasOwn(model, "forward")).toBe(true);
    expect(Object.keys(relu)).not.toContain("forward"); // not a field: state dicts and names are unchanged
    diag.detach();
    for (const [, m] of model.namedModules()) expect(Object.hasOwn(m, "forward")).toBe(false);
    expect(relu.forward).toBe(ReLU.prototype.forward);
    expect(model.forward).toBe(Sequential.prototype.forward);
    model.forward(tensor([[1, 2]]));
    const r = diag.step();
    expect(r.dead[0].fraction).toBeNull();
    expect(r.saturation[0].fraction).toBeNull();
    diag.detach(); // twice is fine
  });

  it("detach() puts back a forward the module already had as its own property", () => {
    const relu = new ReLU();
    const mine = (x: Tensor) => x;
    Object.defineProperty(relu, "forward", { value: mine, writable: true, configurable: true });
    const diag = new Diagnostics(new Sequential(relu));
    expect(relu.forward).not.toBe(mine);
    diag.detach();
    expect(relu.forward).toBe(mine);
  });

  it("never changes the training result: identical losses and weights with and without", () => {
    const run = (withDiag: boolean) => {
      manualSeed(7);
      const model = new Sequential(new Linear(2, 8), new ReLU(), new Linear(8, 8), new Tanh(), new Linear(8, 1));
      const x = randn([32, 2]);
      const y = tensor(Array.from({ length: 32 }, (_, i) => (x.data[2 * i] * x.data[2 * i + 1] > 0 ? 1 : 0)), { shape: [32, 1] });
      const diag = withDiag ? new Diagnostics(model) : null;
      const opt = new SGD(model, { lr: 0.5, momentum: 0.9 });
      const losses: number[] = [];
      for (let s = 0; s < 20; s++) {
        opt.zeroGrad();
        const loss = bceWithLogits(model.forward(x), y);
        loss.backward();
        opt.step();
        losses.push(loss.item());
        diag?.step();
      }
      return { losses, weights: model.parameters().map((p) => Array.from(p.data)) };
    };
    const plain = run(false);
    const watched = run(true);
    expect(watched.losses).toEqual(plain.losses);
    expect(watched.weights).toEqual(plain.weights);
    expect(plain.losses[19]).toBeLessThan(plain.losses[0]); // it did train
  });

  it("a report lists every observed layer by dotted name, and formats as text", () => {
    manualSeed(1);
    const model = new Sequential(new Linear(2, 4), new ReLU(), new Linear(4, 4), new Sigmoid(), new Linear(4, 1));
    const diag = new Diagnostics(model);
    const x = randn([8, 2]);
    mse(model.forward(x), tensor(Array(8).fill(0.5), { shape: [8, 1] })).backward();
    const r = diag.step();
    expect(r.dead.map((d) => d.layer)).toEqual(["1"]);
    expect(r.saturation.map((d) => d.layer)).toEqual(["3"]);
    expect(r.signAgreement.map((d) => d.layer)).toEqual(["0", "2", "4"]);
    expect(r.updateAngle.map((d) => d.layer)).toEqual(["0", "2", "4"]);
    expect(r.saturation[0].meanGrad).toBeGreaterThan(0);
    const text = formatReport(r);
    expect(text).toMatch(/^step 1\n/);
    expect(text).toContain("dead       1 (relu)");
    expect(text).toContain("saturated  3 (sigmoid)");
    expect(formatReport(diag.endEpoch())).toMatch(/^epoch 1\n {2}dead {7}1 \(relu\)/);
  });

  it("rejects something that is not a Module", () => {
    expect(() => new Diagnostics({} as Module)).toThrow(/Module/);
  });

  it("functional sigmoid/tanh calls are not observed (documented): only modules are", () => {
    class Net extends Module {
      fc = linear([[1]]);
      forward(x: Tensor): Tensor {
        return tanh(sigmoid(this.fc.forward(x)));
      }
    }
    const r = new Diagnostics(new Net()).step();
    expect(r.saturation).toEqual([]);
    expect(r.signAgreement.map((s) => s.layer)).toEqual(["fc"]);
  });
});
