/**
 * What an op function (import-ops.ts) gets for one node at forward time: its input tensors (an
 * omitted optional input, ONNX's empty name, is `undefined`), its attributes, the model's opset,
 * and readers for inputs that ONNX passes as tensors but that mean numbers — shapes, axes, pads,
 * Clip bounds. Those are read from the values at each forward, so a shape computed in the graph
 * (PyTorch's Shape → Gather → Concat → Reshape for `x.view(x.size(0), -1)`) works for any batch size.
 */
import { quote, type Tensor } from "@backprop/core";
import type { NodeProto } from "onnx-buf";
import type { Attributes } from "./attributes.js";

export class OpContext {
  constructor(
    readonly node: NodeProto,
    /** "node "name" (index i, OpType)", for messages. */
    readonly where: string,
    readonly inputs: readonly (Tensor | undefined)[],
    readonly attrs: Attributes,
    /** The default domain's opset version the model imports. */
    readonly opset: number,
  ) {}

  /** Input i, which the op needs. */
  input(i: number): Tensor {
    const t = this.inputs[i];
    if (!t) throw new Error(`${this.where}: input ${i} is required, but the node leaves it out`);
    return t;
  }

  /** Input i if the node gives it. */
  optional(i: number): Tensor | undefined {
    return this.inputs[i];
  }

  /** Input i as a list of integers (a shape, axes, pads), or undefined when it is left out. */
  ints(i: number, what: string): number[] | undefined {
    const t = this.inputs[i];
    if (!t) return undefined;
    const out = Array.from(t.data);
    const bad = out.findIndex((v) => !Number.isInteger(v) && Math.abs(v) !== Infinity);
    if (bad >= 0) throw new Error(`${this.where}: input ${i} (${what}) must hold integers, got ${quote(out)}`);
    return out;
  }

  /** Input i as a list of integers, which the op needs (Reshape's shape, Slice's starts). */
  needInts(i: number, what: string): number[] {
    const v = this.ints(i, what);
    if (!v) throw new Error(`${this.where}: input ${i} (${what}) is required, but the node leaves it out`);
    return v;
  }

  /** Input i as one number (a 0-d or one-element tensor), or undefined when it is left out. */
  scalar(i: number, what: string): number | undefined {
    const t = this.inputs[i];
    if (!t) return undefined;
    if (t.size !== 1) throw new Error(`${this.where}: input ${i} (${what}) must hold one value, got shape [${t.shape.join(", ")}]`);
    return t.data[0];
  }

  /** An error naming the node, for a case the op does not support. */
  unsupported(what: string): Error {
    return new Error(`${this.where}: ${what}`);
  }

  /** How many outputs the graph uses (trailing optional outputs have empty names). */
  get outputCount(): number {
    let n = this.node.output.length;
    while (n > 0 && this.node.output[n - 1] === "") n--;
    return n;
  }
}

/** Axis `a` (negative counts from the end) of a rank-`rank` tensor, checked. */
export function axisOf(ctx: OpContext, a: number, rank: number, what = "axis"): number {
  if (!Number.isInteger(a) || a < -rank || a >= Math.max(rank, 1)) {
    throw new Error(`${ctx.where}: ${what} ${a} is out of range for rank ${rank} (expected −${rank} … ${rank - 1})`);
  }
  return a < 0 ? a + rank : a;
}
