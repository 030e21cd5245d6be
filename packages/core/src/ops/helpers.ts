/**
 * Small helpers shared by the op files: checking arguments, turning plain numbers into weak
 * scalars, and allocating outputs.
 */
import { quote } from "../quote.js";
import { allocate, promote, type DType } from "../dtype.js";
import { scalar } from "../creation.js";
import { Tensor } from "../tensor.js";

/** What elementwise ops accept: a tensor, or a plain number that takes the other side's dtype. */
export type Operand = Tensor | number;

export function checkTensor(op: string, x: unknown, what = "input"): Tensor {
  if (!(x instanceof Tensor)) {
    throw new Error(`${op}: ${what} must be a Tensor, got ${x === null ? "null" : Array.isArray(x) ? "an array (wrap it with tensor())" : typeof x}`);
  }
  return x;
}

function checkOperand(op: string, x: unknown, what: string): void {
  if (!(x instanceof Tensor) && typeof x !== "number") {
    throw new Error(`${op}: ${what} must be a Tensor or a number, got ${x === null ? "null" : Array.isArray(x) ? "an array (wrap it with tensor())" : typeof x}`);
  }
}

/** Both operands as tensors; a number becomes a 0-d tensor of the other operand's dtype. */
export function operands(op: string, a: Operand, b: Operand): [Tensor, Tensor] {
  checkOperand(op, a, "first operand");
  checkOperand(op, b, "second operand");
  if (a instanceof Tensor && b instanceof Tensor) return [a, b];
  if (a instanceof Tensor) return [a, scalar(b as number, a.dtype)];
  if (b instanceof Tensor) return [scalar(a, b.dtype), b];
  return [scalar(a, "float32"), scalar(b as number, "float32")];
}

/** A new tensor of the given dtype and shape, filled by `fill`. */
export function output(dtype: DType, shape: readonly number[], size: number, fill: (data: Float32Array | Float64Array) => void): Tensor {
  const data = allocate(dtype, size);
  fill(data);
  return new Tensor(data, shape);
}

export function resultDType(...ts: Tensor[]): DType {
  return ts.reduce<DType>((d, t) => promote(d, t.dtype), "float32");
}

/** Accept `(axis, keepDims)` or `({ axis, keepDims })` for reductions. */
export interface ReduceOptions {
  axis?: number | number[];
  keepDims?: boolean;
}
export type AxisArg = number | number[] | ReduceOptions | undefined;

export function reduceArgs(op: string, axis: AxisArg, keepDims: boolean | undefined): { axis: number | number[] | undefined; keepDims: boolean } {
  if (axis !== undefined && typeof axis === "object" && !Array.isArray(axis)) {
    for (const k of Object.keys(axis)) {
      if (k !== "axis" && k !== "keepDims") throw new Error(`${op}: unknown option ${quote(k)}; expected one of: axis, keepDims`);
    }
    return reduceArgs(op, axis.axis, axis.keepDims);
  }
  if (keepDims !== undefined && typeof keepDims !== "boolean") throw new Error(`${op}: keepDims must be a boolean, got ${quote(keepDims)}`);
  if (axis !== undefined && typeof axis !== "number" && !Array.isArray(axis)) {
    throw new Error(`${op}: axis must be a number, an array of numbers or omitted, got ${quote(axis)}`);
  }
  return { axis, keepDims: keepDims ?? false };
}
