/**
 * The graph of one example's forward and backward pass, drawn by Graphviz (@viz-js/viz, Graphviz
 * compiled to WebAssembly) from core's toDot. Loaded on first use: the page opens without it.
 */
import type { Viz } from "@viz-js/viz";

let viz: Promise<Viz> | undefined;

/** Lay out the DOT text and put the SVG into the container (replacing what was there). */
export async function drawGraph(container: HTMLElement, dot: string): Promise<void> {
  viz ??= import("@viz-js/viz").then((m) => m.instance());
  const svg = (await viz).renderSVGElement(dot, { engine: "dot" });
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", "the computation graph of the traced example, with values and gradients");
  container.replaceChildren(svg);
}
