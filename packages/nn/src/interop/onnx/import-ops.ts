/**
 * One function per ONNX operator, each written with backprop's differentiable ops, so gradients
 * flow through an imported graph as through a model written by hand. Each follows the operator's
 * definition in the ONNX spec (docs/Operators.md of github.com/onnx/onnx) for the opsets 13 and up;
 * the tests compare every one with onnxruntime.
 *
 * Integer tensors (shapes, axes, indices) are float64 tensors here (tensor-proto.ts), so ops that
 * take "a shape" read it from the values (OpContext.ints) and give no gradient to it.
 */
import {
  abs, add, clamp, concat, cos, div, elu, eq, erf, exp, expand, gather, gelu, gt, leakyRelu, linear, log, logSoftmax,
  logSumExp, lt, matmul, max, maximum, mean, min, minimum, mul, neg, pad, pow, relu, reshape, sigmoid, sign, sin, slice,
  softmax, softplus, sqrt, sub, sum, tanh, tensor, transpose, where, permute, cast, Tensor, type PadMode,
} from "@backprop/core";
import { DataType as DT } from "./codes.js";
import { axisOf, type OpContext } from "./op-context.js";
import { onnxAveragePool, onnxConv, onnxMaxPool } from "./import-windows.js";
import { onnxTypeName, tensorFromProto } from "./tensor-proto.js";

/** An op's forward: one tensor, or one per output of the node. */
export type OpFn = (ctx: OpContext) => Tensor | Tensor[];

export interface OpSpec {
  run: OpFn;
  /**
   * Inputs read as numbers (a shape, axes, bounds) or as fixed statistics (BatchNormalization's
   * running mean and variance): a float initializer feeding only such inputs is a buffer (saved,
   * not trained), as PyTorch keeps running statistics.
   */
  fixed?: readonly number[];
}

const unary = (f: (x: Tensor) => Tensor): OpSpec => ({ run: (c) => f(c.input(0)) });
const binary = (f: (a: Tensor, b: Tensor) => Tensor): OpSpec => ({ run: (c) => f(c.input(0), c.input(1)) });
/** A variadic op (Max, Min, Sum): the binary op folded over every input. */
const variadic = (f: (a: Tensor, b: Tensor) => Tensor): OpSpec => ({ run: (c) => c.inputs.map((_, i) => c.input(i)).reduce((a, b) => f(a, b)) });

/** ONNX's multidirectional broadcasting of two shapes (NumPy's rule). */
function broadcast(ctx: OpContext, a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  return Array.from({ length: n }, (_, i) => {
    const x = a[a.length - n + i] ?? 1, y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw ctx.unsupported(`shapes [${a.join(", ")}] and [${b.join(", ")}] do not broadcast`);
    return x === 1 ? y : x;
  });
}

/** A tensor of integers (float64, no gradient): Shape's result, Cast to an integer type. */
function integers(values: number[], shape: number[] = [values.length]): Tensor {
  return tensor(Float64Array.from(values), { shape, dtype: "float64" });
}

/** The axes to reduce: the "axes" input (ReduceSum from opset 13, the others from 18) or attribute. */
function reduceAxes(ctx: OpContext, fromInput: boolean): number[] | undefined {
  return fromInput ? ctx.ints(1, "axes") : ctx.attrs.ints("axes");
}

/** ReduceSum, ReduceMean, …: keepdims (default 1), and an empty axes list means every axis unless noop_with_empty_axes. */
function reduce(f: (x: Tensor, axis: number[] | undefined, keep: boolean) => Tensor, inputSince: number): OpSpec {
  return {
    fixed: [1],
    run: (c) => {
      const x = c.input(0);
      const axes = reduceAxes(c, c.opset >= inputSince);
      const keep = c.attrs.int("keepdims", 1) === 1;
      if (!axes || axes.length === 0) {
        if (c.attrs.int("noop_with_empty_axes", 0) === 1) return x;
        return keep ? f(x, x.shape.map((_, i) => i), true) : f(x, undefined, false);
      }
      return f(x, axes.map((a) => axisOf(c, a, x.ndim, "axis")), keep);
    },
  };
}

/** Reshape: 0 copies the input's dimension (unless allowzero), −1 is inferred. */
function onnxReshape(c: OpContext): Tensor {
  const x = c.input(0);
  const target = c.needInts(1, "shape");
  const allowZero = c.attrs.int("allowzero", 0) === 1;
  const shape = target.map((d, i) => {
    if (d === 0 && !allowZero) {
      if (i >= x.ndim) throw c.unsupported(`shape [${target.join(", ")}] copies dimension ${i} (a 0), but the input [${x.shape.join(", ")}] has rank ${x.ndim}`);
      return x.shape[i];
    }
    return d;
  });
  return reshape(x, shape);
}

function onnxFlatten(c: OpContext): Tensor {
  const x = c.input(0);
  const axis = c.attrs.int("axis", 1);
  const a = axis < 0 ? axis + x.ndim : axis;
  if (a < 0 || a > x.ndim) throw c.unsupported(`axis ${axis} is out of range for rank ${x.ndim}`);
  const rows = x.shape.slice(0, a).reduce((p, d) => p * d, 1);
  return reshape(x, [rows, x.size === 0 ? 0 : x.size / rows]);
}

function onnxTranspose(c: OpContext): Tensor {
  const x = c.input(0);
  const perm = c.attrs.ints("perm") ?? x.shape.map((_, i) => x.ndim - 1 - i);
  return x.ndim < 2 ? x : permute(x, perm);
}

function onnxSqueeze(c: OpContext): Tensor {
  const x = c.input(0);
  const given = c.ints(1, "axes");
  const axes = given ? given.map((a) => axisOf(c, a, x.ndim)) : x.shape.flatMap((d, i) => (d === 1 ? [i] : []));
  for (const a of axes) if (x.shape[a] !== 1) throw c.unsupported(`cannot squeeze axis ${a} of size ${x.shape[a]} (shape [${x.shape.join(", ")}])`);
  return reshape(x, x.shape.filter((_, i) => !axes.includes(i)));
}

function onnxUnsqueeze(c: OpContext): Tensor {
  const x = c.input(0);
  const given = c.needInts(1, "axes");
  const rank = x.ndim + given.length;
  const axes = given.map((a) => axisOf(c, a, rank)).sort((a, b) => a - b);
  const shape = x.shape.slice();
  for (const a of axes) shape.splice(a, 0, 1);
  return reshape(x, shape);
}

/**
 * Gather (numpy.take): out = data.shape[:axis] + indices.shape + data.shape[axis+1:]. Built on
 * backprop's gather (torch.gather, indices shaped like the data) over a [outer, n, inner] view, so
 * the gradient adds back at the gathered rows. Negative indices count from the end.
 */
function take(c: OpContext, x: Tensor, axis: number, idx: readonly number[], idxShape: readonly number[]): Tensor {
  const n = x.shape[axis];
  const rows = idx.map((v) => {
    const r = v < 0 ? v + n : v;
    if (!Number.isInteger(r) || r < 0 || r >= n) throw c.unsupported(`index ${v} is out of range for axis ${axis} of size ${n}`);
    return r;
  });
  const outer = x.shape.slice(0, axis).reduce((p, d) => p * d, 1), inner = x.shape.slice(axis + 1).reduce((p, d) => p * d, 1);
  const k = rows.length;
  const index = new Float64Array(outer * k * inner);
  for (let o = 0; o < outer; o++) for (let j = 0; j < k; j++) index.fill(rows[j], (o * k + j) * inner, (o * k + j + 1) * inner);
  const picked = gather(reshape(x, [outer, n, inner]), 1, tensor(index, { shape: [outer, k, inner], dtype: "float64" }));
  return reshape(picked, [...x.shape.slice(0, axis), ...idxShape, ...x.shape.slice(axis + 1)]);
}

function onnxGather(c: OpContext): Tensor {
  const x = c.input(0), indices = c.input(1);
  const axis = axisOf(c, c.attrs.int("axis", 0), x.ndim);
  return take(c, x, axis, c.needInts(1, "indices"), indices.shape);
}

/**
 * GatherElements (torch.gather): out[…, i, …] = data[…, indices[…, i, …], …] along axis, the indices
 * shaped like the data except along that axis; negative indices count from the end.
 */
function onnxGatherElements(c: OpContext): Tensor {
  const x = c.input(0), indices = c.input(1);
  const axis = axisOf(c, c.attrs.int("axis", 0), x.ndim);
  const n = x.shape[axis];
  const rows = c.needInts(1, "indices").map((v) => {
    const r = v < 0 ? v + n : v;
    if (!Number.isInteger(r) || r < 0 || r >= n) throw c.unsupported(`index ${v} is out of range for axis ${axis} of size ${n}`);
    return r;
  });
  if (indices.ndim !== x.ndim || indices.shape.some((d, i) => i !== axis && d !== x.shape[i])) {
    throw c.unsupported(`indices of shape [${indices.shape.join(", ")}] must have the data's shape [${x.shape.join(", ")}] except along axis ${axis}`);
  }
  return gather(x, axis, tensor(Float64Array.from(rows), { shape: indices.shape.slice(), dtype: "float64" }));
}

/**
 * Slice: per axis, start and end clamped as ONNX says ([0, n] for a positive step, [−1, n−1] for a
 * negative one, after adding n to negatives). A step of 1 is backprop's slice; any other step
 * (negative ones too) takes the rows it names with Gather.
 */
function onnxSlice(c: OpContext): Tensor {
  let x = c.input(0);
  const starts = c.needInts(1, "starts"), ends = c.needInts(2, "ends");
  const axes = (c.ints(3, "axes") ?? starts.map((_, i) => i)).map((a) => axisOf(c, a, x.ndim));
  const steps = c.ints(4, "steps") ?? starts.map(() => 1);
  if (ends.length !== starts.length || axes.length !== starts.length || steps.length !== starts.length) {
    throw c.unsupported(`starts, ends, axes and steps must have one value per sliced axis, got ${starts.length}, ${ends.length}, ${axes.length}, ${steps.length}`);
  }
  const lo = x.shape.map(() => 0), hi = x.shape.slice();
  const strided: [number, number[]][] = [];
  axes.forEach((a, i) => {
    const n = x.shape[a], step = steps[i];
    if (step === 0) throw c.unsupported(`step 0 on axis ${a}`);
    const norm = (v: number) => (v < 0 ? v + n : v);
    if (step > 0) {
      const s = Math.min(Math.max(norm(starts[i]), 0), n), e = Math.min(Math.max(norm(ends[i]), 0), n);
      if (step === 1) {
        lo[a] = s;
        hi[a] = Math.max(e, s);
        return;
      }
      const rows: number[] = [];
      for (let r = s; r < e; r += step) rows.push(r);
      strided.push([a, rows]);
    } else {
      const s = Math.min(Math.max(norm(starts[i]), -1), n - 1), e = Math.min(Math.max(norm(ends[i]), -1), n - 1);
      const rows: number[] = [];
      for (let r = s; r > e; r += step) rows.push(r);
      strided.push([a, rows]);
    }
  });
  if (lo.some((v, i) => v !== 0 || hi[i] !== x.shape[i])) x = slice(x, lo, hi);
  for (const [a, rows] of strided) x = take(c, x, a, rows, [rows.length]);
  return x;
}

function onnxConcat(c: OpContext): Tensor {
  const list = c.inputs.map((_, i) => c.input(i));
  const axis = c.attrs.int("axis");
  if (axis === undefined) throw c.unsupported('attribute "axis" is required');
  return concat(list, axisOf(c, axis, list[0].ndim));
}

function onnxExpand(c: OpContext): Tensor {
  const x = c.input(0);
  return expand(x, broadcast(c, x.shape, c.needInts(1, "shape")));
}

/** Pad: pads lists [x1_begin, x2_begin, …, x1_end, …] over `axes` (default all); modes constant, reflect, edge, wrap. */
function onnxPad(c: OpContext): Tensor {
  const x = c.input(0);
  const pads = c.needInts(1, "pads");
  const value = c.scalar(2, "constant_value") ?? 0;
  const axes = (c.ints(3, "axes") ?? x.shape.map((_, i) => i)).map((a) => axisOf(c, a, x.ndim));
  if (pads.length !== 2 * axes.length) throw c.unsupported(`pads has ${pads.length} values, expected ${2 * axes.length} (a begin and an end per axis)`);
  const modes: Record<string, PadMode> = { constant: "constant", reflect: "reflect", edge: "replicate", wrap: "circular" };
  const mode = modes[c.attrs.string("mode", "constant")];
  if (!mode) throw c.unsupported(`mode "${c.attrs.string("mode", "constant")}" is not one of constant, reflect, edge, wrap`);
  // backprop's pad: [before, after] pairs from the last axis backwards, as torch.nn.functional.pad
  const before = x.shape.map(() => 0), after = x.shape.map(() => 0);
  axes.forEach((a, i) => { before[a] = pads[i]; after[a] = pads[i + axes.length]; });
  const list: number[] = [];
  for (let a = x.ndim - 1; a >= 0; a--) list.push(before[a], after[a]);
  return list.every((p) => p === 0) ? x : pad(x, list, { mode, value });
}

/** Gemm: alpha·A′·B′ + beta·C, A′ = transA ? Aᵀ : A (likewise B′). */
function onnxGemm(c: OpContext): Tensor {
  const a = c.input(0), b = c.input(1), bias = c.optional(2);
  const alpha = c.attrs.float("alpha", 1), beta = c.attrs.float("beta", 1);
  const transA = c.attrs.int("transA", 0) === 1, transB = c.attrs.int("transB", 0) === 1;
  if (!transA && transB && alpha === 1 && beta === 1) return linear(a, b, bias ?? null); // x·Wᵀ + b, PyTorch's Linear
  let y = matmul(transA ? transpose(a) : a, transB ? transpose(b) : b);
  if (alpha !== 1) y = mul(y, alpha);
  if (bias && beta !== 0) y = add(y, beta === 1 ? bias : mul(bias, beta));
  return y;
}

function onnxClip(c: OpContext): Tensor {
  return clamp(c.input(0), c.scalar(1, "min") ?? null, c.scalar(2, "max") ?? null);
}

/** Softmax / LogSoftmax along one axis (the opset 13 definition; axis default −1). */
const along = (f: (x: Tensor, axis: number) => Tensor): OpSpec => ({ run: (c) => f(c.input(0), c.attrs.int("axis", -1)) });

/** BatchNormalization in inference form: (x − mean)/√(var + ε)·scale + B, per channel (axis 1). */
function onnxBatchNorm(c: OpContext): Tensor {
  if (c.attrs.int("training_mode", 0) === 1 || c.outputCount > 1) {
    throw c.unsupported("BatchNormalization in training mode (training_mode = 1, or the running-statistics outputs) is not supported; export the model in eval mode");
  }
  const x = c.input(0);
  const perChannel = (t: Tensor) => reshape(t, [t.size, ...x.shape.slice(2).map(() => 1)]);
  const eps = c.attrs.float("epsilon", 1e-5);
  const [scale, b, m, v] = [1, 2, 3, 4].map((i) => perChannel(c.input(i)));
  return add(mul(div(sub(x, m), sqrt(add(v, eps))), scale), b);
}

/** LayerNormalization over the axes from `axis` to the end; outputs Y, and Mean and InvStdDev if asked. */
function onnxLayerNorm(c: OpContext): Tensor[] {
  const x = c.input(0), scale = c.input(1), bias = c.optional(2);
  const axis = axisOf(c, c.attrs.int("axis", -1), x.ndim);
  const eps = c.attrs.float("epsilon", 1e-5);
  const axes = x.shape.slice(axis).map((_, i) => axis + i);
  const mu = mean(x, axes, true);
  const centered = sub(x, mu);
  const inv = div(1, sqrt(add(mean(mul(centered, centered), axes, true), eps)));
  let y = mul(mul(centered, inv), scale);
  if (bias) y = add(y, bias);
  return [y, mu, inv].slice(0, Math.max(c.outputCount, 1));
}

/** Cast: to FLOAT or DOUBLE keeps the gradient; to an integer type truncates (no gradient), to BOOL tests ≠ 0. */
function onnxCast(c: OpContext): Tensor {
  const x = c.input(0), to = c.attrs.int("to");
  if (to === DT.FLOAT) return cast(x, "float32");
  if (to === DT.DOUBLE) return cast(x, "float64");
  if (to === DT.INT64 || to === DT.INT32) return integers(Array.from(x.data, Math.trunc), x.shape.slice());
  if (to === DT.BOOL) return integers(Array.from(x.data, (v) => (v !== 0 ? 1 : 0)), x.shape.slice());
  throw c.unsupported(`Cast to ${onnxTypeName(to ?? 0)} is not supported (FLOAT, DOUBLE, INT64, INT32, BOOL are)`);
}

/** Constant: the value attribute (a tensor), or value_float(s) / value_int(s). */
function onnxConstant(c: OpContext): Tensor {
  const t = c.attrs.tensor("value");
  if (t) return tensorFromProto(t);
  if (c.attrs.has("value_float")) return tensor(c.attrs.float("value_float", 0));
  if (c.attrs.has("value_floats")) return tensor(c.attrs.floats("value_floats")!);
  if (c.attrs.has("value_int")) return integers([c.attrs.int("value_int", 0)], []);
  if (c.attrs.has("value_ints")) return integers(c.attrs.ints("value_ints")!);
  throw c.unsupported("Constant needs one of the attributes value, value_float(s), value_int(s) (sparse_value and strings are not supported)");
}

/** Shape: the input's shape (optionally [start, end)) as integers. */
function onnxShape(c: OpContext): Tensor {
  const shape = c.input(0).shape;
  const r = shape.length;
  const at = (v: number) => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
  return integers(shape.slice(at(c.attrs.int("start", 0)), at(c.attrs.int("end", r))));
}

function onnxDropout(c: OpContext): Tensor {
  if (c.outputCount > 1) throw c.unsupported("Dropout's mask output is not supported");
  return c.input(0); // inference: the identity (an exported model is evaluated, not trained, by its graph)
}

function onnxGelu(c: OpContext): Tensor {
  const approximate = c.attrs.string("approximate", "none");
  if (approximate !== "none" && approximate !== "tanh") throw c.unsupported(`approximate "${approximate}" is not one of none, tanh`);
  return gelu(c.input(0), { approximate });
}

/** ONNX op type → how to run it. Keys are the names the error for an unknown op lists. */
export const OPS: Record<string, OpSpec> = {
  Abs: unary(abs), Neg: unary(neg), Exp: unary(exp), Log: unary(log), Sqrt: unary(sqrt), Erf: unary(erf),
  Sin: unary(sin), Cos: unary(cos), Sign: unary(sign), Relu: unary((x) => relu(x)), Sigmoid: unary(sigmoid), Tanh: unary(tanh),
  Softplus: unary((x) => softplus(x)), Identity: unary((x) => x),
  LeakyRelu: { run: (c) => leakyRelu(c.input(0), c.attrs.float("alpha", 0.01)) },
  Elu: { run: (c) => elu(c.input(0), c.attrs.float("alpha", 1)) },
  Gelu: { run: onnxGelu },
  Add: binary(add), Sub: binary(sub), Mul: binary(mul), Div: binary(div), Pow: binary(pow),
  Max: variadic(maximum), Min: variadic(minimum), Sum: variadic(add),
  Equal: binary(eq), Less: binary(lt), Greater: binary(gt),
  Where: { run: (c) => where(c.input(0), c.input(1), c.input(2)) },
  MatMul: binary((a, b) => matmul(a, b)),
  Gemm: { run: onnxGemm },
  Clip: { run: onnxClip, fixed: [1, 2] },
  Reshape: { run: onnxReshape, fixed: [1] },
  Flatten: { run: onnxFlatten },
  Transpose: { run: onnxTranspose },
  Expand: { run: onnxExpand, fixed: [1] },
  Squeeze: { run: onnxSqueeze, fixed: [1] },
  Unsqueeze: { run: onnxUnsqueeze, fixed: [1] },
  Concat: { run: onnxConcat },
  Slice: { run: onnxSlice, fixed: [1, 2, 3, 4] },
  Gather: { run: onnxGather, fixed: [1] },
  GatherElements: { run: onnxGatherElements, fixed: [1] },
  Pad: { run: onnxPad, fixed: [1, 2, 3] },
  ReduceSum: reduce((x, a, k) => sum(x, a, k), 13),
  ReduceMean: reduce((x, a, k) => mean(x, a, k), 18),
  ReduceMax: reduce((x, a, k) => max(x, a, k), 18),
  ReduceMin: reduce((x, a, k) => min(x, a, k), 18),
  ReduceLogSumExp: reduce((x, a, k) => logSumExp(x, a, k), 18),
  Softmax: along(softmax), LogSoftmax: along(logSoftmax),
  Conv: { run: onnxConv },
  MaxPool: { run: onnxMaxPool },
  AveragePool: { run: onnxAveragePool },
  GlobalAveragePool: { run: (c) => mean(c.input(0), c.input(0).shape.slice(2).map((_, i) => i + 2), true) },
  BatchNormalization: { run: onnxBatchNorm, fixed: [3, 4] },
  LayerNormalization: { run: onnxLayerNorm },
  Dropout: { run: onnxDropout, fixed: [1, 2] },
  Cast: { run: onnxCast },
  Constant: { run: onnxConstant },
  Shape: { run: onnxShape },
};
