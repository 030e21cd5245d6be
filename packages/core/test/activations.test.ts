/**
 * Activations of @backprop/core: relu, leakyRelu, sigmoid, tanh, softplus. Values against the
 * formulas, gradients with gradcheck (float64) away from 0, and saturation at ±1000.
 */
import { afterEach, describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  Tensor, tensor, gradcheck, setReluAtZero,
  relu, leakyRelu, sigmoid, tanh, softplus,
} from "../src/index.js";
import { expectClose } from "./helpers.js";

type DT = "float32" | "float64";

function t64(values: readonly number[], shape: number[] = [values.length], requiresGrad = false): Tensor {
  return tensor(Float64Array.from(values), { shape, requiresGrad });
}

function tt(values: readonly number[], dtype: DT, requiresGrad = false): Tensor {
  return tensor(values.slice(), { dtype, requiresGrad });
}

/** The gradient of sum(f(x)) at the given values. */
function gradOf(f: (x: Tensor) => Tensor, values: readonly number[], dtype: DT = "float64"): Tensor {
  const x = tt(values, dtype, true);
  f(x).sum().backward();
  return x.grad!;
}

const sig = (v: number) => 1 / (1 + Math.exp(-v));
/** PyTorch's softplus: (1/β)·log(1 + e^(βx)), or x where βx > threshold. */
const softplusRef = (v: number, beta = 1, threshold = 20) => (beta * v > threshold ? v : Math.log1p(Math.exp(beta * v)) / beta);

const SHAPES: number[][] = [[], [4], [2, 3]];
const num = (min: number, max: number) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
/** Values with |v| ≥ 0.01: away from the kink at 0. */
const awayFromZero = fc.tuple(num(0.01, 5), fc.boolean()).map(([m, s]) => (s ? m : -m));
const inputs = (el: fc.Arbitrary<number>) =>
  fc.constantFrom(...SHAPES).chain((s) => fc.record({
    s: fc.constant(s),
    a: fc.array(el, { minLength: s.reduce((p, d) => p * d, 1), maxLength: s.reduce((p, d) => p * d, 1) }),
  }));
const RUNS = { numRuns: 25 };

function checkGrad(f: (x: Tensor) => Tensor, x: Tensor): void {
  const r = gradcheck(f, [x]);
  expect(r.failures).toEqual([]);
  expect(r.kinks).toEqual([]);
  expect(r.ok).toBe(true);
}

afterEach(() => setReluAtZero("left"));

describe("relu", () => {
  it("values: max(x, 0), method and function forms, dtype kept", () => {
    const xs = [-2, -0.5, 0, 0.5, 3];
    expect(Array.from(relu(t64(xs)).data)).toEqual([0, 0, 0, 0.5, 3]);
    expect(Array.from(t64(xs).relu().data)).toEqual([0, 0, 0, 0.5, 3]);
    expect(relu(tt(xs, "float32")).dtype).toBe("float32");
    expect(relu(t64(xs)).dtype).toBe("float64");
  });

  it("gradient is 1 for x > 0 and 0 for x < 0; gradcheck away from 0", () => {
    expect(Array.from(gradOf((x) => relu(x), [-2, -0.5, 0.5, 3]).data)).toEqual([0, 0, 1, 1]);
    fc.assert(
      fc.property(inputs(awayFromZero), ({ s, a }) => {
        const x = t64(a, s);
        expectClose(relu(x).data, a.map((v) => Math.max(v, 0)), 0);
        checkGrad((t) => relu(t), x);
        checkGrad((t) => relu(t, { atZero: "right" }), x);
      }),
      RUNS,
    );
  });

  it("propagates NaN (as PyTorch), instead of silently turning it into 0", () => {
    const out = relu(t64([Number.NaN, -1, 1]));
    expect(out.data[0]).toBeNaN();
    expect(Array.from(out.data.slice(1))).toEqual([0, 1]);
  });

  it("rejects non-tensors and unknown options, naming relu", () => {
    expect(() => relu([1, 2] as unknown as Tensor)).toThrow(/^relu:/);
    expect(() => relu(t64([1]), { side: "left" } as never)).toThrow(/^relu:.*side/);
  });
});

describe("leakyRelu", () => {
  const xs = [-3, -0.5, 0.25, 2];

  it("default slope is 0.01", () => {
    expectClose(leakyRelu(t64(xs)).data, [-0.03, -0.005, 0.25, 2], 1e-15);
    expectClose(t64(xs).leakyRelu().data, [-0.03, -0.005, 0.25, 2], 1e-15);
    expectClose(gradOf((x) => leakyRelu(x), xs).data, [0.01, 0.01, 1, 1], 0);
  });

  it("custom slopes (including negative and > 1)", () => {
    for (const slope of [0.2, -0.5, 1.5]) {
      const expected = xs.map((v) => (v > 0 ? v : slope * v));
      expectClose(leakyRelu(t64(xs), slope).data, expected, 1e-15);
      expectClose(t64(xs).leakyRelu(slope).data, expected, 1e-15);
      expectClose(gradOf((x) => leakyRelu(x, slope), xs).data, xs.map((v) => (v > 0 ? 1 : slope)), 0);
    }
  });

  it("gradcheck away from 0 with random slopes; float32 stays float32", () => {
    fc.assert(
      fc.property(inputs(awayFromZero), num(0, 0.9), ({ s, a }, slope) => {
        const x = t64(a, s);
        expectClose(leakyRelu(x, slope).data, a.map((v) => (v > 0 ? v : slope * v)));
        checkGrad((t) => leakyRelu(t, slope), x);
      }),
      RUNS,
    );
    const x32 = tt(xs, "float32", true);
    const out = leakyRelu(x32, 0.1);
    expect(out.dtype).toBe("float32");
    out.sum().backward();
    expect(x32.grad!.dtype).toBe("float32");
    expect(Array.from(x32.grad!.data)).toEqual([0.1, 0.1, 1, 1].map(Math.fround));
  });

  it("rejects a non-number slope, naming leakyRelu", () => {
    expect(() => leakyRelu(t64([1]), "0.1" as unknown as number)).toThrow(/^leakyRelu:.*slope/);
    expect(() => leakyRelu(t64([1]), Number.NaN)).toThrow(/^leakyRelu:.*slope/);
  });
});

describe("sigmoid", () => {
  it("values 1/(1+e^(−x)) and gradient σ(1−σ); gradcheck on random inputs", () => {
    const xs = [-4, -1, 0, 0.5, 3];
    expectClose(sigmoid(t64(xs)).data, xs.map(sig), 1e-15);
    expectClose(t64(xs).sigmoid().data, xs.map(sig), 1e-15);
    expectClose(gradOf(sigmoid, xs).data, xs.map((v) => sig(v) * (1 - sig(v))), 1e-15);
    expect(sigmoid(t64([0])).item()).toBe(0.5);
    fc.assert(
      fc.property(inputs(num(-8, 8)), ({ s, a }) => {
        const x = t64(a, s);
        expectClose(sigmoid(x).data, a.map(sig), 1e-14);
        checkGrad(sigmoid, x);
      }),
      RUNS,
    );
  });

  it.each(["float32", "float64"] as DT[])("is finite and exact at ±1000 (%s): σ(−1000) = 0, σ(1000) = 1, gradients 0", (dtype) => {
    const x = tt([-1000, -100, 100, 1000], dtype, true);
    const out = sigmoid(x);
    expect(out.dtype).toBe(dtype);
    expect(out.data[0]).toBe(0);
    expect(out.data[3]).toBe(1);
    expect(out.data[1]).toBeGreaterThanOrEqual(0);
    expect(out.data[1]).toBeLessThan(1e-40);
    expect(out.data[2]).toBe(1);
    out.sum().backward();
    expect(Array.from(x.grad!.data).every(Number.isFinite)).toBe(true);
    expect(x.grad!.data[0]).toBe(0);
    expect(x.grad!.data[3]).toBe(0);
  });
});

describe("tanh", () => {
  it("values, gradient 1 − tanh², gradcheck, saturation at ±1000", () => {
    const xs = [-3, -0.5, 0, 0.5, 2];
    expectClose(tanh(t64(xs)).data, xs.map(Math.tanh), 1e-15);
    expectClose(t64(xs).tanh().data, xs.map(Math.tanh), 1e-15);
    expectClose(gradOf(tanh, xs).data, xs.map((v) => 1 - Math.tanh(v) ** 2), 1e-15);
    fc.assert(
      fc.property(inputs(num(-5, 5)), ({ s, a }) => checkGrad(tanh, t64(a, s))),
      RUNS,
    );
    for (const dtype of ["float32", "float64"] as DT[]) {
      const x = tt([-1000, 1000], dtype, true);
      const out = tanh(x);
      expect(Array.from(out.data)).toEqual([-1, 1]);
      out.sum().backward();
      expect(Array.from(x.grad!.data)).toEqual([0, 0]);
    }
  });
});

describe("softplus", () => {
  const BETAS = [1, 2, 0.5];

  it.each(BETAS)("beta %s: values (1/β)·log(1+e^(βx)), method form, gradcheck", (beta) => {
    const xs = [-6, -1, 0, 0.7, 4];
    const expected = xs.map((v) => Math.log1p(Math.exp(beta * v)) / beta);
    expectClose(softplus(t64(xs), { beta }).data, expected, 1e-14);
    expectClose(t64(xs).softplus({ beta }).data, expected, 1e-14);
    expectClose(softplus(t64([0]), { beta }).data, [Math.LN2 / beta], 1e-15);
    fc.assert(
      fc.property(inputs(num(-8, 8)), ({ s, a }) => {
        const x = t64(a, s);
        expectClose(softplus(x, { beta }).data, a.map((v) => softplusRef(v, beta)), 1e-14);
        checkGrad((t) => softplus(t, { beta }), x);
      }),
      RUNS,
    );
  });

  it("defaults are beta 1 and threshold 20", () => {
    const xs = [-2, 0.5, 19.5, 20.5, 30];
    expectClose(softplus(t64(xs)).data, xs.map((v) => softplusRef(v, 1, 20)), 1e-15);
    expectClose(softplus(t64(xs), {}).data, xs.map((v) => softplusRef(v, 1, 20)), 1e-15);
  });

  it("is exactly linear (= x) where β·x > threshold, as PyTorch, and smooth just below", () => {
    // default threshold 20
    expect(softplus(t64([25])).item()).toBe(25);
    expect(softplus(t64([15])).item()).toBe(15 + Math.log1p(Math.exp(-15))); // not exactly 15
    expect(softplus(t64([15])).item()).toBeGreaterThan(15);
    // beta 2: βx = 21 > 20 → x; βx = 19 → formula
    expect(softplus(t64([10.5]), { beta: 2 }).item()).toBe(10.5);
    expectClose(softplus(t64([9.5]), { beta: 2 }).data, [Math.log1p(Math.exp(19)) / 2], 1e-15);
    expect(softplus(t64([9.5]), { beta: 2 }).item()).toBeGreaterThan(9.5);
    // beta 0.5: the switch is at x = 40
    expect(softplus(t64([41]), { beta: 0.5 }).item()).toBe(41);
    expectClose(softplus(t64([39]), { beta: 0.5 }).data, [Math.log1p(Math.exp(19.5)) / 0.5], 1e-15);
    // custom threshold: the switch is where β·x crosses it (exactly at the threshold is not above)
    const x = t64([0.4, 0.5, 0.6, 2]);
    expectClose(softplus(x, { beta: 2, threshold: 1 }).data,
      [Math.log1p(Math.exp(0.8)) / 2, Math.log1p(Math.exp(1)) / 2, 0.6, 2], 1e-15);
    expectClose(softplus(x, { threshold: 1 }).data, [Math.log1p(Math.exp(0.4)), Math.log1p(Math.exp(0.5)), Math.log1p(Math.exp(0.6)), 2], 1e-15);
  });

  it("gradient is exactly 1 in the linear region and σ(βx) below it", () => {
    const xs = [0.4, 0.6, 2];
    const g = gradOf((t) => softplus(t, { beta: 2, threshold: 1 }), xs);
    expectClose(g.data, [sig(0.8), 1, 1], 1e-15);
    expect(g.data[1]).toBe(1);
    expect(gradOf((t) => softplus(t), [25]).data[0]).toBe(1);
  });

  it("its derivative equals sigmoid(β·x) (random x, β in {1, 2, 0.5})", () => {
    fc.assert(
      fc.property(fc.array(num(-15, 15), { minLength: 1, maxLength: 8 }), fc.constantFrom(...BETAS), (a, beta) => {
        const g = gradOf((t) => softplus(t, { beta }), a);
        const s = sigmoid(t64(a).mul(beta));
        // above the threshold the gradient is exactly 1, where σ(βx) = 1 − e^(−20) at worst
        expectClose(g.data, s.data, 3e-9);
        expectClose(g.data, a.map((v) => sig(beta * v)), 3e-9);
      }),
      { numRuns: 50 },
    );
  });

  it.each(["float32", "float64"] as DT[])("is finite and exact at ±1000 (%s) for β = 1, 2, 0.5", (dtype) => {
    for (const beta of BETAS) {
      const x = tt([-1000, 1000], dtype, true);
      const out = softplus(x, { beta });
      expect(out.dtype).toBe(dtype);
      expect(out.data[1]).toBe(1000);
      expect(out.data[0]).toBeGreaterThanOrEqual(0);
      expect(out.data[0]).toBeLessThan(1e-30);
      out.sum().backward();
      expect(x.grad!.dtype).toBe(dtype);
      expect(x.grad!.data[1]).toBe(1);
      expect(x.grad!.data[0]).toBeGreaterThanOrEqual(0);
      expect(x.grad!.data[0]).toBeLessThan(1e-200); // σ(−1000β): 0, or 7e−218 for β = 0.5 in float64
    }
  });

  it("float32: values within float32 rounding of the float64 formula", () => {
    const xs = [-5, -0.5, 0, 1.25, 10];
    const out = softplus(tt(xs, "float32"), { beta: 2 });
    expect(out.dtype).toBe("float32");
    expectClose(out.data, xs.map((v) => softplusRef(v, 2)), 1e-6);
  });

  it("rejects bad options, naming softplus", () => {
    const x = t64([1]);
    expect(() => softplus(x, { beta: 0 })).toThrow(/^softplus:.*beta/);
    expect(() => softplus(x, { beta: -1 })).toThrow(/^softplus:.*beta/);
    expect(() => softplus(x, { beta: Number.NaN })).toThrow(/^softplus:.*beta/);
    expect(() => softplus(x, { threshold: "20" as unknown as number })).toThrow(/^softplus:.*threshold/);
    expect(() => softplus(x, { Beta: 2 } as never)).toThrow(/^softplus:.*Beta/);
  });
});

describe("activations: NaN in, NaN out", () => {
  it("sigmoid, tanh, softplus and leakyRelu propagate NaN", () => {
    for (const f of [sigmoid, tanh, (t: Tensor) => softplus(t), (t: Tensor) => leakyRelu(t)]) {
      expect(f(t64([Number.NaN])).item()).toBeNaN();
    }
  });
});
