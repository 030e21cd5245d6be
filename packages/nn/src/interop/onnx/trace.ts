/**
 * One forward pass, watched: the graph it records is what gets exported, and the module calls seen
 * on the way say which module made each tensor (for error messages, and for layers that have one
 * ONNX op of their own, such as LayerNorm's LayerNormalization).
 *
 * Tensors are numbered as they are made (Tensor.id), so a call's tensors are those numbered between
 * its start and its end; nested calls give nested ranges, and a tensor belongs to the innermost.
 */
import { Tensor, withGradMode } from "@backprop/core";
import type { Module } from "../../module.js";

export interface ModuleCall {
  /** The module's dotted path in the model ("" for the model itself, "0", "encoder.fc1", …). */
  path: string;
  module: Module;
  inputs: unknown[];
  output: unknown;
  /** Ids of the tensors made during the call: first ≤ id ≤ last. */
  first: number;
  last: number;
}

export interface Trace {
  inputs: Tensor[];
  outputs: Tensor[];
  calls: ModuleCall[];
  /** Ids below this were made before the forward pass (weights, buffers, the example input). */
  start: number;
}

/** The id the next tensor will get (a tensor made just to read its number; ids only grow). */
function nextId(): number {
  return new Tensor(new Float32Array(0), [0]).id;
}

/**
 * Run `model.forward(...inputs)` with grad mode on, every input a fresh leaf that requires grad (so
 * every op that depends on an input is recorded, even where no parameter is involved yet), and every
 * module's forward wrapped to note its call. The wrappers are removed afterwards, whatever happens.
 */
export function traceForward(op: string, model: Module, examples: readonly Tensor[]): Trace {
  const calls: ModuleCall[] = [];
  const restore: (() => void)[] = [];
  for (const [path, m] of model.namedModules()) {
    const own = Object.prototype.hasOwnProperty.call(m, "forward");
    const original = m.forward;
    const wrapped = function (this: Module, ...args: unknown[]) {
      const call: ModuleCall = { path, module: m, inputs: args, output: undefined, first: nextId(), last: 0 };
      calls.push(call);
      call.output = original.apply(this, args);
      call.last = nextId();
      return call.output;
    };
    Object.defineProperty(m, "forward", { value: wrapped, configurable: true, writable: true, enumerable: false });
    restore.push(() => {
      if (own) Object.defineProperty(m, "forward", { value: original, configurable: true, writable: true, enumerable: false });
      else delete (m as { forward?: unknown }).forward;
    });
  }
  try {
    const start = nextId();
    const inputs = examples.map((x) => new Tensor(x.data.slice(), x.shape, { requiresGrad: true }));
    const result: unknown = withGradMode(true, () => model.forward(...inputs));
    const outputs = Array.isArray(result) ? result : [result];
    outputs.forEach((y, i) => {
      if (!(y instanceof Tensor)) {
        throw new Error(`${op}: the model's forward must return a Tensor or an array of Tensors; ${Array.isArray(result) ? `output ${i}` : "it"} is ${y === null ? "null" : typeof y}`);
      }
    });
    return { inputs, outputs: outputs as Tensor[], calls, start };
  } finally {
    for (const undo of restore) undo();
  }
}

/** The innermost call that made tensor `t`, or null if no module call made it. */
export function ownerOf(trace: Trace, t: Tensor): ModuleCall | null {
  let best: ModuleCall | null = null;
  for (const c of trace.calls) {
    if (t.id >= c.first && t.id <= c.last && (best === null || c.first >= best.first)) best = c;
  }
  return best;
}

/** "module \"0.fc\" (Linear)", or "the model's own forward (Net)", for messages. */
export function describeCall(call: ModuleCall | null, model: Module): string {
  if (call === null || call.path === "") return `the model's own forward (${model.constructor.name})`;
  return `module "${call.path}" (${call.module.constructor.name})`;
}
