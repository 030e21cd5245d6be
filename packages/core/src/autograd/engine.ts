/**
 * Reverse mode. From the output, find every node that leads to it (an iterative depth-first search,
 * so a graph 100,000 ops deep needs no deep call stack), then visit them in reverse topological
 * order: each node's total gradient is complete before its backward rule runs, because every
 * consumer of that node was visited first. A tensor used twice simply receives two contributions.
 *
 * The engine knows no op by name: it calls each node's own backward rule.
 */
import { fmt, sameShape } from "../shape.js";
import type { FloatArray } from "../dtype.js";
import { Tensor } from "../tensor.js";
import { withGradMode } from "./gradMode.js";
import { add } from "../ops/arithmetic.js";
import { cast, clone } from "../ops/broadcast.js";
import { ones } from "../creation.js";

/** One step of backward, as traceBackward reports it. */
export interface BackwardStep {
  op: string;
  rule: string;
  output: Tensor;
  upstream: Tensor;
  inputs: Tensor[];
  /** What the rule calls each input (the op's inputNames). */
  inputNames: string[];
  inputGrads: (Tensor | null)[];
}

export interface BackwardOptions {
  createGraph?: boolean;
  /** When given: return the gradients of these tensors instead of accumulating into `.grad`. */
  wrt?: readonly Tensor[];
  /** Called after each node's rule ran (traceBackward). */
  onStep?: (step: BackwardStep) => void;
}

/** Every tensor that requires grad and leads to `root`, in topological order (inputs first). */
export function topologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>([root]);
  // Each stack entry is a tensor and how many of its inputs have been pushed already.
  const stack: [Tensor, number][] = [[root, 0]];
  while (stack.length) {
    const top = stack[stack.length - 1];
    const inputs = top[0]._node?.inputs ?? [];
    if (top[1] < inputs.length) {
      const next = inputs[top[1]++];
      if (next.requiresGrad && !seen.has(next)) {
        seen.add(next);
        stack.push([next, 0]);
      }
    } else {
      order.push(top[0]);
      stack.pop();
    }
  }
  return order;
}

/** The seed gradient: given, or 1 for a one-element output. */
function makeSeed(root: Tensor, seed: Tensor | undefined): Tensor {
  if (seed === undefined || seed === null) {
    if (root.size !== 1) {
      throw new Error(
        `backward: the seed can be omitted only for a one-element output; this output has shape ${fmt(root.shape)}. ` +
          "Pass a seed of that shape (the gradient of your final result with respect to this tensor), or reduce it first (e.g. .sum())",
      );
    }
    return ones(root.shape.slice(), { dtype: root.dtype });
  }
  if (!(seed instanceof Tensor)) throw new Error(`backward: seed must be a Tensor, got ${typeof seed}`);
  if (!sameShape(seed.shape, root.shape)) {
    throw new Error(`backward: seed shape ${fmt(seed.shape)} must match the output shape ${fmt(root.shape)}`);
  }
  return cast(seed, root.dtype);
}

function checkSaved(t: Tensor): void {
  const node = t._node!;
  for (const { tensor, version } of node.saved) {
    if (tensor._version.n !== version) {
      throw new Error(
        `backward: a tensor of shape ${fmt(tensor.shape)} that ${node.op} saved for its gradient was modified in place ` +
          `after the forward pass (its version is ${tensor._version.n}, expected ${version}). ` +
          "Recompute the forward pass after changing it, or change a clone() instead",
      );
    }
  }
}

/**
 * Run backward from `root`. Without `wrt`: accumulate into `.grad` of leaves that require grad
 * (and of tensors that called retainGrad). With `wrt`: return their gradients and touch no `.grad`.
 */
export function runBackward(root: Tensor, seed: Tensor | undefined, opts: BackwardOptions = {}): (Tensor | null)[] {
  if (!(root instanceof Tensor)) throw new Error("backward: expected a Tensor");
  if (!root.requiresGrad) {
    throw new Error("backward: this tensor does not require grad and has no graph behind it; create an input with { requiresGrad: true } first");
  }
  const createGraph = opts.createGraph ?? false;
  const wrt = opts.wrt;
  const grads = new Map<Tensor, Tensor>();
  // A leaf's first gradient is normally stored as a copy, since the same storage may also be
  // another tensor's gradient (add hands g to both inputs; reshape's backward is a view). A
  // gradient this pass made, whose storage nothing else was handed, is stored as is instead
  // (as PyTorch steals a gradient nobody else references): `handed` counts every storage given
  // out, and the leaves' gradients are stored after the pass, when all sharing is known.
  const firstOwn = Tensor._made;
  const handed = new Set<FloatArray>(), shared = new Set<FloatArray>();
  const hand = (g: Tensor): void => {
    if (handed.has(g.data)) shared.add(g.data);
    else handed.add(g.data);
  };
  const leafGrads: [Tensor, Tensor][] = [];
  const adoptable = !createGraph && !opts.onStep;

  grads.set(root, withGradMode(createGraph, () => makeSeed(root, seed)));
  hand(grads.get(root)!);
  const order = topologicalOrder(root);

  withGradMode(createGraph, () => {
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i];
      let g = grads.get(t);
      if (g === undefined) continue; // no gradient flowed here (e.g. only through null inputs)
      if (t._hooks) {
        for (const hook of t._hooks.slice()) {
          const r = hook(g);
          if (r !== undefined) g = checkHookResult(r, t);
        }
        grads.set(t, g);
      }
      if (!wrt && (t.isLeaf || t._retainsGrad)) {
        if (adoptable && t.isLeaf && !t._hooks && t.grad === null && g._serial >= firstOwn) leafGrads.push([t, g]);
        else accumulateGrad(t, g, createGraph);
      }
      const node = t._node;
      if (!node) continue;
      checkSaved(t);
      const needs = node.inputs.map((x) => x.requiresGrad);
      const inputGrads = node.backward(g, needs);
      node.inputs.forEach((x, j) => {
        const gx = inputGrads[j];
        if (!needs[j] || gx == null) return;
        const prev = grads.get(x);
        const sum = prev === undefined ? gx : add(prev, gx);
        grads.set(x, sum);
        hand(sum);
      });
      opts.onStep?.({ op: node.op, rule: node.rule, output: t, upstream: g, inputs: [...node.inputs], inputNames: [...node.inputNames], inputGrads: needs.map((n, j) => (n ? inputGrads[j] ?? null : null)) });
    }
  });
  for (const [t, g] of leafGrads) {
    if (shared.has(g.data)) accumulateGrad(t, g, createGraph);
    else t.grad = g;
  }
  return wrt ? wrt.map((x) => grads.get(x) ?? null) : [];
}

function checkHookResult(r: unknown, t: Tensor): Tensor {
  if (!(r instanceof Tensor) || !sameShape(r.shape, t.shape)) {
    throw new Error(`registerHook: a hook must return nothing or a Tensor of shape ${fmt(t.shape)}, got ${r instanceof Tensor ? fmt(r.shape) : typeof r}`);
  }
  return cast(r, t.dtype);
}

/**
 * .grad += g. The stored gradient is always a fresh tensor (g may be shared: add passes the same g to
 * both inputs), as PyTorch clones; without createGraph it is outside any graph.
 */
function accumulateGrad(t: Tensor, g: Tensor, createGraph: boolean): void {
  const prev = t.grad;
  if (prev === null) t.grad = createGraph ? clone(g) : withGradMode(false, () => clone(g));
  else t.grad = add(prev, g);
}
