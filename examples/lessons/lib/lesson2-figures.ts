/**
 * Lesson 2's pictures (vega-lite specs; ../../shared/figure.ts renders them):
 *
 *   2-softplus       softplus for several β beside ReLU, and their slopes σ(βx) beside ReLU's step
 *   2-cross-entropy  lesson 1's loss J(z) = bceWithLogits(z, 1) = softplus(−z) beside relu(−z), and its slope
 *
 * Each is at most 800 px wide as SVG (1600 px as PNG at scale 2); Okabe–Ito colours, one legend per
 * picture naming every line, ReLU dashed black in both.
 */
import { FONT, PALETTE, type Layer, type TopLevelSpec } from "../../shared/figure.js";
import { wrap } from "./table.js";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";
const PANEL = 310;
const RELU_COLOR = PALETTE.black;
const NOTE = "#444";
const SHADE = "#ececec";
/** One Okabe–Ito colour per β, in the order of the β (neighbours differ in hue and lightness). */
const BETA_COLORS = [PALETTE.orange, PALETTE.skyBlue, PALETTE.green, PALETTE.vermillion, PALETTE.blue, PALETTE.purple];

/** What the picture needs of each β (a subset of the lesson's BetaStats). */
export interface BetaCurve {
  beta: number;
  value: number[];
  slope: number[];
  gapAt0: number;
  log2OverBeta: number;
}

function title(text: string, subtitle: string) {
  return { text: wrap(text, 60), subtitle: wrap(subtitle, 78), fontSize: 15, subtitleFontSize: 12, anchor: "start" as const, offset: 8 };
}

const legendStyle = { orient: "top" as const, direction: "horizontal" as const, labelFontSize: 12, labelLimit: 0, symbolStrokeWidth: 3, symbolType: "stroke", columns: 4 };

/** Every few points of a sweep, for a picture that needs no more (the printed numbers use all of them). */
const thin = (n: number, every: number): number[] => Array.from({ length: n }, (_, i) => i).filter((i) => i % every === 0 || i === n - 1);

export function softplusSpec(x: number[], reluValue: number[], perBeta: BetaCurve[], reluSlopeAt0: { left: number; right: number }): TopLevelSpec {
  const label = (beta: number): string => `softplus β = ${beta}`;
  const RELU = "relu";
  const domain = [...perBeta.map((s) => label(s.beta)), RELU];
  const color = { field: "curve", type: "nominal" as const, title: null, scale: { domain, range: [...BETA_COLORS.slice(0, perBeta.length), RELU_COLOR] }, legend: legendStyle };
  const strokeDash = { field: "curve", type: "nominal" as const, title: null, scale: { domain, range: [...perBeta.map(() => [1, 0]), [6, 4]] }, legend: legendStyle };
  const xEnc = { field: "x", type: "quantitative" as const, title: "x", scale: { domain: [x[0], x[x.length - 1]], nice: false } };
  const yEnc = (title: string, d: number[]) => ({ field: "y", type: "quantitative" as const, title, scale: { domain: d, nice: false } });
  const keep = thin(x.length, Math.max(1, Math.round(0.02 / (x[1] - x[0])))); // a point every 0.02 is plenty to draw
  const line = (ys: number[], curve: string, y: object, dashed: boolean): Layer => ({
    data: { values: keep.map((i) => ({ x: x[i], y: ys[i], curve })) },
    mark: { type: "line", strokeWidth: dashed ? 2 : 2.5, clip: true },
    encoding: { x: xEnc, y, color, strokeDash },
  } as Layer);

  const fDomain = [-0.1, 2.5];
  const yF = yEnc("f(x)", fDomain);
  const functions: Layer[] = [
    ...perBeta.map((s) => line(s.value, label(s.beta), yF, false)),
    line(reluValue, RELU, yF, true),
    {
      // the gap at 0, log(2)/β: a dot on the axis x = 0 in the β's colour
      data: { values: perBeta.map((s) => ({ x: 0, y: s.gapAt0, curve: label(s.beta) })) },
      mark: { type: "point", filled: true, size: 50, opacity: 1 },
      encoding: { x: xEnc, y: yF, color },
    } as Layer,
    {
      data: { values: perBeta.filter((s) => s.beta <= 2).map((s) => ({ x: 0, y: s.gapAt0, text: `log(2)/${s.beta} = ${s.log2OverBeta.toFixed(3)}` })) },
      mark: { type: "text", align: "right", dx: -8, fontSize: 11, color: NOTE },
      encoding: { x: xEnc, y: yF, text: { field: "text" } },
    } as Layer,
  ];

  const sDomain = [-0.05, 1.05];
  const yS = yEnc("d/dx", sDomain);
  const slopes: Layer[] = [
    ...perBeta.map((s) => line(s.slope, label(s.beta), yS, false)),
    {
      // ReLU's step, without a value at 0 (its two one-sided slopes are drawn as squares)
      data: { values: x.flatMap((xv) => (xv === 0 ? [] : [{ x: xv, y: xv > 0 ? 1 : 0, curve: RELU }])) },
      mark: { type: "line", strokeWidth: 2, clip: true },
      encoding: { x: xEnc, y: yS, color, strokeDash },
    } as Layer,
    {
      data: { values: [{ x: 0, y: reluSlopeAt0.left }, { x: 0, y: reluSlopeAt0.right }] },
      mark: { type: "square", size: 60, filled: true, color: RELU_COLOR, opacity: 1 },
      encoding: { x: xEnc, y: yS },
    } as Layer,
    {
      data: { values: [{ x: 0, y: reluSlopeAt0.left, text: [`relu′(0) = ${reluSlopeAt0.left}`, "(left, the default)"] }] },
      mark: { type: "text", align: "left", baseline: "bottom", dx: 8, dy: -18, fontSize: 11, lineHeight: 13, color: NOTE },
      encoding: { x: xEnc, y: yS, text: { field: "text" } },
    } as Layer,
    {
      data: { values: [{ x: 0, y: reluSlopeAt0.right, text: `relu′(0) = ${reluSlopeAt0.right} (right)` }] },
      mark: { type: "text", align: "right", dx: -8, fontSize: 11, color: NOTE },
      encoding: { x: xEnc, y: yS, text: { field: "text" } },
    } as Layer,
    {
      data: { values: [{ x: 0, y: 0.5, text: "σ(0) = 0.5 for every β" }] },
      mark: { type: "text", align: "left", dx: 8, dy: 10, fontSize: 11, color: NOTE },
      encoding: { x: xEnc, y: yS, text: { field: "text" } },
    } as Layer,
  ];

  const largest = perBeta[perBeta.length - 1];
  return {
    $schema: SCHEMA,
    title: title(
      "Softplus (1/β)·log(1 + e^(βx)) beside ReLU, and their slopes",
      "Left: larger β hugs ReLU tighter; the gap is largest at 0, where it is log(2)/β (dots). Right: the slope of softplus is σ(βx), " +
        `above 0 everywhere and → 1 for x > 0; as β grows it tends to ReLU's step (β = ${largest.beta} is almost on it), ` +
        "except at 0, where it stays 0.5 and ReLU's slope is 0 or 1 (squares). Autograd, float64.",
    ),
    config: { font: FONT, aria: false },
    hconcat: [
      { title: { text: "the functions", fontSize: 13 }, width: PANEL, height: 260, layer: functions },
      { title: { text: "their slopes d/dx", fontSize: 13 }, width: PANEL, height: 260, layer: slopes },
    ],
    spacing: 60,
    bounds: "flush",
    resolve: { scale: { color: "shared", strokeDash: "shared" } },
  } as TopLevelSpec;
}

/** Lesson 1's loss for t = 1 on the sweep, beside relu(−z): J in one panel, dJ/dz in the other. */
export function crossEntropySpec(z: number[], J: number[], dJdz: number[]): TopLevelSpec {
  const CE = "lesson 1's loss J(z) = bceWithLogits(z, 1) = softplus(−z)";
  const RELU = "relu(−z)";
  const domain = [CE, RELU];
  const color = { field: "curve", type: "nominal" as const, title: null, scale: { domain, range: [PALETTE.green, RELU_COLOR] }, legend: { ...legendStyle, columns: 1 } };
  const strokeDash = { field: "curve", type: "nominal" as const, title: null, scale: { domain, range: [[1, 0], [6, 4]] }, legend: { ...legendStyle, columns: 1 } };
  const span = z[z.length - 1];
  const x = { field: "z", type: "quantitative" as const, title: "logit z", scale: { domain: [z[0], span], nice: false } };
  const keep = thin(z.length, Math.max(1, Math.round(0.02 / (z[1] - z[0]))));
  const line = (ys: (i: number) => number, curve: string, y: object, width: number): Layer => ({
    data: { values: keep.map((i) => ({ z: z[i], y: ys(i), curve })).filter((r) => Number.isFinite(r.y)) },
    mark: { type: "line", strokeWidth: width, clip: true },
    encoding: { x, y, color, strokeDash },
  } as Layer);
  const text = (at: { z: number; y: number }, lines: string | string[], y: object, opts: object = {}): Layer => ({
    data: { values: [{ ...at, text: lines }] },
    mark: { type: "text", fontSize: 11, color: NOTE, align: "left", lineHeight: 13, ...opts },
    encoding: { x, y, text: { field: "text" } },
  } as Layer);
  const shade = (y: object, labelY: number): Layer[] => [
    { data: { values: [{ z: z[0], z2: 0 }] }, mark: { type: "rect", color: SHADE }, encoding: { x, x2: { field: "z2" } } } as Layer,
    text({ z: z[0] / 2, y: labelY }, "t = 1, z < 0: wrong", y, { align: "center", fontSize: 12, fontStyle: "italic" }),
  ];

  const yJ = { field: "y", type: "quantitative" as const, title: "J", scale: { domain: [-0.1, span + 0.2], nice: false } };
  const loss: Layer[] = [
    ...shade(yJ, span - 0.1),
    line((i) => Math.max(-z[i], 0), RELU, yJ, 2),
    line((i) => J[i], CE, yJ, 4),
    text({ z: z[0] / 1.5, y: span * 0.8 }, ["linear: J ≈ −z,", "slope → −1"], yJ),
    text({ z: span / 3, y: span / 3 }, ["flat: J → 0,", "slope → 0"], yJ),
    text({ z: 0, y: Math.LN2 }, "J(0) = log 2", yJ, { dx: 8, dy: -4, baseline: "bottom" }),
  ];
  const yG = { field: "y", type: "quantitative" as const, title: "dJ/dz", scale: { domain: [-1.1, 0.1], nice: false } };
  const slope: Layer[] = [
    ...shade(yG, 0.04),
    line((i) => (z[i] < 0 ? -1 : z[i] > 0 ? 0 : NaN), RELU, yG, 2),
    line((i) => dJdz[i], CE, yG, 4),
    text({ z: z[0] + 0.2, y: -0.8 }, "σ(z) − 1 → −1", yG, { baseline: "bottom" }),
    text({ z: 0.6, y: -0.5 }, ["σ(z) − 1: softplus's", "slope σ, mirrored"], yG),
  ];
  return {
    $schema: SCHEMA,
    title: title(
      "Lesson 1's cross-entropy loss is a softplus",
      "For t = 1, J(z) = −log σ(z) = log(1 + e^(−z)) = softplus(−z): a smooth relu(−z). Linear on the wrong side, where the " +
        "gradient stays near −1 however wrong the answer; flat on the right side. Its slope σ(z) − 1 is softplus's slope σ, mirrored. " +
        "Autograd through bceWithLogits, float64.",
    ),
    config: { font: FONT, aria: false },
    hconcat: [
      { title: { text: "the loss J(z)", fontSize: 13 }, width: PANEL, height: 240, layer: loss },
      { title: { text: "its slope dJ/dz", fontSize: 13 }, width: PANEL, height: 240, layer: slope },
    ],
    spacing: 60,
    bounds: "flush",
    resolve: { scale: { color: "shared", strokeDash: "shared" } },
  } as TopLevelSpec;
}
