/**
 * Shape ops. reshape, view, flatten, squeeze and unsqueeze keep the same row-major data, so they
 * share storage (and the in-place version counter) with their input; transpose and permute move
 * data into a fresh tensor (PyTorch returns strided views for those; every tensor here is
 * contiguous, see view()).
 */
import { quote } from "../quote.js";
import { kernels } from "../kernels/index.js";
import { record } from "../autograd/node.js";
import { fmt, inferReshape, normalizeAxes, normalizeAxis, sameShape } from "../shape.js";
import { Tensor } from "../tensor.js";
import { checkTensor, output } from "./helpers.js";

/** The same data seen with another shape of the same size, recorded under `op`. */
function alias(op: string, x: Tensor, shape: number[]): Tensor {
  const out = new Tensor(x.data, shape, { version: x._version });
  return record(out, { op, rule: `dx = reshape(g, ${fmt(x.shape)})`, inputs: [x], backward: (g) => [reshape(g, x.shape)] });
}

/** The same values in a new shape; one -1 entry is inferred. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor("reshape", x);
  const target = inferReshape("reshape", x.shape, shape);
  if (sameShape(target, x.shape)) return x;
  return alias("reshape", x, target);
}

/**
 * The same data in a new shape, always sharing x's storage and version counter (as torch.view):
 * a new tensor even when the shape does not change. One -1 entry is inferred.
 *
 * PyTorch's view fails when the input's strides cannot be re-read with the new shape (after a
 * transpose, say) and asks for reshape. Here every tensor is contiguous and row-major —
 * transpose and permute copy — so any shape with as many elements can be viewed: view fails
 * exactly where reshape does (a different element count, more than one -1, a -1 it cannot infer),
 * with the same message named for view. `x.T.view(…)` therefore works here, sharing storage with
 * the transposed copy, where PyTorch raises and asks for reshape.
 */
export function view(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor("view", x);
  return alias("view", x, inferReshape("view", x.shape, shape));
}

/**
 * Merge the axes startDim..endDim (inclusive; negative counts from the end) into one, sharing
 * storage as reshape does: flatten() of [2, 3, 4] is [24], flatten(1) is [2, 12]. A 0-d tensor
 * becomes [1], as PyTorch's.
 */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  checkTensor("flatten", x);
  const n = Math.max(x.ndim, 1);
  const a = normalizeAxis("flatten", startDim, n), b = normalizeAxis("flatten", endDim, n);
  if (a > b) {
    throw new Error(`flatten: startDim ${startDim} (axis ${a}) comes after endDim ${endDim} (axis ${b}) for shape ${fmt(x.shape)}; flatten merges startDim..endDim`);
  }
  if (x.ndim === 0) return alias("flatten", x, [1]);
  if (a === b) return x;
  const merged = x.shape.slice(a, b + 1).reduce((p, d) => p * d, 1);
  return alias("flatten", x, [...x.shape.slice(0, a), merged, ...x.shape.slice(b + 1)]);
}

/**
 * The axes reordered: axis i of the result is axis dims[i] of x (dims a permutation of
 * 0..ndim−1, negatives counting from the end), as torch.permute. A copy here (PyTorch returns a
 * strided view); the gradient is permuted back by the inverse permutation.
 */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  checkTensor("permute", x);
  if (!Array.isArray(dims)) throw new Error(`permute: dims must be an array of axes, got ${quote(dims)} (input shape ${fmt(x.shape)})`);
  if (dims.length !== x.ndim) {
    throw new Error(`permute: dims ${quote(dims)} has ${dims.length} entries, but the input has ${x.ndim} dimension(s) (shape ${fmt(x.shape)}); give each axis once`);
  }
  dims.forEach((d: unknown, i) => {
    if (!Number.isInteger(d)) throw new Error(`permute: dims[${i}] must be an integer axis, got ${quote(d)} (shape ${fmt(x.shape)})`);
  });
  const perm = dims.map((d) => normalizeAxis("permute", d, x.ndim));
  if (new Set(perm).size !== perm.length) throw new Error(`permute: dims ${quote(dims)} repeats an axis (shape ${fmt(x.shape)}); give each axis once`);
  if (perm.every((p, i) => p === i)) return x;
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => { inverse[p] = i; });
  const shape = perm.map((p) => x.shape[p]);
  const out = output(x.dtype, shape, x.size, (d) => kernels().permute(x.data, x.shape, perm, d));
  return record(out, { op: "permute", rule: `dx = permute(g, ${fmt(inverse)})`, inputs: [x], attrs: { dims: perm }, backward: (g) => [permute(g, inverse)] });
}

/** Swap two axes (default: the last two). */
export function transpose(x: Tensor, dim0 = -2, dim1 = -1): Tensor {
  checkTensor("transpose", x);
  if (x.ndim < 2 && (dim0 === -2 || dim1 === -2)) {
    throw new Error(`transpose: needs at least 2 dimensions for the default axes (-2, -1), got shape ${fmt(x.shape)}`);
  }
  const a = normalizeAxis("transpose", dim0, x.ndim), b = normalizeAxis("transpose", dim1, x.ndim);
  if (a === b) return x;
  const perm = x.shape.map((_, i) => i);
  [perm[a], perm[b]] = [perm[b], perm[a]];
  const shape = perm.map((p) => x.shape[p]);
  const out = output(x.dtype, shape, x.size, (d) => kernels().permute(x.data, x.shape, perm, d));
  return record(out, { op: "transpose", rule: `dx = transpose(g, ${a}, ${b})`, inputs: [x], attrs: { dim0: a, dim1: b }, backward: (g) => [transpose(g, a, b)] });
}

/** Remove axes of size 1: all of them, or the given ones (an axis whose size is not 1 is left alone, as PyTorch). */
export function squeeze(x: Tensor, axis?: number | number[]): Tensor {
  checkTensor("squeeze", x);
  const axes = normalizeAxes("squeeze", axis, x.ndim);
  const shape = x.shape.filter((d, i) => !(d === 1 && axes.includes(i)));
  return shape.length === x.ndim ? x : alias("squeeze", x, shape);
}

/** Insert an axis of size 1 at `axis` (−ndim−1 ≤ axis ≤ ndim). */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  checkTensor("unsqueeze", x);
  if (typeof axis !== "number") throw new Error(`unsqueeze: axis must be a number, got ${quote(axis)}`);
  const a = normalizeAxis("unsqueeze", axis, x.ndim + 1);
  const shape = x.shape.slice();
  shape.splice(a, 0, 1);
  return alias("unsqueeze", x, shape);
}

/** The number of elements (the product of the shape; 1 for a 0-d tensor), as torch.numel. */
export function numel(x: Tensor): number {
  return checkTensor("numel", x).size;
}
