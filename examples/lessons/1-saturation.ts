/**
 * Lesson 1 (`pnpm lesson1`): sigmoid + cross-entropy avoids gradient saturation.
 *
 * One sigmoid unit, p = σ(z), target t ∈ {0, 1}. The chain rule through the sigmoid is
 * dJ/dz = dJ/dp · σ′(z), σ′(z) = σ(z)(1 − σ(z)):
 *
 *   MSE  (p − t)²                  dJ/dz = 2(p − t)·σ′(z)       σ′ stays: ≈ −2e^z when z ≪ 0, t = 1
 *   CE   −t·log p − (1−t)·log(1−p) dJ/dz = σ(z) − t             the 1/p of the log cancels σ′
 *
 * for t = 1, J = −log σ(z) = log(1 + e^(−z)) = softplus(−z): linear on the wrong side, flat on the
 * right one (lesson 2's function). That is mathematics, true of the unfused bce(sigmoid(z)) and the
 * fused bceWithLogits(z) alike. Floating point is the other half: the unfused pair holds σ(z) and 1/σ(z)
 * as float32 numbers, and far out they overflow, underflow or round to 1; the fused node never forms
 * them and keeps σ(z) − t for every finite logit.
 *
 * The lesson prints the derivation, the chain rule's factors read off autograd at the run's logits,
 * where float32 breaks the unfused chain, and a one-weight training run from a confidently wrong start;
 * it draws the two loss curves, the float32 gradients far out, and the training.
 */
import { writeFigure } from "../shared/figure.js";
import { claim, heading, printer, runAsScript, type LessonOptions, type LessonResult } from "./lib/run.js";
import { num, table } from "./lib/table.js";
import {
  chain, gradients, LOSSES, range, SHORT, sigma64, STATUS_TEXT, transitions,
  type ChainStep, type Edge, type Gradients, type LossName, type Status,
} from "./lib/lesson1-gradients.js";
import { gradientsSpec, lossesSpec, trainingSpec } from "./lib/lesson1-figures.js";
import { mseStepsToZero, STARTS, train, type Run } from "./lib/lesson1-training.js";
// The claim and the start are shared with the browser playground's preset (notes/ is browser-safe).
import { CLAIM, START_LOGIT } from "./notes/1-saturation.js";

export { CLAIM, LOSSES, type ChainStep, type Edge, type Gradients, type LossName, type Run, type Status };

/** The logits of the chain-rule tables (t = 1): right side, the middle, then further and further wrong. */
export const CHAIN_Z = [5, 0, -2, -5, -10, -20] as const;
/** Where float32 runs out for the unfused pair: [t, z, what happens]. */
export const FLOAT_ROWS: readonly [0 | 1, number, string][] = [
  [1, -20, "1/p fits float32"],
  [1, -88, "1/p near float32's max"],
  [1, -95, "1/p overflows"],
  [1, -110, "σ = 0: log clamped"],
  [0, 17, "1 − p = 2^−24: coarse"],
  [0, 18, "σ = 1: log clamped"],
];

const DERIVATION = [
  "  The chain rule through the sigmoid: dJ/dz = dJ/dp · dp/dz, with dp/dz = σ′(z) = σ(z)·(1 − σ(z)).",
  "  MSE            J = (p − t)²                          dJ/dp = 2(p − t)",
  "                 dJ/dz = 2(σ(z) − t) · σ(z)(1 − σ(z))  σ′ stays a factor",
  "  cross-entropy  J = −t·log p − (1 − t)·log(1 − p)     dJ/dp = −t/p + (1 − t)/(1 − p)",
  "    t = 1        J = −log σ(z) = log(1 + e^(−z)) = softplus(−z)",
  "                 dJ/dz = −(1/σ(z)) · σ(z)(1 − σ(z)) = −(1 − σ(z)) = σ(z) − 1",
  "    t = 0        J = −log(1 − σ(z)) = log(1 + e^z) = softplus(z)",
  "                 dJ/dz = (1/(1 − σ(z))) · σ(z)(1 − σ(z)) = σ(z)",
  "    both         dJ/dz = σ(z) − t: the 1/p (or 1/(1 − p)) of the log cancels the σ′ of the sigmoid.",
  "  Confidently wrong, t = 1 and z → −∞, where σ(z) ≈ e^z:",
  "    MSE            J → 1: flat      dJ/dz ≈ −2e^z → 0   saturated",
  "    cross-entropy  J ≈ −z: linear   dJ/dz → −1          not saturated",
  "  This is mathematics: it holds for bce(sigmoid(z), t) and bceWithLogits(z, t) alike, one function",
  "  written two ways. (softplus is lesson 2's function; its slope is σ: this gradient is its slope.)",
];

/** 8 significant figures where float32 has them to show (0.99999994 is not 1), 4 for tiny numbers. */
const fmt = (v: number): string => num(v, Math.abs(v) >= 1e-3 ? 8 : 4);
/** A broken gradient gets a ✗: ±∞, NaN, or 0 where the true value is far from 0. */
const flagged = (v: number, exact: number): string => fmt(v) + (!Number.isFinite(v) || (v === 0 && Math.abs(exact) > 0.5) ? " ✗" : "");

export interface Lesson1Result extends LessonResult {
  /** The chain rule's factors at CHAIN_Z, t = 1. */
  chains: ChainStep[];
  /** The same at FLOAT_ROWS, where float32 runs out. */
  floatRows: ChainStep[];
  /** The fine sweeps along each target's wrong side, for the break points. */
  sweep: Record<"t1" | "t0", Gradients>;
  /** For each loss and target: where going out along the wrong side the gradient changes status. */
  edges: Record<"t1" | "t0", Record<LossName, Edge[]>>;
  /** J(z) and dJ/dz on [−CURVE_SPAN, CURVE_SPAN] for t = 1 (the 1-losses picture). */
  curves: Gradients;
  training: Run[];
  steps: number;
  lr: number;
  /** SGD steps MSE would need in exact arithmetic to take z from −20 to 0 (t = 1). */
  mseExactSteps: number;
}

/** The loss curves' z range. */
export const CURVE_SPAN = 10;
/** How far out the float32 picture and the sweep go. */
const FAR = 120;

export async function run(opts: LessonOptions): Promise<Lesson1Result> {
  const say = printer(opts);
  const step = opts.fast ? 0.05 : 0.01; // the sweep for the break points
  const steps = opts.fast ? 40 : 100;
  const lr = 1;

  say(claim(CLAIM));
  say("One sigmoid unit: logit z, output p = σ(z) = 1/(1 + e^(−z)), target t ∈ {0, 1}, and a loss J");
  say("written three ways:");
  say(table(["", "", ""], [
    [SHORT.mse, "mse(sigmoid(z), t)", "two graph nodes: p = σ(z), then (p − t)²"],
    [SHORT.bce, "bce(sigmoid(z), t)", "two graph nodes: p = σ(z), then the cross-entropy of p"],
    [SHORT.fused, "bceWithLogits(z, t)", "one fused node: the cross-entropy of z, backward σ(z) − t"],
  ]).split("\n").slice(1).join("\n"));
  say("Every number is by the framework's autograd in float32 (its default dtype) unless marked float64.");

  // ---- 1. the derivation
  say(heading("1. The derivation (exact arithmetic)"));
  for (const line of DERIVATION) say(line);

  // ---- 2. the chain rule with the run's numbers
  const chains = CHAIN_Z.map((z) => chain(z, 1));
  say(heading("2. The chain rule with this run's numbers, t = 1 (z < 0: the answer is wrong)"));
  say("  MSE: dJ/dz = dJ/dp × dp/dz");
  say(table(
    ["z", "p = σ(z)", "J = (p − 1)²", "dJ/dp = 2(p − 1)", "dp/dz = σ′(z)", "dJ/dz"],
    chains.map((c) => [c.z, fmt(c.p), fmt(c.J.mse), fmt(c.dJdp.mse), fmt(c.dpdz), fmt(c.dJdz.mse)]),
    { align: ["r", "r", "r", "r", "r", "r"] },
  ));
  say("  cross-entropy: dJ/dz = dJ/dp × dp/dz");
  say(table(
    ["z", "J = softplus(−z)", "dJ/dp = −1/p", "dp/dz = σ′(z)", "dJ/dz unfused", "dJ/dz fused", "σ(z) − 1 (f64)"],
    chains.map((c) => [c.z, fmt(c.J.fused), fmt(c.dJdp.bce), fmt(c.dpdz), fmt(c.dJdz.bce), fmt(c.dJdz.fused), fmt(sigma64(c.z) - 1)]),
    { align: ["r", "r", "r", "r", "r", "r", "r"] },
  ));
  const at20 = chains.find((c) => c.z === -START_LOGIT)!;
  const f8 = (v: number) => num(v, 8);
  say(`  At z = −${START_LOGIT}, the two products written out:`);
  say(`    MSE            ${f8(at20.dJdp.mse)} × ${f8(at20.dpdz)} = ${f8(at20.dJdz.mse)}   ≈ −2e^z: σ′ is still in it`);
  say(`    cross-entropy  ${f8(at20.dJdp.bce)} × ${f8(at20.dpdz)} = ${f8(at20.dJdz.bce)}   = σ(z) − 1: σ′ cancelled`);
  say("  MSE's dJ/dp stays between −2 and 0, so its dJ/dz falls with σ′, by a factor e per unit of z;");
  say("  cross-entropy's dJ/dp = −1/p grows exactly as fast as σ′ falls, and the product stays near −1.");
  say("  And J: MSE creeps up to its ceiling 1 (flat), cross-entropy grows like −z (linear): 1-losses.png.");

  // ---- 3. mathematics or floating point
  const floatRows = FLOAT_ROWS.map(([t, z]) => chain(z, t));
  say(heading("3. Mathematics or floating point? The unfused chain where float32 runs out"));
  say("  Mathematics: cross-entropy does not saturate, fused or not (section 1), and MSE does even in exact");
  say(`  arithmetic (at z = −${START_LOGIT} its gradient is 2(σ − 1)σ′ = ${num(2 * (sigma64(-START_LOGIT) - 1) * sigma64(-START_LOGIT) * (1 - sigma64(-START_LOGIT)), 4)} in float64 too).`);
  say("  Floating point: the unfused pair must hold p = σ(z) and dJ/dp (−1/p for t = 1, 1/(1 − p) for");
  say("  t = 0) as float32 numbers, and far out they leave float32's range:");
  say(table(
    ["t", "z", "p = σ(z)", "dJ/dp", "dp/dz = σ′(z)", "dJ/dz unfused", "dJ/dz fused", "why"],
    floatRows.map((c, i) => {
      const exact = sigma64(c.z) - c.t;
      return [c.t, c.z, fmt(c.p), fmt(c.dJdp.bce), fmt(c.dpdz), flagged(c.dJdz.bce, exact), flagged(c.dJdz.fused, exact), FLOAT_ROWS[i][2]];
    }),
    { align: [, "r", "r", "r", "r", "r", "r"] },
  ));
  say("  ✗: the gradient is ±∞, or 0 where σ(z) − t is ±1. Float32's largest number is 3.4e38, its smallest");
  say("  1.4e-45, and the log is clamped at −100 (as PyTorch). The fused node never forms p, 1/p or log p:");
  say("  it computes max(z, 0) − z·t + log(1 + e^(−|z|)) and, backward, σ(z) − t, finite for every finite z.");

  // ---- 4. where each one gives up
  const sweep = { t1: gradients(range(0, -FAR, step), 1), t0: gradients(range(0, FAR, step), 0) };
  const edges = {
    t1: Object.fromEntries(LOSSES.map((n) => [n, transitions(sweep.t1, n)])) as Record<LossName, Edge[]>,
    t0: Object.fromEntries(LOSSES.map((n) => [n, transitions(sweep.t0, n)])) as Record<LossName, Edge[]>,
  };
  say(heading(`4. Where the gradient is lost along the wrong side (|z| from 0 to ${FAR}, step ${step})`));
  const describe = (e: Edge[], t: 0 | 1): string => {
    if (e.length === 0) return `never: |g| ≈ 1 all the way to z = ${t === 1 ? -FAR : FAR}`;
    const text = (s: Status, g: number) => (s === "inf" && g < 0 ? "−" : "") + STATUS_TEXT[s];
    return e.map(([z, s, g]) => `z ${t === 1 ? "≤" : "≥"} ${z.toFixed(2)}: ${text(s, g)}`).join(" · ");
  };
  say(table(["loss", "t", "gradient on the wrong side"], [1, 0].flatMap((t) => LOSSES.map((n) => [SHORT[n], t, describe(edges[t === 1 ? "t1" : "t0"][n], t as 0 | 1)]))));
  const roundsToOne = edges.t0.bce[0]?.[0] ?? NaN;
  const overflows = edges.t1.bce[0]?.[0] ?? NaN;
  say(`  MSE drops below 1e-7 at |z| ≈ ${num(-Math.log(0.5e-7), 3)} in exact arithmetic too (2e^(−|z|) = 1e-7): mathematics.`);
  say(`  The unfused pair breaks where float32 does: at z ≈ ${roundsToOne.toFixed(2)} for t = 0 (σ(z) rounds to 1) and`);
  say(`  at z ≈ ${overflows.toFixed(2)} for t = 1 (1/σ(z) overflows): floating point. σ(z) near 0 keeps its precision`);
  say(`  in float32 and σ(z) near 1 does not, so it lasts ${num(-overflows / roundsToOne, 2)} times further out on one side than the other.`);

  // ---- 5. training
  const training = STARTS.flatMap((start) => LOSSES.map((name) => train(name, start, steps, lr)));
  say(heading(`5. Training one weight from a confidently wrong start (z = w·1, SGD lr ${lr}, ${steps} steps)`));
  say(table(
    ["start", "loss", "dJ/dz at start", "steps to correct", `z after ${steps}`, "P(right class)"],
    training.map((r) => [
      r.start.label, SHORT[r.loss], fmt(r.firstGrad),
      r.stepsToCorrect === null ? `never in ${steps}` : String(r.stepsToCorrect),
      num(r.z[r.z.length - 1], 6), num(r.pCorrect[r.pCorrect.length - 1], 3),
    ]),
    { align: [, , "r", "r", "r", "r"] },
  ));
  const mseA = training.find((r) => r.loss === "mse" && r.start.t === 1)!;
  const spacing = 2 ** (Math.floor(Math.log2(Math.abs(mseA.start.z0))) - 23); // float32's gap between neighbours at |z₀|
  const mseExactSteps = mseStepsToZero(-START_LOGIT, lr);
  const fusedB = training.find((r) => r.loss === "fused" && r.start.t === 0)!;
  say(`  A: MSE's step lr·|dJ/dz| = ${num(lr * Math.abs(mseA.firstGrad), 3)} is below half of float32's spacing at ${Math.abs(mseA.start.z0)}`);
  say(`     (${num(spacing, 2)}), so w − lr·g rounds back to w: the weight does not move at all (floating point).`);
  say(`     In exact arithmetic it would creep, and reach z = 0 after ${num(mseExactSteps, 2)} steps (∫ dz / |dJ/dz|`);
  say(`     from −${START_LOGIT} to 0, float64): the saturation is mathematics; float32 only turns "hopelessly`);
  say('     slow" into "not at all".');
  say(`  B: σ(${START_LOGIT}) rounds to 1 in float32, so σ′ = 0 for MSE and the log is clamped for unfused BCE:`);
  say("     both get exactly 0 (floating point). In exact arithmetic the unfused BCE would learn as the");
  say(`     fused one does (right after ${fusedB.stepsToCorrect ?? "—"} steps); MSE would again need ${num(mseExactSteps, 2)}.`);
  say("  Next, lesson 2: softplus, the function the cross-entropy loss is made of.");

  // ---- pictures
  const curves = gradients(range(-CURVE_SPAN, CURVE_SPAN, opts.fast ? 0.25 : 0.05), 1);
  const plotStep = opts.fast ? 0.5 : 0.2;
  const files = [
    ...(await writeFigure(opts.outDir, "1-losses", lossesSpec(curves, CURVE_SPAN))),
    ...(await writeFigure(opts.outDir, "1-gradients", gradientsSpec(gradients(range(-FAR, 30, plotStep), 1), gradients(range(-30, FAR, plotStep), 0), FAR, roundsToOne))),
    ...(await writeFigure(opts.outDir, "1-training", trainingSpec(training, steps, lr))),
  ];
  return { chains, floatRows, sweep, edges, curves, training, steps, lr, mseExactSteps, files };
}

await runAsScript(import.meta.url, {
  script: "lesson1",
  about: [
    "Lesson 1: sigmoid + cross-entropy avoids gradient saturation. Derives dJ/dz for mse(sigmoid(z)),",
    "bce(sigmoid(z)) and the fused bceWithLogits(z), prints the chain rule's factors by autograd (float32),",
    "where float32 breaks the unfused form, and trains one weight from a confidently wrong start under each;",
    "draws the loss curves, the far-out gradients and the training (SVG and PNG).",
  ].join("\n"),
}, run);
