/**
 * Reductions over axes. The kernel reduces one axis of an [outer, n, inner] view; runs of adjacent
 * axes are merged into one, and separate runs are reduced one after another.
 */
import { allocate, type FloatArray } from "../dtype.js";
import type { ReduceKernel } from "../kernels/index.js";
import { kernels } from "../kernels/index.js";
import { record } from "../autograd/node.js";
import { withGradMode } from "../autograd/gradMode.js";
import { fmt, normalizeAxes, normalizeAxis, reducedShape, sizeOf } from "../shape.js";
import { Tensor } from "../tensor.js";
import { add, div, mul, sub } from "./arithmetic.js";
import { expand } from "./broadcast.js";
import { eq, where } from "./compare.js";
import { checkTensor, reduceArgs, type AxisArg } from "./helpers.js";
import { reshape } from "./shape.js";
import { abs, exp, log } from "./unary.js";

/** Reduce `axes` (sorted) of x with a kernel; returns the data and the keepDims shape. */
export function reduceForward(op: string, kernel: ReduceKernel, x: Tensor, axes: readonly number[]): { data: FloatArray; keepShape: number[] } {
  let data: FloatArray = x.data;
  const shape = x.shape.slice();
  // Group adjacent axes into runs and reduce the runs from the last to the first.
  const runs: [number, number][] = [];
  for (const a of axes) {
    const last = runs[runs.length - 1];
    if (last && last[1] === a) last[1] = a + 1;
    else runs.push([a, a + 1]);
  }
  for (let r = runs.length - 1; r >= 0; r--) {
    const [from, to] = runs[r];
    const outer = shape.slice(0, from).reduce((p, d) => p * d, 1);
    const n = shape.slice(from, to).reduce((p, d) => p * d, 1);
    const inner = shape.slice(to).reduce((p, d) => p * d, 1);
    if (n === 0 && kernel !== "sum") {
      throw new Error(`${op}: cannot reduce over an empty axis (shape ${fmt(x.shape)}, axis ${from}); the result would have no value`);
    }
    const out = allocate(x.dtype, outer * inner);
    kernels().reduceAxis(kernel, data, outer, n, inner, out);
    data = out;
    for (let a = from; a < Math.min(to, shape.length); a++) shape[a] = 1; // (a 0-d input has no axis to mark)
  }
  if (runs.length === 0) data = data.slice(); // nothing reduced: still return fresh storage
  return { data, keepShape: shape };
}

function reduceShapes(op: string, x: Tensor, axisArg: AxisArg, keepDimsArg?: boolean) {
  checkTensor(op, x);
  const { axis, keepDims } = reduceArgs(op, axisArg, keepDimsArg);
  const axes = normalizeAxes(op, axis, x.ndim);
  return { axes, keepDims, outShape: reducedShape(x.shape, axes, keepDims) };
}

/** g (of the reduced shape) reshaped with 1s in the reduced axes, then repeated to x's shape. */
function spread(g: Tensor, keepShape: readonly number[], x: Tensor): Tensor {
  return expand(reshape(g, keepShape), x.shape);
}

export function sum(x: Tensor, axis?: AxisArg, keepDims?: boolean): Tensor {
  const { axes, keepDims: keep, outShape } = reduceShapes("sum", x, axis, keepDims);
  const { data, keepShape } = reduceForward("sum", "sum", x, axes);
  return record(new Tensor(data, outShape), {
    op: "sum", rule: "dx = g broadcast back over the summed axes", inputs: [x], attrs: { axis: axes, keepDims: keep },
    backward: (g) => [spread(g, keepShape, x)],
  });
}

export function mean(x: Tensor, axis?: AxisArg, keepDims?: boolean): Tensor {
  const { axes, keepDims: keep, outShape } = reduceShapes("mean", x, axis, keepDims);
  const { data, keepShape } = reduceForward("mean", "sum", x, axes);
  const count = axes.reduce((p, a) => p * (x.shape[a] ?? 1), 1); // (axis 0 of a 0-d input counts 1)
  kernels().unary("scale", data, data, 1 / count); // an empty mean is 0·∞ = NaN, as PyTorch
  return record(new Tensor(data, outShape), {
    op: "mean", rule: `dx = g/${count} broadcast back over the averaged axes`, inputs: [x], attrs: { axis: axes, keepDims: keep },
    backward: (g) => [spread(div(g, count), keepShape, x)],
  });
}

/**
 * Largest (or smallest) values over axes. Ties share the gradient evenly, as PyTorch's amax:
 * the gradient goes to every element equal to the result, divided by how many there are.
 */
function extreme(op: "max" | "min", x: Tensor, axisArg: AxisArg, keepDimsArg?: boolean): Tensor {
  const { axes, keepDims, outShape } = reduceShapes(op, x, axisArg, keepDimsArg);
  const { data, keepShape } = reduceForward(op, op, x, axes);
  const out = new Tensor(data, outShape);
  return record(out, {
    op, rule: `dx = g·[x = ${op}] / (number of ties)`, inputs: [x], saved: [x, out], attrs: { axis: axes, keepDims },
    backward: (g) => {
      const hits = eq(x, expand(reshape(out, keepShape), x.shape));
      const ties = sum(hits, axes, true);
      return [mul(hits, spread(div(reshape(g, keepShape), ties), keepShape, x))];
    },
  });
}

export function max(x: Tensor, axis?: AxisArg, keepDims?: boolean): Tensor {
  return extreme("max", x, axis, keepDims);
}

export function min(x: Tensor, axis?: AxisArg, keepDims?: boolean): Tensor {
  return extreme("min", x, axis, keepDims);
}

/**
 * Index of the largest (argmax) or smallest (argmin) value along one axis (none = the flattened
 * tensor). The first index wins ties. Indices are float32 values (exact below 2²⁴); no gradient.
 */
function argExtreme(op: "argmax" | "argmin", x: Tensor, axis?: number, keepDims = false): Tensor {
  checkTensor(op, x);
  if (keepDims !== undefined && typeof keepDims !== "boolean") throw new Error(`${op}: keepDims must be a boolean`);
  const flat = axis === undefined;
  const src = flat ? reshape(x, [x.size]) : x;
  const ax = flat ? 0 : normalizeAxis(op, axis, x.ndim);
  const n = src.ndim ? src.shape[ax] : 1;
  if (n === 0) throw new Error(`${op}: cannot take the ${op} of an empty axis (shape ${fmt(x.shape)})`);
  if (n > 2 ** 24) throw new Error(`${op}: axis of length ${n} is too long for exact float32 indices`);
  const outer = src.shape.slice(0, ax).reduce((p, d) => p * d, 1);
  const inner = src.shape.slice(ax + 1).reduce((p, d) => p * d, 1);
  const data = allocate("float32", outer * inner);
  kernels().reduceAxis(op, src.data, outer, n, inner, data);
  const shape = flat ? (keepDims ? x.shape.map(() => 1) : []) : reducedShape(x.shape, [ax], keepDims);
  return new Tensor(data, shape);
}

export function argmax(x: Tensor, axis?: number, keepDims?: boolean): Tensor {
  return argExtreme("argmax", x, axis, keepDims);
}

export function argmin(x: Tensor, axis?: number, keepDims?: boolean): Tensor {
  return argExtreme("argmin", x, axis, keepDims);
}

/**
 * log Σ exp(x) over axes, stable for any finite x: the largest value is taken out first,
 * m + log Σ exp(x − m), so nothing overflows. Its gradient is softmax(x)·g.
 */
export function logSumExp(x: Tensor, axis?: AxisArg, keepDims?: boolean): Tensor {
  const { axes, keepDims: keep, outShape } = reduceShapes("logSumExp", x, axis, keepDims);
  const { data, keepShape } = withGradMode(false, () => {
    if (axes.some((a) => x.shape[a] === 0)) {
      // log of an empty sum: log 0 = −∞, as PyTorch.
      const shape = reducedShape(x.shape, axes, true);
      return { data: allocate(x.dtype, sizeOf(shape)).fill(-Infinity), keepShape: shape };
    }
    const m = new Tensor(reduceForward("logSumExp", "max", x, axes).data, reducedShape(x.shape, axes, true));
    // An infinite maximum would give ∞ − ∞ = NaN: shift by 0 there instead (the result is ±∞).
    const shift = where(eq(abs(m), Infinity), 0, m);
    const s = sum(exp(sub(x, shift)), axes, true);
    const r = add(log(s), shift);
    return { data: r.data, keepShape: r.shape.slice() };
  });
  const out = new Tensor(data, outShape);
  return record(out, {
    op: "logSumExp", rule: "dx = g·softmax(x)", inputs: [x], saved: [x, out], attrs: { axis: axes, keepDims: keep },
    backward: (g) => [mul(spread(g, keepShape, x), exp(sub(x, expand(reshape(out, keepShape), x.shape))))],
  });
}
