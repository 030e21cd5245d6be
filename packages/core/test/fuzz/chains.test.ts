/**
 * Fuzzing gradients: seeded random chains of registered ops on random broadcastable shapes,
 * in float64, each checked against central differences (gradcheck), every fourth one to the second
 * order as well. 500 chains per run
 * of the suite; `pnpm fuzz` runs many more (FUZZ_RUNS). On failure fast-check prints the seed and
 * the shrunk chain; FUZZ_SEED=<seed> replays a run.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { grad, gradcheck, record, Tensor, tensor } from "../../src/index.js";
import { ops, type OpName } from "../../src/registry.js";
import { values } from "../helpers.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 500);
const SEED = process.env.FUZZ_SEED === undefined ? Date.now() % 2 ** 31 : Number(process.env.FUZZ_SEED);

const f64 = (v: number[], shape: readonly number[]) => new Tensor(Float64Array.from(v), shape);
const weights = (shape: readonly number[], seed: number) => f64(values(shape.reduce((p, d) => p * d, 1), seed), shape);
const last = (h: Tensor) => h.shape[h.ndim - 1];

/** Whether two shapes broadcast together. */
function broadcasts(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 1; i <= Math.min(a.length, b.length); i++) {
    const x = a[a.length - i], y = b[b.length - i];
    if (x !== y && x !== 1 && y !== 1) return false;
  }
  return true;
}

/**
 * One step of a chain: `h` (the running value), `x` (one of the inputs), `k` (a small number to pick
 * an axis or a size). Ops with a restricted domain get their argument mapped into it first
 * (log of h² + ½, never of h). A step that does not apply returns h unchanged.
 */
interface Step { ops: OpName[]; apply: (h: Tensor, x: Tensor, k: number) => Tensor }
const O = ops;
const axis = (h: Tensor, k: number) => (h.ndim ? k % h.ndim : 0);
const partner = (h: Tensor, x: Tensor): Tensor | number => (broadcasts(h.shape, x.shape) ? x : 0.75);
const positive = (t: Tensor) => O.add(O.square(t), 0.5);

const STEPS: Step[] = [
  ...(["add", "sub", "mul", "maximum", "minimum"] as const).map((op): Step => ({ ops: [op], apply: (h, x) => O[op](h, partner(h, x)) })),
  { ops: ["div", "square", "add"], apply: (h, x) => O.div(h, broadcasts(h.shape, x.shape) ? positive(x) : 1.5) },
  { ops: ["pow", "tanh"], apply: (h, x) => O.pow(positive(h), broadcasts(h.shape, x.shape) ? O.tanh(x) : 1.5) },
  { ops: ["pow"], apply: (h, _x, k) => O.pow(h, [2, 3, 1, 0][k % 4]) },
  ...(["neg", "abs", "square", "relu", "sigmoid", "tanh", "softplus", "clone"] as const).map((op): Step => ({ ops: [op], apply: (h) => O[op](h) })),
  { ops: ["exp", "tanh"], apply: (h) => O.exp(O.tanh(h)) },
  { ops: ["log"], apply: (h) => O.log(positive(h)) },
  { ops: ["sqrt"], apply: (h) => O.sqrt(positive(h)) },
  { ops: ["leakyRelu"], apply: (h) => O.leakyRelu(h, 0.1) },
  { ops: ["clamp"], apply: (h) => O.clamp(h, -0.5, 0.5) },
  ...(["erf", "silu", "relu6", "sin", "cos"] as const).map((op): Step => ({ ops: [op], apply: (h) => O[op](h) })),
  { ops: ["elu"], apply: (h, _x, k) => O.elu(h, [1, 0.5, 2][k % 3]) },
  { ops: ["gelu"], apply: (h, _x, k) => O.gelu(h, { approximate: k % 2 ? "tanh" : "none" }) },
  { ops: ["hardtanh"], apply: (h) => O.hardtanh(h, -0.5, 0.75) },
  { ops: ["where", "gt"], apply: (h, x) => (broadcasts(h.shape, x.shape) ? O.where(O.gt(x, 0), h, x) : h) },
  ...(["sum", "mean", "max", "min", "logSumExp"] as const).map((op): Step => ({ ops: [op], apply: (h, _x, k) => O[op](h, h.ndim ? axis(h, k) : undefined, true) })),
  ...(["softmax", "logSoftmax"] as const).map((op): Step => ({ ops: [op], apply: (h, _x, k) => (h.ndim ? O[op](h, axis(h, k)) : h) })),
  { ops: ["transpose"], apply: (h) => (h.ndim >= 2 ? O.transpose(h) : h) },
  { ops: ["reshape"], apply: (h) => O.reshape(O.reshape(h, [-1]), h.shape) },
  { ops: ["view"], apply: (h) => O.view(O.view(h, [-1]), h.shape) },
  { ops: ["flatten"], apply: (h, _x, k) => O.flatten(h, h.ndim ? k % h.ndim : 0) },
  { ops: ["permute"], apply: (h, _x, k) => O.permute(h, h.shape.map((_, i) => (i + k) % h.ndim)) }, // a rotation of the axes
  { ops: ["unsqueeze", "squeeze"], apply: (h, _x, k) => O.squeeze(O.unsqueeze(h, k % (h.ndim + 1)), k % (h.ndim + 1)) },
  { ops: ["expand"], apply: (h, x) => (broadcasts(h.shape, x.shape) && x.ndim >= h.ndim ? O.expand(h, x.shape.map((d, i) => Math.max(d, h.shape[i - (x.ndim - h.ndim)] ?? 1))) : h) },
  { ops: ["matmul", "transpose"], apply: (h) => (h.ndim >= 2 ? O.matmul(h, O.transpose(h)) : h) },
  { ops: ["matmul"], apply: (h) => (h.ndim === 1 ? O.matmul(h, h) : h) },
  { ops: ["linear"], apply: (h, _x, k) => (h.ndim ? O.linear(h, weights([2, last(h)], 40 + k), weights([2], 50 + k)) : h) },
  // (never empty: the mean of nothing is NaN, which no central difference can check)
  { ops: ["slice"], apply: (h, _x, k) => (h.ndim && h.shape[0] > 1 ? O.slice(h, [k % 2], [h.shape[0] - ((k + 1) % 2)]) : h) },
  { ops: ["gather"], apply: (h, _x, k) => (h.ndim ? O.gather(h, -1, f64(values(h.size, 60 + k).map((u) => Math.floor(((u + 1) / 2) * last(h))), h.shape)) : h) },
  { ops: ["concat"], apply: (h, _x, k) => (h.ndim ? O.concat([h, O.mul(h, 2)], axis(h, k)) : h) },
  { ops: ["stack"], apply: (h, _x, k) => O.stack([h, O.neg(h)], k % (h.ndim + 1)) },
  // Windows: a rank-3 h is an unbatched [C, H, W] image, a rank-2 or rank-3 h a [C, L] or [N, C, L] signal.
  { ops: ["pad"], apply: (h, _x, k) => (h.ndim ? O.pad(h, [1, k % 2], { mode: (["constant", "replicate", "circular", "reflect"] as const)[k % (last(h) > 1 ? 4 : 3)] }) : h) },
  { ops: ["conv1d"], apply: (h, _x, k) => (h.ndim === 2 || h.ndim === 3 ? O.conv1d(h, weights([2, h.shape[h.ndim - 2], 2], 70 + k), weights([2], 80 + k), { padding: 1, stride: 1 + (k % 2) }) : h) },
  { ops: ["conv2d"], apply: (h, _x, k) => (h.ndim === 3 ? O.conv2d(h, weights([2, h.shape[0], 2, 2], 90 + k), null, { padding: 1, dilation: 1 + (k % 2) }) : h) },
  { ops: ["maxPool2d"], apply: (h, _x, k) => (h.ndim === 3 ? O.maxPool2d(h, { kernelSize: 2, stride: 1 + (k % 2), padding: 1 }) : h) },
  { ops: ["avgPool2d"], apply: (h, _x, k) => (h.ndim === 3 ? O.avgPool2d(h, { kernelSize: 2, stride: 1 + (k % 2), padding: 1, countIncludePad: k % 3 === 0 }) : h) },
];

interface Plan {
  /** The broadcast shape of the inputs: `rank` of `dims`. */
  rank: number;
  dims: number[];
  /** Each input: drop leading axes, set some axes to 1 (the first `count` inputs are used). */
  inputs: { drop: number; ones: boolean[] }[];
  count: number;
  /** The first `length` steps run: [step, which input, a small number]. */
  length: number;
  steps: [number, number, number][];
  seed: number;
}

// Fixed-length arrays with a separate count, and constantFrom (uniform) for sizes: fast-check
// otherwise biases lengths and integers towards small ones, and most chains would be on 1 element.
const planArb: fc.Arbitrary<Plan> = fc.record({
  rank: fc.constantFrom(2, 3, 1, 0),
  dims: fc.array(fc.constantFrom(3, 2, 4, 1), { minLength: 3, maxLength: 3 }),
  inputs: fc.array(fc.record({ drop: fc.constantFrom(0, 0, 1, 2), ones: fc.array(fc.constantFrom(false, false, false, true), { minLength: 3, maxLength: 3 }) }), { minLength: 3, maxLength: 3 }),
  count: fc.constantFrom(2, 1, 3),
  length: fc.constantFrom(4, 6, 8, 3, 2, 1),
  steps: fc.array(fc.tuple(fc.nat(STEPS.length - 1), fc.nat(2), fc.nat(5)), { minLength: 8, maxLength: 8 }),
  seed: fc.integer({ min: 1, max: 2 ** 30 }),
});

/** The input shapes: the base with leading axes dropped and some axes set to 1 (all broadcast together). */
const shapesOf = (p: Plan) => {
  const base = p.dims.slice(0, p.rank);
  return p.inputs.slice(0, p.count).map(({ drop, ones }) => base.slice(Math.min(drop, base.length)).map((d, i) => (ones[i] ? 1 : d)));
};
const stepsOf = (p: Plan) => p.steps.slice(0, p.length);

/** The plan as a differentiable function of its inputs: the chain, then a fixed projection to a scalar. */
function chain(p: Plan) {
  return (...xs: Tensor[]): Tensor => {
    let h = xs[0];
    for (const [s, i, k] of stepsOf(p)) h = STEPS[s].apply(h, xs[i % xs.length], k);
    return O.sum(O.mul(h, weights(h.shape, p.seed)));
  };
}

/** Readable chain for a failure message. */
const describePlan = (p: Plan) => `shapes ${JSON.stringify(shapesOf(p))}, steps ${stepsOf(p).map(([s, i, k]) => `${STEPS[s].ops[0]}(x${i % p.count}, ${k})`).join(" → ")}`;

describe("fuzz: random chains of registered ops, gradients against central differences", () => {
  it(`${RUNS} chains (seed ${SEED})`, () => {
    fc.assert(
      fc.property(planArb, (p) => {
        const xs = shapesOf(p).map((shape, j) => weights(shape, p.seed + 7 * j + 1));
        const f = chain(p);
        const r = gradcheck(f, xs);
        if (!r.ok) throw new Error(`gradcheck failed for ${describePlan(p)}: ${JSON.stringify(r.failures.slice(0, 3))}`);
        // Every fourth chain: the second order too, the gradient of a fixed projection of the gradient.
        if (p.seed % 4 === 0) {
          const df = grad(f, xs.map((_, i) => i));
          const V = xs.map((x, i) => weights(x.shape, p.seed + 100 + i));
          const f2 = (...ys: Tensor[]) => df(...ys).reduce((acc, g, i) => O.add(acc, O.sum(O.mul(g, V[i]))), tensor(0, { dtype: "float64" }));
          const r2 = gradcheck(f2, xs);
          if (!r2.ok) throw new Error(`second-order gradcheck failed for ${describePlan(p)}: ${JSON.stringify(r2.failures.slice(0, 3))}`);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  }, Math.max(30_000, RUNS * 100));

  it("the chains exercise every differentiable registered op but the dtype conversions (float32 has no float64 precision to check; float64 to float64 is the tensor itself)", () => {
    const used = new Set(STEPS.flatMap((s) => s.ops));
    const skipped = new Set<OpName>(["cast", "to", "float", "double", "detach", "gt", "ge", "lt", "le", "eq", "sign", "argmax", "argmin"]);
    const missing = (Object.keys(ops) as OpName[]).filter((n) => !used.has(n) && !skipped.has(n));
    expect(missing).toEqual([]);
  });

  it("a wrong gradient is caught: gradcheck fails on an op whose backward is deliberately wrong", () => {
    // x² with the backward of x³ (3x²·g): what a bug looks like to the check above.
    const wrongSquare = (x: Tensor) => record(O.square(x).detach(), {
      op: "wrongSquare", rule: "dx = 3x²·g (wrong)", inputs: [x], backward: (g) => [O.mul(g, O.mul(O.square(x), 3))],
    });
    const r = gradcheck((x) => O.sum(wrongSquare(x)), [tensor([0.3, -0.7], { dtype: "float64" })]);
    expect(r.ok).toBe(false);
  });
});
