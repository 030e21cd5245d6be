/**
 * Lesson 6 (`pnpm lesson6`): the activation zoo.
 *
 * The note's three questions (where does an activation saturate, where has it no derivative, what
 * does that do to the gradient) asked of every activation in use: ReLU, LeakyReLU, ELU, GELU, SiLU
 * (swish), softplus, tanh, sigmoid, hardtanh and ReLU6.
 *
 *   1. each f and its derivative f′, by the chain rule (lib/lesson6-zoo.ts)
 *   2. f′ by backprop, grad(x ↦ Σ f(x)), beside the closed form in plain float64 JavaScript
 *   3. where |f′| < 0.001 (saturated): the tails, found on the sweep and refined by bisection on
 *      backprop's f′, beside the edge the closed form gives; the points where f′ changes sign; where
 *      f′ peaks, found where f″ = grad(grad(f)) changes sign
 *   4. the kinks: the two one-sided slopes, central differences (what gradcheck sees), and the
 *      value backprop takes under each setting (setReluAtZero, atBounds; docs/kinks.md says why)
 *   5. one network per activation on the same data from the same weights (lib/lesson6-training.ts):
 *      the gradient at the start, steps to a target loss, and Diagnostics' dead and saturated units
 *      at the end
 *
 * Everything runs in float64, where every kernel backend runs the same reference loops: the lesson
 * prints the same digits on js, wasm and the wasm FMA build.
 */
import { writeFigure } from "../shared/figure.js";
import { claim, heading, printer, runAsScript, type LessonOptions, type LessonResult } from "./lib/run.js";
import { num, table, type Cell } from "./lib/table.js";
import { ENTRIES, type ZooName } from "./lib/lesson6-zoo.js";
import {
  analyse, closedFormEdges, grid, H, kinkCases, kinkRow, type KinkRow, type SlopeStats,
} from "./lib/lesson6-slopes.js";
import { FULL, largestRise, makeData, train, trainLine, type TrainConfig, type TrainRun } from "./lib/lesson6-training.js";
import { trainingSpec, zooSpec } from "./lib/lesson6-figures.js";
// The claim and the numbers are shared with the browser playground's preset (notes/ is browser-safe).
import { CLAIM, ELU_ALPHA, KINK_ELU_ALPHAS, LEAKY_SLOPE, SATURATED, STEPS_TO_TARGET, ZOO } from "./notes/6-zoo.js";

export { CLAIM, ENTRIES, KINK_ELU_ALPHAS, SATURATED, STEPS_TO_TARGET, ZOO, type KinkRow, type SlopeStats, type TrainRun, type ZooName };

/** The sweep: x from −SPAN to SPAN. */
export const SPAN = 12;
/** The x of the printed table of f′ (on the sweep's grid in both modes; 0, ±1 and 6 are kinks). */
export const TABLE_X = [-6, -3, -1, -0.5, 0, 0.5, 1, 3, 6] as const;

export interface Lesson6Result extends LessonResult {
  x: number[];
  stats: SlopeStats[];
  kinks: KinkRow[];
  config: TrainConfig;
  runs: TrainRun[];
  /** Every run started from the very same weights (bit for bit). */
  sameStart: boolean;
}

/** The four decimals a reader can check, without "-0". */
const dec = (v: number, d = 4): string => {
  const s = v.toFixed(d);
  return Number(s) === 0 ? (0).toFixed(d) : s;
};
const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;

export async function run(opts: LessonOptions): Promise<Lesson6Result> {
  const say = printer(opts);
  const step = opts.fast ? 0.05 : 0.01;
  const x = grid(-SPAN, SPAN, step);
  const config: TrainConfig = opts.fast ? { ...FULL, steps: 300 } : FULL;

  say(claim(CLAIM));
  say("Ten activations, each as the framework computes it (core op, nn module) in its default settings:");
  say(`LeakyReLU with slope ${LEAKY_SLOPE} (lesson 4's), ELU with α = ${ELU_ALPHA} (PyTorch's; section 4 adds α ≠ 1).`);
  say("Every number is by backprop in float64, so that the comparisons see the formulas, not float32's");
  say("rounding, and every kernel backend prints the same digits (float64 runs the same loops everywhere).");

  // ---- 1. the closed forms
  say(heading("1. The zoo: each f and its derivative, by the chain rule"));
  say(table(["", "f(x)", "f′(x)", "why"], ENTRIES.map((e) => [e.name, e.f, e.df, e.why])));
  say("  Φ is the standard normal CDF and φ = e^(−x²/2)/√(2π) its density, σ the sigmoid. For GELU and SiLU the");
  say("  product rule gives two terms: the gate itself (Φ or σ), plus x times the slope of the gate.");

  // ---- 2. backprop against the closed forms
  const stats = ENTRIES.map((e) => analyse(e, x));
  const at = (v: number): number => {
    const i = x.indexOf(v);
    if (i < 0) throw new Error(`x = ${v} is not on the sweep`);
    return i;
  };
  say(heading(`2. f′ by backprop against the closed form (x from −${SPAN} to ${SPAN} in steps of ${step}: ${x.length} points)`));
  say("  f′ = grad(x ↦ Σ f(x))(x): each output depends on its own x only, so the gradient of the sum is f′");
  say("  at every x at once. The closed forms of section 1, in plain float64 JavaScript (Math.exp, Math.tanh;");
  say("  Φ by erf's power series, lib/lesson6-zoo.ts).");
  say(table(
    ["f′ at x =", ...TABLE_X.map(String), "max|diff|"],
    stats.map((s): Cell[] => [s.name, ...TABLE_X.map((v) => num(s.slope[at(v)], 4)), num(s.maxDiff, 2)]),
    { align: ["l", ...TABLE_X.map(() => "r" as const), "r"] },
  ));
  const worst = Math.max(...stats.map((s) => s.maxDiff));
  say(`  max|diff|: the largest |backprop − closed form| over all ${x.length} points: ${num(worst, 2)} at most, a few units in`);
  say("  the last place of float64 (0 where both compute the same expression). The kinks sit on the grid (0 for");
  say("  relu, leakyRelu and relu6, ±1 for hardtanh, 6 for relu6): there the closed forms take the side backprop");
  say("  takes by default (relu′(0) = 0, hardtanh′(±1) = 0, relu6′(6) = 0); section 4 shows both sides.");

  // ---- 3. saturation
  say(heading(`3. Where f′ vanishes: |f′| < ${SATURATED} (a unit there passes on less than a thousandth)`));
  // an edge that is a kink (where f′ jumps to exactly 0) is printed as the kink itself
  const edgeText = (v: number): string => {
    const k = Math.round(v);
    return Math.abs(v - k) < 1e-9 ? String(k) : dec(v);
  };
  const tailText = (s: SlopeStats): string => {
    if (s.tails.length === 0) return "nowhere";
    return s.tails.map((t) => `x ${t.side === "left" ? "<" : ">"} ${edgeText(t.edge)}`).join(" and ");
  };
  const zeroText = (s: SlopeStats): string => {
    if (s.tails.length === 0) return `f′ ≥ ${num(Math.min(...s.slope), 4)} everywhere`;
    return s.tails.every((t) => t.exactlyZero) ? "exactly 0" : `0 < |f′| < ${SATURATED}`;
  };
  say(table(
    ["", "saturated for", "f′ there", "edge, closed form", "from"],
    stats.map((s): Cell[] => {
      const edges = closedFormEdges(s.name);
      const how: Record<ZooName, string> = {
        relu: "the kink", leakyRelu: "", elu: `x = log ${SATURATED}`, gelu: "(bisection only)", silu: "(bisection only)",
        softplus: `σ(x) = ${SATURATED}`, tanh: `atanh(√(1 − ${SATURATED}))`, sigmoid: `σ(1 − σ) = ${SATURATED}`, hardtanh: "the bounds", relu6: "the bounds",
      };
      return [s.name, tailText(s), zeroText(s), edges ? edges.map(edgeText).join(", ") : "—", how[s.name]];
    }),
  ));
  say("  Three kinds. Sigmoid and tanh fade at both ends; ELU, GELU, SiLU and softplus on the left only, and");
  say("  never to exactly 0: a unit far out still gets a small gradient. ReLU, hardtanh and ReLU6 are flat on");
  say("  whole half-lines, exactly 0, so a unit that stays there gets no gradient at all (lesson 4's dead units;");
  say("  for hardtanh and ReLU6 also above the top bound). LeakyReLU never drops below its slope.");
  for (const s of stats) {
    for (const c of s.signChanges) {
      const e = ENTRIES.find((v) => v.name === s.name)!;
      say(`  ${s.name}: f′ = 0 at x = ${dec(c.at)}, the minimum of ${e.f} (${dec(c.value)}); |f′| < ${SATURATED} only for`);
      say(`    ${dec(c.window[0])} < x < ${dec(c.window[1])}, a window ${num(c.window[1] - c.window[0], 2)} wide. Left of it f′ < 0: ${s.name} falls there.`);
    }
  }
  say("  Where f′ peaks (f″ = 0, with f″ by backprop twice, grad(grad(f)), the bisection on its sign):");
  say(table(
    ["", "largest f′", "at x", "smallest f′", "at x"],
    stats.filter((s) => s.extremes.length > 0).map((s): Cell[] => {
      const max = s.extremes.find((e) => e.kind === "max")!;
      const min = s.extremes.find((e) => e.kind === "min");
      return [s.name, num(max.slope, 6), dec(max.at), min ? num(min.slope, 6) : "→ 0 in the tails", min ? dec(min.at) : ""];
    }),
    { align: ["l", "r", "r", "r", "r"] },
  ));
  const gelu = stats.find((s) => s.name === "gelu")!.extremes;
  say(`  GELU's slope peaks at x = ${dec(gelu.find((e) => e.kind === "max")!.at)} = √2 (its f″ is φ(x)·(2 − x²)); GELU and SiLU have slopes`);
  say("  above 1 there, and since f′(x) + f′(−x) = 1 for x·Φ(x) and x·σ(x), their smallest slope is 1 minus the");
  say("  largest. Sigmoid's slope never exceeds ¼, tanh's 1 (both at 0).");

  // ---- 4. kinks
  const kinks = kinkCases(KINK_ELU_ALPHAS).map(kinkRow);
  say(heading("4. Kinks: the two one-sided slopes, and the one backprop takes"));
  say(`  left = (f(x) − f(x − h))/h, right = (f(x + h) − f(x))/h, h = ${H}; central = their mean, what central`);
  say("  differences (gradcheck) measure. Backprop must send one number: it takes one side.");
  const sides = (r: KinkRow): Cell[] => [`${r.label} at ${r.x}`, dec(r.left), dec(r.right), dec(r.central)];
  const taken = (t: KinkRow["taken"][number]): string => `${num(t.slope, 4)}${t.matches === "no kink" ? "" : ` (${t.matches})`}`;
  const reluType = kinks.filter((r) => r.taken[0].setting.kind === "reluAtZero");
  say(table(
    ["ReLU-type, at 0", "left", "right", "central", `setReluAtZero("left"), default`, `setReluAtZero("right")`],
    reluType.map((r): Cell[] => [...sides(r), taken(r.taken[0]), taken(r.taken[1])]),
    { align: ["l", "r", "r", "r", "r", "r"] },
  ));
  const clampType = kinks.filter((r) => r.taken.length === 4);
  say(table(
    ["clamps, at a bound", "left", "right", "central", `atBounds "open"`, `"left"`, `"right"`, `"open" + global right`],
    clampType.map((r): Cell[] => [...sides(r), ...r.taken.map(taken)]),
    { align: ["l", "r", "r", "r", "r", "r", "r", "r"] },
  ));
  const clamps = kinks.filter((r) => r.taken.length === 1);
  say(table(
    ["clamp, the same values", "left", "right", "central", "backprop (no option)"],
    clamps.map((r): Cell[] => [...sides(r), taken(r.taken[0])]),
    { align: ["l", "r", "r", "r", "r"] },
  ));
  say(`  "open" is the default. "open" + global right: the default while setReluAtZero("right") is on. (left) and`);
  say("  (right): the one-sided slope backprop's value equals, as gradcheck's kink report names it.");
  say("  Why these (docs/kinks.md):");
  say("  - relu, leakyRelu, elu at 0: the left slope by default, as PyTorch, TensorFlow and JAX (0, the slope,");
  say("    α); one switch, setReluAtZero (or { atZero } per call), moves all three to the right slope, 1.");
  say("    ELU with α = 1 has no kink: both sides have slope 1, and the setting changes nothing.");
  say("  - hardtanh and relu6 at their bounds: 0 by default (\"open\": the gradient passes on min < x < max");
  say("    only, PyTorch's hardtanh_backward): a unit at its bound is saturated, and 0 says so. That is the");
  say("    flat side's slope at both bounds. { atBounds } picks a one-sided slope instead; setReluAtZero does not");
  say("    move them (its one switch cannot say what happens at 6 or −1).");
  say("  - clamp computes the same values as hardtanh but passes 1 at its bounds (PyTorch's clamp rule: a");
  say("    limiter that never acts should vanish). Same function, another rule: the kink is a choice.");

  // ---- 5. training
  const data = makeData(config);
  const runs = ZOO.map((name) => train(name, data, config));
  const sameStart = runs.every((r) => r.startWeights.length === runs[0].startWeights.length && r.startWeights.every((v, i) => v === runs[0].startWeights[i]));
  const w = config.width;
  say(heading(`5. Training: the same data, the same start, one activation changed`));
  say(`  Two moons (${config.points} points, noise ${config.noise}, seed ${config.dataSeed}): ${data.yTrain.size} to train on, ${data.yTest.size} to test.`);
  say(`  MLP 2-${w}-${w}-1, PyTorch's default init from seed ${config.modelSeed}: the very same weights for every activation`);
  say(`  (${sameStart ? "checked: all ten start bit for bit alike" : "NOT the same: a bug"}); bceWithLogits; full-batch SGD at lr ${config.lr}, ${config.steps} steps; float64.`);
  say("  (The playground's preset 6 trains this network in float32.)");
  say("  The chain rule to the first layer's weights passes through both activations:");
  say("    ∂J/∂W₁ = (δ₁)ᵀ·x,  δ₁ = (δ₂·W₂) ⊙ f′(z₁),  δ₂ = (δ₃·W₃) ⊙ f′(z₂),  δ₃ = (σ(z₃) − t)/n");
  say("  so every gradient that reaches W₁ is scaled by f′ twice. At the start the weights are small, and so");
  say("  are the pre-activations z: f′ near f′(0) (1 for tanh and hardtanh, ½ for GELU, SiLU and softplus, ¼ for");
  say("  sigmoid; ReLU passes 1 or 0).");
  say(table(
    ["at the start", "mean |f′(z₁)|", "mean |f′(z₂)|", "‖∂J/∂W₁‖", "offset share h₁", "offset share h₂"],
    runs.map((r): Cell[] => [r.name, dec(r.startSlope[0], 3), dec(r.startSlope[1], 3), num(r.startGradW1, 3), dec(r.startOffset[0], 3), dec(r.startOffset[1], 3)]),
    { align: ["l", "r", "r", "r", "r", "r"] },
  ));
  const by = (n: ZooName): TrainRun => runs.find((r) => r.name === n)!;
  const ratio = by("hardtanh").startGradW1 / by("sigmoid").startGradW1;
  say(`  Sigmoid's first gradient for W₁ is ${num(ratio, 3)} times smaller than hardtanh's: two factors σ′ ≤ ¼ against two`);
  say("  of 1, (1/4)² = 1/16. Offset share: per unit, the part of its mean square that is its mean, m²/E[h²]");
  say("  (0 centred, 1 a constant). Sigmoid's and softplus's units start out nearly constant (about ½ and log 2)");
  say("  and positive: the next layer sees almost the same one-signed input for every example (lesson 3).");
  const dash = "—";
  say(table(
    [`after ${config.steps} steps`, `steps to loss ≤ ${config.target}`, "loss", "train accuracy", "test accuracy"],
    runs.map((r): Cell[] => [
      r.name, r.stepsToTarget === null ? `not in ${config.steps}` : String(r.stepsToTarget), num(r.losses.at(-1)!, 4), pct(r.trainAccuracy), pct(r.testAccuracy),
    ]),
    { align: ["l", "r", "r", "r", "r"] },
  ));
  say(table(
    ["at the end", "dead (Diagnostics)", "saturated (Diagnostics)", `|f′| < ${SATURATED} everywhere`, "largest z"],
    runs.map((r): Cell[] => [
      r.name, r.dead ? `${r.dead[0]} + ${r.dead[1]} of ${2 * w}` : dash, r.saturated ? `${pct(r.saturated[0])}, ${pct(r.saturated[1])}` : dash,
      `${r.noGradient[0]} + ${r.noGradient[1]}`, num(r.maxZ, 3),
    ]),
    { align: ["l", "r", "r", "r", "r"] },
  ));
  say("  Per layer (1 + 2). Dead: units never positive on the final forward. Saturated: the share of outputs");
  say(`  within 0.01 of an end (sigmoid, tanh) or at a bound (hardtanh, relu6). |f′| < ${SATURATED} everywhere: units`);
  say("  whose slope is below 0.001 on every training point (by backprop). Largest z: the largest pre-activation");
  say("  of any hidden unit on any training point, over the whole run.");
  const reached = runs.filter((r) => r.stepsToTarget !== null).sort((a, b) => a.stepsToTarget! - b.stepsToTarget!);
  const never = runs.filter((r) => r.stepsToTarget === null);
  const line = trainLine(data, config);
  say(`  First to loss ${config.target}: ${reached.slice(0, 2).map((r) => `${r.name} (${r.stepsToTarget})`).join(" and ")}, odd functions (f(−x) = −f(x)) with slope 1 at 0.`);
  say("  The slope is not the whole story: ELU starts with slopes as large as tanh's and needs");
  say(`  ${by("elu").stepsToTarget ?? `more than ${config.steps}`} steps; GELU and SiLU, both with slope ½ at 0, need ${by("gelu").stepsToTarget ?? "—"} and ${by("silu").stepsToTarget ?? "—"}.`);
  if (never.length) {
    say(`  Not within ${config.steps} steps: ${never.map((r) => `${r.name} (loss ${num(r.losses.at(-1)!, 4)}, ${pct(r.trainAccuracy)} right)`).join(" and ")}.`);
    say(`  That is a straight line's loss: logistic regression (no hidden layer) trained the same way ends at`);
    say(`  ${num(line.loss, 4)}, ${pct(line.trainAccuracy)} right. Their units start nearly constant and carry almost no signal, and with`);
    say("  slopes ½ and below the way off that plateau is slow.");
  }
  const rises = runs.map((r) => ({ r, rise: largestRise(r.losses) })).filter(({ rise }) => rise.to > 1.5 * rise.from);
  for (const { r, rise } of rises) {
    say(`  ${r.name}'s loss jumps at step ${rise.step} (${num(rise.from, 3)} → ${num(rise.to, 3)}): lr ${config.lr} is a step too long for the weights of`);
    say(`  that moment${rises.length === 1 ? " (no other run's loss rises by half in one step)" : ""}; it recovers.`);
  }
  const relu = by("relu"), relu6 = by("relu6");
  const identical = relu.losses.every((v, i) => v === relu6.losses[i]);
  say(`  relu6 ${identical ? "is relu here, bit for bit" : "differs from relu"}: the largest z of the run is ${num(relu6.maxZ, 3)}${relu6.maxZ < 6 ? " < 6" : ""}, so its top bound never`);
  say("  acts. Diagnostics counts its outputs at either bound as saturated, 0 included: its share is relu's zeros.");
  const same = (a: number[][] | null, b: number[][]) => a !== null && a.every((u, l) => u.join() === b[l].join());
  const deadIsFlat = same(relu.deadUnits, relu.noGradientUnits) && same(relu6.deadUnits, relu6.noGradientUnits);
  const smoothFlat = (["elu", "gelu", "silu", "softplus"] as const).reduce((n, k) => n + by(k).noGradient[0] + by(k).noGradient[1], 0);
  say(`  The dead units of relu and relu6 ${deadIsFlat ? "are exactly" : "are NOT"} their units with no gradient at all (the same unit`);
  say(`  numbers). LeakyReLU's never-positive units still learn at slope ${LEAKY_SLOPE}. Diagnostics does not watch ELU,`);
  say(`  GELU, SiLU and softplus: their slope is nonzero everywhere, and ${smoothFlat === 0 ? "none" : smoothFlat} of their units ${smoothFlat === 1 ? "is" : "are"} flat on every point.`);

  const files = [
    ...(await writeFigure(opts.outDir, "6-zoo", zooSpec(ENTRIES, stats, kinks, x))),
    ...(await writeFigure(opts.outDir, "6-training", trainingSpec(runs, config))),
  ];
  return { x, stats, kinks, config, runs, sameStart, files };
}

await runAsScript(import.meta.url, {
  script: "lesson6",
  about: [
    "Lesson 6: the activation zoo. ReLU, LeakyReLU, ELU, GELU, SiLU, softplus, tanh, sigmoid, hardtanh and",
    "ReLU6: each derivative by backprop beside its closed form, where each saturates, each kink with both",
    "one-sided slopes and the one backprop takes under each setting, and one network per activation trained",
    "from the same start; draws the zoo and the training curves (SVG and PNG).",
  ].join("\n"),
}, run);
