/**
 * Lesson 6's pictures (vega-lite specs; ../../shared/figure.ts renders them):
 *
 *   6-zoo       one cell per activation, grouped in rows by the shape of f′ (piecewise linear; smooth
 *               and unbounded above; smooth and bounded): f on top, f′ by backprop below, on one
 *               f′ scale for all; the tails where |f′| < 0.001 shaded; at each kink a filled dot at
 *               the value backprop takes by default and a ring at the other one-sided slope; a cross
 *               where f′ changes sign
 *   6-training  the training loss of every activation (log scale), one panel per group, the target
 *               loss as a dashed rule and a dot where each run first reaches it
 *
 * SVG ≤ 800 px wide (the PNG renders at scale 2, ≤ PAGE_WIDTH_PX). The zoo's legend is a row of
 * marks drawn like the marks it names (vega's legends cannot mix lines, dots, rings and areas), so
 * every mark is named. Okabe–Ito colours; in the training panels each line also has its own dash.
 */
import { FONT, PALETTE, type TopLevelSpec } from "../../shared/figure.js";
import { SATURATED } from "../notes/6-zoo.js";
import type { KinkRow, SlopeStats } from "./lesson6-slopes.js";
import type { TrainConfig, TrainRun } from "./lesson6-training.js";
import type { Family, ZooEntry, ZooName } from "./lesson6-zoo.js";
import { wrap } from "./table.js";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";
const F_COLOR = PALETTE.blue;
const SLOPE_COLOR = PALETTE.vermillion;
const SHADE = "#dcdcdc";
const MARK = PALETTE.black;
const NOTE = "#444";
const FAMILIES: Family[] = ["piecewise linear", "smooth, unbounded above", "smooth, bounded"];
/** The zoo's cells, by family: the order of the rows. */
const ROWS: Record<Family, ZooName[]> = {
  "piecewise linear": ["relu", "leakyRelu", "hardtanh", "relu6"],
  "smooth, unbounded above": ["elu", "gelu", "silu", "softplus"],
  "smooth, bounded": ["tanh", "sigmoid"],
};
/** The x range drawn (every saturation edge of the zoo lies inside it). */
const X_MAX = 10;
const CELL_W = 124;
const CELL_H = 62;

/** The kink rows of the lesson that belong to this entry (its own parameters, its own kinks). */
function kinksOf(e: ZooEntry, kinks: KinkRow[]): KinkRow[] {
  return kinks.filter((r) => (r.label === e.name || r.label.startsWith(`${e.name}(`)) && e.kinks.includes(r.x));
}

function cell(e: ZooEntry, s: SlopeStats, kinks: KinkRow[], xs: number[]): object {
  const step = xs[1] - xs[0];
  const every = Math.max(1, Math.round(0.05 / step));
  // the sweep inside the drawn range, thinned; split into pieces at the kinks (no line across a jump)
  const points = xs.map((x, i) => ({ x, i })).filter(({ x, i }) => Math.abs(x) <= X_MAX && (i % every === 0 || e.kinks.some((k) => Math.abs(x - k) <= step + 1e-9)));
  const piece = (x: number) => e.kinks.filter((k) => k < x).length;
  const line = points.filter(({ x }) => !e.kinks.includes(x)).map(({ x, i }) => ({ x, f: s.value[i], df: s.slope[i], piece: piece(x) }));
  const xEnc = (title: string | null, labels: boolean) => ({
    field: "x", type: "quantitative" as const, title, scale: { domain: [-X_MAX, X_MAX], nice: false },
    axis: { values: [-10, -5, 0, 5, 10], labels, ticks: labels, titleFontSize: 11, labelFontSize: 10, grid: false },
  });
  const fValues = line.map((p) => p.f);
  const fLo = Math.min(...fValues), fHi = Math.max(...fValues);
  const fDomain = [fLo - 0.08 * (fHi - fLo), fHi + 0.08 * (fHi - fLo)];
  const yF = { field: "f", type: "quantitative" as const, title: "f", scale: { domain: fDomain, nice: false, zero: false }, axis: { tickCount: 3, labelFontSize: 10, titleFontSize: 11 } };
  const yS = { field: "df", type: "quantitative" as const, title: "f′", scale: { domain: [-0.25, 1.25], nice: false }, axis: { values: [0, 0.5, 1], labelFontSize: 10, titleFontSize: 11, grid: true, gridColor: "#eee" } };

  const mine = kinksOf(e, kinks);
  const f0 = (x: number) => s.value[xs.indexOf(x)];
  const fPanel = {
    width: CELL_W, height: CELL_H,
    layer: [
      { data: { values: line }, mark: { type: "line", color: F_COLOR, strokeWidth: 2, clip: true }, encoding: { x: xEnc(null, false), y: yF, detail: { field: "piece" } } },
      ...(mine.length ? [{
        data: { values: mine.map((r) => ({ x: r.x, f: f0(r.x) })) },
        mark: { type: "point", shape: "diamond", filled: true, color: MARK, size: 40, opacity: 1 },
        encoding: { x: xEnc(null, false), y: yF },
      }] : []),
    ],
  };
  const edgeRects = s.tails.map((t) => (t.side === "left" ? { x: -X_MAX, x2: Math.max(-X_MAX, t.edge) } : { x: Math.min(X_MAX, t.edge), x2: X_MAX }));
  const taken = mine.map((r) => ({ x: r.x, df: r.taken[0].slope }));
  const other = mine.flatMap((r) => [r.left, r.right].map((v) => Math.round(v * 1e4) / 1e4).filter((v) => v !== r.taken[0].slope).map((v) => ({ x: r.x, df: v })));
  const sPanel = {
    width: CELL_W, height: CELL_H,
    layer: [
      ...(edgeRects.length ? [{ data: { values: edgeRects }, mark: { type: "rect", color: SHADE }, encoding: { x: xEnc("x", true), x2: { field: "x2" } } }] : []),
      { data: { values: line }, mark: { type: "line", color: SLOPE_COLOR, strokeWidth: 2, clip: true }, encoding: { x: xEnc("x", true), y: yS, detail: { field: "piece" } } },
      ...(taken.length ? [
        { data: { values: other }, mark: { type: "point", shape: "circle", filled: false, color: MARK, strokeWidth: 1.5, size: 45, opacity: 1 }, encoding: { x: xEnc("x", true), y: yS } },
        { data: { values: taken }, mark: { type: "point", shape: "circle", filled: true, color: MARK, size: 45, opacity: 1 }, encoding: { x: xEnc("x", true), y: yS } },
      ] : []),
      ...(s.signChanges.length ? [{
        data: { values: s.signChanges.map((c) => ({ x: c.at, df: 0 })) },
        mark: { type: "point", shape: "cross", filled: true, color: MARK, size: 60, opacity: 1 },
        encoding: { x: xEnc("x", true), y: yS },
      }] : []),
    ],
  };
  return {
    title: { text: e.name, subtitle: e.short, fontSize: 12, subtitleFontSize: 10, anchor: "start", subtitlePadding: 1 },
    spacing: 4,
    vconcat: [fPanel, sPanel],
  };
}

/** The legend: each mark drawn as in the cells, with its name, one per line. */
function legend(): object {
  const items: { kind: string; label: string }[] = [
    { kind: "f", label: "f(x)" },
    { kind: "df", label: "f′(x) by backprop" },
    { kind: "shade", label: `|f′| < ${SATURATED}: saturated` },
    { kind: "kinkF", label: "a kink of f" },
    { kind: "taken", label: "f′ at a kink: backprop's default" },
    { kind: "other", label: "f′ at a kink: the other side" },
    { kind: "cross", label: "f′ = 0, changing sign" },
  ];
  const h = 18;
  const x = (v: number) => ({ datum: v, type: "quantitative" as const, scale: { domain: [0, 300], range: [0, 300] }, axis: null });
  const y = (v: number) => ({ datum: v, type: "quantitative" as const, scale: { domain: [0, items.length * h], range: [0, items.length * h] }, axis: null });
  const layers: object[] = [];
  items.forEach((it, k) => {
    const row = k * h + h / 2;
    const at = { x: x(11), y: y(row) };
    if (it.kind === "f" || it.kind === "df") {
      layers.push({ mark: { type: "rule", color: it.kind === "f" ? F_COLOR : SLOPE_COLOR, strokeWidth: 2.5 }, encoding: { x: x(0), x2: { datum: 22 }, y: y(row) } });
    } else if (it.kind === "shade") {
      layers.push({ mark: { type: "rect", color: SHADE }, encoding: { x: x(0), x2: { datum: 22 }, y: y(row - 6), y2: { datum: row + 6 } } });
    } else if (it.kind === "kinkF") {
      layers.push({ mark: { type: "point", shape: "diamond", filled: true, color: MARK, size: 40, opacity: 1 }, encoding: at });
    } else if (it.kind === "taken" || it.kind === "other") {
      layers.push({ mark: { type: "point", shape: "circle", filled: it.kind === "taken", color: MARK, strokeWidth: 1.5, size: 45, opacity: 1 }, encoding: at });
    } else {
      layers.push({ mark: { type: "point", shape: "cross", filled: true, color: MARK, size: 60, opacity: 1 }, encoding: at });
    }
    layers.push({ mark: { type: "text", align: "left", baseline: "middle", fontSize: 11, color: "#222" }, encoding: { x: x(30), y: y(row), text: { value: it.label } } });
  });
  return {
    title: { text: "the marks", fontSize: 11, anchor: "start" },
    width: 300, height: items.length * h, view: { stroke: null }, data: { values: [{}] }, layer: layers,
  };
}

export function zooSpec(entries: readonly ZooEntry[], stats: SlopeStats[], kinks: KinkRow[], xs: number[]): TopLevelSpec {
  const statsOf = (n: ZooName) => stats.find((s) => s.name === n)!;
  const entryOf = (n: ZooName) => entries.find((e) => e.name === n)!;
  // the last row has two cells: the legend fills the rest of it
  const rows = FAMILIES.map((family, r) => ({
    title: { text: family, fontSize: 13, anchor: "start", color: NOTE },
    spacing: 18,
    hconcat: [...ROWS[family].map((n) => cell(entryOf(n), statsOf(n), kinks, xs)), ...(r === FAMILIES.length - 1 ? [legend()] : [])],
  }));
  return {
    $schema: SCHEMA,
    title: {
      text: "Lesson 6: the activation zoo, f and its derivative by backprop",
      subtitle: wrap(
        `Each f′ is grad(x ↦ Σ f(x)) in float64, on one scale for all. Grey: where |f′| < ${SATURATED} (saturated). At a kink, backprop ` +
          "sends one of the two one-sided slopes: the filled dot (its default; setReluAtZero or atBounds picks the ring). " +
          "ELU with α = 1 has no kink; GELU and SiLU dip below 0 and their slope changes sign at the cross.",
        80,
      ),
      anchor: "start", fontSize: 15, subtitleFontSize: 12, offset: 14,
    },
    config: { font: FONT, aria: false, view: { stroke: "#ccc" } },
    spacing: 18,
    vconcat: rows,
  } as TopLevelSpec;
}

/** The training picture's groups: the zoo's rows. */
const STYLE = [
  { color: PALETTE.blue, dash: [1, 0] },
  { color: PALETTE.orange, dash: [8, 4] },
  { color: PALETTE.green, dash: [2, 3] },
  { color: PALETTE.vermillion, dash: [10, 3, 2, 3] },
];

export function trainingSpec(runs: TrainRun[], config: TrainConfig): TopLevelSpec {
  const byName = (n: ZooName) => runs.find((r) => r.name === n)!;
  const relu = byName("relu"), relu6 = byName("relu6");
  const same = relu.losses.every((v, i) => v === relu6.losses[i]);
  const label = (n: ZooName) => (n === "relu6" && same ? "relu6 (= relu here)" : n);
  const every = Math.max(1, Math.round(config.steps / 500));
  const x = { field: "step", type: "quantitative" as const, title: "SGD steps", scale: { domain: [0, config.steps], nice: false }, axis: { tickCount: 5 } };
  const yBase = {
    field: "loss", type: "quantitative" as const,
    scale: { type: "log" as const, domain: [1e-3, 1], nice: false }, axis: { values: [0.001, 0.01, 0.1, 1], format: "~g" },
  };
  const panel = (family: Family, p: number) => {
    const y = { ...yBase, title: p === 0 ? "training loss (log scale)" : null };
    const names = ROWS[family];
    const domain = names.map(label);
    // one legend per panel, colour and dash merged (same field, title and options)
    const legend = {
      orient: "bottom" as const, direction: "vertical" as const, labelFontSize: 11, labelLimit: 0, symbolType: "stroke", symbolStrokeWidth: 2.6,
      symbolSize: 300,
    };
    const color = { field: "run", type: "nominal" as const, title: null, scale: { domain, range: names.map((_, i) => STYLE[i].color) }, legend };
    const strokeDash = { field: "run", type: "nominal" as const, title: null, scale: { domain, range: names.map((_, i) => STYLE[i].dash) }, legend };
    const values = names.flatMap((n) => byName(n).losses.flatMap((loss, k) => (k % every === 0 || k === config.steps ? [{ run: label(n), step: k, loss: Math.max(loss, 1e-3) }] : [])));
    const reached = names.map(byName).filter((r) => r.stepsToTarget !== null).map((r) => ({ run: label(r.name), step: r.stepsToTarget!, loss: r.losses[r.stepsToTarget!] }));
    return {
      title: { text: family, fontSize: 11, anchor: "start" as const },
      width: 180, height: 240,
      layer: [
        { data: { values: [{ loss: config.target }] }, mark: { type: "rule", color: "#777", strokeDash: [4, 3], strokeWidth: 1.2 }, encoding: { y } },
        { data: { values: [{ loss: config.target, text: `target ${config.target}` }] }, mark: { type: "text", align: "right", baseline: "bottom", x: 178, dy: -2, fontSize: 10, color: NOTE }, encoding: { y, text: { field: "text" } } },
        { data: { values }, mark: { type: "line", strokeWidth: 2.2, clip: true }, encoding: { x, y, color, strokeDash } },
        { data: { values: reached }, mark: { type: "point", filled: true, size: 55, opacity: 1 }, encoding: { x, y, color } },
      ],
    };
  };
  return {
    $schema: SCHEMA,
    title: {
      text: "Lesson 6: one network, ten activations, one start",
      subtitle: wrap(
        `MLP 2-${config.width}-${config.width}-1 on two moons, full-batch SGD at lr ${config.lr}, float64. Dots: the first step with loss ≤ ${config.target} ` +
          "(dashed). A run without a dot does not reach it in the steps shown.",
        80,
      ),
      anchor: "start", fontSize: 15, subtitleFontSize: 12, offset: 14,
    },
    config: { font: FONT, aria: false },
    spacing: 22,
    hconcat: FAMILIES.map(panel),
    resolve: { scale: { color: "independent", strokeDash: "independent" }, legend: { color: "independent", strokeDash: "independent" } },
  } as TopLevelSpec;
}
