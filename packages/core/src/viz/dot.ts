/**
 * toDot: the graph behind a tensor as Graphviz DOT text. One node per tensor (leaves as ellipses,
 * op results as boxes, the output outlined) showing its name or op and, on request, values and
 * gradients; edges point from input to output, the direction values flow. Shape and dtype are
 * printed where they say something: not for a scalar float64 (micrograd's kind of number), which
 * would repeat "shape [] float64" in every node of a scalar graph.
 *
 * A pure string function: render the text with any Graphviz (the examples use a WebAssembly build).
 */
import type { BackwardStep } from "../autograd/engine.js";
import { checkOptions } from "../options.js";
import { quote as quoteValue } from "../quote.js";
import type { Tensor } from "../tensor.js";
import { flatValues, formatNumber, inputRule, isNumberConstant, label as labelOf, partial, typeText } from "./labels.js";

export interface DotOptions {
  /** Show values (default false). */
  values?: boolean;
  /**
   * Show gradients (default false): a tensor's `.grad` where it has one (after `backward`, the
   * leaves'); with `steps`, every op result's gradient too.
   */
  grads?: boolean;
  /**
   * The steps of a `traceBackward` through this graph. With `grads`, each op result shows the
   * gradient that reached it (its step's upstream), which `.grad` keeps only for leaves.
   */
  steps?: readonly BackwardStep[];
  /** Longest array shown in full; larger ones are summarised (default 6). */
  maxElements?: number;
  /** Decimals shown per number, trailing zeros dropped (default 4). */
  digits?: number;
  /**
   * Name every node as `formatBackward` does (default false), so a picture and a walkthrough can
   * be read side by side: unnamed tensors get their id, `t12`, an unnamed one-element constant is
   * drawn as its number, and each op result shows the op applied to its inputs' names,
   * `e = sub(c, d)`, which also says which input is which.
   */
  ids?: boolean;
  /**
   * Show each op's backward rule under its name (default false), as the walkthrough writes it:
   * one line per input that needs a gradient, in the tensors' names (`∂L/∂e = ∂L/∂out · 2 · e`).
   */
  rules?: boolean;
  /**
   * Label each edge into an op with more than one input by the letter the op's rule uses for that
   * input (a and b for sub, div, pow; A and B for matmul; …), so the order of non-commutative
   * operands can be read off the picture (default false).
   */
  inputLabels?: boolean;
  /** A caption above the graph. */
  title?: string;
  /** Graph direction: "TB" (default: top to bottom, which keeps a wide graph to a page's width) or "LR". */
  rankdir?: "LR" | "TB";
  /**
   * The font named in the DOT (default "Helvetica"). Graphviz sizes the boxes with this font's
   * metrics, so name the font the picture will be drawn with.
   */
  fontname?: string;
}

const OPTIONS = ["values", "grads", "steps", "maxElements", "digits", "ids", "rules", "inputLabels", "title", "rankdir", "fontname"];

/** A DOT double-quoted string body: escapes quotes and backslashes; "\n" becomes a centred line break. */
const quote = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;

// Margins a little under Graphviz's defaults and small number constants keep a graph compact: a
// picture of micrograd's 35 tensors then fits a page's width with its text at a readable size.
const STYLE = {
  op: 'shape=box, margin="0.06,0.04", style="rounded,filled", fillcolor="#dbe9f6", color="#4a7ab0"',
  output: 'shape=box, margin="0.06,0.04", style="rounded,filled,bold", fillcolor="#cfe8cf", color="#2e7d32", penwidth=2',
  param: 'shape=ellipse, margin=0.02, style=filled, fillcolor="#fde7c8", color="#c77d1a"',
  constant: 'shape=ellipse, margin=0.02, style=filled, fillcolor="#eeeeee", color="#888888"',
  /** An unnamed one-element constant, drawn as its number: a small grey oval. */
  number: 'shape=ellipse, width=0.35, height=0.3, margin=0.02, style=filled, fillcolor="#eeeeee", color="#888888"',
};

/** Values for a label: a matrix (not a column) shown in full gets one line per row; anything else one flat line. */
function values(t: Tensor, max: number, digits: number): string {
  if (t.ndim !== 2 || t.shape[0] < 2 || t.shape[1] < 2 || t.size > max) return flatValues(t, max, digits);
  const [rows, cols] = t.shape;
  const row = (r: number) => `[${Array.from(t.data.subarray(r * cols, (r + 1) * cols), (v) => formatNumber(v, digits)).join(", ")}]`;
  return `[${Array.from({ length: rows }, (_, r) => row(r)).join(",\n")}]`;
}

export function toDot(root: Tensor, opts?: DotOptions): string {
  const o = checkOptions("toDot", opts, OPTIONS);
  const max = o.maxElements ?? 6;
  const digits = o.digits ?? 4;
  const rankdir = o.rankdir ?? "TB";
  if (rankdir !== "LR" && rankdir !== "TB") throw new Error(`toDot: rankdir must be "LR" or "TB", got ${quoteValue(rankdir)}`);
  const font = o.fontname ?? "Helvetica";

  // Every tensor behind root, in creation order (which reads naturally).
  const nodes: Tensor[] = [];
  const seen = new Set<Tensor>([root]);
  const stack = [root];
  while (stack.length) {
    const t = stack.pop()!;
    nodes.push(t);
    for (const x of t._node?.inputs ?? []) if (!seen.has(x)) { seen.add(x); stack.push(x); }
  }
  nodes.sort((a, b) => a.id - b.id);

  // With steps: the gradient that reached each op result.
  const upstream = new Map<Tensor, Tensor>();
  for (const s of o.steps ?? []) upstream.set(s.output, s.upstream);
  const gradOf = (t: Tensor): Tensor | null => t.grad ?? upstream.get(t) ?? null;

  const lines = ["digraph backprop {", `  rankdir=${rankdir}; nodesep=0.15; ranksep=0.3;`];
  if (o.title !== undefined) {
    lines.push(`  label=${quote(o.title)}; labelloc=t; fontsize=16; fontname=${quote(font)};`);
  }
  lines.push(
    `  node [fontname=${quote(font)}, fontsize=11];`,
    `  edge [fontname=${quote(font)}, fontsize=10, color="#555555", labeldistance=1.6, labelangle=35, labelfontcolor="#8a3b12"];`,
  );
  for (const t of nodes) {
    const numberNode = o.ids === true && isNumberConstant(t);
    const name = t.name ?? (o.ids ? labelOf(t, digits) : undefined);
    let title: string;
    if (t.op) {
      const args = o.ids && t._node ? `(${t._node.inputs.map((x) => labelOf(x, digits)).join(", ")})` : "";
      title = name === undefined ? t.op : `${name} = ${t.op}${args}`;
    } else if (numberNode) title = name!;
    else if (name !== undefined) title = !t.requiresGrad && t.name === undefined ? `${name} (constant)` : name;
    else title = t.requiresGrad ? "input" : "constant";
    const label = [title];
    if (o.rules && t._node) {
      const node = t._node;
      const src = { rule: node.rule, inputNames: node.inputNames, inputs: node.inputs, output: t };
      node.inputs.forEach((x, j) => {
        if (!x.requiresGrad) return;
        const rule = inputRule(src, j, (u) => labelOf(u, digits), (v) => formatNumber(v, digits));
        label.push(rule ? `${partial(labelOf(x, digits))} = ${rule.symbols}` : node.rule);
      });
    }
    const type = typeText(t);
    if (type) label.push(type);
    if (o.values && !numberNode) label.push(`value ${values(t, max, digits)}`);
    const g = o.grads ? gradOf(t) : null;
    if (g) label.push(`grad ${values(g, max, digits)}`);
    const style = t === root && t.op ? STYLE.output : t.op ? STYLE.op : t.requiresGrad ? STYLE.param : numberNode ? STYLE.number : STYLE.constant;
    lines.push(`  t${t.id} [label=${quote([...new Set(label)].join("\n"))}, ${style}];`);
  }
  for (const t of nodes) {
    const node = t._node;
    if (!node) continue;
    const letters = o.inputLabels && node.inputs.length > 1 ? node.inputNames : null;
    // With two inputs, the first enters the op box from the top corner and the second from the
    // bottom (left and right with TB), so their letters never overlap.
    const ports = letters && letters.length === 2 ? (rankdir === "LR" ? ["nw", "sw"] : ["nw", "ne"]) : null;
    node.inputs.forEach((x, i) => {
      if (!letters) return void lines.push(`  t${x.id} -> t${t.id};`);
      lines.push(`  t${x.id} -> t${t.id} [headlabel=${quote(letters[i])}${ports ? `, headport=${ports[i]}` : ""}];`);
    });
  }
  lines.push("}");
  return lines.join("\n") + "\n";
}
