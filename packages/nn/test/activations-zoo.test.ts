/**
 * The activation-zoo modules (ELU, GELU, SiLU, Hardtanh, ReLU6): each is its core op with the
 * options it was built with (values and gradients identical, kink options passed through), checks
 * its arguments when built, naming the module, and holds no parameters.
 */
import { afterEach, describe, expect, it } from "vitest";
import { elu, gelu, hardtanh, relu6, setReluAtZero, silu, tensor, type Tensor } from "@backprop/core";
import { ELU, GELU, Hardtanh, Linear, Module, ReLU6, Sequential, SiLU } from "../src/index.js";

const XS = [-7, -2, -1, -0.5, 0, 0.25, 1, 3, 6, 9];

/** The module's output and the gradient of its sum at xs (float64). */
function run(f: (x: Tensor) => Tensor, xs: number[] = XS): { y: number[]; dy: number[] } {
  const x = tensor(xs, { dtype: "float64", requiresGrad: true });
  const y = f(x);
  y.sum().backward();
  return { y: Array.from(y.data), dy: Array.from(x.grad!.data) };
}

afterEach(() => setReluAtZero("left"));

describe("each module is its op", () => {
  const cases: [string, Module, (x: Tensor) => Tensor][] = [
    ["ELU()", new ELU(), (x) => elu(x, 1)],
    ["ELU(0.3)", new ELU(0.3), (x) => elu(x, 0.3)],
    ["GELU()", new GELU(), (x) => gelu(x)],
    ["GELU tanh", new GELU({ approximate: "tanh" }), (x) => gelu(x, { approximate: "tanh" })],
    ["SiLU()", new SiLU(), (x) => silu(x)],
    ["Hardtanh()", new Hardtanh(), (x) => hardtanh(x, -1, 1)],
    ["Hardtanh(-0.5, 2)", new Hardtanh(-0.5, 2), (x) => hardtanh(x, -0.5, 2)],
    ["ReLU6()", new ReLU6(), (x) => relu6(x)],
  ];
  for (const [name, m, f] of cases) {
    it(`${name}: the same values and gradients as the function`, () => {
      expect(run((x) => m.forward(x))).toEqual(run(f));
    });
  }

  it("the defaults are PyTorch's: α = 1, approximate none, bounds −1 and 1", () => {
    expect(new ELU().alpha).toBe(1);
    expect(new GELU().approximate).toBe("none");
    expect([new Hardtanh().min, new Hardtanh().max]).toEqual([-1, 1]);
    // and the values say so: ELU(−1) = e⁻¹ − 1, GELU(1) = Φ(1), Hardtanh(3) = 1, ReLU6(9) = 6
    expect(run((x) => new ELU().forward(x), [-1]).y[0]).toBeCloseTo(Math.exp(-1) - 1, 15);
    expect(run((x) => new GELU().forward(x), [1]).y[0]).toBeCloseTo(0.8413447460685429, 15);
    expect(run((x) => new Hardtanh().forward(x), [3]).y).toEqual([1]);
    expect(run((x) => new ReLU6().forward(x), [9]).y).toEqual([6]);
  });

  it("has no parameters and an empty state dict; works inside Sequential", () => {
    for (const m of [new ELU(), new GELU(), new SiLU(), new Hardtanh(), new ReLU6()]) {
      expect(m.parameters()).toEqual([]);
      expect(m.stateDict()).toEqual({});
    }
    const lin = new Linear(3, 2);
    const net = new Sequential(lin, new GELU());
    const x = tensor([[1, -2, 0.5]]);
    expect(Array.from(net.forward(x).data)).toEqual(Array.from(gelu(lin.forward(x)).data));
  });
});

describe("kink options pass through", () => {
  it("ELU at 0: α by default (left), 1 with atZero right; the global setting when none is given", () => {
    expect(run((x) => new ELU(0.3).forward(x), [0]).dy).toEqual([0.3]);
    expect(run((x) => new ELU(0.3, { atZero: "right" }).forward(x), [0]).dy).toEqual([1]);
    const follows = new ELU(0.3);
    setReluAtZero("right");
    expect(run((x) => follows.forward(x), [0]).dy).toEqual([1]);
    expect(run((x) => new ELU(0.3, { atZero: "left" }).forward(x), [0]).dy).toEqual([0.3]);
  });

  it("Hardtanh and ReLU6 at their bounds: 0 by default, one-sided with atBounds", () => {
    expect(run((x) => new Hardtanh().forward(x), [-1, 0, 1]).dy).toEqual([0, 1, 0]);
    expect(run((x) => new Hardtanh(-1, 1, { atBounds: "left" }).forward(x), [-1, 1]).dy).toEqual([0, 1]);
    expect(run((x) => new Hardtanh(-1, 1, { atBounds: "right" }).forward(x), [-1, 1]).dy).toEqual([1, 0]);
    expect(run((x) => new ReLU6().forward(x), [0, 6]).dy).toEqual([0, 0]);
    expect(run((x) => new ReLU6({ atBounds: "left" }).forward(x), [0, 6]).dy).toEqual([0, 1]);
    expect(run((x) => new ReLU6({ atBounds: "right" }).forward(x), [0, 6]).dy).toEqual([1, 0]);
  });

  it("the options are copied when the module is built: changing the object later changes nothing", () => {
    const opts: { atBounds?: "open" | "left" | "right" } = { atBounds: "left" };
    const m = new ReLU6(opts);
    opts.atBounds = "right";
    expect(run((x) => m.forward(x), [0, 6]).dy).toEqual([0, 1]);
  });
});

describe("bad arguments fail when the module is built, naming the module and the value", () => {
  it("ELU", () => {
    expect(() => new ELU(NaN)).toThrow(/^ELU: alpha must be a finite number, got NaN$/);
    expect(() => new ELU(1, { atZero: "up" as never })).toThrow(/^ELU: atZero must be "left".*got "up"$/);
    expect(() => new ELU(1, { slope: 1 } as never)).toThrow(/^ELU: unknown option "slope"; expected one of: atZero$/);
  });

  it("GELU", () => {
    expect(() => new GELU({ approximate: "exact" as never })).toThrow(/^GELU: approximate must be "none" .* got "exact"$/);
    expect(() => new GELU("tanh" as never)).toThrow(/^GELU: options must be an object, got string$/);
  });

  it("Hardtanh: max must be greater than min, as PyTorch's nn.Hardtanh (it asserts \"max_val (1.0) must be greater than min_val (1.0)\")", () => {
    expect(() => new Hardtanh(1, 1)).toThrow(/^Hardtanh: max \(1\) must be greater than min \(1\)$/);
    expect(() => new Hardtanh(2, 1)).toThrow(/^Hardtanh: min \(2\) must not exceed max \(1\)$/);
    expect(() => new Hardtanh(NaN)).toThrow(/^Hardtanh: min must be a number, got NaN$/);
    expect(() => new Hardtanh(-1, 1, { atBounds: "closed" as never })).toThrow(/^Hardtanh: atBounds must be "open" .*got "closed"$/);
  });

  it("ReLU6", () => {
    expect(() => new ReLU6({ atBounds: "inside" as never })).toThrow(/^ReLU6: atBounds must be "open" .*got "inside"$/);
    expect(() => new ReLU6({ atZero: "left" } as never)).toThrow(/^ReLU6: unknown option "atZero"; expected one of: atBounds$/);
  });
});
