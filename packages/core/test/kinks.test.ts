/**
 * The derivative used exactly AT each kink (docs/kinks.md), the ReLU side setting (global and
 * per call), hardtanh/relu6's atBounds, and how gradcheck reports kinks instead of failing on them.
 * PyTorch's values are from test/reference/zoo-values.ts (made by zoo_values.py, torch 2.13).
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  Tensor, tensor, gradcheck, grad, setReluAtZero, getReluAtZero, setBackend, getBackend,
  relu, leakyRelu, abs, clamp, maximum, minimum, max, min, sqrt, log, pow, eq,
  elu, gelu, silu, erf, hardtanh, relu6,
} from "../src/index.js";
import { TORCH_KINKS } from "./reference/zoo-values.js";

function t64(values: readonly number[], shape: number[] = [values.length], requiresGrad = false): Tensor {
  return tensor(Float64Array.from(values), { shape, requiresGrad });
}

/** The gradient of sum(f(x)) at the given values (float64). */
function gradOf(f: (x: Tensor) => Tensor, values: readonly number[], shape: number[] = [values.length]): number[] {
  const x = t64(values, shape, true);
  f(x).sum().backward();
  return Array.from(x.grad!.data);
}

afterEach(() => setReluAtZero("left"));

describe("relu at 0", () => {
  it('defaults to "left": relu′(0) = 0', () => {
    expect(getReluAtZero()).toBe("left");
    expect(gradOf((x) => relu(x), [-1, 0, 2])).toEqual([0, 0, 1]);
    expect(gradOf((x) => x.relu(), [0])).toEqual([0]);
  });

  it('setReluAtZero("right") gives relu′(0) = 1, and getReluAtZero reports it', () => {
    setReluAtZero("right");
    expect(getReluAtZero()).toBe("right");
    expect(gradOf((x) => relu(x), [-1, 0, 2])).toEqual([0, 1, 1]);
    setReluAtZero("left");
    expect(getReluAtZero()).toBe("left");
    expect(gradOf((x) => relu(x), [-1, 0, 2])).toEqual([0, 0, 1]);
  });

  it("a per-call { atZero } overrides the global setting in both directions", () => {
    expect(gradOf((x) => relu(x, { atZero: "right" }), [-1, 0, 2])).toEqual([0, 1, 1]);
    expect(gradOf((x) => x.relu({ atZero: "right" }), [0])).toEqual([1]);
    setReluAtZero("right");
    expect(gradOf((x) => relu(x, { atZero: "left" }), [-1, 0, 2])).toEqual([0, 0, 1]);
    expect(gradOf((x) => x.relu({ atZero: "left" }), [0])).toEqual([0]);
    expect(gradOf((x) => relu(x, {}), [0])).toEqual([1]); // no atZero: the global applies
    expect(getReluAtZero()).toBe("right"); // a per-call option leaves the global alone
  });

  it("the side does not change the forward value (relu(0) = 0 either way)", () => {
    expect(relu(t64([0]), { atZero: "right" }).item()).toBe(0);
    setReluAtZero("right");
    expect(relu(t64([0])).item()).toBe(0);
  });

  it("applies at exactly 0 only, also for −0 and in float32", () => {
    expect(gradOf((x) => relu(x, { atZero: "right" }), [-0, 1e-300, -1e-300])).toEqual([1, 1, 0]);
    expect(gradOf((x) => relu(x), [-0, 1e-300, -1e-300])).toEqual([0, 1, 0]);
    const x = tensor([0, 0], { requiresGrad: true });
    relu(x, { atZero: "right" }).sum().backward();
    expect(x.grad!.dtype).toBe("float32");
    expect(Array.from(x.grad!.data)).toEqual([1, 1]);
  });
});

describe("leakyRelu at 0", () => {
  it('"left" gives the slope (default 0.01 and custom), "right" gives 1', () => {
    expect(gradOf((x) => leakyRelu(x), [-1, 0, 2])).toEqual([0.01, 0.01, 1]);
    expect(gradOf((x) => leakyRelu(x, 0.2), [-1, 0, 2])).toEqual([0.2, 0.2, 1]);
    expect(gradOf((x) => leakyRelu(x, 0.2, { atZero: "right" }), [-1, 0, 2])).toEqual([0.2, 1, 1]);
    expect(gradOf((x) => x.leakyRelu(0.2, { atZero: "right" }), [0])).toEqual([1]);
    expect(gradOf((x) => leakyRelu(x, undefined, { atZero: "right" }), [-1, 0])).toEqual([0.01, 1]);
  });

  it("follows the global setting, and a per-call option overrides it in both directions", () => {
    setReluAtZero("right");
    expect(gradOf((x) => leakyRelu(x, 0.1), [-1, 0, 2])).toEqual([0.1, 1, 1]);
    expect(gradOf((x) => leakyRelu(x, 0.1, { atZero: "left" }), [0])).toEqual([0.1]);
    setReluAtZero("left");
    expect(gradOf((x) => leakyRelu(x, 0.1), [0])).toEqual([0.1]);
    expect(gradOf((x) => leakyRelu(x, 0.1, { atZero: "right" }), [0])).toEqual([1]);
  });
});

describe("invalid side strings", () => {
  it("throw errors naming the op, and leave the global setting unchanged", () => {
    expect(() => setReluAtZero("middle" as never)).toThrow(/^setReluAtZero:.*middle/);
    expect(() => setReluAtZero(undefined as never)).toThrow(/^setReluAtZero:/);
    expect(() => setReluAtZero("Right" as never)).toThrow(/^setReluAtZero:/);
    expect(getReluAtZero()).toBe("left");
    const x = t64([0], [1], true);
    expect(() => relu(x, { atZero: "up" as never })).toThrow(/^relu:.*up/);
    expect(() => x.relu({ atZero: 1 as never })).toThrow(/^relu:/);
    expect(() => leakyRelu(x, 0.01, { atZero: "both" as never })).toThrow(/^leakyRelu:.*both/);
    expect(() => relu(x, { atZero: null as never })).toThrow(/^relu:/);
  });
});

describe("other kinks", () => {
  it("abs′(0) = 0 (and ±1 elsewhere)", () => {
    expect(gradOf(abs, [-2, 0, 3])).toEqual([-1, 0, 1]);
    expect(gradOf((x) => x.abs(), [-0, 0])[0] === 0).toBe(true); // −0 is exactly 0 too (sign(−0) = ±0)
  });

  it("clamp at exactly min and max passes the gradient (1); outside it is 0", () => {
    expect(gradOf((x) => clamp(x, 0, 1), [-0.5, 0, 0.5, 1, 1.5])).toEqual([0, 1, 1, 1, 0]);
    expect(gradOf((x) => clamp(x, 0), [-0.5, 0, 0.5])).toEqual([0, 1, 1]);
    expect(gradOf((x) => clamp(x, undefined, 1), [0.5, 1, 1.5])).toEqual([1, 1, 0]);
    expect(gradOf((x) => clamp(x, 2, 2), [1, 2, 3])).toEqual([0, 1, 0]);
  });

  it("maximum/minimum ties give ½ to each side", () => {
    for (const f of [maximum, minimum]) {
      const a = t64([1, 2, 3], [3], true), b = t64([1, 0, 3], [3], true);
      f(a, b).backward(t64([2, 2, 4]));
      const aWins = f === maximum ? 1 : 0;
      expect(Array.from(a.grad!.data)).toEqual([1, 2 * aWins, 2]);
      expect(Array.from(b.grad!.data)).toEqual([1, 2 * (1 - aWins), 2]);
    }
  });

  it("maximum/minimum ties with broadcasting: each half is summed back to the input's shape", () => {
    const x = t64([1, 0, 1, 2], [4], true), s = t64([1], [], true);
    maximum(x, s).sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([0.5, 0, 0.5, 1]);
    expect(s.grad!.item()).toBe(0.5 + 1 + 0.5 + 0);
    const y = t64([3, 4], [2], true);
    minimum(y, 3).sum().backward(); // tie with a number: the tensor keeps its half
    expect(Array.from(y.grad!.data)).toEqual([0.5, 0]);
  });

  it("maximum(x, x) and minimum(x, x) give the full gradient (½ + ½)", () => {
    expect(gradOf((x) => maximum(x, x), [-1, 0, 2])).toEqual([1, 1, 1]);
    expect(gradOf((x) => minimum(x, x), [-1, 0, 2])).toEqual([1, 1, 1]);
  });

  it("max/min reduction ties split the gradient evenly", () => {
    expect(gradOf((x) => max(x), [3, 1, 3])).toEqual([0.5, 0, 0.5]);
    expect(gradOf((x) => x.max(), [3, 1, 3])).toEqual([0.5, 0, 0.5]);
    expect(gradOf((x) => min(x), [1, 5, 1, 1])).toEqual([1 / 3, 0, 1 / 3, 1 / 3]);
    expect(gradOf((x) => max(x), [5, 5, 5, 5])).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(gradOf((x) => max(x), [1, 2, 3])).toEqual([0, 0, 1]);
  });

  it("max/min reduction ties along an axis, with a non-uniform upstream gradient", () => {
    const x = t64([3, 1, 3, 2, 2, 0], [2, 3], true);
    max(x, 1).backward(t64([2, 4]));
    expect(x.grad!.toArray()).toEqual([[1, 0, 1], [2, 2, 0]]);

    const y = t64([1, 4, 1, 2], [2, 2], true);
    max(y, 0, true).backward(t64([6, 3], [1, 2]));
    expect(y.grad!.toArray()).toEqual([[3, 3], [3, 0]]);

    const z = t64([0, 0, 0, 1, 0, 5], [2, 3], true);
    min(z, -1).backward(t64([3, 1]));
    expect(z.grad!.toArray()).toEqual([[1, 1, 1], [0, 1, 0]]);

    const w = t64([2, 2, 2, 2], [2, 2], true);
    max(w, [0, 1]).backward(t64([8], []));
    expect(w.grad!.toArray()).toEqual([[2, 2], [2, 2]]);
  });

  it("sqrt′(0) = +∞ and log′(0) = +∞ (log(0) = −∞)", () => {
    expect(gradOf(sqrt, [0, 4])).toEqual([Infinity, 0.25]);
    expect(log(t64([0])).item()).toBe(-Infinity);
    expect(gradOf(log, [0, 2])).toEqual([Infinity, 0.5]);
  });

  it("pow at base 0 uses the formula p·x^(p−1): 0 for p = 2, 1 for p = 1, +∞ for p = 0.5, 0 for p = 0", () => {
    expect(gradOf((x) => pow(x, 2), [0])).toEqual([0]);
    expect(gradOf((x) => pow(x, 3), [0])).toEqual([0]);
    expect(gradOf((x) => pow(x, 1), [0])).toEqual([1]);
    expect(gradOf((x) => pow(x, 0.5), [0])).toEqual([Infinity]);
    expect(gradOf((x) => x.pow(0.5), [0, 4])).toEqual([Infinity, 0.25]);
    expect(gradOf((x) => pow(x, 0), [0])).toEqual([0]);
    // the same with a tensor exponent
    const x = t64([0, 0, 0, 0], [4], true);
    pow(x, t64([2, 1, 0.5, 0])).sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([0, 1, Infinity, 0]);
  });

  it("d/dp of pow(0, p) is 0 (tensor or number base)", () => {
    const p = t64([2, 0.5, 1, 3], [4], true);
    const out = pow(t64([0, 0, 0, 0], [4], true), p);
    expect(Array.from(out.data)).toEqual([0, 0, 0, 0]);
    out.sum().backward();
    expect(Array.from(p.grad!.data)).toEqual([0, 0, 0, 0]);

    const q = t64([2, 0.5], [2], true);
    pow(0, q).sum().backward();
    expect(Array.from(q.grad!.data)).toEqual([0, 0]);
  });
});

describe("gradcheck at kinks", () => {
  it("gradcheck(relu, [0, 1, −1]) is ok and reports one kink at index 0: left 0, right 1, matches left", () => {
    const r = gradcheck((x) => relu(x), [tensor([0, 1, -1])]);
    expect(r.ok).toBe(true);
    expect(r.failures).toEqual([]);
    expect(r.kinks).toHaveLength(1);
    const k = r.kinks[0];
    expect(k.input).toBe(0);
    expect(k.index).toBe(0);
    expect(k.output).toBe(0);
    expect(k.left).toBeCloseTo(0, 6);
    expect(k.right).toBeCloseTo(1, 6);
    expect(k.analytic).toBe(0);
    expect(k.numeric).toBeCloseTo(0.5, 6);
    expect(k.matches).toBe("left");
  });

  it('with setReluAtZero("right") or { atZero: "right" } the kink matches "right"', () => {
    const perCall = gradcheck((x) => relu(x, { atZero: "right" }), [tensor([0, 1, -1])]);
    expect(perCall.ok).toBe(true);
    expect(perCall.kinks).toHaveLength(1);
    expect(perCall.kinks[0].matches).toBe("right");
    expect(perCall.kinks[0].analytic).toBe(1);

    setReluAtZero("right");
    const global = gradcheck((x) => relu(x), [tensor([0, 1, -1])]);
    expect(global.ok).toBe(true);
    expect(global.kinks.map((k) => [k.index, k.matches])).toEqual([[0, "right"]]);
  });

  it("leakyRelu's kink: left = slope, right = 1", () => {
    const r = gradcheck((x) => leakyRelu(x, 0.1), [t64([2, 0])]);
    expect(r.ok).toBe(true);
    expect(r.kinks).toHaveLength(1);
    const k = r.kinks[0];
    expect(k.index).toBe(1);
    expect(k.output).toBe(1);
    expect(k.left).toBeCloseTo(0.1, 6);
    expect(k.right).toBeCloseTo(1, 6);
    expect(k.matches).toBe("left");
  });

  it('abs at 0, a maximum tie and a max-reduction tie match "mid" (the average of the two sides)', () => {
    const a = gradcheck(abs, [t64([0, 2])]);
    expect(a.ok).toBe(true);
    expect(a.kinks).toHaveLength(1);
    expect(a.kinks[0].left).toBeCloseTo(-1, 6);
    expect(a.kinks[0].right).toBeCloseTo(1, 6);
    expect(a.kinks[0].matches).toBe("mid");

    const m = gradcheck((x, y) => maximum(x, y), [t64([1, 2]), t64([1, 0])]);
    expect(m.ok).toBe(true);
    expect(m.kinks.map((k) => [k.input, k.index, k.matches])).toEqual([[0, 0, "mid"], [1, 0, "mid"]]);

    const r = gradcheck((x) => max(x), [t64([3, 1, 3])]);
    expect(r.ok).toBe(true);
    expect(r.kinks.map((k) => [k.index, k.matches])).toEqual([[0, "mid"], [2, "mid"]]);
  });

  it("clamp at its bounds: the analytic 1 matches the inner side", () => {
    const r = gradcheck((x) => clamp(x, 0, 1), [t64([0, 0.5, 1])]);
    expect(r.ok).toBe(true);
    expect(r.kinks.map((k) => [k.index, k.matches])).toEqual([[0, "right"], [2, "left"]]);
  });

  it("a wrong analytic value at a kink is a failure", () => {
    // relu(x) + 2·x·[x = 0]: the forward is relu everywhere (the extra term is 0), but the
    // analytic gradient at exactly 0 becomes 2, which is neither side nor their average.
    const f = (x: Tensor) => relu(x).add(x.mul(eq(x, 0)).mul(2));
    const r = gradcheck(f, [t64([0, 1, -1])]);
    expect(r.ok).toBe(false);
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0]).toMatchObject({ input: 0, index: 0, analytic: 2 });
    expect(r.kinks).toHaveLength(1);
    expect(r.kinks[0].matches).toBe("none");
    // away from the kink the same function passes
    expect(gradcheck(f, [t64([0.5, 1, -1])]).ok).toBe(true);
  });

  it("the kink is reported for a multi-output function at the right (input, index, output)", () => {
    const r = gradcheck((x, y) => relu(x.mul(y)), [t64([1, 0]), t64([2, 3])]);
    expect(r.ok).toBe(true);
    // out[1] = relu(x1·y1) with x1 = 0: a kink along x1 (slope 3 on the right), not along y1 (x1 = 0 kills it)
    expect(r.kinks.map((k) => [k.input, k.index, k.output, k.matches])).toEqual([[0, 1, 1, "left"]]);
    expect(r.kinks[0].right).toBeCloseTo(3, 6);
  });
});

describe("elu at 0: the ReLU setting", () => {
  it('"left" (the default) gives α, PyTorch\'s value (checked: torch 2.13 gives 0.5, 2 and 1 for α = 0.5, 2, 1)', () => {
    expect(gradOf((x) => elu(x, 0.5), [0])).toEqual(TORCH_KINKS["elu alpha 0.5 at 0"]);
    expect(gradOf((x) => elu(x, 2), [0])).toEqual(TORCH_KINKS["elu alpha 2 at 0"]);
    expect(gradOf((x) => elu(x), [0])).toEqual(TORCH_KINKS["elu at 0"]);
    expect(gradOf((x) => elu(x, 0.5), [-0, 1e-300, -1e-300])).toEqual([0.5, 1, 0.5]);
  });

  it('"right" gives 1, per call or globally, and a per-call option overrides the global in both directions', () => {
    expect(gradOf((x) => elu(x, 0.5, { atZero: "right" }), [0])).toEqual([1]);
    expect(gradOf((x) => x.elu(2, { atZero: "right" }), [-0])).toEqual([1]);
    setReluAtZero("right");
    expect(gradOf((x) => elu(x, 0.5), [-1, 0, 2])).toEqual([0.5 * Math.exp(-1), 1, 1]);
    expect(gradOf((x) => elu(x, 0.5, { atZero: "left" }), [0])).toEqual([0.5]);
    expect(getReluAtZero()).toBe("right");
  });

  it("the second derivative at 0 follows the same side: α·e⁰ = α from the left, 0 from the right", () => {
    // (torch 2.13's double backward gives 0 at 0 even though its first derivative there is the left one)
    const d2 = (opts?: { atZero?: "left" | "right" }) => grad((x: Tensor) => grad((t: Tensor) => elu(t, 0.5, opts).sum())(x).sum())(t64([0])).item();
    expect(d2()).toBe(0.5);
    expect(d2({ atZero: "right" })).toBe(0);
  });

  it("gradcheck: a kink only where α ≠ 1 (left α, right 1), matching the chosen side", () => {
    const r = gradcheck((x) => elu(x, 0.5), [t64([0, 1, -1])]);
    expect(r.ok).toBe(true);
    expect(r.kinks.map((k) => [k.index, k.matches])).toEqual([[0, "left"]]);
    expect(r.kinks[0].left).toBeCloseTo(0.5, 6);
    expect(r.kinks[0].right).toBeCloseTo(1, 6);
    expect(gradcheck((x) => elu(x, 0.5, { atZero: "right" }), [t64([0])]).kinks.map((k) => k.matches)).toEqual(["right"]);
    const smooth = gradcheck((x) => elu(x), [t64([0, 1, -1])]); // α = 1: both slopes are 1 at 0
    expect(smooth.ok).toBe(true);
    expect(smooth.kinks).toEqual([]);
  });
});

describe("hardtanh and relu6 at their bounds: atBounds", () => {
  it('"open" (the default) gives 0 at both bounds, as PyTorch (torch 2.13: hardtanh′(±1) = 0, relu6′(0) = relu6′(6) = 0)', () => {
    expect(gradOf((x) => hardtanh(x), [-1, 1])).toEqual(TORCH_KINKS["hardtanh at -1, 1"]);
    expect(gradOf((x) => hardtanh(x, -0.25, 2.5), [-0.25, 2.5])).toEqual(TORCH_KINKS["hardtanh -0.25 2.5 at -0.25, 2.5"]);
    expect(gradOf((x) => relu6(x), [0, 6])).toEqual(TORCH_KINKS["relu6 at 0, 6"]);
    expect(gradOf((x) => relu6(x, { atBounds: "open" }), [-1, -0, 0, 3, 6, 7])).toEqual([0, 0, 0, 1, 0, 0]);
    expect(gradOf((x) => hardtanh(x, 1, 1), [0, 1, 2])).toEqual(TORCH_KINKS["hardtanh 1 1 at 0, 1, 2"]);
  });

  it('"left" gives the left derivative at each bound (0 at min, 1 at max); "right" the right one (1 at min, 0 at max)', () => {
    const xs = [-2, -1, 0, 1, 2];
    expect(gradOf((x) => hardtanh(x, -1, 1, { atBounds: "left" }), xs)).toEqual([0, 0, 1, 1, 0]);
    expect(gradOf((x) => hardtanh(x, -1, 1, { atBounds: "right" }), xs)).toEqual([0, 1, 1, 0, 0]);
    expect(gradOf((x) => x.hardtanh(undefined, undefined, { atBounds: "right" }), [-1, 1])).toEqual([1, 0]);
    expect(gradOf((x) => relu6(x, { atBounds: "left" }), [0, 6])).toEqual([0, 1]);
    expect(gradOf((x) => x.relu6({ atBounds: "right" }), [0, 6])).toEqual([1, 0]);
    // min = max: the function is constant, so both one-sided derivatives are 0 there too
    for (const atBounds of ["left", "right"] as const) expect(gradOf((x) => hardtanh(x, 1, 1, { atBounds }), [1])).toEqual([0]);
  });

  it("is independent of setReluAtZero: relu6′(0) stays 0 with the ReLU setting on \"right\"", () => {
    setReluAtZero("right");
    expect(gradOf((x) => relu6(x), [0, 6])).toEqual([0, 0]);
    expect(gradOf((x) => hardtanh(x, 0, 1), [0])).toEqual([0]);
    expect(gradOf((x) => relu(x), [0])).toEqual([1]); // while relu follows it
  });

  it("differs from clamp, which counts its bounds as inside (1 there), as PyTorch's clamp (torch 2.13: 1 at ±1)", () => {
    expect(gradOf((x) => clamp(x, -1, 1), [-1, 1])).toEqual(TORCH_KINKS["clamp -1 1 at -1, 1"]);
    expect(gradOf((x) => hardtanh(x, -1, 1), [-1, 1])).toEqual([0, 0]);
    expect(Array.from(hardtanh(t64([-3, -1, 0.5, 1, 3])).data)).toEqual(Array.from(clamp(t64([-3, -1, 0.5, 1, 3]), -1, 1).data));
  });

  it("gradcheck reports both bounds as kinks and which side each analytic value took", () => {
    const at = (opts?: { atBounds?: "open" | "left" | "right" }) =>
      gradcheck((x) => hardtanh(x, -1, 1, opts), [t64([-1, 0, 1])]).kinks.map((k) => [k.index, k.matches]);
    expect(at()).toEqual([[0, "left"], [2, "right"]]); // 0 at min is the left slope, 0 at max the right one
    expect(at({ atBounds: "left" })).toEqual([[0, "left"], [2, "left"]]);
    expect(at({ atBounds: "right" })).toEqual([[0, "right"], [2, "right"]]);
    const r = gradcheck((x) => relu6(x), [t64([0, 3, 6])]);
    expect(r.ok).toBe(true);
    expect(r.kinks.map((k) => [k.index, k.left, k.right].map((v) => Math.round(v * 1e6) / 1e6))).toEqual([[0, 0, 1], [2, 1, 0]]);
  });
});

describe("the zoo's kinks on both backends, in float32 (600 elements: the wasm backend's long-array loops)", () => {
  /** x: 600 float32 values cycling through `points`; the gradient of sum(f(x)), per point. */
  function slopesOn(backend: string, f: (x: Tensor) => Tensor, points: number[]): number[] {
    const before = getBackend();
    try {
      setBackend(backend);
      const x = tensor(Array.from({ length: 600 }, (_, i) => points[i % points.length]), { requiresGrad: true });
      f(x).sum().backward();
      expect(x.grad!.dtype).toBe("float32");
      const g = Array.from(x.grad!.data);
      // every copy of a point got the same slope
      points.forEach((_, j) => expect(new Set(g.filter((_, i) => i % points.length === j)).size).toBe(1));
      return points.map((_, j) => g[j]);
    } finally {
      setBackend(before);
    }
  }

  for (const backend of ["js", "wasm"]) {
    it(`${backend}: every option's value at every kink`, () => {
      const e = Math.fround(0.5 * Math.exp(-1));
      expect(slopesOn(backend, (x) => elu(x, 0.5), [-1, 0, 2])).toEqual([e, 0.5, 1]);
      expect(slopesOn(backend, (x) => elu(x, 0.5, { atZero: "right" }), [-1, 0, 2])).toEqual([e, 1, 1]);
      const bounds = [-2, -1, 0, 1, 2];
      expect(slopesOn(backend, (x) => hardtanh(x), bounds)).toEqual([0, 0, 1, 0, 0]);
      expect(slopesOn(backend, (x) => hardtanh(x, -1, 1, { atBounds: "left" }), bounds)).toEqual([0, 0, 1, 1, 0]);
      expect(slopesOn(backend, (x) => hardtanh(x, -1, 1, { atBounds: "right" }), bounds)).toEqual([0, 1, 1, 0, 0]);
      const r6 = [-1, 0, 3, 6, 7];
      expect(slopesOn(backend, (x) => relu6(x), r6)).toEqual([0, 0, 1, 0, 0]);
      expect(slopesOn(backend, (x) => relu6(x, { atBounds: "left" }), r6)).toEqual([0, 0, 1, 1, 0]);
      expect(slopesOn(backend, (x) => relu6(x, { atBounds: "right" }), r6)).toEqual([0, 1, 1, 0, 0]);
    });
  }
});

describe("gelu, silu and erf are smooth: no kink anywhere", () => {
  it("gradcheck finds none, at 0 or elsewhere", () => {
    for (const f of [(x: Tensor) => gelu(x), (x: Tensor) => gelu(x, { approximate: "tanh" }), silu, erf]) {
      const r = gradcheck(f, [t64([-2, -0.5, 0, 0.5, 2])]);
      expect(r.ok).toBe(true);
      expect(r.kinks).toEqual([]);
    }
  });
});

describe("bad kink options are rejected, naming the op and the value, and leave the ReLU setting alone", () => {
  it("atBounds must be open, left or right; atZero of elu as relu's", () => {
    const x = t64([0], [1], true);
    expect(() => hardtanh(x, -1, 1, { atBounds: "middle" as never })).toThrow(/^hardtanh: atBounds must be "open" \(derivative 0 at both bounds\), "left" \(the left derivative: 0 at min, 1 at max\) or "right" \(the right derivative: 1 at min, 0 at max\), got "middle"$/);
    expect(() => relu6(x, { atBounds: null as never })).toThrow(/^relu6: atBounds must be .*got null$/);
    expect(() => x.relu6({ atBounds: "Left" as never })).toThrow(/^relu6: atBounds .*got "Left"$/);
    expect(() => elu(x, 1, { atZero: "open" as never })).toThrow(/^elu: atZero must be "left" \(derivative 0 at x = 0\) or "right" \(derivative 1\), got "open"$/);
    expect(() => relu6(x, { atBounds: "x".repeat(500) as never })).toThrow(/got "x{80}…" \(500 characters\)$/); // quoted by its prefix
    expect(getReluAtZero()).toBe("left");
  });
});
