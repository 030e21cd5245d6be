/**
 * The regression example's picture: sin(x) and the network's fit over [−π, π], and below it the
 * error fit − sin(x), as one vega-lite chart (rendering: ../shared/figure.ts).
 */
import { FONT, PALETTE, type TopLevelSpec } from "../shared/figure.js";
import type { CurvePoint } from "./train.js";

export interface FitFigure {
  curve: CurvePoint[];
  title: string;
  subtitle: string;
}

const WIDTH = 540;

export function fitSpec({ curve, title, subtitle }: FitFigure): TopLevelSpec {
  const x = { field: "x", type: "quantitative" as const, title: "x", scale: { domain: [-Math.PI, Math.PI], nice: false } };
  const lines = curve.flatMap((p) => [
    { x: p.x, y: p.fit, series: "network" },
    { x: p.x, y: p.target, series: "target sin(x)" },
  ]); // the network first, so that the dashed target stays visible on top of it
  const errors = curve.map((p) => ({ x: p.x, error: p.fit - p.target }));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: title, subtitle },
    config: { font: FONT, aria: false },
    vconcat: [
      {
        width: WIDTH,
        height: 300,
        data: { values: lines },
        mark: { type: "line", strokeWidth: 2 },
        encoding: {
          x,
          y: { field: "y", type: "quantitative", title: "y" },
          color: { field: "series", type: "nominal", title: null, scale: { domain: ["network", "target sin(x)"], range: [PALETTE.orange, PALETTE.black] } },
          strokeDash: { field: "series", type: "nominal", title: null, scale: { domain: ["network", "target sin(x)"], range: [[1, 0], [6, 4]] } },
        },
      },
      {
        width: WIDTH,
        height: 150,
        data: { values: errors },
        layer: [
          { mark: { type: "rule", color: "#999" }, encoding: { y: { datum: 0 } } },
          {
            mark: { type: "line", color: PALETTE.blue, strokeWidth: 1.5 },
            encoding: { x, y: { field: "error", type: "quantitative", title: "error: network − sin(x)" } },
          },
        ],
      },
    ],
  };
}
