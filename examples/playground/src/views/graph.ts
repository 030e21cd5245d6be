/**
 * The graph of one example's forward and backward pass, drawn by Graphviz (@viz-js/viz, Graphviz
 * compiled to WebAssembly) from core's toDot. Loaded on first use: the page opens without it.
 */
import type { Viz } from "@viz-js/viz";

let viz: Promise<Viz> | undefined;

/** Lay out the DOT text and put the SVG into the container (replacing what was there). */
export async function drawGraph(container: HTMLElement, dot: string): Promise<void> {
  viz ??= import("@viz-js/viz").then((m) => m.instance());
  // Tighter spacing than Graphviz's default, so the picture fits its half of the page legibly.
  const compact = dot.replace(/^(digraph \w+ \{\n)/, "$1  nodesep=0.15;\n  ranksep=0.3;\n");
  const svg = (await viz).renderSVGElement(compact, { engine: "dot" });
  // Points to pixels one to one (11 pt labels read as 11 px), shrunk only where the panel is narrower.
  const width = svg.viewBox.baseVal?.width;
  if (width) svg.style.width = `min(100%, ${Math.round(width)}px)`;
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", "the computation graph of the traced example, with values and gradients");
  container.replaceChildren(svg);
}
