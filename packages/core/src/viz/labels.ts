/**
 * What the teaching views (toDot, formatBackward) print for a tensor: its handle (name or id),
 * and its numbers. Pure string helpers (an input's letter is its op's inputNames, see OpRecord).
 */
import type { Tensor } from "../tensor.js";

/**
 * One number for a person: at most `digits` decimals with trailing zeros dropped (138.83381 →
 * "138.8338", 16 → "16", 0.1f → "0.1"); exponent notation where decimals would hide it
 * (|v| ≥ 1e6, or below 1e-3 and not 0).
 */
export function formatNumber(v: number, digits = 4): string {
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (v === 0) return "0"; // also −0
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-3) {
    const [mantissa, exponent] = v.toExponential(Math.max(digits - 1, 0)).split("e");
    return `${trimZeros(mantissa)}e${exponent.replace("+", "")}`;
  }
  const fixed = trimZeros(v.toFixed(digits));
  return fixed === "-0" ? "0" : fixed;
}

const trimZeros = (s: string) => (s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s);

/** "[2, 3]" */
export const shapeText = (shape: readonly number[]) => `[${shape.join(", ")}]`;

/**
 * The first `max` values, flat: "16" for a 0-d tensor, "[1, 2, 3]", or "[1, 2, … (20)]" when
 * the tensor holds more than `max`.
 */
export function flatValues(t: Tensor, max: number, digits: number): string {
  const shown = Array.from(t.data.subarray(0, Math.min(t.size, max)), (x) => formatNumber(x, digits));
  if (t.ndim === 0) return shown[0];
  return `[${shown.join(", ")}${t.size > max ? `, … (${t.size})` : ""}]`;
}

/**
 * A compact summary: one element → the number alone; up to `max` elements → the shape and the
 * values nested by rows ("[2, 2] [[1, 2], [3, 4]]"); more → the shape, the first `max` values
 * in row-major order and how many were left out ("[4, 5] [0.1, 0.2, … +18 more]").
 */
export function summary(t: Tensor, max: number, digits: number): string {
  if (t.size === 1) return formatNumber(t.data[0], digits);
  const shape = shapeText(t.shape);
  if (t.size <= max) return `${shape} ${nested(t, digits)}`;
  const shown = Array.from(t.data.subarray(0, max), (x) => formatNumber(x, digits));
  return `${shape} [${shown.join(", ")}${shown.length ? ", " : ""}… +${t.size - shown.length} more]`;
}

function nested(t: Tensor, digits: number): string {
  const { data, shape } = t;
  const build = (axis: number, offset: number, span: number): string => {
    const n = shape[axis];
    const inner = n === 0 ? 0 : span / n;
    const parts: string[] = [];
    for (let i = 0; i < n; i++) {
      parts.push(axis === shape.length - 1 ? formatNumber(data[offset + i], digits) : build(axis + 1, offset + i * inner, inner));
    }
    return `[${parts.join(", ")}]`;
  };
  return build(0, 0, t.size);
}

/** The name a person knows a tensor by: its `name`, or `t<id>` (the id toDot uses for its node). */
export const handle = (t: Tensor): string => t.name ?? `t${t.id}`;

/**
 * An unnamed one-element constant (the 2 of `f/2`, a weak scalar operand): the number says more
 * than an id, so the teaching views call it by its value.
 */
export const isNumberConstant = (t: Tensor): boolean => t.name === undefined && t.isLeaf && !t.requiresGrad && t.size === 1;

/**
 * How the teaching views (toDot with `ids`, formatBackward) call a tensor: its name, its value for
 * an unnamed one-element constant (`2`), else `t<id>`.
 */
export const label = (t: Tensor, digits = 4): string => (isNumberConstant(t) ? formatNumber(t.data[0], digits) : handle(t));

/**
 * Shape and dtype where they say something: "" for a scalar float64 (the common case of the
 * examples, micrograd's Python floats), else e.g. "[] float32" or "[2, 3] float64".
 */
export const typeText = (t: Tensor): string => (t.ndim === 0 && t.dtype === "float64" ? "" : `${shapeText(t.shape)} ${t.dtype}`);
