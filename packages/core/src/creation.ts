/**
 * Making tensors: from JavaScript values, filled, ranges and random.
 */
import { allocate, checkDType, DEFAULT_DTYPE, dtypeOf, type DType, type FloatArray } from "./dtype.js";
import { checkOptions } from "./options.js";
import { random, randomNormal } from "./random.js";
import { checkShape, fmt, sizeOf } from "./shape.js";
import { Tensor, type NestedArray } from "./tensor.js";

export interface TensorOptions {
  shape?: number[];
  dtype?: DType;
  requiresGrad?: boolean;
  name?: string;
}
export type CreateOptions = Omit<TensorOptions, "shape">;

const TENSOR_KEYS = ["shape", "dtype", "requiresGrad", "name"];
const CREATE_KEYS = ["dtype", "requiresGrad", "name"];

function finish(op: string, data: FloatArray, shape: number[], opts: TensorOptions): Tensor {
  if (opts.requiresGrad !== undefined && typeof opts.requiresGrad !== "boolean") {
    throw new Error(`${op}: requiresGrad must be a boolean, got ${JSON.stringify(opts.requiresGrad)}`);
  }
  if (opts.name !== undefined && typeof opts.name !== "string") {
    throw new Error(`${op}: name must be a string, got ${JSON.stringify(opts.name)}`);
  }
  return new Tensor(data, shape, { requiresGrad: opts.requiresGrad ?? false, ...(opts.name !== undefined && { name: opts.name }) });
}

/** Infer the shape of nested arrays, rejecting ragged ones and non-numbers with the path of the culprit. */
function inferShape(values: NestedArray): number[] {
  const shape: number[] = [];
  let v: NestedArray = values;
  while (Array.isArray(v)) {
    shape.push(v.length);
    v = v[0];
    if (v === undefined) break;
  }
  const check = (x: NestedArray, depth: number, path: number[]): void => {
    const where = path.length ? ` at [${path.join("][")}]` : "";
    if (depth === shape.length) {
      if (typeof x !== "number") throw new Error(`tensor: expected a number${where}, got ${Array.isArray(x) ? "an array" : JSON.stringify(x)} (ragged or non-numeric nested array)`);
      return;
    }
    if (!Array.isArray(x)) throw new Error(`tensor: ragged nested array: expected an array of length ${shape[depth]}${where}, got ${JSON.stringify(x)}`);
    if (x.length !== shape[depth]) {
      throw new Error(`tensor: ragged nested array: expected length ${shape[depth]}${where} (as the first row at that depth), got ${x.length}`);
    }
    x.forEach((y, i) => check(y, depth + 1, [...path, i]));
  };
  check(values, 0, []);
  return shape;
}

function flatten(values: NestedArray, out: FloatArray): void {
  let i = 0;
  const walk = (v: NestedArray): void => {
    if (Array.isArray(v)) for (const x of v) walk(x);
    else out[i++] = v;
  };
  walk(values);
}

/**
 * A tensor from a number (0-d), nested arrays, or a Float32Array/Float64Array (copied; its dtype is
 * kept unless `dtype` says otherwise; `shape` reshapes it, default 1-D).
 */
export function tensor(values: NestedArray | Float32Array | Float64Array, opts?: TensorOptions): Tensor {
  const o = checkOptions("tensor", opts, TENSOR_KEYS);
  const explicit = o.dtype === undefined ? undefined : checkDType("tensor", o.dtype);
  if (values instanceof Float32Array || values instanceof Float64Array) {
    const dtype = explicit ?? dtypeOf(values);
    const shape = o.shape === undefined ? [values.length] : checkShape("tensor", o.shape);
    if (sizeOf(shape) !== values.length) {
      throw new Error(`tensor: shape ${fmt(shape)} needs ${sizeOf(shape)} values, but the typed array holds ${values.length}`);
    }
    const data = allocate(dtype, values.length);
    data.set(values);
    return finish("tensor", data, shape, o);
  }
  if (typeof values !== "number" && !Array.isArray(values)) {
    throw new Error(`tensor: expected a number, nested number arrays or a Float32Array/Float64Array, got ${values === null ? "null" : typeof values}`);
  }
  const inferred = inferShape(values);
  const dtype = explicit ?? DEFAULT_DTYPE;
  const data = allocate(dtype, sizeOf(inferred));
  flatten(values, data);
  let shape = inferred;
  if (o.shape !== undefined) {
    shape = checkShape("tensor", o.shape);
    if (sizeOf(shape) !== data.length) {
      throw new Error(`tensor: shape ${fmt(shape)} needs ${sizeOf(shape)} values, but the input has ${data.length} (shape ${fmt(inferred)})`);
    }
  }
  return finish("tensor", data, shape, o);
}

function filled(op: string, shape: number[], opts: CreateOptions | undefined, fill: (data: FloatArray) => void): Tensor {
  const o = checkOptions(op, opts, CREATE_KEYS);
  const s = checkShape(op, shape);
  const data = allocate(o.dtype === undefined ? DEFAULT_DTYPE : checkDType(op, o.dtype), sizeOf(s));
  fill(data);
  return finish(op, data, s, o);
}

export function zeros(shape: number[], opts?: CreateOptions): Tensor {
  return filled("zeros", shape, opts, () => {});
}

export function ones(shape: number[], opts?: CreateOptions): Tensor {
  return filled("ones", shape, opts, (d) => d.fill(1));
}

export function full(shape: number[], value: number, opts?: CreateOptions): Tensor {
  if (typeof value !== "number") throw new Error(`full: value must be a number, got ${typeof value}`);
  return filled("full", shape, opts, (d) => d.fill(value));
}

/** 0, 1, …, n−1. */
export function arange(n: number, opts?: CreateOptions): Tensor {
  if (!Number.isInteger(n) || n < 0) throw new Error(`arange: n must be a non-negative integer, got ${n}`);
  return filled("arange", [n], opts, (d) => { for (let i = 0; i < n; i++) d[i] = i; });
}

/** Uniform on [0, 1), from the seeded global generator. */
export function rand(shape: number[], opts?: CreateOptions): Tensor {
  return filled("rand", shape, opts, (d) => {
    // float32 gets 24-bit values: rounding a 53-bit draw to float32 could give exactly 1.
    if (d instanceof Float32Array) for (let i = 0; i < d.length; i++) d[i] = Math.floor(random() * 16777216) / 16777216;
    else for (let i = 0; i < d.length; i++) d[i] = random();
  });
}

/** Standard normal, from the seeded global generator. */
export function randn(shape: number[], opts?: CreateOptions): Tensor {
  return filled("randn", shape, opts, (d) => { for (let i = 0; i < d.length; i++) d[i] = randomNormal(); });
}

/** @internal a 0-d tensor of `dtype`: how plain-number operands enter an op ("weak" scalars). */
export function scalar(value: number, dtype: DType): Tensor {
  const data = allocate(dtype, 1);
  data[0] = value;
  return new Tensor(data, []);
}
