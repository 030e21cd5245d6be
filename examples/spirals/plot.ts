/**
 * The spirals example's picture: the decision regions (each grid cell in the light colour of the
 * class the model predicts there, paler where its probability is lower) with the training and
 * test points, as a vega-lite chart (rendering: ../shared/figure.ts).
 */
import { FONT, PALETTE, type Layer, type TopLevelSpec } from "../shared/figure.js";
import type { Tensor } from "@backprop/core";
import type { Regions } from "./train.js";

const CLASS_COLOURS = [PALETTE.blue, PALETTE.orange, PALETTE.green];

/** `hex` mixed with white: t = 0 is the colour, 1 is white. */
export function lighten(hex: string, t: number): string {
  const channel = (k: number) => Math.round(parseInt(hex.slice(1 + 2 * k, 3 + 2 * k), 16) * (1 - t) + 255 * t);
  return `#${[0, 1, 2].map((k) => channel(k).toString(16).padStart(2, "0")).join("")}`;
}

export interface RegionsFigure {
  regions: Regions;
  train: { x: Tensor; y: Tensor };
  test: { x: Tensor; y: Tensor };
  title: string;
  subtitle: string;
}

export function regionsSpec({ regions, train, test, title, subtitle }: RegionsFigure): TopLevelSpec {
  const { xEdges, yEdges, cells } = regions;
  const domain = (edges: number[]) => [edges[0], edges[edges.length - 1]];
  const x = { field: "x", type: "quantitative" as const, title: "x₁", scale: { domain: domain(xEdges), nice: false, zero: false } };
  const y = { field: "y", type: "quantitative" as const, title: "x₂", scale: { domain: domain(yEdges), nice: false, zero: false } };
  const classes = CLASS_COLOURS.map((_, k) => String(k));
  // Each cell reaches a little into the next, so that no seams show.
  const dx = 1.05 * (xEdges[1] - xEdges[0]), dy = 1.05 * (yEdges[1] - yEdges[0]);
  const values = cells.map((c) => ({ x: xEdges[c.i], x2: xEdges[c.i] + dx, y: yEdges[c.j], y2: yEdges[c.j] + dy, region: String(c.label), p: c.p }));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: title, subtitle },
    width: 480,
    height: 480,
    config: { font: FONT, aria: false, view: { stroke: null } },
    layer: [
      {
        data: { values },
        mark: { type: "rect", clip: true },
        encoding: {
          x, x2: { field: "x2" }, y, y2: { field: "y2" },
          color: { field: "region", type: "nominal", title: "predicted class", scale: { domain: classes, range: CLASS_COLOURS.map((c) => lighten(c, 0.6)) } },
          opacity: { field: "p", type: "quantitative", legend: null, scale: { domain: [1 / 3, 1], range: [0.25, 1] } },
        },
      },
      pointLayer("train", train, { size: 22, stroke: "white", strokeWidth: 0.5 }),
      pointLayer("test", test, { size: 50, stroke: "#222", strokeWidth: 0.8 }),
    ],
  };
}

/** One set's points, filled by class; train and test differ in shape (and test points are outlined). */
function pointLayer(set: "train" | "test", points: { x: Tensor; y: Tensor }, style: { size: number; stroke: string; strokeWidth: number }): Layer {
  const values = Array.from(points.y.data, (label, i) => ({ x: points.x.data[2 * i], y: points.x.data[2 * i + 1], class: String(label), set }));
  return {
    data: { values },
    mark: { type: "point", filled: true, opacity: 1, ...style },
    encoding: {
      x: { field: "x", type: "quantitative" },
      y: { field: "y", type: "quantitative" },
      fill: { field: "class", type: "nominal", title: "class", scale: { domain: CLASS_COLOURS.map((_, k) => String(k)), range: CLASS_COLOURS } },
      shape: { field: "set", type: "nominal", title: "points", scale: { domain: ["train", "test"], range: ["circle", "triangle-up"] } },
    },
  };
}
