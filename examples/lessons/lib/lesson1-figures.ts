/**
 * Lesson 1's pictures (vega-lite specs; ../../shared/figure.ts renders them):
 *
 *   1-losses     J(z) and dJ/dz for t = 1: flat MSE, linear-on-the-wrong-side cross-entropy (the mathematics)
 *   1-gradients  |dJ/dz| in float32 far out on both sides: where the unfused chain breaks (the floating point)
 *   1-training   one weight trained from a confidently wrong start under each loss
 *
 * Each is at most 800 px wide as SVG (1600 px as PNG at scale 2, PAGE_WIDTH_PX). The three losses keep
 * one colour, one dash and one width each in every picture (Okabe–Ito colours), and one legend names them.
 */
import { FONT, PALETTE, type Layer, type TopLevelSpec } from "../../shared/figure.js";
import { START_LOGIT } from "../notes/1-saturation.js";
import { wrap } from "./table.js";
import { LOSSES, VANISHED, type Gradients, type LossName } from "./lesson1-gradients.js";
import { STARTS, type Run, type Start } from "./lesson1-training.js";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/** The legend's names. */
export const LEGEND: Record<LossName, string> = {
  mse: "MSE: mse(sigmoid(z), t)",
  bce: "cross-entropy unfused: bce(sigmoid(z), t)",
  fused: "cross-entropy fused: bceWithLogits(z, t)",
};
const COLOR: Record<LossName, string> = { mse: PALETTE.vermillion, bce: PALETTE.blue, fused: PALETTE.green };
/** Fused thick and light underneath, unfused thin and dashed on top: where they agree, both show. */
const DASH: Record<LossName, number[]> = { mse: [1, 0], bce: [6, 4], fused: [1, 0] };
const WIDTH: Record<LossName, number> = { mse: 2.5, bce: 2, fused: 7 };
const OPACITY: Record<LossName, number> = { mse: 1, bce: 1, fused: 0.45 };
const SHADE = "#ececec";
/** The width of one panel; two side by side and their axes stay within 800 px. */
const PANEL = 310;
const NOTE = "#444";

const q = (field: string, extra: object = {}) => ({ field, type: "quantitative" as const, ...extra });

/** Colour and dash keyed on the loss: vega-lite merges them into one legend that names each line. */
function lossEncoding(losses: readonly LossName[] = LOSSES) {
  const domain = losses.map((n) => LEGEND[n]);
  const scale = <T>(of: Record<LossName, T>) => ({ domain, range: losses.map((n) => of[n]) });
  const legend = { orient: "top" as const, direction: "vertical" as const, labelFontSize: 12, labelLimit: 0, symbolStrokeWidth: 3, symbolSize: 400 };
  return {
    color: { field: "loss", type: "nominal" as const, title: null, scale: scale(COLOR), legend },
    strokeDash: { field: "loss", type: "nominal" as const, title: null, scale: scale(DASH), legend },
  };
}

/** One line per loss: rows { z (or step), y }; the width and opacity are the loss's own (see DASH). */
function lineLayer(rows: object[], name: LossName, x: object, y: object): Layer {
  return {
    data: { values: rows.map((r) => ({ ...r, loss: LEGEND[name] })) },
    mark: { type: "line", clip: true, strokeWidth: WIDTH[name], opacity: OPACITY[name] },
    encoding: { x, y, ...lossEncoding() },
  } as Layer;
}

/** The side of the axis where the answer is wrong: a grey band, named by a label inside it. */
function wrongSide(x: object, y: object, from: number, to: number, labelY: number, label = "the answer is wrong here"): Layer[] {
  return [
    { data: { values: [{ z: from, z2: to }] }, mark: { type: "rect", color: SHADE }, encoding: { x, x2: { field: "z2" } } } as Layer,
    {
      data: { values: [{ z: (from + to) / 2, y: labelY, text: label }] },
      mark: { type: "text", fontSize: 12, color: NOTE, fontStyle: "italic" },
      encoding: { x, y, text: { field: "text" } },
    } as Layer,
  ];
}

/** A text note at (x, y) in data coordinates. */
function note(x: object, y: object, at: { z: number; y: number }, text: string | string[], opts: object = {}): Layer {
  return {
    data: { values: [{ ...at, step: at.z, text }] }, // x is z, or step in the training picture
    mark: { type: "text", fontSize: 11, color: NOTE, align: "left", lineHeight: 13, ...opts },
    encoding: { x, y, text: { field: "text" } },
  } as Layer;
}

/** A dotted horizontal reference line with its label above it (the label names the line). */
function reference(value: number, label: string, xLabel: number, x: object, y: object, align: "left" | "right" = "left"): Layer[] {
  return [
    { data: { values: [{ y: value }] }, mark: { type: "rule", color: "#777", strokeDash: [3, 3] }, encoding: { y } } as Layer,
    note(x, y, { z: xLabel, y: value }, label, { align, baseline: "bottom", dy: -3, color: "#555" }),
  ];
}

/**
 * A title and its subtitle, wrapped: headless vega estimates a text's width from its length
 * (see wrap), so lines are kept short enough for an 800 px picture.
 */
function title(text: string, subtitle: string, width = 78) {
  return { text: wrap(text, 60), subtitle: wrap(subtitle, width), fontSize: 15, subtitleFontSize: 12, anchor: "start" as const, offset: 8 };
}

// ---- 1-losses: the mathematics ----------------------------------------------------------------

/** J(z) and dJ/dz for t = 1 over [−Z, Z], one panel each; `g` from gradients(z, 1). */
export function lossesSpec(g: Gradients, span: number): TopLevelSpec {
  const x = q("z", { title: "logit z", scale: { domain: [-span, span], nice: false }, axis: { values: [-span, -span / 2, 0, span / 2, span] } });
  const rows = (name: LossName, of: "loss" | "grad") => g.z.map((z, i) => ({ z, y: g[of][name][i] }));
  const yJ = q("y", { title: "loss J", scale: { domain: [0, span + 0.5], nice: false } });
  const yG = q("y", { title: "dJ/dz", scale: { domain: [-1.1, 0.1], nice: false } });
  const draw = (of: "loss" | "grad", y: object) => LOSSES.map((n) => lineLayer(rows(n, of), n, x, y));
  const loss: Layer[] = [
    ...wrongSide(x, yJ, -span, 0, span - 0.3, "t = 1 but z < 0: wrong"),
    ...draw("loss", yJ),
    note(x, yJ, { z: -span + 0.3, y: 1.2 }, "MSE ≤ 1: flat", { baseline: "bottom" }),
    note(x, yJ, { z: -span / 2, y: span * 0.72 }, ["cross-entropy = softplus(−z)", "≈ −z: linear, slope −1"]),
    note(x, yJ, { z: 1.5, y: 2.6 }, ["right side: both flatten", "towards 0"]),
  ];
  const grad: Layer[] = [
    ...wrongSide(x, yG, -span, 0, 0.03, "t = 1 but z < 0: wrong"),
    ...draw("grad", yG),
    note(x, yG, { z: -span + 0.3, y: -0.06 }, "MSE: → 0, saturated", { baseline: "top" }),
    note(x, yG, { z: -span + 0.3, y: -0.9 }, "cross-entropy: → −1", { baseline: "bottom" }),
    note(x, yG, { z: -Math.LN2, y: -8 / 27 }, ["MSE's steepest: −8/27", "at z = −ln 2"], { align: "right", dx: -4, dy: 8, baseline: "top" }),
  ];
  return {
    $schema: SCHEMA,
    title: title(
      "The two losses of one sigmoid unit for t = 1, and their slopes",
      "By autograd in float32. On the wrong side (z < 0) MSE is bounded by 1 and goes flat, so its slope vanishes; cross-entropy " +
        "= −log σ(z) = softplus(−z) keeps rising like −z, so its slope stays near −1. The unfused and fused cross-entropy are one " +
        "function (the dashed line runs inside the thick one): this part is mathematics.",
    ),
    config: { font: FONT, aria: false, legend: { columns: 1 } },
    hconcat: [
      { title: { text: "the loss J(z)", fontSize: 13 }, width: PANEL, height: 250, layer: loss },
      { title: { text: "its slope dJ/dz, the gradient", fontSize: 13 }, width: PANEL, height: 250, layer: grad },
    ],
    spacing: 60,
    bounds: "flush",
    resolve: { scale: { color: "shared" } },
  } as TopLevelSpec;
}

// ---- 1-gradients: the floating point ----------------------------------------------------------

const FLOOR = 1e-46; // just below float32's smallest denormal (1.4e-45)
const logAxis = {
  values: [1e-45, 1e-35, 1e-25, 1e-15, 1e-5],
  labelExpr: "'1e' + round(log(datum.value) / LN10)",
};

/** Runs of z where a loss's gradient is exactly 0 or not finite: what a log axis cannot draw. */
export function brokenRuns(g: Gradients, name: LossName): { z: number; z2: number; kind: string }[] {
  const kind = (v: number): string | null => (v === 0 ? "0" : Number.isNaN(v) ? "NaN" : Number.isFinite(v) ? null : v < 0 ? "−∞" : "+∞");
  const order = g.z.map((_, i) => i).sort((a, b) => g.z[a] - g.z[b]);
  const runs: { z: number; z2: number; kind: string }[] = [];
  let previous: string | null = null;
  for (const i of order) {
    const k = kind(g.grad[name][i]);
    if (k !== null && k === previous) runs[runs.length - 1].z2 = g.z[i];
    else if (k !== null) runs.push({ z: g.z[i], z2: g.z[i], kind: k });
    previous = k;
  }
  return runs;
}

/** |dJ/dz| on a log axis for one target, with a strip underneath for the exact zeros and infinities. */
function gradientPanel(g: Gradients, domain: [number, number], note0: string): object {
  const x = q("z", { title: null, scale: { domain, nice: false }, axis: { labels: false, ticks: true } });
  const y = q("y", { title: "|dJ/dz|  (log scale)", scale: { type: "log", domain: [FLOOR, 10], nice: false }, axis: logAxis });
  const wrong: [number, number] = g.t === 1 ? [domain[0], 0] : [0, domain[1]];
  const layers: Layer[] = [
    ...wrongSide(x, y, wrong[0], wrong[1], 1e-40, "the answer is wrong"),
    ...reference(VANISHED, "1e-7", g.t === 1 ? domain[1] : domain[0], x, y, g.t === 1 ? "right" : "left"),
  ];
  for (const name of LOSSES) {
    const rows = g.z.flatMap((z, i) => {
      const v = Math.abs(g.grad[name][i]);
      return v > 0 && Number.isFinite(v) ? [{ z, y: v }] : [];
    });
    layers.push(lineLayer(rows, name, x, y));
  }
  const main = { width: PANEL, height: 250, layer: layers };

  // the strip: one lane per loss; a bar where that loss's gradient is exactly 0 or ±∞ (no log value)
  const xs = q("z", { title: "logit z", scale: { domain, nice: false } });
  const lane = { field: "lane", type: "nominal" as const, title: null, scale: { domain: LOSSES.map((n) => LEGEND[n]) }, axis: null };
  const runs = LOSSES.flatMap((name) => brokenRuns(g, name).map((r) => ({ ...r, mid: (r.z + r.z2) / 2, lane: LEGEND[name], loss: LEGEND[name], label: r.kind })));
  const strip = {
    width: PANEL,
    height: 60,
    title: { text: note0, fontSize: 11, fontWeight: "normal" as const, color: NOTE, anchor: "start" as const, offset: 4 },
    layer: [
      { data: { values: [{ z: wrong[0], z2: wrong[1] }] }, mark: { type: "rect", color: SHADE }, encoding: { x: xs, x2: { field: "z2" } } },
      {
        data: { values: runs },
        mark: { type: "rule", strokeCap: "butt", strokeWidth: 7, clip: true },
        encoding: { x: xs, x2: { field: "z2" }, y: lane, ...lossEncoding(), strokeDash: { value: [1, 0] } },
      },
      {
        data: { values: runs },
        mark: { type: "text", fontSize: 11, baseline: "bottom", dy: -4, color: "#222" },
        encoding: { x: { ...xs, field: "mid" }, y: lane, text: { field: "label" } },
      },
    ],
  };
  return {
    title: { text: g.t === 1 ? "t = 1: a positive example" : "t = 0: a negative example", fontSize: 13 },
    vconcat: [main, strip],
    spacing: 4,
  };
}

/** |dJ/dz| by autograd in float32, far out on both sides, one column per target. */
export function gradientsSpec(t1: Gradients, t0: Gradients, span: number, roundsToOne: number): TopLevelSpec {
  return {
    $schema: SCHEMA,
    title: title(
      "Where float32 breaks the unfused chain: |dJ/dz| by autograd, far out",
      `MSE's gradient fades like 2e^(−|z|) (mathematics: nothing cancels σ′). Cross-entropy's is ≈ 1 on the wrong side, ` +
        "but the unfused pair stores p = σ(z) and 1/p in float32: for t = 1, 1/p overflows below z = −88.7 and log p is " +
        `clamped below −100; for t = 0, σ(z) rounds to 1 above ${roundsToOne.toFixed(1)} and the clamped log gives exactly 0 (floating point). ` +
        "The fused node keeps σ(z) − t everywhere. Bars below each panel: where dJ/dz is exactly 0 or ±∞, which a log axis cannot show.",
    ),
    config: { font: FONT, aria: false },
    hconcat: [
      gradientPanel(t1, [-span, 30], "where dJ/dz is exactly 0 or −∞:"),
      gradientPanel(t0, [-30, span], "where dJ/dz is exactly 0:"),
    ],
    spacing: 16,
    resolve: { scale: { color: "shared" } },
  } as TopLevelSpec;
}

// ---- 1-training ---------------------------------------------------------------------------------

/** P(right class) and the loss against the step: one column per start. */
export function trainingSpec(runs: Run[], steps: number, lr: number): TopLevelSpec {
  const x = q("step", { title: "SGD step", scale: { domain: [0, steps], nice: false } });
  const find = (start: Start, name: LossName) => runs.find((r) => r.start === start && r.loss === name)!;
  const probPanel = (start: Start) => {
    const y = q("y", { title: "P(right class)", scale: { domain: [-0.04, 1.04], nice: false }, axis: { values: [0, 0.5, 1] } });
    const layers: Layer[] = [...reference(0.5, "0.5: the answer turns right", steps, x, y, "right")];
    for (const name of LOSSES) layers.push(lineLayer(find(start, name).pCorrect.map((p, i) => ({ step: i, y: p })), name, x, y));
    const said = LOSSES.map((n) => {
      const r = find(start, n);
      return `${{ mse: "MSE", bce: "unfused", fused: "fused" }[n]} ${r.stepsToCorrect === null ? "never" : r.stepsToCorrect}`;
    }).join(" · ");
    return { title: { text: start.label, subtitle: ["steps until right:", said], fontSize: 13, subtitleFontSize: 11 }, width: PANEL, height: 170, layer: layers };
  };
  const lossPanel = (start: Start) => {
    const y = q("y", { title: "loss (log scale)", scale: { type: "log", domain: [1e-3, 300], nice: false }, axis: { values: [1e-3, 1e-2, 0.1, 1, 10, 100] } });
    const layers = LOSSES.map((name) => lineLayer(find(start, name).lossCurve.map((l, i) => ({ step: i, y: Math.max(l, 1e-3) })), name, x, y));
    return { width: PANEL, height: 150, layer: layers };
  };
  return {
    $schema: SCHEMA,
    title: title(
      `Training one weight from a confidently wrong start (z = w·1, z₀ = ∓${START_LOGIT}, SGD lr ${lr})`,
      "Top: the probability the model gives the right class. Bottom: the loss as computed (MSE ≤ 1; unfused cross-entropy in B reads " +
        "100, its clamp). MSE, and unfused cross-entropy in B, stay flat: their gradient is 4e-9 or exactly 0, so the weight never moves.",
    ),
    config: { font: FONT, aria: false },
    vconcat: [
      { hconcat: STARTS.map(probPanel), spacing: 64, bounds: "flush" },
      { hconcat: STARTS.map(lossPanel), spacing: 64, bounds: "flush" },
    ],
    resolve: { scale: { color: "shared" } },
  } as TopLevelSpec;
}
