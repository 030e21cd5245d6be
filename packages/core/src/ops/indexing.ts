/**
 * Taking parts of tensors and putting them together: slice, gather, concat, stack.
 * Each has an adjoint that puts a gradient back where the values came from (pad for slice,
 * scatterAdd for gather); the adjoints are ops too, so higher-order gradients work.
 */
import { allocate } from "../dtype.js";
import { kernels } from "../kernels/index.js";
import { quote } from "../quote.js";
import { record, subscripted } from "../autograd/node.js";
import { fmt, normalizeAxis, sizeOf } from "../shape.js";
import { Tensor, type NestedArray } from "../tensor.js";
import { tensor } from "../creation.js";
import { cast } from "./broadcast.js";
import { checkTensor, output, resultDType } from "./helpers.js";
import { unsqueeze } from "./shape.js";

/** Resolve Python-style (negative, clamped) bounds per axis; missing axes are taken whole. */
function sliceBounds(op: string, shape: readonly number[], starts: readonly number[], ends: readonly number[]) {
  if (!Array.isArray(starts) || !Array.isArray(ends)) throw new Error(`${op}: starts and ends must be arrays of integers`);
  if (starts.length > shape.length || ends.length > shape.length) {
    throw new Error(`${op}: got ${starts.length} starts and ${ends.length} ends for a tensor of shape ${fmt(shape)} (at most one per axis)`);
  }
  const lo: number[] = [], size: number[] = [];
  shape.forEach((d, i) => {
    const s = starts[i] ?? 0, e = ends[i] ?? d;
    if (!Number.isInteger(s) || !Number.isInteger(e)) throw new Error(`${op}: bounds must be integers, got start ${quote(s)} and end ${quote(e)} on axis ${i}`);
    const clampIdx = (v: number) => Math.min(Math.max(v < 0 ? v + d : v, 0), d);
    const a = clampIdx(s), b = clampIdx(e);
    lo.push(a);
    size.push(Math.max(b - a, 0));
  });
  return { lo, size };
}

/** x[starts[0]:ends[0], starts[1]:ends[1], …]; negative bounds count from the end, as in Python. */
export function slice(x: Tensor, starts: readonly number[], ends: readonly number[]): Tensor {
  checkTensor("slice", x);
  const { lo, size } = sliceBounds("slice", x.shape, starts, ends);
  const out = output(x.dtype, size, sizeOf(size), (d) => kernels().copyBlock(x.data, x.shape, lo, d, size, true));
  return record(out, {
    op: "slice", rule: "dx = g placed at the slice, 0 elsewhere", inputs: [x],
    attrs: { starts: lo, ends: lo.map((s, i) => s + size[i]) },
    backward: (g) => [pad(g, x.shape, lo)],
  });
}

/** The adjoint of slice: g written into zeros of `shape` at offset `lo`. */
function pad(g: Tensor, shape: readonly number[], lo: readonly number[]): Tensor {
  const out = output(g.dtype, shape, sizeOf(shape), (d) => kernels().copyBlock(d, shape, lo, g.data, g.shape, false));
  const hi = lo.map((s, i) => s + g.shape[i]);
  return record(out, { op: "pad", rule: "dx = g at the padded block", inputs: [g], attrs: { shape, offsets: lo }, backward: (gg) => [slice(gg, lo, hi)] });
}

/** [outer, n, inner] view of `shape` around `axis`. */
function around(shape: readonly number[], axis: number) {
  const outer = shape.slice(0, axis).reduce((p, d) => p * d, 1);
  const inner = shape.slice(axis + 1).reduce((p, d) => p * d, 1);
  return { outer, n: shape.length ? shape[axis] : 1, inner }; // a 0-d tensor is one element
}

/** Indices as a tensor, checked to be integers in [0, n) and shaped like x except along axis. */
function checkIndex(x: Tensor, axis: number, indices: Tensor | NestedArray | Int32Array): Tensor {
  const idx = indices instanceof Tensor ? indices
    : indices instanceof Int32Array ? tensor(Float64Array.from(indices), { dtype: "float64" })
    : tensor(indices as NestedArray, { dtype: "float64" });
  if (idx.ndim !== x.ndim || idx.shape.some((d, i) => i !== axis && d !== x.shape[i])) {
    throw new Error(`gather: indices of shape ${fmt(idx.shape)} must have the shape of the input ${fmt(x.shape)} except along axis ${axis}`);
  }
  const n = x.ndim ? x.shape[axis] : 1;
  for (let i = 0; i < idx.size; i++) {
    const v = idx.data[i];
    if (!Number.isInteger(v) || v < 0 || v >= n) {
      throw new Error(`gather: index ${v} (at flat position ${i}) is not an integer in [0, ${n}) for axis ${axis} of shape ${fmt(x.shape)}`);
    }
  }
  return idx;
}

/**
 * torch.gather: out[…, i, …] = x[…, indices[…, i, …], …] along `axis`. The indices have the
 * input's shape except along `axis`, where any length is allowed.
 */
export function gather(x: Tensor, axis: number, indices: Tensor | NestedArray | Int32Array): Tensor {
  checkTensor("gather", x);
  const ax = normalizeAxis("gather", axis, x.ndim);
  const idx = checkIndex(x, ax, indices);
  const { outer, n, inner } = around(x.shape, ax);
  const m = idx.ndim ? idx.shape[ax] : 1;
  const out = output(x.dtype, idx.shape, idx.size, (d) => kernels().gatherAxis(x.data, outer, n, inner, idx.data, m, d, false));
  return record(out, {
    // The indices are read again by backward, so they are saved: an in-place change is caught.
    op: "gather", rule: "dx = g added back at the gathered positions", inputs: [x], saved: [idx], attrs: { axis: ax },
    backward: (g) => [scatterAdd(g, x.shape, ax, idx)],
  });
}

/** The adjoint of gather: zeros of `shape`, with g added at the indexed positions. */
function scatterAdd(g: Tensor, shape: readonly number[], axis: number, idx: Tensor): Tensor {
  const { outer, n, inner } = around(shape, axis);
  const m = idx.ndim ? idx.shape[axis] : 1;
  const out = output(g.dtype, shape, sizeOf(shape), (d) => kernels().gatherAxis(d, outer, n, inner, idx.data, m, g.data, true));
  return record(out, { op: "scatterAdd", rule: "dg = gather(g′)", inputs: [g], saved: [idx], attrs: { axis }, backward: (gg) => [gather(gg, axis, idx)] });
}

function checkTensorList(op: string, list: unknown): Tensor[] {
  if (!Array.isArray(list) || list.length === 0) throw new Error(`${op}: expected a non-empty array of tensors`);
  return list.map((t, i) => checkTensor(op, t, `tensor ${i}`));
}

/** Join tensors along an existing axis; all other axes must match. */
export function concat(list: readonly Tensor[], axis = 0): Tensor {
  const tensors = checkTensorList("concat", list);
  const first = tensors[0];
  if (first.ndim === 0) throw new Error("concat: zero-dimensional tensors cannot be concatenated (they have no axis); use stack");
  const ax = normalizeAxis("concat", axis, first.ndim);
  tensors.forEach((t, i) => {
    if (t.ndim !== first.ndim || t.shape.some((d, j) => j !== ax && d !== first.shape[j])) {
      throw new Error(`concat: tensor ${i} has shape ${fmt(t.shape)}, which does not match ${fmt(first.shape)} outside axis ${ax}`);
    }
  });
  const shape = first.shape.slice();
  shape[ax] = tensors.reduce((p, t) => p + t.shape[ax], 0);
  const dtype = resultDType(...tensors);
  const data = allocate(dtype, sizeOf(shape));
  const offsets: number[] = [];
  let at = 0;
  for (const t of tensors) {
    offsets.push(at);
    const lo = shape.map((_, j) => (j === ax ? at : 0));
    // Pieces of another dtype are converted first, so the kernel copies like to like.
    kernels().copyBlock(data, shape, lo, t.dtype === dtype ? t.data : cast(t, dtype).data, t.shape, false);
    at += t.shape[ax];
  }
  return record(new Tensor(data, shape), {
    op: "concat", rule: "dxᵢ = the slice of g where xᵢ was placed", inputs: [...tensors], attrs: { axis: ax },
    inputNames: subscripted("x", tensors.length),
    backward: (g, needs) => tensors.map((t, i) => {
      if (!needs[i]) return null;
      const starts = shape.map((_, j) => (j === ax ? offsets[i] : 0));
      const ends = shape.map((d, j) => (j === ax ? offsets[i] + t.shape[ax] : d));
      return cast(slice(g, starts, ends), t.dtype);
    }),
  });
}

/** Join same-shaped tensors along a new axis. */
export function stack(list: readonly Tensor[], axis = 0): Tensor {
  const tensors = checkTensorList("stack", list);
  tensors.forEach((t, i) => {
    if (t.ndim !== tensors[0].ndim || t.shape.some((d, j) => d !== tensors[0].shape[j])) {
      throw new Error(`stack: all tensors must have the same shape; tensor ${i} has ${fmt(t.shape)}, tensor 0 has ${fmt(tensors[0].shape)}`);
    }
  });
  const ax = normalizeAxis("stack", axis, tensors[0].ndim + 1);
  return concat(tensors.map((t) => unsqueeze(t, ax)), ax);
}
