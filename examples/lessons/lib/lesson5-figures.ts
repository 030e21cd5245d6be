/**
 * Lesson 5's pictures: the subgradients of relu at 0 (the lines g·z under relu), and training with
 * different relu′(0) on ordinary data, with a wrong slope near the kink, and on the built case.
 * Widths: SVG ≤ 800 px (PNG at scale 2 ≤ PAGE_WIDTH_PX); title lines short (headless vega reserves
 * 0.8 · fontSize per character). Every series has a colour (Okabe–Ito) and a dash pattern.
 */
import { FONT, PALETTE, type TopLevelSpec } from "../../shared/figure.js";

/** What the pictures need of a run (structural: lesson 5's Trace). */
interface Run {
  slope: "left" | "right" | { c: number; band?: number };
  losses: number[];
  zeros: number[];
  preActivations: number;
}

/** The lines g·z for each slope, over relu, on z in [−2, 2]. */
export function subgradientSpec(slopes: readonly number[]): TopLevelSpec {
  const zs = [-2, 0, 2];
  const name = (g: number) => `g = ${g}${g < 0 || g > 1 ? ": not a subgradient" : ""}`;
  const colours = [PALETTE.vermillion, PALETTE.blue, PALETTE.skyBlue, PALETTE.green, PALETTE.orange, PALETTE.purple];
  const dashes = (g: number) => (g < 0 || g > 1 ? [2, 3] : [7, 3]);
  const series = ["relu(z)", ...slopes.map(name)];
  const values = [
    ...[-2, 0, 2].map((z) => ({ z, y: Math.max(z, 0), series: "relu(z)" })),
    ...slopes.flatMap((g) => zs.map((z) => ({ z, y: g * z, series: name(g) }))),
  ];
  const x = { field: "z", type: "quantitative" as const, title: "z", scale: { domain: [-2, 2], nice: false } };
  const y = { field: "y", type: "quantitative" as const, title: "relu(z) and the lines g·z", scale: { domain: [-2, 2.5], nice: false } };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: "Lesson 5: the subgradients of relu at 0",
      subtitle: ["a line g·z through the kink that stays under relu:", "every g from 0 (left) to 1 (right)"],
      anchor: "start", fontSize: 15,
    },
    width: 420,
    height: 300,
    config: { font: FONT, aria: false, legend: { orient: "right", labelLimit: 300, symbolType: "stroke", symbolStrokeWidth: 2.6, symbolSize: 300 } },
    data: { values },
    layer: [
      {
        // relu itself, wide and grey under the lines: g = 0 and g = 1 run along its two halves
        transform: [{ filter: "datum.series === 'relu(z)'" }],
        mark: { type: "line", strokeWidth: 7, clip: true },
        encoding: { x, y, color: { field: "series", type: "nominal", title: null, scale: { domain: series, range: ["#bbbbbb", ...colours] } } },
      },
      {
        transform: [{ filter: "datum.series !== 'relu(z)'" }],
        mark: { type: "line", strokeWidth: 2.2, clip: true },
        encoding: {
          x, y,
          color: { field: "series", type: "nominal", title: null, scale: { domain: series, range: ["#bbbbbb", ...colours] } },
          strokeDash: { field: "series", type: "nominal", title: null, scale: { domain: series, range: [[1, 0], ...slopes.map(dashes)] } },
        },
      },
    ],
  } as TopLevelSpec;
}

const slopeLabel = (s: Run["slope"]): string =>
  s === "left" ? "left: relu′(0) = 0" : s === "right" ? "right: relu′(0) = 1" : s.band ? `slope ${s.c} on |z| < ${s.band}` : `relu′(0) = ${s.c} (built)`;

/** Every label the training pictures may use, with its colour and dash. */
const STYLE: Record<string, { color: string; dash: number[] }> = {
  "left: relu′(0) = 0": { color: PALETTE.blue, dash: [1, 0] },
  "right: relu′(0) = 1": { color: PALETTE.vermillion, dash: [6, 4] },
  "relu′(0) = 0.25 (built)": { color: PALETTE.green, dash: [2, 3] },
  "relu′(0) = 0.5 (built)": { color: PALETTE.purple, dash: [9, 3, 2, 3] },
};
const BAND_COLOURS = [PALETTE.green, PALETTE.orange, PALETTE.purple, PALETTE.skyBlue];

function style(label: string, k: number): { color: string; dash: number[] } {
  return STYLE[label] ?? { color: BAND_COLOURS[k % BAND_COLOURS.length], dash: label.includes("slope 0 ") ? [2, 3] : [8, 3] };
}

function lossPanel(runs: Run[], title: string, opts: { log?: boolean; zeros?: boolean } = {}) {
  const labels = runs.map((r) => slopeLabel(r.slope));
  const styles = labels.map(style);
  const color = { field: "run", type: "nominal" as const, title: null, scale: { domain: labels, range: styles.map((s) => s.color) } };
  const strokeDash = { field: "run", type: "nominal" as const, title: null, scale: { domain: labels, range: styles.map((s) => s.dash) } };
  const x = { field: "step", type: "quantitative" as const, title: "step" };
  const values = runs.flatMap((r) => r.losses.map((loss, k) => ({ run: slopeLabel(r.slope), step: k + 1, loss, zeros: r.zeros[k] / r.preActivations })));
  const loss = {
    width: 300, height: 150,
    mark: { type: "line" as const, strokeWidth: 2.2 },
    encoding: {
      x, color, strokeDash,
      y: { field: "loss", type: "quantitative" as const, title: opts.log ? "training loss (log)" : "training loss", scale: opts.log ? { type: "log" as const } : { zero: true } },
    },
  };
  const zeros = {
    width: 300, height: 150,
    mark: { type: "line" as const, strokeWidth: 2.2 },
    encoding: {
      x, color, strokeDash,
      y: { field: "zeros", type: "quantitative" as const, title: "pre-activations exactly 0", scale: { domain: [0, 1] }, axis: { format: "%" } },
    },
  };
  return {
    title: { text: title, anchor: "start" as const, fontSize: 13 },
    data: { values },
    hconcat: opts.zeros ? [loss, zeros] : [loss],
    resolve: { scale: { color: "shared" as const, strokeDash: "shared" as const } },
  };
}

/** Training curves: A (ordinary data, left/right/0.5), B (a wrong slope on a band), C (built for zeros). */
export function lossSpec(
  a: { left: Run; right: Run; half: Run },
  banded: { band: number; zero: Run; one: Run }[],
  c: { left: Run; right: Run; between: Run[] },
): TopLevelSpec {
  const counted = (runs: Run[]) => runs.map((r) => {
    const zeros = r.zeros.reduce((s, v) => s + v, 0);
    return `${slopeLabel(r.slope).split(":")[0]}: ${zeros.toLocaleString("en")} of ${(r.preActivations * r.losses.length).toLocaleString("en")} exactly 0`;
  });
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: "Lesson 5: training with different relu′(0)",
      subtitle: "from the same start in each part",
      anchor: "start", fontSize: 15,
    },
    config: { font: FONT, aria: false, legend: { orient: "bottom", direction: "vertical", symbolType: "stroke", symbolStrokeWidth: 2.6, symbolSize: 300, labelLimit: 300 } },
    spacing: 30,
    vconcat: [
      {
        ...lossPanel([a.left, a.right, a.half], "A. moons, float data: the curves lie on one another", { zeros: true }),
        title: { text: "A. moons, float data: the curves lie on one another", subtitle: counted([a.left]), anchor: "start" as const, fontSize: 13 },
      },
      lossPanel([a.left, ...banded.flatMap((b) => [b.zero, b.one])], "B. a wrong slope near the kink: barely noticed", { log: true }),
      lossPanel([c.left, ...c.between, c.right], "C. one-hot inputs, weights −1/0/+1: they part", { zeros: true }),
    ],
    // each part has its own runs, so its own legend
    resolve: { scale: { color: "independent", strokeDash: "independent" } },
  } as TopLevelSpec;
}
