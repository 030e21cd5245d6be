/**
 * Shape ops. reshape, squeeze and unsqueeze keep the same row-major data, so they share storage
 * (and the in-place version counter) with their input; transpose moves data.
 */
import { quote } from "../quote.js";
import { kernels } from "../kernels/index.js";
import { record } from "../autograd/node.js";
import { fmt, inferReshape, normalizeAxes, normalizeAxis, sameShape } from "../shape.js";
import { Tensor } from "../tensor.js";
import { checkTensor, output } from "./helpers.js";

/** The same data seen with another shape of the same size, recorded under `op`. */
function view(op: string, x: Tensor, shape: number[]): Tensor {
  const out = new Tensor(x.data, shape, { version: x._version });
  return record(out, { op, rule: `dx = reshape(g, ${fmt(x.shape)})`, inputs: [x], backward: (g) => [reshape(g, x.shape)] });
}

/** The same values in a new shape; one -1 entry is inferred. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor("reshape", x);
  const target = inferReshape("reshape", x.shape, shape);
  if (sameShape(target, x.shape)) return x;
  return view("reshape", x, target);
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
  return record(out, { op: "transpose", rule: `dx = transpose(g, ${a}, ${b})`, inputs: [x], backward: (g) => [transpose(g, a, b)] });
}

/** Remove axes of size 1: all of them, or the given ones (an axis whose size is not 1 is left alone, as PyTorch). */
export function squeeze(x: Tensor, axis?: number | number[]): Tensor {
  checkTensor("squeeze", x);
  const axes = normalizeAxes("squeeze", axis, x.ndim);
  const shape = x.shape.filter((d, i) => !(d === 1 && axes.includes(i)));
  return shape.length === x.ndim ? x : view("squeeze", x, shape);
}

/** Insert an axis of size 1 at `axis` (−ndim−1 ≤ axis ≤ ndim). */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  checkTensor("unsqueeze", x);
  if (typeof axis !== "number") throw new Error(`unsqueeze: axis must be a number, got ${quote(axis)}`);
  const a = normalizeAxis("unsqueeze", axis, x.ndim + 1);
  const shape = x.shape.slice();
  shape.splice(a, 0, 1);
  return view("unsqueeze", x, shape);
}
