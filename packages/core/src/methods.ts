/**
 * Method sugar: `x.add(y)` is `add(x, y)`. This is the one place where the Tensor class learns
 * about ops (by TypeScript declaration merging), which breaks the Tensor ↔ ops import cycle:
 * ops import the bare Tensor class, and this file, loaded after both, attaches the methods.
 */
import type { DType } from "./dtype.js";
import { runBackward } from "./autograd/engine.js";
import { checkOptions } from "./options.js";
import { add, div, maximum, minimum, mul, pow, sub } from "./ops/arithmetic.js";
import { cast, clone, expand } from "./ops/broadcast.js";
import { eq, ge, gt, le, lt, where } from "./ops/compare.js";
import type { AxisArg, Operand } from "./ops/helpers.js";
import { concat, gather, slice, stack } from "./ops/indexing.js";
import { linear } from "./ops/linear.js";
import { matmul, type MatmulOptions } from "./ops/matmul.js";
import { argmax, argmin, logSumExp, max, mean, min, sum } from "./ops/reduce.js";
import { reshape, squeeze, transpose, unsqueeze } from "./ops/shape.js";
import { logSoftmax, softmax } from "./ops/softmax.js";
import { abs, clamp, exp, log, neg, sign, sqrt, square } from "./ops/unary.js";
import { leakyRelu, relu, sigmoid, softplus, tanh, type KinkOptions, type SoftplusOptions } from "./ops/activations.js";
import { fmt } from "./shape.js";
import { Tensor } from "./tensor.js";

declare module "./tensor.js" {
  interface Tensor {
    add(other: Operand): Tensor;
    sub(other: Operand): Tensor;
    mul(other: Operand): Tensor;
    div(other: Operand): Tensor;
    pow(exponent: Operand): Tensor;
    maximum(other: Operand): Tensor;
    minimum(other: Operand): Tensor;
    neg(): Tensor;
    exp(): Tensor;
    log(): Tensor;
    sqrt(): Tensor;
    abs(): Tensor;
    square(): Tensor;
    sign(): Tensor;
    clamp(min?: number | null, max?: number | null): Tensor;
    /** As torch.Tensor.where: this tensor where `cond` holds, else `other`. */
    where(cond: Tensor, other: Operand): Tensor;
    gt(other: Operand): Tensor;
    ge(other: Operand): Tensor;
    lt(other: Operand): Tensor;
    le(other: Operand): Tensor;
    eq(other: Operand): Tensor;
    relu(opts?: KinkOptions): Tensor;
    leakyRelu(slope?: number, opts?: KinkOptions): Tensor;
    sigmoid(): Tensor;
    tanh(): Tensor;
    softplus(opts?: SoftplusOptions): Tensor;
    matmul(other: Tensor, opts?: MatmulOptions): Tensor;
    linear(weight: Tensor, bias?: Tensor | null): Tensor;
    sum(axis?: AxisArg, keepDims?: boolean): Tensor;
    mean(axis?: AxisArg, keepDims?: boolean): Tensor;
    max(axis?: AxisArg, keepDims?: boolean): Tensor;
    min(axis?: AxisArg, keepDims?: boolean): Tensor;
    argmax(axis?: number, keepDims?: boolean): Tensor;
    argmin(axis?: number, keepDims?: boolean): Tensor;
    logSumExp(axis?: AxisArg, keepDims?: boolean): Tensor;
    reshape(shape: readonly number[]): Tensor;
    transpose(dim0?: number, dim1?: number): Tensor;
    /** The transpose of a 2-D tensor. */
    readonly T: Tensor;
    squeeze(axis?: number | number[]): Tensor;
    unsqueeze(axis: number): Tensor;
    expand(shape: readonly number[]): Tensor;
    slice(starts: readonly number[], ends: readonly number[]): Tensor;
    gather(axis: number, indices: Tensor | import("./tensor.js").NestedArray | Int32Array): Tensor;
    /** Concatenate this tensor and `others` along `axis`. */
    concat(others: Tensor | readonly Tensor[], axis?: number): Tensor;
    /** Stack this tensor and `others` along a new `axis`. */
    stack(others: Tensor | readonly Tensor[], axis?: number): Tensor;
    softmax(axis?: number): Tensor;
    logSoftmax(axis?: number): Tensor;
    cast(dtype: DType): Tensor;
    clone(): Tensor;
    /**
     * Backpropagate from this tensor: gradients accumulate into `.grad` of every leaf that requires
     * grad. `seed` (the gradient of the final result w.r.t. this tensor) may be omitted for one element.
     */
    backward(seed?: Tensor, opts?: { createGraph?: boolean }): void;
  }
}

const P = Tensor.prototype;
P.add = function (o) { return add(this, o); };
P.sub = function (o) { return sub(this, o); };
P.mul = function (o) { return mul(this, o); };
P.div = function (o) { return div(this, o); };
P.pow = function (o) { return pow(this, o); };
P.maximum = function (o) { return maximum(this, o); };
P.minimum = function (o) { return minimum(this, o); };
P.neg = function () { return neg(this); };
P.exp = function () { return exp(this); };
P.log = function () { return log(this); };
P.sqrt = function () { return sqrt(this); };
P.abs = function () { return abs(this); };
P.square = function () { return square(this); };
P.sign = function () { return sign(this); };
P.clamp = function (lo, hi) { return clamp(this, lo, hi); };
P.where = function (cond, other) { return where(cond, this, other); };
P.gt = function (o) { return gt(this, o); };
P.ge = function (o) { return ge(this, o); };
P.lt = function (o) { return lt(this, o); };
P.le = function (o) { return le(this, o); };
P.eq = function (o) { return eq(this, o); };
P.relu = function (opts) { return relu(this, opts); };
P.leakyRelu = function (slope, opts) { return leakyRelu(this, slope, opts); };
P.sigmoid = function () { return sigmoid(this); };
P.tanh = function () { return tanh(this); };
P.softplus = function (opts) { return softplus(this, opts); };
P.matmul = function (o, opts) { return matmul(this, o, opts); };
P.linear = function (w, b) { return linear(this, w, b); };
P.sum = function (axis, keepDims) { return sum(this, axis, keepDims); };
P.mean = function (axis, keepDims) { return mean(this, axis, keepDims); };
P.max = function (axis, keepDims) { return max(this, axis, keepDims); };
P.min = function (axis, keepDims) { return min(this, axis, keepDims); };
P.argmax = function (axis, keepDims) { return argmax(this, axis, keepDims); };
P.argmin = function (axis, keepDims) { return argmin(this, axis, keepDims); };
P.logSumExp = function (axis, keepDims) { return logSumExp(this, axis, keepDims); };
P.reshape = function (shape) { return reshape(this, shape); };
P.transpose = function (d0, d1) { return transpose(this, d0, d1); };
Object.defineProperty(P, "T", {
  get(this: Tensor) {
    if (this.ndim !== 2) throw new Error(`T: expects a 2-D tensor, got shape ${fmt(this.shape)}; use transpose(dim0, dim1)`);
    return transpose(this, 0, 1);
  },
});
P.squeeze = function (axis) { return squeeze(this, axis); };
P.unsqueeze = function (axis) { return unsqueeze(this, axis); };
P.expand = function (shape) { return expand(this, shape); };
P.slice = function (starts, ends) { return slice(this, starts, ends); };
P.gather = function (axis, indices) { return gather(this, axis, indices); };
P.concat = function (others, axis) { return concat([this, ...(others instanceof Tensor ? [others] : others)], axis); };
P.stack = function (others, axis) { return stack([this, ...(others instanceof Tensor ? [others] : others)], axis); };
P.softmax = function (axis) { return softmax(this, axis); };
P.logSoftmax = function (axis) { return logSoftmax(this, axis); };
P.cast = function (dtype) { return cast(this, dtype); };
P.clone = function () { return clone(this); };
P.backward = function (seed, opts) {
  const o = checkOptions("backward", opts, ["createGraph"]);
  runBackward(this, seed, { createGraph: o.createGraph ?? false });
};
