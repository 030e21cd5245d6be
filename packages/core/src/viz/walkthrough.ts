/**
 * The chain rule, one node at a time, as text: formatBackward prints the steps of traceBackward in
 * the order backward ran them. For each op result: its backward rule (the local derivative as a
 * formula, in which g is the gradient arriving from the output side), that upstream gradient, and
 * what the rule sends to each input; a leaf's share is added into its `.grad`.
 *
 *   step 3/5  t7 (mul) = mul(a, b) = 6
 *     rule      da = g·b, db = g·a
 *     upstream  2  = 1.5 + 0.5, from steps 1 and 2
 *     a: a = 2   ← 6   into a.grad
 *     b: b = 3   ← 4   b.grad so far 5
 *
 * Inputs are named by their `name`, or as `t12 (mul)` (the id toDot's `ids` option shows), and by
 * the letter their rule uses (a, b; A, B; x). Tensors of one element print as a number, bigger
 * ones as `[shape] values` (in full up to `maxElements`, else the first ones and a count).
 */
import type { BackwardStep } from "../autograd/engine.js";
import { checkOptions } from "../options.js";
import { Tensor } from "../tensor.js";
import { formatNumber, handle, shapeText, summary } from "./labels.js";
import { traceBackward } from "./trace.js";

export interface WalkthroughOptions {
  /** Tensors with at most this many elements are printed in full, larger ones summarised (default 6). */
  maxElements?: number;
  /** Decimals shown per number, trailing zeros dropped (default 4). */
  digits?: number;
}

/** How a step refers to a tensor: its name, or `t12 (mul)` / `t3 (leaf)` / `t5 (constant)`. */
function refer(t: Tensor): string {
  if (t.name !== undefined) return t.name;
  return `${handle(t)} (${t.op ?? (t.requiresGrad ? "leaf" : "constant")})`;
}

/** A gradient a tensor received: from which step (1-based) and its value. */
interface Contribution {
  step: number;
  grad: Tensor;
}

const LINE = 44; // inputs whose description fits in this width get one line, others two

export function formatBackward(steps: readonly BackwardStep[], opts?: WalkthroughOptions): string {
  const o = checkOptions("formatBackward", opts, ["maxElements", "digits"]);
  const max = o.maxElements ?? 6;
  const digits = o.digits ?? 4;
  if (!Number.isInteger(max) || max < 0) throw new Error(`formatBackward: maxElements must be a whole number ≥ 0, got ${String(max)}`);
  if (!Number.isInteger(digits) || digits < 0 || digits > 20) throw new Error(`formatBackward: digits must be a whole number from 0 to 20, got ${String(digits)}`);
  const show = (t: Tensor) => summary(t, max, digits);
  const num = (v: number) => formatNumber(v, digits);

  if (steps.length === 0) return "No backward steps: the output is a leaf, so there is no op to differentiate.\n";
  const root = steps[0].output;
  const out: string[] = [
    `Backward from ${refer(root)}, shape ${shapeText(root.shape)} ${root.dtype}: ${steps.length} step${steps.length === 1 ? "" : "s"}, in the order they ran.`,
    "In each rule g is the upstream gradient, ∂(output)/∂(this node), complete by the time the node's step runs;",
    "the rule turns it into one gradient per input. A tensor used twice receives two contributions, which add up.",
  ];

  const received = new Map<Tensor, Contribution[]>(); // what each tensor has been sent so far
  const leafTotals = new Map<Tensor, Tensor>(); // running sums for leaves that accumulate into .grad
  const leafTotal = (t: Tensor, g: Tensor): Tensor => {
    const prev = leafTotals.get(t);
    const next = prev === undefined ? g : addValues(prev, g);
    leafTotals.set(t, next);
    return next;
  };

  steps.forEach((s, i) => {
    const n = i + 1;
    const letters = s.inputNames;
    const args = s.inputs.map((x) => x.name ?? handle(x)).join(", ");
    out.push("", `step ${n}/${steps.length}  ${refer(s.output)} = ${s.op}(${args}) = ${show(s.output)}`);
    out.push(`  rule      ${s.rule}`);
    out.push(`  upstream  ${show(s.upstream)}${origin(received.get(s.output), i === 0, num)}`);
    const rows = s.inputs.map((x, j): [string, string] => {
      const gx = s.inputGrads[j];
      const who = `  ${letters[j]}: ${refer(x)} = ${show(x)}`;
      if (gx === null) return [who, x.requiresGrad ? "(no gradient sent)" : "no gradient: needs none"];
      const list = received.get(x) ?? [];
      list.push({ step: n, grad: gx });
      received.set(x, list);
      if (!x.isLeaf) return [who, `← ${show(gx)}`];
      const first = !leafTotals.has(x);
      const total = leafTotal(x, gx);
      const grad = `${x.name ?? handle(x)}.grad`;
      return [who, `← ${show(gx)}   ${first ? `into ${grad}` : `${grad} so far ${show(total)}`}`];
    });
    // One line per input where it fits, the inputs' gradients in one column; two lines otherwise.
    const column = Math.max(0, ...rows.map(([who]) => who.length).filter((w) => w <= LINE));
    for (const [who, what] of rows) {
      if (who.length <= LINE && what.length <= 60) out.push(`${who.padEnd(column)}   ${what}`);
      else out.push(who, `      ${what}`);
    }
  });

  if (leafTotals.size) {
    out.push("", "Accumulated into .grad by this backward:");
    const leaves = [...leafTotals].sort(([a], [b]) => a.id - b.id);
    const width = Math.max(...leaves.map(([t]) => (t.name ?? handle(t)).length + 5));
    for (const [t, g] of leaves) out.push(`  ${`${t.name ?? handle(t)}.grad`.padEnd(width)}  ${show(g)}`);
  }
  return out.join("\n") + "\n";
}

/** "" for a single contribution; "  (the seed)" for the root; "  = 2 + 4, from steps 1 and 3" for a sum. */
function origin(list: Contribution[] | undefined, isRoot: boolean, num: (v: number) => string): string {
  if (isRoot) return "  (the seed)";
  if (!list || list.length < 2) return "";
  const stepsText = list.map((c) => c.step);
  const from = `from steps ${stepsText.slice(0, -1).join(", ")} and ${stepsText[stepsText.length - 1]}`;
  if (list.every((c) => c.grad.size === 1)) {
    return `  = ${list.map((c) => num(c.grad.data[0])).join(" + ").replace(/\+ -/g, "− ")}, ${from}`;
  }
  return `  = the sum of ${list.length} contributions, ${from}`;
}

/**
 * a + b elementwise in a's dtype (both are gradients of one tensor, so of one shape), without
 * recording a graph: the same sums, in the same order and precision, as the engine's accumulation.
 */
function addValues(a: Tensor, b: Tensor): Tensor {
  const data = a.dtype === "float64" ? new Float64Array(a.size) : new Float32Array(a.size);
  for (let k = 0; k < a.size; k++) data[k] = a.data[k] + b.data[k];
  return new Tensor(data, a.shape.slice());
}

/**
 * Run backward from `root` (exactly as `backward`: gradients accumulate into `.grad`) and return
 * the walkthrough. `explainBackward(root, opts)` also works when no seed is needed.
 */
export function explainBackward(root: Tensor, seed?: Tensor | WalkthroughOptions, opts?: WalkthroughOptions): string {
  if (seed !== undefined && !(seed instanceof Tensor)) {
    if (opts !== undefined) throw new Error("explainBackward: the seed must be a Tensor");
    return formatBackward(traceBackward(root), seed);
  }
  return formatBackward(traceBackward(root, seed), opts);
}
