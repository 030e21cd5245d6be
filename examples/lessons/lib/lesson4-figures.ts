/**
 * Lesson 4's pictures: dead units (this step, and beyond recovery) per layer with the training loss,
 * for every run of the table; and a raster of units × updates showing which units came back.
 *
 * The x axis counts updates, as the lesson's table does: x = 0 is the start (the forward before
 * the first update), x = 1 "after 1 update", x = 5 "after 5 updates". Every run has its own colour
 * (Okabe–Ito, colour-blind safe) AND its own dash pattern, so no two lines rely on hue alone.
 * Widths: SVG ≤ 800 px (the PNG renders at scale 2, ≤ PAGE_WIDTH_PX); title lines are short because
 * headless vega reserves 0.8 · fontSize per character.
 */
import { FONT, PALETTE, type TopLevelSpec } from "../../shared/figure.js";
import type { Spell, UnitSummary } from "./lesson4-track.js";

/** What the picture needs of a run (structural: lesson 4's Trace). */
interface Run {
  setup: { key: string; label: string };
  dead: [number, number][];
  units: [UnitSummary, UnitSummary];
  losses: number[];
  divergedAt: number | null;
}

const STYLE: Record<string, { color: string; dash: number[] }> = {
  he: { color: PALETTE.blue, dash: [1, 0] },
  badInit: { color: PALETTE.vermillion, dash: [10, 4] },
  outlier: { color: PALETTE.green, dash: [2, 3] },
  largeLr: { color: PALETTE.black, dash: [1, 0] },
  leakyBadInit: { color: PALETTE.skyBlue, dash: [6, 3] },
  leakyLargeLr: { color: PALETTE.purple, dash: [9, 3, 2, 3] },
};

const NAN_MARK = "× the loss became NaN: the run stops";

/** Units of a layer beyond recovery as of each forward k: dead from k to the end, weights frozen since. */
export function beyondRecoveryCurve(summary: UnitSummary, steps: number): number[] {
  return Array.from({ length: steps }, (_, k) => summary.beyondRecovery.filter((u) => summary.since[u] <= k).length);
}

export function deadSpec(runs: Run[], steps: number): TopLevelSpec {
  const labels = runs.map((r) => r.setup.label);
  const width = 290;
  const height = 130;
  const ticks = [0, 1, 5, 10, 20, 50, 100, 300].filter((v) => v <= steps);
  const x = {
    field: "update", type: "quantitative" as const, title: "updates so far (symlog scale)",
    scale: { type: "symlog" as const, domain: [0, steps], nice: false }, axis: { values: ticks, format: "d" },
  };
  const color = { field: "run", type: "nominal" as const, title: "run", scale: { domain: labels, range: runs.map((r) => STYLE[r.setup.key].color) } };
  const strokeDash = { field: "run", type: "nominal" as const, title: "run", scale: { domain: labels, range: runs.map((r) => STYLE[r.setup.key].dash) } };
  const units = (title: string) => ({ field: "units", type: "quantitative" as const, title, scale: { domain: [0, 64] }, axis: { values: [0, 16, 32, 48, 64] } });
  // "after 1" and "after 5": the columns of the lesson's table
  const guides = {
    data: { values: [{ update: 1, text: "after 1" }, { update: 5, text: "after 5" }] },
    layer: [
      { mark: { type: "rule" as const, color: "#999", strokeDash: [2, 2] }, encoding: { x } },
      { mark: { type: "text" as const, align: "left" as const, dx: 2, y: 6, fontSize: 10, color: "#666" }, encoding: { x, text: { field: "text" } } },
    ],
  };
  const panel = (values: object[], y: ReturnType<typeof units>, title: string) => ({
    title: { text: title, anchor: "start" as const, fontSize: 12 },
    width, height,
    layer: [
      guides,
      { data: { values }, mark: { type: "line" as const, strokeWidth: 2.4, clip: true }, encoding: { x, y, color, strokeDash } },
      {
        data: { values: (values as { last?: boolean }[]).filter((v) => v.last) },
        mark: { type: "point" as const, shape: "cross", angle: 45, size: 110, filled: true, opacity: 1 },
        encoding: { x, y, color, shape: { field: "nan", type: "nominal" as const, title: null, scale: { domain: [NAN_MARK], range: ["cross"] } } },
      },
    ],
  });
  const deadValues = (layer: 0 | 1) => runs.flatMap((r) => r.dead.map((d, k) => ({
    run: r.setup.label, update: k, units: Math.round(d[layer] * 64), last: r.divergedAt !== null && k === r.dead.length - 1, nan: NAN_MARK,
  })));
  const beyondValues = (layer: 0 | 1) => runs.filter((r) => r.divergedAt === null).flatMap((r) => beyondRecoveryCurve(r.units[layer], r.dead.length).map((n, k) => ({
    run: r.setup.label, update: k, units: n,
  })));
  const lossValues = runs.flatMap((r) => r.losses.map((loss, k) => ({
    run: r.setup.label, update: k, loss: Number.isFinite(loss) ? Math.min(loss, 2) : null, last: r.divergedAt !== null && k === r.losses.length - 2, nan: NAN_MARK,
  }))).filter((v) => v.loss !== null);
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: "Lesson 4: dead ReLU units (MLP 2-64-64-1, moons)",
      subtitle: ["full-batch SGD; the same start in every run; x counts updates", "as the table does (0: the start, 1: after 1, 5: after 5)"],
      anchor: "start", fontSize: 15,
    },
    config: {
      font: FONT, aria: false,
      legend: { orient: "bottom", direction: "vertical", labelLimit: 400, symbolType: "stroke", symbolStrokeWidth: 2.6, symbolSize: 400 },
    },
    spacing: 22,
    vconcat: [
      {
        title: { text: "dead this step: never positive on the step's forward", anchor: "start", fontSize: 13 },
        hconcat: [panel(deadValues(0), units("units of layer 1"), "layer 1"), panel(deadValues(1), units("units of layer 2"), "layer 2")],
      },
      {
        title: { text: "beyond recovery: dead from here to the end, weights frozen", anchor: "start", fontSize: 13 },
        hconcat: [panel(beyondValues(0), units("units of layer 1"), "layer 1"), panel(beyondValues(1), units("units of layer 2"), "layer 2")],
      },
      {
        title: { text: "training loss (capped at 2)", anchor: "start", fontSize: 13 },
        hconcat: [{
          ...panel(lossValues, { field: "loss", type: "quantitative", title: "bceWithLogits", scale: { domain: [0, 2] }, axis: { values: [0, 0.5, 1, 1.5, 2] } } as never, ""),
          title: undefined,
        }],
      },
    ],
    resolve: { scale: { color: "shared", strokeDash: "shared", shape: "shared" } },
  } as TopLevelSpec;
}

export interface RasterPanel {
  title: string;
  spells: Spell[];
  /** Forwards recorded (updates + 1). */
  steps: number;
  /** An update to mark with a rule (the outlier's). */
  mark?: number;
}

const STATES = ["alive", "dead, comes back", "beyond recovery"] as const;

/**
 * One row per unit that was ever dead, along the updates: alive, dead but back later, or dead for
 * good. Units are sorted (beyond recovery first, by the update they died at; then those that came
 * back, by their first death), so the pattern reads at a glance.
 */
export function revivalSpec(panels: RasterPanel[]): TopLevelSpec {
  const width = 640;
  const rows = panels.map((p) => {
    const byUnit = new Map<number, Spell[]>();
    for (const s of p.spells) byUnit.set(s.unit, [...(byUnit.get(s.unit) ?? []), s]);
    // only the units that were ever dead get a row; the title says how many were never dead
    const everDead = [...byUnit.keys()].filter((u) => byUnit.get(u)!.some((s) => s.state !== "alive"));
    const key = (u: number): [number, number] => {
      const ss = byUnit.get(u)!;
      const gone = ss.find((s) => s.state === "beyond recovery");
      return gone ? [0, gone.from] : [1, ss.find((s) => s.state !== "alive")!.from];
    };
    const order = everDead.sort((a, b) => {
      const [ra, fa] = key(a);
      const [rb, fb] = key(b);
      return ra - rb || fa - fb || a - b;
    });
    const rank = new Map(order.map((u, i) => [u, i]));
    const values = p.spells.filter((s) => rank.has(s.unit)).map((s) => ({ ...s, y: rank.get(s.unit)!, y2: rank.get(s.unit)! + 1 }));
    const ticks = [0, 1, 5, 10, 20, 50, 100, 300].filter((v) => v <= p.steps);
    const x = {
      field: "from", type: "quantitative" as const, title: "updates so far (symlog scale)",
      scale: { type: "symlog" as const, domain: [0, p.steps], nice: false }, axis: { values: ticks, format: "d" },
    };
    const height = Math.max(64, 2.4 * order.length);
    const layer: object[] = [
      {
        data: { values },
        mark: { type: "rect" },
        encoding: {
          x, x2: { field: "to" },
          y: { field: "y", type: "quantitative", title: "units", scale: { domain: [0, Math.max(1, order.length)], nice: false }, axis: { tickCount: 4, format: "d" } },
          y2: { field: "y2" },
          color: { field: "state", type: "nominal", title: "each unit, at each update", scale: { domain: [...STATES], range: ["#e6e6e6", PALETTE.orange, PALETTE.blue] } },
        },
      },
    ];
    if (p.mark !== undefined) {
      layer.push({
        data: { values: [{ from: p.mark, text: "← the outlier's update" }] },
        layer: [
          { mark: { type: "rule", color: "#000", strokeDash: [3, 2] }, encoding: { x } },
          { mark: { type: "text", align: "left", dx: 4, y: -6, fontSize: 11 }, encoding: { x, text: { field: "text" } } },
        ],
      });
    }
    const never = byUnit.size - order.length;
    return {
      title: {
        text: p.title,
        subtitle: never > 0 ? `the ${order.length} units ever dead (the other ${never} are left out)` : `all ${order.length} units: each was dead at some update`,
        anchor: "start", fontSize: 12, subtitleFontSize: 11,
      },
      width, height, layer,
    };
  });
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: "Lesson 4: which units die, which come back",
      subtitle: ["one row per unit; beyond recovery: dead from then to the end, weights frozen"],
      anchor: "start", fontSize: 15,
    },
    config: { font: FONT, aria: false, legend: { orient: "bottom", direction: "horizontal", labelLimit: 300, titleLimit: 400 } },
    spacing: 24,
    vconcat: rows,
    resolve: { scale: { color: "shared" } },
  } as TopLevelSpec;
}
