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
  readonly backward: BackwardFn;
  /** Tensors the backward reads, with their version at forward time (the in-place check). */
  readonly saved: readonly { tensor: Tensor; version: number }[];
}

export interface OpRecord {
  op: string;
  rule: string;
  inputs: Tensor[];
  /** Tensors whose values the backward rule reads; in-place changes to them are caught. */
  saved?: Tensor[];
  backward: BackwardFn;
}

/** Attach the op's node to `out` when grad mode is on and some input requires grad. */
export function record(out: Tensor, rec: OpRecord): Tensor {
  if (!isGradEnabled() || !rec.inputs.some((t) => t.requiresGrad)) return out;
  const saved = (rec.saved ?? []).map((tensor) => ({ tensor, version: tensor._version.n }));
  out._node = { op: rec.op, rule: rec.rule, inputs: rec.inputs, backward: rec.backward, saved };
  out._requiresGrad = true;
  return out;
}
