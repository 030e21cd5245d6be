/**
 * Every public op, registered once: its function, and whether `x.op(…)` calls it as `op(x, …)`.
 * methods.ts attaches the Tensor methods from this table, and the generated tests in test/ops/
 * take every op from it (with the sample inputs and reference formulas kept beside the tests,
 * out of the bundle). A new op goes here; an exported op missing from this table fails a test.
 *
 * This module only collects functions: importing it changes nothing (no side effects).
 */
import { add, div, maximum, minimum, mul, pow, sub } from "./ops/arithmetic.js";
import { cast, clone, detach, double, expand, float, to } from "./ops/broadcast.js";
import { allclose, eq, equal, ge, gt, le, lt, where } from "./ops/compare.js";
import { concat, gather, slice, stack } from "./ops/indexing.js";
import { linear } from "./ops/linear.js";
import { matmul } from "./ops/matmul.js";
import { argmax, argmin, logSumExp, max, mean, min, sum } from "./ops/reduce.js";
import { flatten, numel, permute, reshape, squeeze, transpose, unsqueeze, view } from "./ops/shape.js";
import { logSoftmax, softmax } from "./ops/softmax.js";
import { abs, clamp, cos, erf, exp, log, neg, sign, sin, sqrt, square } from "./ops/unary.js";
import { leakyRelu, relu, sigmoid, softplus, tanh } from "./ops/activations.js";
import { elu, gelu, hardtanh, relu6, silu } from "./ops/zoo.js";
import { conv1d, conv2d } from "./ops/conv.js";
import { avgPool2d, maxPool2d } from "./ops/pool.js";
import { pad } from "./ops/pad.js";

/** Ops whose method passes the tensor as the first argument: `x.op(...rest)` ≡ `op(x, ...rest)`. */
export const methodOps = {
  add, sub, mul, div, pow, maximum, minimum,
  neg, exp, log, sqrt, abs, square, sign, clamp, erf, sin, cos,
  gt, ge, lt, le, eq,
  relu, leakyRelu, sigmoid, tanh, softplus, elu, gelu, silu, hardtanh, relu6,
  matmul, linear,
  sum, mean, max, min, argmax, argmin, logSumExp,
  reshape, view, flatten, transpose, permute, squeeze, unsqueeze, expand,
  slice, gather,
  softmax, logSoftmax,
  cast, to, float, double, clone,
  conv1d, conv2d, maxPool2d, avgPool2d, pad,
} as const;

/**
 * Ops whose method has another form (methods.ts writes each by hand, beside its declaration):
 * `x.where(cond, y)` ≡ `where(cond, x, y)` (as torch.Tensor.where); `x.concat(others, axis)` ≡
 * `concat([x, ...others], axis)`, stack likewise; `detach` is the Tensor class's own method.
 */
export const otherOps = { where, concat, stack, detach } as const;

/**
 * Questions about tensors whose answer is a plain value (a number, a boolean): they record
 * nothing, and `x.q(...rest)` ≡ `q(x, ...rest)` as for methodOps. Not ops (no tensor comes out),
 * so the generated op tests do not take them; test/queries.test.ts does.
 */
export const queries = { numel, allclose, equal } as const;

/** The whole table: every public function that makes tensors from tensors. */
export const ops = { ...methodOps, ...otherOps } as const;

export type OpName = keyof typeof ops;
export type MethodOpName = keyof typeof methodOps;
