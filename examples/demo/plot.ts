/**
 * The demo's pictures, as vega-lite specs: the decision boundary (the predicted probability as a
 * heatmap, the p = 0.5 contour, the points coloured by class) and the training-loss curve.
 * Rendering (SVG, then PNG) is shared with the lessons: see ../shared/figure.ts.
 */
import { FONT, type Layer, type TopLevelSpec } from "../shared/figure.js";
import type { Grid, Points } from "./train.js";

const BLUE = "#2166ac";
const RED = "#b2182b";

// ---- the decision boundary ------------------------------------------------------------------

interface Segment {
  x: number;
  y: number;
  x2: number;
  y2: number;
}

/**
 * Marching squares: the line where the probability crosses `level`, as short segments. Each square
 * joins four neighbouring cell centres; where the level lies between two corners, the crossing is
 * placed by linear interpolation along that edge.
 */
export function contour({ xEdges, yEdges, p }: Grid, level = 0.5): Segment[] {
  const cx = xEdges.slice(1).map((e, i) => (e + xEdges[i]) / 2);
  const cy = yEdges.slice(1).map((e, j) => (e + yEdges[j]) / 2);
  const segments: Segment[] = [];
  for (let j = 0; j + 1 < cy.length; j++) {
    for (let i = 0; i + 1 < cx.length; i++) {
      // corners counter-clockwise from bottom-left, and the edges between them
      const corners: [number, number, number][] = [
        [cx[i], cy[j], p[j][i]], [cx[i + 1], cy[j], p[j][i + 1]],
        [cx[i + 1], cy[j + 1], p[j + 1][i + 1]], [cx[i], cy[j + 1], p[j + 1][i]],
      ];
      const hits: [number, number][] = [];
      for (let k = 0; k < 4; k++) {
        const [xa, ya, a] = corners[k];
        const [xb, yb, b] = corners[(k + 1) % 4];
        if ((a < level) !== (b < level)) {
          const t = (level - a) / (b - a);
          hits.push([xa + t * (xb - xa), ya + t * (yb - ya)]);
        }
      }
      if (hits.length === 2) {
        segments.push({ x: hits[0][0], y: hits[0][1], x2: hits[1][0], y2: hits[1][1] });
      } else if (hits.length === 4) {
        // a saddle: the average of the corners decides which pairs of crossings to join
        const centre = corners.reduce((s, c) => s + c[2], 0) / 4;
        const [a, b, c, d] = (centre < level) === (corners[0][2] < level) ? [0, 3, 1, 2] : [0, 1, 2, 3];
        segments.push({ x: hits[a][0], y: hits[a][1], x2: hits[b][0], y2: hits[b][1] });
        segments.push({ x: hits[c][0], y: hits[c][1], x2: hits[d][0], y2: hits[d][1] });
      }
    }
  }
  return segments;
}


export interface BoundaryFigure {
  grid: Grid;
  train: Points;
  test: Points;
  title: string;
  subtitle?: string;
}

export function decisionBoundarySpec({ grid, train, test, title, subtitle }: BoundaryFigure): TopLevelSpec {
  const { xEdges, yEdges, p } = grid;
  // One rectangle per grid cell, each reaching a little into the next so that no seams show.
  const overlap = 0.05;
  const cells = p.flatMap((row, j) => row.map((prob, i) => ({
    x: xEdges[i], x2: xEdges[i + 1] + overlap * (xEdges[1] - xEdges[0]),
    y: yEdges[j], y2: yEdges[j + 1] + overlap * (yEdges[1] - yEdges[0]), p: prob,
  })));
  // the axes span exactly the grid
  const x = { field: "x", type: "quantitative" as const, title: "x₁", scale: { domain: [xEdges[0], xEdges[xEdges.length - 1]], nice: false, zero: false } };
  const y = { field: "y", type: "quantitative" as const, title: "x₂", scale: { domain: [yEdges[0], yEdges[yEdges.length - 1]], nice: false, zero: false } };

  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: subtitle ? { text: title, subtitle } : title,
    width: 440,
    height: 440,
    config: { font: FONT, aria: false, view: { stroke: null } },
    layer: [
      {
        // the heatmap of the predicted probability
        data: { values: cells },
        mark: { type: "rect", clip: true },
        encoding: {
          x, x2: { field: "x2" }, y, y2: { field: "y2" },
          color: { field: "p", type: "quantitative", title: "P(class 1)", scale: { domain: [0, 0.5, 1], range: ["#a6cde3", "#f7f7f7", "#f6b89c"] } },
        },
      },
      {
        // the decision boundary, p = 0.5
        data: { values: contour(grid) },
        mark: { type: "rule", color: "#222", strokeWidth: 1.5 },
        encoding: { x, y, x2: { field: "x2" }, y2: { field: "y2" } },
      },
      pointLayer("train", train, { size: 36, stroke: "white", strokeWidth: 0.6 }),
      pointLayer("test", test, { size: 64, stroke: "#222", strokeWidth: 0.8 }),
    ],
  };
}

/** The points of one set, filled by class; train and test differ in shape (and test points are outlined). */
function pointLayer(set: "train" | "test", { x, y }: Points, style: { size: number; stroke: string; strokeWidth: number }): Layer {
  const values = Array.from(y.data, (label, i) => ({ x: x.data[2 * i], y: x.data[2 * i + 1], class: String(label), set }));
  return {
    data: { values },
    mark: { type: "point", filled: true, opacity: 1, ...style },
    encoding: {
      x: { field: "x", type: "quantitative" },
      y: { field: "y", type: "quantitative" },
      fill: { field: "class", type: "nominal", title: "class", scale: { domain: ["0", "1"], range: [BLUE, RED] } },
      shape: { field: "set", type: "nominal", title: "points", scale: { domain: ["train", "test"], range: ["circle", "triangle-up"] } },
    },
  };
}

// ---- the loss curve -------------------------------------------------------------------------

/** The loss per step (thinned to at most `maxPoints` points), on a log scale. */
export function lossSpec(losses: readonly number[], title: string, maxPoints = 1000): TopLevelSpec {
  const every = Math.max(1, Math.ceil(losses.length / maxPoints));
  const values = losses.map((loss, i) => ({ step: i + 1, loss })).filter((_, i) => i % every === 0 || i === losses.length - 1);
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    width: 440,
    height: 260,
    config: { font: FONT, aria: false },
    data: { values },
    mark: { type: "line", color: BLUE, strokeWidth: 1.5 },
    encoding: {
      x: { field: "step", type: "quantitative", title: "step" },
      y: { field: "loss", type: "quantitative", title: "training loss (log scale)", scale: { type: "log" } },
    },
  };
}
