/**
 * An expression → DOT text (toDot, after a traceBackward so every node has its gradient) →
 * pictures, with a real Graphviz: @viz-js/viz is Graphviz compiled to WebAssembly, so it runs in
 * Node and in the browser with nothing to install. The SVG becomes a PNG with resvg, as the other
 * figures do (shared/figure.ts).
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { toDot, traceBackward, type BackwardStep } from "@backprop/core";
import { instance, type Viz } from "@viz-js/viz";
import type { GraphOptions } from "./args.js";
import { EXPRESSIONS } from "./expressions.js";
import { PAGE_WIDTH_PX, svgToPng } from "../shared/figure.js";

/**
 * The font the graphs are drawn in. Graphviz sizes each box from this font's metrics, and resvg
 * draws with it (DejaVu Sans ships with most Linux systems), so the text fits its boxes.
 */
export const GRAPH_FONT = "DejaVu Sans";

/** The DOT for one expression, after its backward pass unless grads are off. */
export function expressionDot(name: string, opts: Pick<GraphOptions, "noValues" | "noGrads" | "rules" | "rankdir">): string {
  const expression = EXPRESSIONS[name];
  const root = expression.build();
  const steps: BackwardStep[] = opts.noGrads ? [] : traceBackward(root);
  return toDot(root, {
    values: !opts.noValues,
    grads: !opts.noGrads,
    steps,
    ids: true,
    rules: opts.rules,
    rankdir: opts.rankdir,
    title: expression.title,
    fontname: GRAPH_FONT,
  });
}

let viz: Promise<Viz> | undefined; // one WebAssembly instance, made on first use

/** DOT text → SVG text, laid out by Graphviz's dot engine. Throws with Graphviz's messages. */
export async function dotToSvg(dot: string): Promise<string> {
  const v = await (viz ??= instance());
  const result = v.render(dot, { format: "svg", engine: "dot" });
  if (result.status !== "success") {
    throw new Error(`Graphviz could not render the graph: ${result.errors.map((e) => e.message).join("; ")}`);
  }
  return result.output;
}

/** The version of the Graphviz build in use (e.g. "16.1.0"). */
export async function graphvizVersion(): Promise<string> {
  return (await (viz ??= instance())).graphvizVersion;
}

/**
 * How much larger than the SVG the PNG is drawn: twice, as the other figures (sharp on a
 * high-density screen), or less where that would be wider than a page (PAGE_WIDTH_PX). Graphviz
 * gives the SVG's size in points, 4/3 px each.
 */
export function pngScale(svg: string): number {
  const width = /<svg width="([\d.]+)pt"/.exec(svg);
  if (!width) return 2;
  return Math.min(2, PAGE_WIDTH_PX / (Number(width[1]) * (4 / 3)));
}

/** Write `<name>.dot`, `<name>.svg` and `<name>.png` into dir; returns the three paths. */
export async function writeGraph(dir: string, name: string, dot: string): Promise<{ dot: string; svg: string; png: string }> {
  await mkdir(dir, { recursive: true });
  const svg = await dotToSvg(dot);
  const paths = { dot: join(dir, `${name}.dot`), svg: join(dir, `${name}.svg`), png: join(dir, `${name}.png`) };
  await writeFile(paths.dot, dot);
  await writeFile(paths.svg, svg);
  await writeFile(paths.png, svgToPng(svg, pngScale(svg)));
  return paths;
}
