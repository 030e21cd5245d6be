/**
 * Figures for the examples: a vega-lite spec compiles to vega, a headless vega view renders SVG
 * (no browser), and resvg turns the SVG into a PNG.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Resvg } from "@resvg/resvg-js";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

export type { TopLevelSpec };

/** One layer of a layered vega-lite chart (vega-lite exports only the top-level spec type). */
export type Layer = Extract<TopLevelSpec, { layer: unknown }>["layer"][number];

export const FONT = "Helvetica, Arial, DejaVu Sans, sans-serif";

/** A spec → SVG text, rendered without a browser. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** SVG text → PNG bytes, at `scale` times the SVG's size. */
export function svgToPng(svg: string, scale = 2): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: "zoom", value: scale },
    font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" },
  });
  return resvg.render().asPng();
}

/** Write `<name>.svg` and `<name>.png` into dir; returns both paths. */
export async function writeFigure(dir: string, name: string, spec: TopLevelSpec): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const svg = await renderSvg(spec);
  const svgPath = join(dir, `${name}.svg`);
  const pngPath = join(dir, `${name}.png`);
  await writeFile(svgPath, svg);
  await writeFile(pngPath, svgToPng(svg));
  return [svgPath, pngPath];
}

/**
 * Colours for lines and marks that stay distinct for colour-blind readers (Okabe & Ito's palette),
 * in the order to use them. Pair a colour with a dash pattern or a point shape as well where two
 * lines may cross, and name every mark in the legend.
 */
export const PALETTE = {
  blue: "#0072B2",
  orange: "#E69F00",
  green: "#009E73",
  vermillion: "#D55E00",
  skyBlue: "#56B4E9",
  purple: "#CC79A7",
  yellow: "#F0E442",
  black: "#000000",
} as const;

/** PALETTE's colours in the order a chart with several series should use them. */
export const SERIES_COLOURS: readonly string[] = [PALETTE.blue, PALETTE.orange, PALETTE.green, PALETTE.vermillion, PALETTE.purple, PALETTE.skyBlue, PALETTE.black];

/** The widest a picture may be (px, PNG) and still read at the width of a page. */
export const PAGE_WIDTH_PX = 1600;
