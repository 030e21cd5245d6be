/**
 * Shapes, strides and broadcasting. Every shape error in the framework is made here, so the
 * messages read the same everywhere: they name the op, the shapes and what was expected.
 */
import { quote } from "./quote.js";

export type Shape = readonly number[];

export function fmt(shape: Shape): string {
  return `[${shape.join(", ")}]`;
}

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Row-major strides: the step in the flat array for one step along each axis. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** The most dimensions a tensor may have (as PyTorch's CPU tensors). */
export const MAX_DIMS = 64;
/** The most elements a tensor may hold: the longest typed array JavaScript engines make (2³²). */
export const MAX_SIZE = 2 ** 32;

/** A valid shape (a copy), or an error naming the op: whole sizes ≥ 0, at most MAX_DIMS of them and MAX_SIZE elements. */
export function checkShape(op: string, shape: unknown): number[] {
  if (!Array.isArray(shape)) throw new Error(`${op}: shape must be an array of non-negative integers, got ${quote(shape)}`);
  if (shape.length > MAX_DIMS) throw new Error(`${op}: a shape has at most ${MAX_DIMS} dimensions, got ${shape.length}`);
  for (let i = 0; i < shape.length; i++) {
    const d: unknown = shape[i];
    if (!Number.isInteger(d) || (d as number) < 0) {
      throw new Error(`${op}: shape must be an array of non-negative integers, got ${quote(shape)} (dimension ${i} is ${quote(d)})`);
    }
  }
  const size = sizeOf(shape);
  if (size > MAX_SIZE) {
    throw new Error(`${op}: shape ${fmt(shape)} has ${size} elements; a tensor holds at most 2^32 (${MAX_SIZE})`);
  }
  return shape.slice();
}

/** NumPy broadcasting: align from the right; each pair of sizes must be equal or contain a 1. */
export function broadcastShapes(op: string, ...shapes: Shape[]): number[] {
  const ndim = Math.max(...shapes.map((s) => s.length));
  const out = new Array<number>(ndim).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const o = ndim - s.length + i;
      const d = s[i];
      if (d === out[o] || d === 1) continue;
      if (out[o] === 1) out[o] = d;
      else {
        throw new Error(
          `${op}: shapes ${shapes.map(fmt).join(" and ")} cannot be broadcast together ` +
            `(axis ${o - ndim} has sizes ${out[o]} and ${d}; each pair must be equal or 1)`,
        );
      }
    }
  }
  return out;
}

/** Resolve one possibly negative axis against ndim. */
export function normalizeAxis(op: string, axis: number, ndim: number): number {
  // A 0-d tensor accepts axis 0 and -1, as PyTorch (it is treated as having one axis of size 1).
  const n = Math.max(ndim, 1);
  if (!Number.isInteger(axis) || axis < -n || axis >= n) {
    throw new Error(`${op}: axis ${axis} is out of range for a tensor with ${ndim} dimension(s) (valid: ${-n}..${n - 1})`);
  }
  return axis < 0 ? axis + n : axis;
}

/** Resolve `axis` (number, array or none = all) to sorted, unique, non-negative axes. */
export function normalizeAxes(op: string, axis: number | readonly number[] | undefined, ndim: number): number[] {
  if (axis === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof axis === "number" ? [axis] : [...axis];
  const axes = list.map((a) => normalizeAxis(op, a, ndim));
  if (new Set(axes).size !== axes.length) throw new Error(`${op}: axis ${quote(axis)} repeats an axis`);
  return axes.sort((a, b) => a - b);
}

/** The shape after reducing `axes`, keeping them as 1s when keepDims. */
export function reducedShape(shape: Shape, axes: readonly number[], keepDims: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepDims) out.push(1);
  });
  return out;
}

/**
 * Resolve a reshape target with at most one -1 (`op` is reshape, view or another name for the
 * error messages, which say why the shape does not fit).
 */
export function inferReshape(op: string, from: Shape, to: readonly number[]): number[] {
  if (!Array.isArray(to) || to.some((d) => !Number.isInteger(d) || d < -1)) {
    throw new Error(`${op}: target shape must be integers ≥ 0 (one -1 allowed), got ${quote(to)}`);
  }
  const size = sizeOf(from);
  const unknown = to.filter((d) => d === -1).length;
  if (unknown > 1) throw new Error(`${op}: only one -1 is allowed in the target shape, got ${fmt(to)}`);
  const known = to.reduce((p, d) => (d === -1 ? p : p * d), 1);
  const what = `${op}: cannot ${op === "view" ? "view" : "reshape"} a tensor of shape ${fmt(from)} (${size} elements) ${op === "view" ? "as" : "into"} ${fmt(to)}`;
  if (unknown === 1) {
    if (known === 0) throw new Error(`${what}: the other sizes multiply to 0, so the -1 could be any size`);
    if (size % known !== 0) throw new Error(`${what}: ${size} is not a multiple of ${known}, the product of the other sizes, so no size fits the -1`);
    return to.map((d) => (d === -1 ? size / known : d));
  }
  if (known !== size) throw new Error(`${what} (${known} elements): the number of elements must stay the same`);
  return to.slice();
}
