/**
 * Method sugar: `x.add(y)` is `add(x, y)`. This is the one place where the Tensor class learns
 * about ops (by TypeScript declaration merging), which breaks the Tensor ↔ ops import cycle:
 * ops import the bare Tensor class, and this file, loaded after both, attaches the methods.
 * The methods come from the op table (registry.ts), so there is no second list to keep in step.
 */
import { runBackward } from "./autograd/engine.js";
import { checkOptions } from "./options.js";
import type { Operand } from "./ops/helpers.js";
import { methodOps, queries } from "./registry.js";
import { fmt } from "./shape.js";
import { Tensor } from "./tensor.js";
import { concat, stack } from "./ops/indexing.js";
import { where } from "./ops/compare.js";

/** `op(x, ...rest)` seen as the method `x.op(...rest)`: the same parameters after the first. */
type AsMethod<F> = F extends (x: Tensor, ...rest: infer R) => Tensor ? (...rest: R) => Tensor : never;
type TableMethods = { [K in keyof typeof methodOps]: AsMethod<(typeof methodOps)[K]> };
/** `q(x, ...rest)` seen as `x.q(...rest)`, keeping q's plain result type. */
type AsQuery<F> = F extends (x: Tensor, ...rest: infer R) => infer V ? (...rest: R) => V : never;
type QueryMethods = { [K in keyof typeof queries]: AsQuery<(typeof queries)[K]> };

declare module "./tensor.js" {
  interface Tensor extends TableMethods, QueryMethods {
    /** As torch.Tensor.where: this tensor where `cond` holds, else `other`. */
    where(cond: Tensor, other: Operand): Tensor;
    /** The transpose of a 2-D tensor. */
    readonly T: Tensor;
    /** Concatenate this tensor and `others` along `axis`. */
    concat(others: Tensor | readonly Tensor[], axis?: number): Tensor;
    /** Stack this tensor and `others` along a new `axis`. */
    stack(others: Tensor | readonly Tensor[], axis?: number): Tensor;
    /**
     * Backpropagate from this tensor: gradients accumulate into `.grad` of every leaf that requires
     * grad. `seed` (the gradient of the final result w.r.t. this tensor) may be omitted for one element.
     */
    backward(seed?: Tensor, opts?: { createGraph?: boolean }): void;
  }
}

const P = Tensor.prototype;
// x.op(...rest) = op(x, ...rest) for every op of the table whose method has that form, and every query.
for (const [name, fn] of Object.entries({ ...methodOps, ...queries })) {
  const op = fn as (x: Tensor, ...rest: unknown[]) => unknown;
  Object.defineProperty(P, name, {
    value: { [name](this: Tensor, ...rest: unknown[]) { return op(this, ...rest); } }[name], // named for stack traces
    writable: true, configurable: true,
  });
}
P.where = function (cond, other) { return where(cond, this, other); };
Object.defineProperty(P, "T", {
  get(this: Tensor) {
    if (this.ndim !== 2) throw new Error(`T: expects a 2-D tensor, got shape ${fmt(this.shape)}; use transpose(dim0, dim1)`);
    return methodOps.transpose(this, 0, 1);
  },
});
P.concat = function (others, axis) { return concat([this, ...(others instanceof Tensor ? [others] : others)], axis); };
P.stack = function (others, axis) { return stack([this, ...(others instanceof Tensor ? [others] : others)], axis); };
P.backward = function (seed, opts) {
  const o = checkOptions("backward", opts, ["createGraph"]);
  runBackward(this, seed, { createGraph: o.createGraph ?? false });
};
