/**
 * Lesson 2 (`pnpm lesson2`): softplus with β, a smooth ReLU.
 *
 *   softplus(x; β) = (1/β)·log(1 + e^(βx))        d/dx softplus(x; β) = σ(βx)
 *
 * You met it in lesson 1: the cross-entropy loss for t = 1 is J(z) = −log σ(z) = softplus(−z),
 * linear on the wrong side (slope −1) and flat on the right one, and its gradient σ(z) − 1 is the
 * slope of softplus, mirrored. Larger β hugs ReLU tighter: the two differ most at x = 0, by
 * softplus(0) = log(2)/β, and as β → ∞ the slope σ(βx) tends to ReLU's step everywhere but at 0
 * (outside |x| ≥ δ it is within σ(−βδ) of it). The slope is never 0 and tends to 1 for x > 0.
 *
 * The values and slopes come from the framework (`softplus(x, { beta })`, `relu`, `bceWithLogits`,
 * then `.backward()`) in float64: the comparisons then see the formulas, not float32's rounding, and
 * every backend prints the same digits (float64 runs the same reference kernels everywhere). The
 * float32 slopes are checked too, against a bound that holds on every backend.
 */
import { relu, softplus, tensor, type Tensor } from "@backprop/core";
import { bceWithLogits } from "@backprop/nn";
import { writeFigure } from "../shared/figure.js";
import { claim, heading, printer, runAsScript, type LessonOptions, type LessonResult } from "./lib/run.js";
import { num, table } from "./lib/table.js";
import { crossEntropySpec, softplusSpec } from "./lib/lesson2-figures.js";
// The claim and the β values are shared with the browser playground's preset (notes/ is browser-safe).
import { BETAS, CLAIM } from "./notes/2-softplus.js";

export { BETAS, CLAIM };
/** The x of the printed tables (all on the sweep's grid, in both modes). */
export const TABLE_X = [-2, -0.5, 0, 0.5, 2] as const;
/** β → ∞: the β of the limit table (BETAS and larger). */
export const LIMIT_BETAS = [...BETAS, 20, 50, 100, 1000] as const;
/** The β the picture adds to BETAS, to show the limit. */
export const PICTURE_BETAS = [...BETAS, 100] as const;
/** The window of the limit table: the slope is compared with ReLU's step where |x| ≥ DELTA. */
export const DELTA = 0.1;
/** The logits of the cross-entropy table (lesson 1's loss). */
export const CE_Z = [-20, -5, -2, 0, 2, 5, 20] as const;
/** softplus's default threshold (PyTorch's): where βx exceeds it, softplus is x itself, slope 1. */
const THRESHOLD = 20;
/** Two float32 spacings just below 1 (2·2^−24): the bound the float32 slopes are held to. */
export const FLOAT32_BOUND = 2 * 2 ** -24;
const X_MAX = 4;

/** σ(u) in float64, written as (1 + tanh(u/2))/2: equal to 1/(1 + e^(−u)) on paper, computed another way. */
export const sigmaTanh = (u: number): number => (1 + Math.tanh(u / 2)) / 2;

/** f(x) and df/dx at every x, by autograd: one backward through the sum (each output depends on its own x). */
function valueAndSlope(x: Float64Array | Float32Array, f: (x: Tensor) => Tensor): { value: number[]; slope: number[] } {
  const t = tensor(x, { requiresGrad: true });
  const y = f(t);
  y.sum().backward();
  return { value: Array.from(y.data), slope: Array.from(t.grad!.data) };
}

export interface BetaStats {
  beta: number;
  /** softplus(x; β) and its autograd slope on the sweep (float64). */
  value: number[];
  slope: number[];
  /** softplus(0; β) − relu(0), as computed: should be log(2)/β. */
  gapAt0: number;
  log2OverBeta: number;
  /** max over the sweep of |softplus − relu|, and where. */
  maxGap: number;
  maxGapAt: number;
  /** max |autograd slope − σ(βx)| where βx ≤ 20 (σ written with tanh, float64). */
  maxSlopeError: number;
  /** The smallest slope where βx > 20 (softplus is x there: slope 1), or null if the sweep has no such x. */
  slopeAboveThreshold: number | null;
  /** The slopes at −DELTA, 0, +DELTA. */
  slopeAt: { minus: number; zero: number; plus: number };
  /** max |slope − step(x)| over the sweep where |x| ≥ DELTA; step = 0 left of 0, 1 right of it. */
  maxStepError: number;
  /** The smallest slope on the sweep (at x = −4: σ(−4β)), and the slope at x = 4. */
  minSlope: number;
  slopeAtMax: number;
  /** max |slope − σ(βx)| with the same sweep in float32 (the default dtype). */
  maxSlopeError32: number;
}

export interface CrossEntropyRow {
  z: number;
  /** bceWithLogits(z, 1), lesson 1's fused loss, and softplus(−z), relu(−z): float64. */
  J: number;
  softplusMinusZ: number;
  reluMinusZ: number;
  /** dJ/dz by autograd through bceWithLogits, and σ(z) − 1. */
  dJdz: number;
  sigmaMinusOne: number;
}

export interface Lesson2Result extends LessonResult {
  /** The sweep of x over [−4, 4]. */
  x: number[];
  relu: number[];
  /** Every β of LIMIT_BETAS (BETAS first). */
  perBeta: BetaStats[];
  /** relu′(0) by autograd with each side of the kink. */
  reluSlopeAt0: { left: number; right: number };
  crossEntropy: CrossEntropyRow[];
  /** J(z) = bceWithLogits(z, 1) and its slope for z ∈ [−6, 6] (the picture). */
  crossEntropyCurve: { z: number[]; J: number[]; dJdz: number[] };
}

export async function run(opts: LessonOptions): Promise<Lesson2Result> {
  const say = printer(opts);
  const step = opts.fast ? 0.05 : 0.01;
  const n = Math.round((2 * X_MAX) / step);
  const x = Array.from({ length: n + 1 }, (_, i) => Number((-X_MAX + i * step).toFixed(6)));
  const x64 = Float64Array.from(x);
  const at = (v: number): number => {
    const i = x.indexOf(v);
    if (i < 0) throw new Error(`x = ${v} is not on the sweep`);
    return i;
  };

  const reluLeft = valueAndSlope(x64, (t) => relu(t, { atZero: "left" }));
  const reluRight = valueAndSlope(x64, (t) => relu(t, { atZero: "right" }));
  const perBeta: BetaStats[] = LIMIT_BETAS.map((beta) => {
    const { value, slope } = valueAndSlope(x64, (t) => softplus(t, { beta }));
    const slope32 = valueAndSlope(Float32Array.from(x), (t) => softplus(t, { beta })).slope;
    let maxGap = -Infinity, maxGapAt = NaN, maxSlopeError = 0, maxStepError = 0, maxSlopeError32 = 0;
    let slopeAboveThreshold: number | null = null;
    for (let i = 0; i < x.length; i++) {
      const gap = Math.abs(value[i] - reluLeft.value[i]);
      if (gap > maxGap) [maxGap, maxGapAt] = [gap, x[i]];
      if (beta * x[i] <= THRESHOLD) maxSlopeError = Math.max(maxSlopeError, Math.abs(slope[i] - sigmaTanh(beta * x[i])));
      else slopeAboveThreshold = Math.min(slopeAboveThreshold ?? Infinity, slope[i]);
      if (Math.abs(x[i]) >= DELTA) maxStepError = Math.max(maxStepError, Math.abs(slope[i] - (x[i] > 0 ? 1 : 0)));
      maxSlopeError32 = Math.max(maxSlopeError32, Math.abs(slope32[i] - sigmaTanh(beta * Math.fround(x[i]))));
    }
    return {
      beta, value, slope, gapAt0: value[at(0)] - reluLeft.value[at(0)], log2OverBeta: Math.LN2 / beta,
      maxGap, maxGapAt, maxSlopeError, slopeAboveThreshold, maxStepError, maxSlopeError32,
      slopeAt: { minus: slope[at(-DELTA)], zero: slope[at(0)], plus: slope[at(DELTA)] },
      minSlope: Math.min(...slope), slopeAtMax: slope[x.length - 1],
    };
  });
  const reluSlopeAt0 = { left: reluLeft.slope[at(0)], right: reluRight.slope[at(0)] };
  const family = perBeta.filter((s) => (BETAS as readonly number[]).includes(s.beta));

  // lesson 1's loss, J(z) = bceWithLogits(z, 1), beside softplus(−z) and relu(−z)
  const ceAt = (zs: readonly number[]) => {
    const z = tensor(Float64Array.from(zs), { requiresGrad: true });
    const J = bceWithLogits(z, tensor(new Float64Array(zs.length).fill(1)), { reduction: "none" });
    J.sum().backward();
    return { J: Array.from(J.data), dJdz: Array.from(z.grad!.data) };
  };
  const ce = ceAt(CE_Z);
  const minusZ = (f: (t: Tensor) => Tensor) => Array.from(f(tensor(Float64Array.from(CE_Z, (z) => -z))).data);
  const spMinusZ = minusZ((t) => softplus(t));
  const reluMinusZ = minusZ((t) => relu(t));
  const crossEntropy: CrossEntropyRow[] = CE_Z.map((z, i) => ({
    z, J: ce.J[i], softplusMinusZ: spMinusZ[i], reluMinusZ: reluMinusZ[i], dJdz: ce.dJdz[i], sigmaMinusOne: sigmaTanh(z) - 1,
  }));
  const curveZ = Array.from({ length: Math.round(12 / step) + 1 }, (_, i) => Number((-6 + i * step).toFixed(6)));
  const crossEntropyCurve = { z: curveZ, ...ceAt(curveZ) };

  say(claim(CLAIM));
  say("softplus(x; β) = (1/β)·log(1 + e^(βx)), a smooth ReLU. Values and slopes by the framework's");
  say("autograd in float64, so that the comparisons see the formulas, not float32's rounding (section 5).");

  // ---- 1. lesson 1's loss is a softplus
  say(heading("1. You met softplus in lesson 1: the cross-entropy loss is one"));
  say("  Lesson 1's loss for t = 1 is J(z) = −log σ(z) = log(1 + e^(−z)) = softplus(−z) with β = 1,");
  say("  and its gradient is the slope of softplus, mirrored: dJ/dz = −softplus′(−z) = −σ(−z) = σ(z) − 1.");
  say(table(
    ["z", "J = bceWithLogits(z, 1)", "softplus(−z)", "relu(−z)", "dJ/dz by autograd", "σ(z) − 1"],
    crossEntropy.map((r) => [r.z, num(r.J, 11), num(r.softplusMinusZ, 11), r.reluMinusZ, num(r.dJdz, 11), num(r.sigmaMinusOne, 11)]),
    { align: ["r", "r", "r", "r", "r", "r"] },
  ));
  const ce0 = crossEntropy.find((r) => r.z === 0)!;
  say("  Wrong side (z < 0): J ≈ relu(−z) = −z, linear, slope → −1: the gradient does not fade, however");
  say("  wrong the answer. Right side (z > 0): J → 0, flat, slope → 0: nothing left to learn. J and relu(−z)");
  say(`  differ most at z = 0, by J(0) = ${num(ce0.J, 8)} = log 2: the gap log(2)/β of section 3, with β = 1.`);
  say("  (For t = 0 the loss is J(z) = softplus(z), the mirror image.)");

  // ---- 2. the family
  say(heading("2. Values and slopes for five β, ReLU beside"));
  const betaCols = BETAS.map((b) => `β = ${b}`);
  say("  values");
  say(table(["x", "relu", ...betaCols], TABLE_X.map((xv) => [String(xv), reluLeft.value[at(xv)], ...family.map((s) => s.value[at(xv)])]), { digits: 4, align: ["r"] }));
  say("  slopes d/dx by autograd (relu′ at 0 has two one-sided values)");
  say(table(
    ["x", "relu′ left", "relu′ right", ...betaCols],
    TABLE_X.map((xv) => [String(xv), reluLeft.slope[at(xv)], reluRight.slope[at(xv)], ...family.map((s) => s.slope[at(xv)])]),
    { digits: 4, align: ["r"] },
  ));
  say("  relu′ is 0 for every x < 0: a ReLU unit whose inputs are all negative gets no gradient at all.");
  say("  softplus′ = σ(βx) is above 0 everywhere (a softplus unit always gets some gradient, though at");
  say(`  β = 10 and x = −${X_MAX} only ${num(family[family.length - 1].minSlope, 3)}) and tends to 1 for x > 0: no saturation on the positive side.`);

  // ---- 3. the gap
  say(heading(`3. The gap to ReLU, over the sweep x ∈ [−${X_MAX}, ${X_MAX}] in steps of ${step} (${x.length} points)`));
  say(table(
    ["β", "softplus(0) − relu(0)", "log(2)/β", "max|softplus − relu|", "at x"],
    perBeta.map((s) => [String(s.beta), num(s.gapAt0, 7), num(s.log2OverBeta, 7), num(s.maxGap, 7), s.maxGapAt]),
    { align: ["r", "r", "r", "r", "r"] },
  ));
  say("  The gap is largest at x = 0 and equals log(2)/β: doubling β halves it; as β → ∞ it goes to 0.");

  // ---- 4. the slope tends to the step
  say(heading(`4. β → ∞: the slope σ(βx) tends to ReLU's step (0 for x < 0, 1 for x > 0)`));
  say(table(
    ["β", `slope at −${DELTA}`, "slope at 0", `slope at +${DELTA}`, `max|slope − step|, |x| ≥ ${DELTA}`, `1/(1 + e^(${DELTA}β))`],
    perBeta.map((s) => [String(s.beta), num(s.slopeAt.minus, 4), num(s.slopeAt.zero, 4), num(s.slopeAt.plus, 4), num(s.maxStepError, 4), num(1 / (1 + Math.exp(DELTA * s.beta)), 4)]),
    { align: ["r", "r", "r", "r", "r", "r"] },
  ));
  say("  Outside any window |x| ≥ δ the slope is within σ(−βδ) = 1/(1 + e^(βδ)) < e^(−βδ) of the step,");
  say(`  which vanishes exponentially as β grows (here δ = ${DELTA}). At x = 0 the slope stays σ(0) = 0.5 for`);
  say("  every β, halfway between ReLU's one-sided slopes 0 and 1: the limit is ReLU's derivative everywhere");
  say("  but at the kink, where ReLU has none and the framework must pick a side (lesson 5).");

  // ---- 5. the slope is σ(βx)
  say(heading("5. The autograd slope is σ(βx): checked against the formula"));
  say(table(
    ["β", "max|slope − σ(βx)| where βx ≤ 20", "slope where βx > 20"],
    perBeta.map((s) => [String(s.beta), num(s.maxSlopeError, 2), s.slopeAboveThreshold === null ? "(no such x)" : num(s.slopeAboveThreshold, 4)]),
    { align: ["r", "r", "r"] },
  ));
  const worst64 = Math.max(...perBeta.map((s) => s.maxSlopeError));
  const worst32 = Math.max(...perBeta.map((s) => s.maxSlopeError32));
  say(`  In float64 the slope is σ(βx), computed another way as (1 + tanh(βx/2))/2, to ${num(worst64, 2)} at most:`);
  say(`  one or two units in the last place (float64's spacing just below 1 is ${num(2 ** -53, 2)}). The derivative of`);
  say(`  softplus is the sigmoid. Where βx > ${THRESHOLD}, softplus is x itself (PyTorch's threshold), so its slope`);
  say(`  is exactly 1, while σ(βx) > 1 − e^(−${THRESHOLD}) = 1 − ${num(Math.exp(-THRESHOLD), 2)}.`);
  say(`  In float32, the default dtype, the same slopes are ${worst32 < FLOAT32_BOUND ? "within" : "NOT within"} two float32 spacings below 1`);
  say(`  (2·2^−24 = ${num(FLOAT32_BOUND, 2)}) of σ(βx) for every β: float32 rounding, whose last bit depends on the`);
  say("  kernel backend's exp, which is why this lesson prints its comparisons in float64.");

  const files = [
    ...(await writeFigure(opts.outDir, "2-softplus", softplusSpec(x, reluLeft.value, perBeta.filter((s) => (PICTURE_BETAS as readonly number[]).includes(s.beta)), reluSlopeAt0))),
    ...(await writeFigure(opts.outDir, "2-cross-entropy", crossEntropySpec(curveZ, crossEntropyCurve.J, crossEntropyCurve.dJdz))),
  ];
  return { x, relu: reluLeft.value, perBeta, reluSlopeAt0, crossEntropy, crossEntropyCurve, files };
}

await runAsScript(import.meta.url, {
  script: "lesson2",
  about: [
    "Lesson 2: softplus(x; β) = (1/β)·log(1 + e^(βx)) beside ReLU on [−4, 4]. Shows that lesson 1's",
    "cross-entropy loss is softplus(−z), the values and slopes for β = 0.5 … 10, the gap log(2)/β at 0,",
    "the slope σ(βx) tending to ReLU's step as β → ∞, and the autograd slopes checked against σ(βx);",
    "draws the family and the cross-entropy loss (SVG and PNG).",
  ].join("\n"),
}, run);
