/**
 * The chain rule, one node at a time, as text: formatBackward prints the steps of traceBackward in
 * the order backward ran them, so that a learner can redo every multiplication by hand.
 *
 *   step 4/25  f = pow(e, 2) = 49
 *     ∂L/∂out = ∂L/∂f = -0.0042 + 0.5 = 0.4958, from steps 2 and 3
 *     ∂L/∂e = ∂L/∂out · 2 · e = 0.4958 × 2 × (-7) = -6.9417
 *
 * L is the tensor backward started from, ∂L/∂out the gradient arriving at the step's output. Each
 * input that needs a gradient gets one line: the op's rule written in the tensors' own labels (never
 * the rule's letters a, b, g, which collide with a user's names), the same rule with the numbers
 * put in, and the result. Constant operands get no line. A leaf's line is followed by its running
 * `.grad` total. The rule strings themselves stay as traceBackward reports them; labels.ts reads
 * them, generically, for every op.
 *
 * Numbers are put in only where every tensor of the step has one element: for bigger tensors the
 * line is the rule in labels and the result (a summary: `[shape] values`), and the step lists its
 * inputs' values first. Substituting summaries into a matrix product would show arithmetic that
 * cannot be redone from what is printed. The numeric form is also shown only when it evaluates to
 * the gradient the op actually sent, so a rule that labels.ts misreads falls back to rule and result.
 */
import type { BackwardStep } from "../autograd/engine.js";
import { checkOptions } from "../options.js";
import { Tensor } from "../tensor.js";
import { evaluate, formatNumber, handle, inputRule, isNumberConstant, label, partial, render, summary, typeText, UPSTREAM } from "./labels.js";
import { traceBackward } from "./trace.js";

export interface WalkthroughOptions {
  /** Tensors with at most this many elements are printed in full, larger ones summarised (default 6). */
  maxElements?: number;
  /** Decimals shown per number, trailing zeros dropped (default 4). */
  digits?: number;
}

/** A gradient a tensor received: from which step (1-based) and its value. */
interface Contribution {
  step: number;
  grad: Tensor;
}

/** "a + b − c" for a list of numbers (a negative term is subtracted). */
const sumText = (values: readonly string[]) => values.join(" + ").replace(/\+ -/g, "− ");

export function formatBackward(steps: readonly BackwardStep[], opts?: WalkthroughOptions): string {
  const o = checkOptions("formatBackward", opts, ["maxElements", "digits"]);
  const max = o.maxElements ?? 6;
  const digits = o.digits ?? 4;
  if (!Number.isInteger(max) || max < 0) throw new Error(`formatBackward: maxElements must be a whole number ≥ 0, got ${String(max)}`);
  if (!Number.isInteger(digits) || digits < 0 || digits > 20) throw new Error(`formatBackward: digits must be a whole number from 0 to 20, got ${String(digits)}`);
  const show = (t: Tensor) => summary(t, max, digits);
  const num = (v: number) => formatNumber(v, digits);
  const name = (t: Tensor) => label(t, digits);

  if (steps.length === 0) return "No backward steps: the output is a leaf, so there is no op to differentiate.\n";
  const root = steps[0].output;
  const rootType = typeText(root);
  const out: string[] = [
    `Backward from ${name(root)}${rootType ? ` (${rootType})` : ""}: ${steps.length} step${steps.length === 1 ? "" : "s"}, in the order they ran. L = ${name(root)}, the tensor backward started from.`,
    `Each step is one op, out = op(inputs), and ${UPSTREAM}, the gradient of L with respect to that output,`,
    "is complete when the step runs. The chain rule multiplies it by the op's local derivative: one line",
    "per input that needs a gradient, with the rule, the rule with the numbers put in, and the result",
    `(${digits} decimal${digits === 1 ? "" : "s"}). A tensor used more than once receives one contribution per use; they add up.`,
  ];

  const received = new Map<Tensor, Contribution[]>(); // what each tensor has been sent so far
  const leafTotals = new Map<Tensor, Tensor>(); // running sums for leaves that accumulate into .grad

  steps.forEach((s, i) => {
    const n = i + 1;
    const args = s.inputs.map(name).join(", ");
    out.push("", `step ${n}/${steps.length}  ${name(s.output)} = ${s.op}(${args}) = ${show(s.output)}`);
    out.push(`  ${UPSTREAM} = ${upstreamText(s, i === 0, received.get(s.output), show, num, name)}`);
    const scalar = s.upstream.size === 1 && s.output.size === 1 && s.inputs.every((x) => x.size === 1);
    // Bigger tensors: their values here, since the lines below show the rule and the result only.
    if (!scalar) for (const x of s.inputs) if (!isNumberConstant(x)) out.push(`  ${name(x)} = ${show(x)}`);

    s.inputs.forEach((x, j) => {
      const gx = s.inputGrads[j];
      if (!x.requiresGrad) return; // a constant: it needs no gradient and gets no line
      if (gx === null) return void out.push(`  ${partial(name(x))}: no gradient sent`);
      const list = received.get(x) ?? [];
      list.push({ step: n, grad: gx });
      received.set(x, list);
      out.push(`  ${partial(name(x))} = ${gradientText(s, j, gx, scalar, show, num, name)}`);
      if (!x.isLeaf) return;
      const prev = leafTotals.get(x);
      const total = prev === undefined ? gx : addValues(prev, gx);
      leafTotals.set(x, total);
      const sofar = `    ${handle(x)}.grad so far: `;
      if (prev === undefined) out.push(sofar + show(total));
      else if (total.size === 1) out.push(`${sofar}${sumText([num(prev.data[0]), num(gx.data[0])])} = ${show(total)}`);
      else out.push(sofar + show(total));
    });
  });

  if (leafTotals.size) {
    out.push("", "Accumulated into .grad by this backward:");
    const leaves = [...leafTotals].sort(([a], [b]) => a.id - b.id);
    const width = Math.max(...leaves.map(([t]) => handle(t).length + 5));
    for (const [t, g] of leaves) out.push(`  ${`${handle(t)}.grad`.padEnd(width)}  ${show(g)}`);
  }
  return out.join("\n") + "\n";
}

/**
 * "∂L/∂g = 1, the seed" for the first step; "∂L/∂e = -6.9417, from step 4" for a tensor used once;
 * "∂L/∂f = -0.0042 + 0.5 = 0.4958, from steps 2 and 3" for a sum.
 */
function upstreamText(s: BackwardStep, isRoot: boolean, list: Contribution[] | undefined, show: (t: Tensor) => string, num: (v: number) => string, name: (t: Tensor) => string): string {
  const head = `${partial(name(s.output))} = `;
  if (isRoot) return `${head}${show(s.upstream)}, the seed`;
  if (!list || list.length === 0) return head + show(s.upstream);
  const stepList = list.map((c) => c.step);
  const from = list.length === 1 ? `from step ${stepList[0]}` : `from steps ${stepList.slice(0, -1).join(", ")} and ${stepList[stepList.length - 1]}`;
  if (list.length === 1) return `${head}${show(s.upstream)}, ${from}`;
  const terms = list.every((c) => c.grad.size === 1) ? sumText(list.map((c) => num(c.grad.data[0]))) : `the sum of ${list.length} contributions`;
  return `${head}${terms} = ${show(s.upstream)}, ${from}`;
}

/**
 * The right-hand side of input j's line: "∂L/∂out · 3 = 6.9417 × 3 = 20.8251" — the rule in
 * labels, the numbers put in (one-element steps whose rule labels.ts reads and whose value it
 * reproduces), the result.
 */
function gradientText(s: BackwardStep, j: number, gx: Tensor, scalar: boolean, show: (t: Tensor) => string, num: (v: number) => string, name: (t: Tensor) => string): string {
  const result = show(gx);
  const rule = inputRule(s, j, name, num);
  if (!rule) return `${result}   (rule: ${s.rule})`;
  if (!scalar || !rule.formula) return `${rule.symbols} = ${result}`;
  const v = evaluate(rule.formula);
  const actual = gx.data[0];
  const agrees = v !== null && (Object.is(v, actual) || Math.abs(v - actual) <= 1e-5 * Math.max(1, Math.abs(actual)));
  if (!agrees) return `${rule.symbols} = ${result}`;
  const numbers = render(rule.formula, "numbers", num);
  // "∂L/∂out = 1 = 1" and "−∂L/∂out = −6.9417 = -6.9417" say nothing twice.
  const same = (a: string, b: string) => a.replace(/−(?=\d)/gu, "-") === b;
  const parts = [rule.symbols];
  if (!same(numbers, rule.symbols) && !same(numbers, result)) parts.push(numbers);
  if (!same(rule.symbols, result)) parts.push(result);
  return parts.join(" = ");
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
