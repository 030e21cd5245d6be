/**
 * The CNN's picture, as a vega-lite chart (rendering: ../shared/figure.ts): the test digit and
 * the first layer's 5×5 filters on top, then the feature maps of each convolution layer, one
 * small heatmap per channel. Filters are signed (orange pulls a unit up, blue down, white is 0);
 * feature maps come after a ReLU, so they are ≥ 0 and drawn as ink, darker = stronger.
 */
import { FONT, type TopLevelSpec } from "../shared/figure.js";
import type { ConvFeatures, Map2d } from "./features.js";

/** One part of a vertically concatenated chart (vega-lite exports only the top-level spec type). */
type Part = Extract<TopLevelSpec, { vconcat: unknown }>["vconcat"][number];
type Scale = { domain: number[]; range?: string[]; scheme?: "blueorange"; nice: false };

/** One heatmap's cells as data rows, tagged with the panel they belong to. */
function cells(panel: string, m: Map2d): { panel: string; r: number; c: number; v: number }[] {
  return Array.from(m.values, (v, i) => ({ panel, r: Math.floor(i / m.w), c: i % m.w, v }));
}

/** A row of heatmaps, `columns` per line, each `px` pixels per cell, sharing one colour scale. */
function panels(title: string, maps: { name: string; map: Map2d }[], opts: { columns: number; px: number; colour: Scale; legend: string }): Part {
  const { h, w } = maps[0].map;
  return {
    title: { text: title, anchor: "start", fontSize: 13, fontWeight: "normal" },
    data: { values: maps.flatMap(({ name, map }) => cells(name, map)) },
    facet: { field: "panel", type: "ordinal", sort: maps.map((m) => m.name), header: { title: null, labelFontSize: 10, labelPadding: 2 } },
    columns: opts.columns,
    spacing: 6,
    spec: {
      width: w * opts.px,
      height: h * opts.px,
      mark: { type: "rect" },
      encoding: {
        x: { field: "c", type: "ordinal", axis: null },
        y: { field: "r", type: "ordinal", axis: null },
        color: { field: "v", type: "quantitative", title: opts.legend, scale: opts.colour, legend: { gradientLength: Math.max(60, h * opts.px) } },
      },
    },
  };
}

const largest = (maps: readonly Map2d[], f: (v: number) => number): number =>
  Math.max(1e-12, ...maps.map((m) => m.values.reduce((a, v) => Math.max(a, f(v)), 0)));

export interface FeaturesFigure {
  features: ConvFeatures;
  /** The digit's label and what the network predicted. */
  label: number;
  predicted: number;
  title: string;
}

export function featuresSpec({ features, label, predicted, title }: FeaturesFigure): TopLevelSpec {
  const { image, filters, maps, stages } = features;
  const ink = (max: number): Scale => ({ domain: [0, max], range: ["#ffffff", "#000000"], nice: false });
  const w = largest(filters, Math.abs);
  const rows: Part[] = [
    {
      hconcat: [
        panels(`a test digit: ${label}`, [{ name: `predicted ${predicted}`, map: image }], { columns: 1, px: 4, colour: ink(1), legend: "pixel" }),
        panels(`conv 1's ${filters.length} filters (orange +, blue −)`, filters.map((map, k) => ({ name: String(k), map })), { columns: filters.length, px: 11, colour: { scheme: "blueorange", domain: [-w, w], nice: false }, legend: "weight" }),
      ],
      spacing: 30,
      resolve: { scale: { color: "independent" }, legend: { color: "independent" } },
    },
    ...maps.map((layer, l) => {
      const { h, w: width } = layer[0];
      const columns = Math.min(layer.length, 8);
      return panels(`${stages[l].replace("Conv2d", `conv ${l + 1}`)}: ${layer.length} maps of ${h}×${width} (darker = stronger)`, layer.map((map, k) => ({ name: String(k), map })),
        { columns, px: Math.max(3, Math.floor(60 / Math.max(h, width))), colour: ink(largest(layer, (v) => v)), legend: `conv ${l + 1}` });
    }),
  ];
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: title, anchor: "start", fontSize: 15 },
    config: { font: FONT, view: { stroke: "#bbb" }, aria: false },
    vconcat: rows,
    spacing: 22,
    resolve: { scale: { color: "independent" }, legend: { color: "independent" } },
  };
}
