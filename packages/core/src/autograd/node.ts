/**
 * A graph node: what an op leaves on its output so that backward can run later.
 * `record` is the only way a node is made; the engine reads nodes and knows no op by name.
 */
import type { Tensor } from "../tensor.js";
import { isGradEnabled } from "./gradMode.js";

/** Given the upstream gradient g of the output, return one gradient per input (null where not needed). */
export type BackwardFn = (g: Tensor, needs: readonly boolean[]) => (Tensor | null)[];

export interface GraphNode {
  readonly op: string;
  /** The backward rule as a short formula, shown by traceBackward. */
  readonly rule: string;
  readonly inputs: readonly Tensor[];
  /** What the rule calls each input ("x", "W", "b"), for the teaching views. */
  readonly inputNames: readonly string[];
  readonly backward: BackwardFn;
  /** Tensors the backward reads, with their version at forward time (the in-place check). */
  readonly saved: readonly { tensor: Tensor; version: number }[];
  /** The op's settings besides its inputs (axis, stride, slope, …), as the op was called; see OpAttrs. */
  readonly attrs: OpAttrs;
}

/** A value an op setting can take: what a graph reader (an exporter, a drawing) needs to redo the op. */
export type OpAttr = number | string | boolean | null | readonly number[];

/**
 * An op's settings, recorded with its node so that the graph alone says what was computed: the
 * inputs are tensors, everything else (softmax's axis, conv2d's stride and padding, leakyRelu's
 * slope) is here, under the option names the op takes. Output shapes and dtypes are on the output.
 */
export type OpAttrs = Readonly<Record<string, OpAttr>>;

export interface OpRecord {
  op: string;
  rule: string;
  inputs: Tensor[];
  /**
   * What the rule calls each input, in order (`["x", "W", "b"]` for "dx = g·W, dW = gᵀ·x, db = Σ g").
   * Default: x for one input, a and b for two, x₀, x₁, … for more.
   */
  inputNames?: string[];
  /** Tensors whose values the backward rule reads; in-place changes to them are caught. */
  saved?: Tensor[];
  /** The op's settings (see OpAttrs); none for ops that have none. */
  attrs?: OpAttrs;
  backward: BackwardFn;
}

/** Attach the op's node to `out` when grad mode is on and some input requires grad. */
export function record(out: Tensor, rec: OpRecord): Tensor {
  if (rec.inputNames && rec.inputNames.length !== rec.inputs.length) {
    throw new Error(`record: ${rec.op} has ${rec.inputs.length} input(s) but ${rec.inputNames.length} inputNames`);
  }
  if (!isGradEnabled() || !rec.inputs.some((t) => t.requiresGrad)) return out;
  const inputNames = rec.inputNames ?? defaultInputNames(rec.inputs.length);
  const saved = (rec.saved ?? []).map((tensor) => ({ tensor, version: tensor._version.n }));
  out._node = { op: rec.op, rule: rec.rule, inputs: rec.inputs, inputNames, backward: rec.backward, saved, attrs: rec.attrs ?? NO_ATTRS };
  out._requiresGrad = true;
  return out;
}

const NO_ATTRS: OpAttrs = Object.freeze({});

/** x; a, b; or x₀, x₁, …: the names of inputs when an op gives none. */
export function defaultInputNames(n: number): string[] {
  if (n === 1) return ["x"];
  if (n === 2) return ["a", "b"];
  return subscripted("x", n);
}

/** base₀, base₁, … base₍ₙ₋₁₎. */
export function subscripted(base: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => base + String(i).replace(/\d/g, (d) => "₀₁₂₃₄₅₆₇₈₉"[Number(d)]));
}
