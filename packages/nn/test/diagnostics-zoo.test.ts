/**
 * Diagnostics and the activation zoo: ReLU6 units can be dead (never positive, as ReLU) and
 * saturated (at 0 or 6); Hardtanh outputs saturated at the module's bounds; ELU, GELU and SiLU are
 * not observed (a unit that is never positive still has a gradient there). Values hand-computed.
 */
import { describe, expect, it } from "vitest";
import { noGrad, tensor } from "@backprop/core";
import {
  Diagnostics, ELU, formatReport, GELU, Hardtanh, Linear, ReLU6, saturation, Sequential, SiLU,
} from "../src/index.js";

const f64 = (v: number[][] | number[], requiresGrad = false) => tensor(v, { dtype: "float64", requiresGrad });

/** A float64 Linear with the given weight rows and bias. */
function linear(w: number[][], b: number[]): Linear {
  const l = new Linear(w[0].length, w.length, { dtype: "float64" });
  noGrad(() => {
    l.weight.copy_(f64(w));
    l.bias!.copy_(f64(b));
  });
  return l;
}

describe("saturation (pure) of the clamps: outputs AT a bound, no eps", () => {
  it("relu6: at 0 or 6; 5.99 is not saturated however large eps is (its slope there is 1)", () => {
    const y = f64([0, 0, 3, 6, 6, 5.99]);
    expect(saturation(y, "relu6")).toBe(4 / 6);
    expect(saturation(y, "relu6", 0.5)).toBe(4 / 6);
  });

  it("hardtanh: the default bounds −1 and 1, or { min, max }", () => {
    expect(saturation(f64([-1, -0.999, 0, 1]), "hardtanh")).toBe(2 / 4);
    expect(saturation(f64([-0.5, 0, 2, 1.99]), { min: -0.5, max: 2 })).toBe(2 / 4);
    // the same numbers read as tanh outputs with eps 0.01: −0.999 is within eps of −1
    expect(saturation(f64([-1, -0.999, 0, 1]), "tanh")).toBe(3 / 4);
  });

  it("rejects bad bounds and kinds, naming the value", () => {
    expect(() => saturation(f64([0]), { min: 1, max: 1 })).toThrow(/^saturation: bounds must be \{ min, max \} with numbers min < max, got \{"min":1,"max":1\}$/);
    expect(() => saturation(f64([0]), { min: 0 } as never)).toThrow(/^saturation: bounds must be/);
    expect(() => saturation(f64([0]), { min: 0, max: 1, eps: 0 } as never)).toThrow(/^saturation: bounds must be/);
    expect(() => saturation(f64([0]), "elu" as never)).toThrow(/^saturation: kind must be "sigmoid", "tanh", "hardtanh", "relu6" or bounds \{ min, max \}, got "elu"$/);
  });
});

describe("ReLU6, monitored: dead units and saturation", () => {
  // z = x·Wᵀ + b for x = [[1, 2], [3, 1]] (all positive):
  //   unit 0: −x₁ − x₂      → [−3, −4]: never positive, dead
  //   unit 1: 2x₁ + 2x₂ + 1 → [7, 9]:   at 6 for both examples, saturated but alive
  //   unit 2: x₁ − 0.5      → [0.5, 2.5]: inside (0, 6)
  const model = () => new Sequential(linear([[-1, -1], [2, 2], [1, 0]], [0, 1, -0.5]), new ReLU6());

  it("reports unit 0 dead, and 4 of 6 outputs at a bound; the mean |∂J/∂z| is (number inside)/6", () => {
    const m = model();
    const diag = new Diagnostics(m);
    m.forward(f64([[1, 2], [3, 1]])).sum().backward(); // ∂J/∂z = 1 inside (0, 6), 0 at the bounds
    const r = diag.step();
    expect(r.dead).toEqual([{ layer: "1", kind: "relu6", fraction: 1 / 3, units: [0], total: 3 }]);
    expect(r.saturation).toEqual([{ layer: "1", kind: "relu6", fraction: 4 / 6, meanGrad: 2 / 6 }]);
    const text = formatReport(r);
    expect(text).toContain("dead       1 (relu6): 33.3% = 1/3 [0]");
    expect(text).toContain("saturated  1 (relu6): 66.7%, mean |∂J/∂z| 0.333");
  });

  it("over an epoch, a unit positive in one batch is not dead", () => {
    const m = model();
    const diag = new Diagnostics(m);
    m.forward(f64([[1, 2]]));
    m.forward(f64([[-5, 0]])); // unit 0: −(−5) − 0 = 5 > 0 in this batch
    diag.step();
    expect(diag.endEpoch().dead).toEqual([{ layer: "1", kind: "relu6", fraction: 0, units: [], total: 3 }]);
  });
});

describe("Hardtanh, monitored", () => {
  it("counts outputs at the module's own bounds; it is never reported dead", () => {
    const diag = (m: Hardtanh) => {
      const net = new Sequential(m);
      const d = new Diagnostics(net);
      net.forward(f64([[-3, -0.5, 0, 0.4, 0.5, 2]]));
      return d.step();
    };
    const wide = diag(new Hardtanh());
    expect(wide.saturation).toEqual([{ layer: "0", kind: "hardtanh", fraction: 2 / 6, meanGrad: null }]); // −3 → −1, 2 → 1
    expect(wide.dead).toEqual([]);
    const narrow = diag(new Hardtanh(-0.5, 0.5));
    expect(narrow.saturation[0].fraction).toBe(4 / 6); // −3, −0.5 → −0.5; 0.5, 2 → 0.5
  });
});

describe("ELU, GELU and SiLU are not observed", () => {
  it("a unit that is never positive is not dead there (its slope is not 0): no dead or saturation entry, no wrapper", () => {
    const acts = [new ELU(), new GELU(), new SiLU()];
    const net = new Sequential(linear([[-1, -1]], [0]), acts[0], linear([[1]], [0]), acts[1], linear([[1]], [0]), acts[2]);
    const diag = new Diagnostics(net);
    const x = f64([[1, 2], [3, 1]]);
    const y = net.forward(x);
    y.sum().backward();
    const r = diag.step();
    expect(r.dead).toEqual([]);
    expect(r.saturation).toEqual([]);
    for (const a of acts) expect(Object.getOwnPropertyDescriptor(a, "forward")).toBeUndefined(); // not wrapped
    // ...and the "dead-looking" first layer still learns: its weights got a nonzero gradient
    expect(Array.from(net.parameters()[0].grad!.data).every((g) => g !== 0)).toBe(true);
  });
});
