/**
 * Lesson 2 (`pnpm lesson2`): softplus with β, a smooth ReLU.
 *
 *   softplus(x; β) = (1/β)·log(1 + e^(βx))        d/dx softplus(x; β) = σ(βx)
 *
 * Larger β hugs ReLU tighter: the two differ most at x = 0, by softplus(0) = log(2)/β. The slope
 * σ(βx) is never 0 (a softplus unit cannot die the way a ReLU unit can) and tends to 1 for x > 0
 * (no saturation on the positive side). ReLU has no derivative at 0: its left slope is 0, its right 1.
 *
 * The values and slopes below come from the framework (`softplus(x, { beta })`, `relu`, then
 * `.backward()`) in float32; σ(βx) is computed directly in float64 to check the slopes against.
 */
import { relu, softplus, tensor, type Tensor } from "@backprop/core";
import { FONT, writeFigure, type Layer, type TopLevelSpec } from "../shared/figure.js";
import { claim, heading, printer, runAsScript, type LessonOptions, type LessonResult } from "./lib/run.js";
import { num, table, wrap } from "./lib/table.js";
// The claim and the β values are shared with the browser playground's preset (notes/ is browser-safe).
import { BETAS, CLAIM } from "./notes/2-softplus.js";

export { BETAS, CLAIM };
/** The x of the printed tables (all on the sweep's grid, in both modes). */
export const TABLE_X = [-2, -0.5, 0, 0.5, 2] as const;
const X_MAX = 4;

/** σ(u) in float64, written out: the reference the autograd slopes are checked against. */
const sigma = (u: number): number => (u >= 0 ? 1 / (1 + Math.exp(-u)) : Math.exp(u) / (1 + Math.exp(u)));

/** f(x) and df/dx at every x, by autograd: one backward through the sum (each output depends on its own x). */
function valueAndSlope(xs: Float32Array, f: (x: Tensor) => Tensor): { value: number[]; slope: number[] } {
  const x = tensor(xs, { requiresGrad: true });
  const y = f(x);
  y.sum().backward();
  return { value: Array.from(y.data), slope: Array.from(x.grad!.data) };
}

export interface BetaStats {
  beta: number;
  /** softplus(x; β) and its autograd slope on the sweep. */
  value: number[];
  slope: number[];
  /** softplus(0; β) − relu(0), as computed: should be log(2)/β. */
  gapAt0: number;
  log2OverBeta: number;
  /** max over the sweep of |softplus − relu|, and where. */
  maxGap: number;
  maxGapAt: number;
  /** max over the sweep of |autograd slope − σ(βx)| (σ in float64). */
  maxSlopeError: number;
  /** The smallest slope on the sweep (at x = −4: σ(−4β)), and the slope at x = 4 (σ(4β)). */
  minSlope: number;
  slopeAtMax: number;
}

export interface Lesson2Result extends LessonResult {
  /** The sweep of x over [−4, 4] (float32 values). */
  x: number[];
  relu: number[];
  perBeta: BetaStats[];
  /** relu′(0) by autograd with each side of the kink. */
  reluSlopeAt0: { left: number; right: number };
}

export async function run(opts: LessonOptions): Promise<Lesson2Result> {
  const say = printer(opts);
  const step = opts.fast ? 0.05 : 0.01;
  const n = Math.round((2 * X_MAX) / step);
  const xs = Float32Array.from({ length: n + 1 }, (_, i) => Number((-X_MAX + i * step).toFixed(6)));
  const x = Array.from(xs);
  const at = (v: number): number => {
    const i = x.indexOf(Math.fround(v));
    if (i < 0) throw new Error(`x = ${v} is not on the sweep`);
    return i;
  };

  const reluLeft = valueAndSlope(xs, (t) => relu(t, { atZero: "left" }));
  const reluRight = valueAndSlope(xs, (t) => relu(t, { atZero: "right" }));
  const perBeta: BetaStats[] = BETAS.map((beta) => {
    const { value, slope } = valueAndSlope(xs, (t) => softplus(t, { beta }));
    let maxGap = -Infinity, maxGapAt = NaN, maxSlopeError = 0;
    for (let i = 0; i < x.length; i++) {
      const gap = Math.abs(value[i] - reluLeft.value[i]);
      if (gap > maxGap) [maxGap, maxGapAt] = [gap, x[i]];
      maxSlopeError = Math.max(maxSlopeError, Math.abs(slope[i] - sigma(beta * x[i])));
    }
    return {
      beta, value, slope, gapAt0: value[at(0)] - reluLeft.value[at(0)], log2OverBeta: Math.LN2 / beta,
      maxGap, maxGapAt, maxSlopeError, minSlope: Math.min(...slope), slopeAtMax: slope[x.length - 1],
    };
  });
  const reluSlopeAt0 = { left: reluLeft.slope[at(0)], right: reluRight.slope[at(0)] };

  say(claim(CLAIM));
  say("softplus(x; β) = (1/β)·log(1 + e^(βx)); values and slopes by the framework (autograd) in float32.");

  say(heading("Values"));
  const betaCols = BETAS.map((b) => `β = ${b}`);
  say(table(["x", "relu", ...betaCols], TABLE_X.map((xv) => [String(xv), reluLeft.value[at(xv)], ...perBeta.map((s) => s.value[at(xv)])]), { digits: 4, align: ["r"] }));

  say(heading("Slopes d/dx by autograd (relu′ at 0 has two one-sided values)"));
  say(table(
    ["x", "relu′ left", "relu′ right", ...betaCols],
    TABLE_X.map((xv) => [String(xv), reluLeft.slope[at(xv)], reluRight.slope[at(xv)], ...perBeta.map((s) => s.slope[at(xv)])]),
    { digits: 4, align: ["r"] },
  ));
  say("  relu′ is 0 for every x < 0: a ReLU unit whose inputs are all negative gets no gradient at all.");

  say(heading(`Per β, over the sweep x ∈ [−${X_MAX}, ${X_MAX}] in steps of ${step} (${x.length} points)`));
  say(table(
    ["β", "softplus(0)", "log(2)/β", "max|softplus − relu|", "at x", "max|slope − σ(βx)|", `min slope (x = −${X_MAX})`, `slope at x = ${X_MAX}`],
    perBeta.map((s) => [
      String(s.beta), num(s.gapAt0, 7), num(s.log2OverBeta, 7), num(s.maxGap, 7), s.maxGapAt, num(s.maxSlopeError, 2), num(s.minSlope, 3), num(s.slopeAtMax, 6),
    ]),
    { align: ["r", "r", "r", "r", , "r", "r", "r"] },
  ));
  const worst = Math.max(...perBeta.map((s) => s.maxSlopeError));
  say("  The gap is largest at x = 0 and equals log(2)/β: doubling β halves it.");
  say(`  The autograd slope is σ(βx) up to float32 rounding (at most ${num(worst, 2)}; float32's spacing just below 1`);
  say("  is 6e-8). It is above 0 everywhere, so a softplus unit always gets some gradient, and it approaches 1");
  say("  for x > 0: no saturation on the positive side.");

  const files = await writeFigure(opts.outDir, "2-softplus", spec(x, reluLeft.value, perBeta, reluSlopeAt0));
  return { x, relu: reluLeft.value, perBeta, reluSlopeAt0, files };
}

// ---- the figure -------------------------------------------------------------------------------

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";
/** Light to dark as β grows (closer to ReLU); ReLU itself in blue, dashed, drawn on top. */
const BETA_COLORS = ["#fdb863", "#f4743b", "#d7301f", "#a50026", "#4d0011"];
const RELU_COLOR = "#1f78b4";
const RELU = "relu";
const label = (beta: number): string => `softplus β = ${beta}`;

function spec(x: number[], reluValue: number[], perBeta: BetaStats[], reluSlopeAt0: { left: number; right: number }): TopLevelSpec {
  const domain = [...perBeta.map((s) => label(s.beta)), RELU];
  const color = {
    field: "curve", type: "nominal" as const, title: null,
    scale: { domain, range: [...BETA_COLORS, RELU_COLOR] },
    legend: { orient: "top" as const, direction: "horizontal" as const, labelFontSize: 12, labelLimit: 300, symbolType: "stroke", symbolStrokeWidth: 3 },
  };
  const xEnc = { field: "x", type: "quantitative" as const, title: "x", scale: { domain: [-X_MAX, X_MAX], nice: false } };
  const line = (values: object[], yTitle: string, yDomain: number[], dashed: boolean): Layer => ({
    data: { values },
    mark: { type: "line", strokeWidth: dashed ? 2 : 2.5, strokeDash: dashed ? [6, 4] : [], clip: true },
    encoding: { x: xEnc, y: { field: "y", type: "quantitative", title: yTitle, scale: { domain: yDomain, nice: false } }, color },
  } as Layer);
  const yEnc = (title: string, d: number[]) => ({ field: "y", type: "quantitative" as const, title, scale: { domain: d, nice: false } });

  // left: the functions
  const fDomain = [-0.1, 2.5];
  const functions: Layer[] = [
    ...perBeta.map((s) => line(s.value.map((y, i) => ({ x: x[i], y, curve: label(s.beta) })), "f(x)", fDomain, false)),
    line(reluValue.map((y, i) => ({ x: x[i], y, curve: RELU })), "f(x)", fDomain, true),
    {
      // the gap at 0, log(2)/β, as dots on the axis x = 0
      data: { values: perBeta.map((s) => ({ x: 0, y: s.gapAt0, curve: label(s.beta), text: `log 2/${s.beta} = ${s.log2OverBeta.toFixed(3)}` })) },
      mark: { type: "point", filled: true, size: 50 },
      encoding: { x: xEnc, y: yEnc("f(x)", fDomain), color },
    } as Layer,
    {
      data: { values: perBeta.filter((s) => s.beta <= 2).map((s) => ({ x: 0, y: s.gapAt0, text: `log(2)/${s.beta} = ${s.log2OverBeta.toFixed(3)}` })) },
      mark: { type: "text", align: "right", dx: -8, fontSize: 11, color: "#333" },
      encoding: { x: xEnc, y: yEnc("f(x)", fDomain), text: { field: "text" } },
    } as Layer,
  ];

  // right: the slopes, autograd lines with σ(βx) dots on top, ReLU's step and its two values at 0
  const sDomain = [-0.05, 1.05];
  const every = Math.max(1, Math.round(0.25 / (x[1] - x[0])));
  const slopes: Layer[] = [
    ...perBeta.map((s) => line(s.slope.map((y, i) => ({ x: x[i], y, curve: label(s.beta) })), "d/dx", sDomain, false)),
    line(x.flatMap((xv) => (xv === 0 ? [] : [{ x: xv, y: xv > 0 ? 1 : 0, curve: RELU }])), "d/dx", sDomain, true),
    {
      data: { values: perBeta.flatMap((s) => x.flatMap((xv, i) => (i % every === 0 ? [{ x: xv, y: 1 / (1 + Math.exp(-s.beta * xv)), curve: label(s.beta) }] : []))) },
      mark: { type: "point", shape: "circle", size: 22, filled: false, strokeWidth: 1 },
      encoding: { x: xEnc, y: yEnc("d/dx", sDomain), color },
    } as Layer,
    {
      data: { values: [{ x: 0, y: reluSlopeAt0.left }, { x: 0, y: reluSlopeAt0.right }] },
      mark: { type: "point", shape: "square", size: 60, filled: true, color: RELU_COLOR, opacity: 1 },
      encoding: { x: xEnc, y: yEnc("d/dx", sDomain) },
    } as Layer,
    {
      data: { values: [{ x: 0, y: reluSlopeAt0.left, text: `relu′(0) from the left: ${reluSlopeAt0.left} (the default)` }] },
      mark: { type: "text", align: "left", dx: 9, dy: -8, fontSize: 11, color: RELU_COLOR },
      encoding: { x: xEnc, y: yEnc("d/dx", sDomain), text: { field: "text" } },
    } as Layer,
    {
      data: { values: [{ x: 0, y: reluSlopeAt0.right, text: `relu′(0) from the right: ${reluSlopeAt0.right}` }] },
      mark: { type: "text", align: "right", dx: -9, fontSize: 11, color: RELU_COLOR },
      encoding: { x: xEnc, y: yEnc("d/dx", sDomain), text: { field: "text" } },
    } as Layer,
  ];

  return {
    $schema: SCHEMA,
    title: {
      text: "Softplus (1/β)·log(1 + e^(βx)) beside ReLU, and their slopes (autograd, float32)",
      subtitle: wrap(
        "Left: larger β hugs ReLU tighter; the gap is largest at 0, where it is log(2)/β (dots). Right: the slope of softplus is σ(βx) " +
          "(circles: σ(βx) computed directly, lines: autograd), above 0 everywhere and → 1 for x > 0; ReLU's slope jumps from 0 to 1.",
        95,
      ),
      fontSize: 16, subtitleFontSize: 12, anchor: "start",
    },
    config: { font: FONT, aria: false },
    hconcat: [
      { title: { text: "the functions", fontSize: 14 }, width: 400, height: 320, layer: functions },
      { title: { text: "their slopes d/dx", fontSize: 14 }, width: 400, height: 320, layer: slopes },
    ],
    resolve: { scale: { color: "shared" } },
  } as TopLevelSpec;
}

await runAsScript(import.meta.url, {
  script: "lesson2",
  about: [
    "Lesson 2: softplus(x; β) = (1/β)·log(1 + e^(βx)) for β = 0.5, 1, 2, 5, 10 beside ReLU on [−4, 4]:",
    "values, slopes by autograd checked against σ(βx), the gap log(2)/β at 0; draws both (SVG and PNG).",
  ].join("\n"),
}, run);
