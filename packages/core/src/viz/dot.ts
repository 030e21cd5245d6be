/**
 * toDot: the graph behind a tensor as Graphviz DOT text. One node per tensor (leaves as ellipses,
 * op results as boxes) showing its name or op, shape and, on request, values and gradients;
 * edges point from input to output, the direction values flow.
 */
import { checkOptions } from "../options.js";
import type { Tensor } from "../tensor.js";

export interface DotOptions {
  /** Show values (default false). */
  values?: boolean;
  /** Show gradients where present (default false). */
  grads?: boolean;
  /** Longest array shown in full; larger ones are summarised (default 6). */
  maxElements?: number;
  /** Graph direction: "LR" (default) or "TB". */
  rankdir?: "LR" | "TB";
}

function short(t: Tensor, max: number): string {
  const v = Array.from(t.data.subarray(0, Math.min(t.size, max)), (x) => Number(x.toPrecision(4)).toString());
  if (t.ndim === 0) return v[0];
  return `[${v.join(", ")}${t.size > max ? `, … (${t.size})` : ""}]`;
}

const escape = (s: string) => s.replace(/\\/g, "\\\\").replace(/"/g, '\\"');

export function toDot(root: Tensor, opts?: DotOptions): string {
  const o = checkOptions("toDot", opts, ["values", "grads", "maxElements", "rankdir"]);
  const max = o.maxElements ?? 6;
  const nodes: Tensor[] = [];
  const seen = new Set<Tensor>([root]);
  const stack = [root];
  while (stack.length) {
    const t = stack.pop()!;
    nodes.push(t);
    for (const x of t._node?.inputs ?? []) if (!seen.has(x)) { seen.add(x); stack.push(x); }
  }
  nodes.sort((a, b) => a.id - b.id); // creation order reads naturally
  const lines = [
    "digraph backprop {",
    `  rankdir=${o.rankdir ?? "LR"};`,
    '  node [fontname="Helvetica", fontsize=11];',
  ];
  for (const t of nodes) {
    const title = t.op ? (t.name ? `${t.op} (${t.name})` : t.op) : (t.name ?? (t.requiresGrad ? "input" : "constant"));
    const label = [title, `shape [${t.shape.join(", ")}] ${t.dtype}`];
    if (o.values) label.push(`value ${short(t, max)}`);
    if (o.grads && t.grad) label.push(`grad ${short(t.grad, max)}`);
    const style = t.op ? 'shape=box, style="rounded,filled", fillcolor="#dbe9f6"'
      : t.requiresGrad ? 'shape=ellipse, style=filled, fillcolor="#fde7c8"' : 'shape=ellipse, style=filled, fillcolor="#eeeeee"';
    lines.push(`  t${t.id} [label="${escape(label.join("\n")).replace(/\n/g, "\\n")}", ${style}];`);
  }
  for (const t of nodes) for (const x of t._node?.inputs ?? []) lines.push(`  t${x.id} -> t${t.id};`);
  lines.push("}");
  return lines.join("\n") + "\n";
}
