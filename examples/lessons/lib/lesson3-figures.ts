/**
 * Lesson 3's pictures: the weight paths on the loss contours (four panels, each titled with what it
 * shows), steps to converge against the learning rate, and the one-sign share against the batch size.
 *
 * Widths: the figures render at scale 2, so an SVG at most 800 px wide gives a PNG at most 1600 px
 * (PAGE_WIDTH_PX). Headless vega has no font metrics and reserves 0.8 · fontSize per character of a
 * text, so every title line here is kept short enough for the width it sits over.
 */
import { contour } from "../../demo/plot.js";
import type { Grid } from "../../demo/train.js";
import { FONT, PALETTE, type Layer, type TopLevelSpec } from "../../shared/figure.js";
import { W_START, W_STAR } from "../notes/3-zigzag.js";
import type { BatchResult } from "./lesson3-batch.js";
import { num } from "./table.js";

/** What the lesson hands the pictures (structural: lesson 3's Inputs and Run). */
interface Inputs {
  name: "positive" | "centred";
  x: { shape: readonly number[]; data: ArrayLike<number> };
  t: { data: ArrayLike<number> };
}
interface Run {
  lr: number;
  steps: number | null;
  diverged: boolean;
  signAgreement: number;
  sameSign: boolean[];
  path: [number, number][];
}

const COLORS = { positive: PALETTE.vermillion, centred: PALETTE.blue } as const;
const LABELS = { positive: "all-positive inputs (sigmoid outputs)", centred: "zero-centred inputs (same points − mean)" } as const;
const STEP_KINDS = ["↗ or ↙: gradient components of one sign", "↖ or ↘: components of opposite signs"] as const;
const CELLS = 50;
const LEVELS = [0.003, 0.01, 0.03, 0.1, 0.3, 1, 3];
const SIDE = 270;
const pct = (v: number): string => `${(100 * v).toFixed(0)}%`;

/** The full-data loss J(w) = mean((x·w − t)²) on a grid over the square [−span, span]² of the weight plane. */
function lossGrid({ x, t }: Inputs, span: number): Grid {
  const edges = Array.from({ length: CELLS + 1 }, (_, k) => -span + (2 * span * k) / CELLS);
  const centres = edges.slice(1).map((e, k) => (e + edges[k]) / 2);
  const n = x.shape[0];
  const p = centres.map((w2) => centres.map((w1) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += (x.data[2 * i] * w1 + x.data[2 * i + 1] * w2 - t.data[i]) ** 2;
    return s / n;
  }));
  return { xEdges: edges, yEdges: edges, p };
}

interface Panel {
  inputs: Inputs;
  run: Run;
  /** The panel's title (its letter, inputs and rate) and what it shows, one short line each. */
  title: string;
  lines: string[];
}

function panel({ inputs, run: r, title, lines }: Panel, span: number): TopLevelSpec {
  const grid = lossGrid(inputs, span);
  const scale = { domain: [-span, span], nice: false, zero: false };
  const w1 = { field: "w1", type: "quantitative" as const, title: "w₁", scale };
  const w2 = { field: "w2", type: "quantitative" as const, title: "w₂", scale };
  const d = grid.xEdges[1] - grid.xEdges[0];
  const cells = grid.p.flatMap((row, j) => row.map((loss, i) => ({
    w1: grid.xEdges[i], w1b: grid.xEdges[i + 1] + 0.05 * d, w2: grid.yEdges[j], w2b: grid.yEdges[j + 1] + 0.05 * d, logLoss: Math.log10(loss),
  })));
  const contours = LEVELS.flatMap((level) => contour(grid, level).map((s) => ({ w1: s.x, w2: s.y, w1b: s.x2, w2b: s.y2 })));
  const steps = r.sameSign.map((same, k) => ({
    w1: r.path[k][0], w2: r.path[k][1], w1b: r.path[k + 1][0], w2b: r.path[k + 1][1], kind: STEP_KINDS[same ? 0 : 1],
  }));
  const layer: Layer[] = [
    {
      data: { values: cells },
      mark: { type: "rect", clip: true },
      encoding: {
        x: w1, x2: { field: "w1b" }, y: w2, y2: { field: "w2b" },
        color: {
          field: "logLoss", type: "quantitative", title: "log₁₀ loss (shading)", scale: { domain: [-3, 1], clamp: true, range: ["#ffffff", "#a8a8a8"] },
          legend: { direction: "horizontal", gradientLength: 160 },
        },
      },
    },
    { data: { values: contours }, mark: { type: "rule", color: "#8a8a8a", strokeWidth: 0.7, clip: true }, encoding: { x: w1, y: w2, x2: { field: "w1b" }, y2: { field: "w2b" } } },
    {
      // one segment per step, coloured (and dashed) by the direction it took
      data: { values: steps },
      mark: { type: "rule", strokeWidth: 2, clip: true },
      encoding: {
        x: w1, y: w2, x2: { field: "w1b" }, y2: { field: "w2b" },
        stroke: { field: "kind", type: "nominal", title: "each step moved", scale: { domain: [...STEP_KINDS], range: [PALETTE.vermillion, PALETTE.blue] } },
        strokeDash: { field: "kind", type: "nominal", title: "each step moved", scale: { domain: [...STEP_KINDS], range: [[1, 0], [5, 2]] } },
      },
    },
    {
      data: { values: r.path.slice(1, -1).map(([a, b]) => ({ w1: a, w2: b })) },
      mark: { type: "circle", size: 10, color: "#333", opacity: 1, clip: true },
      encoding: { x: w1, y: w2 },
    },
    {
      data: { values: [{ w1: W_START[0], w2: W_START[1], what: "start" }, { w1: W_STAR[0], w2: W_STAR[1], what: "optimum w*" }] },
      mark: { type: "point", filled: true, size: 150, stroke: "white", strokeWidth: 1.2, opacity: 1 },
      encoding: {
        x: w1, y: w2,
        shape: { field: "what", type: "nominal", title: "points", scale: { domain: ["start", "optimum w*"], range: ["circle", "cross"] } },
        fill: { value: "#111" },
      },
    },
  ];
  return {
    title: { text: title, subtitle: lines, fontSize: 12, subtitleFontSize: 11, anchor: "start" },
    width: SIDE,
    height: SIDE,
    layer,
  } as TopLevelSpec;
}

export interface PathsFigure {
  positive: Inputs;
  centred: Inputs;
  /** A: positive at its best rate; B: centred at that rate; C: positive at the next rate up (diverges); D: centred at its best. */
  panels: { a: Run; b: Run; c: Run; d: Run };
  best: Run;
}

/**
 * The four runs' weight paths over their loss contours, two rows of two: the same rate (A, B), then
 * each kind pushed faster (C, D). Every panel's title says what it shows, so that no panel can be
 * read as contradicting the lesson (the centred paths have one-sign steps too: allowed, not forced).
 */
export function pathsSpec({ positive, centred, panels: { a, b, c, d } }: PathsFigure): TopLevelSpec {
  // one square that holds the converging paths, the same for all panels (the diverging one leaves it)
  const span = Math.max(2.5, ...[a, b, d].flatMap((r) => r.path.flat().map((v) => Math.ceil(2 * Math.abs(v) + 0.3) / 2)));
  const steps = (r: Run) => (r.steps === null ? (r.diverged ? "diverges" : "too slow") : `${r.steps} steps`);
  const row = (text: string, panels: Panel[]) => ({
    title: { text, anchor: "start" as const, fontSize: 13, offset: 12 },
    spacing: 36,
    hconcat: panels.map((p) => panel(p, span)),
  });
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: "Lesson 3: the two weights' paths, one example per step", subtitle: "from the same start to w*, on the loss contours", anchor: "start", fontSize: 15 },
    config: {
      font: FONT, aria: false, view: { stroke: "#999" },
      legend: { orient: "bottom", direction: "vertical", labelLimit: 400, symbolStrokeWidth: 2.5, symbolSize: 160 },
    },
    spacing: 26,
    vconcat: [
      row("The same rate: the zig-zag costs no steps", [
        { inputs: positive, run: a, title: `A. all positive, lr ${num(a.lr)}`, lines: [`every step ↗ or ↙ (${pct(a.signAgreement)})`, `it zig-zags in: ${steps(a)}`] },
        { inputs: centred, run: b, title: `B. centred, lr ${num(b.lr)} (same)`, lines: [`steps go every way (${pct(b.signAgreement)} ↗↙)`, `${steps(b)}: at this rate, a tie`] },
      ]),
      row("Faster: the zig-zag caps the learning rate", [
        { inputs: positive, run: c, title: `C. all positive, lr ${num(c.lr)}`, lines: [`the swings grow: ${steps(c)}`, `(lr ${num(a.lr)} was its best)`] },
        { inputs: centred, run: d, title: `D. centred, lr ${num(d.lr)} (its best)`, lines: [`${steps(d)}, against A's ${a.steps}`, "each kind at its best rate"] },
      ]),
    ],
    resolve: { scale: { color: "shared", shape: "shared", stroke: "shared", strokeDash: "shared" } },
  } as TopLevelSpec;
}

/** Steps to converge against the learning rate, both kinds; diverged runs marked at the top. */
export function ratesSpec(sweep: { lr: number; positive: Run; centred: Run }[], best: Run[]): TopLevelSpec {
  const rows = sweep.flatMap((s) => (["positive", "centred"] as const).map((k) => ({ lr: s.lr, inputs: LABELS[k], steps: s[k].steps, diverged: s[k].diverged })));
  const most = Math.max(...rows.map((r) => r.steps ?? 0));
  const top = 10 ** Math.ceil(Math.log10(most * 1.5));
  const lrs = sweep.map((s) => s.lr);
  const domain = [LABELS.positive, LABELS.centred];
  const x = { field: "lr", type: "quantitative" as const, title: "learning rate (log scale)", scale: { type: "log" as const, domain: [Math.min(...lrs) / 1.2, Math.max(...lrs) * 1.2], nice: false } };
  const y = { field: "steps", type: "quantitative" as const, title: "steps to reach w* (log scale)", scale: { type: "log" as const, domain: [1, top] } };
  const color = { field: "inputs", type: "nominal" as const, title: null, scale: { domain, range: [COLORS.positive, COLORS.centred] } };
  const shape = { field: "inputs", type: "nominal" as const, title: null, scale: { domain, range: ["circle", "square"] } };
  const strokeDash = { field: "inputs", type: "nominal" as const, title: null, scale: { domain, range: [[1, 0], [6, 3]] } };
  // the labels go above right of the positive run's best and below the centred one's, clear of the lines
  const bestRows = best.map((r, k) => ({
    lr: r.lr, steps: r.steps, inputs: domain[k], label: `best: ${r.steps} steps`,
    dx: k === 0 ? 14 : 0, dy: k === 0 ? -20 : 22, align: k === 0 ? ("left" as const) : ("center" as const),
  }));
  const diverged = rows.filter((r) => r.diverged).map((r) => ({ ...r, steps: top / 1.6, what: "× diverges (swings grow)" }));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: "Lesson 3: steps until |w − w*| ≤ 0.05", subtitle: ["by learning rate, one example per step;", "× at the top: that run diverges"], anchor: "start" },
    width: 460,
    height: 300,
    config: { font: FONT, aria: false, legend: { orient: "bottom", direction: "vertical", labelLimit: 400, symbolStrokeWidth: 2.5 } },
    layer: [
      { data: { values: rows.filter((r) => r.steps !== null) }, mark: { type: "line", point: { filled: true, size: 45 }, strokeWidth: 2 }, encoding: { x, y, color, shape, strokeDash } },
      {
        data: { values: diverged },
        mark: { type: "point", shape: "cross", size: 90, filled: true, angle: 45, opacity: 1 },
        encoding: { x, y, color },
      },
      { data: { values: bestRows }, mark: { type: "point", size: 260, strokeWidth: 2, opacity: 1 }, encoding: { x, y, color } },
      ...bestRows.map((b) => ({
        data: { values: [b] },
        mark: { type: "text" as const, dx: b.dx, dy: b.dy, align: b.align, fontSize: 12, fontWeight: "bold" as const },
        encoding: { x, y, color, text: { field: "label" } },
      })),
    ],
  } as TopLevelSpec;
}

/** The one-sign share of layer 2's weight-gradient rows against the number of examples per gradient. */
export function batchSpec(result: BatchResult): TopLevelSpec {
  const kinds = ["one-sign rows (Diagnostics' measure)", "rows whose ∂J/∂z all share one sign"];
  const values = result.shares.flatMap((s) => {
    const live = s.rows - s.zeroRows;
    return [
      { batch: s.batch, share: s.oneSign / live, kind: kinds[0], label: `${((100 * s.oneSign) / live).toFixed(1)}%` },
      { batch: s.batch, share: s.unanimous / live, kind: kinds[1], label: "" },
    ];
  });
  const batches = result.shares.map((s) => s.batch);
  const x = {
    field: "batch", type: "quantitative" as const, title: "examples per gradient (log scale)",
    scale: { type: "log" as const, domain: [0.8, Math.max(...batches) * 1.25], nice: false }, axis: { values: batches, format: "d" },
  };
  const y = { field: "share", type: "quantitative" as const, title: "share of rows not all zero", scale: { domain: [0, 1.05] }, axis: { format: "%", values: [0, 0.25, 0.5, 0.75, 1] } };
  const color = { field: "kind", type: "nominal" as const, title: null, scale: { domain: kinds, range: [PALETTE.vermillion, PALETTE.skyBlue] } };
  const shape = { field: "kind", type: "nominal" as const, title: null, scale: { domain: kinds, range: ["circle", "triangle-up"] } };
  const strokeDash = { field: "kind", type: "nominal" as const, title: null, scale: { domain: kinds, range: [[1, 0], [5, 3]] } };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: "Lesson 3: one sign per example, not per batch",
      subtitle: ["layer 2 of the tutorial's Diagnostics example", "(inputs: ReLU outputs ≥ 0), at step 300"],
      anchor: "start",
    },
    width: 420,
    height: 240,
    config: { font: FONT, aria: false, legend: { orient: "bottom", direction: "vertical", labelLimit: 400, symbolStrokeWidth: 2.5 } },
    data: { values },
    layer: [
      { mark: { type: "line", point: { filled: true, size: 60 }, strokeWidth: 2 }, encoding: { x, y, color, shape, strokeDash } },
      { mark: { type: "text", dx: 8, dy: -10, align: "left", fontSize: 12 }, encoding: { x, y, text: { field: "label" } } },
    ],
  } as TopLevelSpec;
}
