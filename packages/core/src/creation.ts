/**
 * Making tensors: from JavaScript values, filled, ranges and random.
 */
import { allocate, checkDType, DEFAULT_DTYPE, dtypeOf, type DType, type FloatArray } from "./dtype.js";
import { checkOptions } from "./options.js";
import { quote } from "./quote.js";
import { random, randomNormal, readRng, writeRng } from "./random.js";
import { checkShape, fmt, MAX_DIMS, MAX_SIZE, sizeOf } from "./shape.js";
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
    throw new Error(`${op}: requiresGrad must be a boolean, got ${quote(opts.requiresGrad)}`);
  }
  if (opts.name !== undefined && typeof opts.name !== "string") {
    throw new Error(`${op}: name must be a string, got ${quote(opts.name)}`);
  }
  return new Tensor(data, shape, { requiresGrad: opts.requiresGrad ?? false, ...(opts.name !== undefined && { name: opts.name }) });
}

/**
 * The shape of nested arrays, from their first elements; then every element is checked against
 * it, so a ragged array, a non-number or an empty slot (`[1, , 3]`, `new Array(3)`) is an error
 * naming where it is. The walk keeps its own stack rather than recursing, so depth costs no call
 * stack; nesting deeper than MAX_DIMS is an error before anything is walked.
 */
function inferShape(values: NestedArray): number[] {
  const shape: number[] = [];
  for (let v: NestedArray = values; Array.isArray(v); v = v[0]) {
    if (shape.length === MAX_DIMS) throw new Error(`tensor: nested arrays more than ${MAX_DIMS} levels deep; a tensor has at most ${MAX_DIMS} dimensions`);
    shape.push(v.length);
    if (v.length === 0) break;
  }
  checkShape("tensor", shape);
  const at = (path: number[]) => (path.length ? ` at [${path.join("][")}]` : "");
  const checkArray = (x: NestedArray, depth: number, path: () => number[]): void => {
    if (!Array.isArray(x)) throw new Error(`tensor: ragged nested array: expected an array of length ${shape[depth]}${at(path())}, got ${quote(x)}`);
    if (x.length !== shape[depth]) {
      throw new Error(`tensor: ragged nested array: expected length ${shape[depth]}${at(path())} (as the first row at that depth), got ${x.length}`);
    }
    // `in` tells an empty slot from an element that is undefined: both are errors, named apart.
    for (let i = 0; i < x.length; i++) {
      if (!(i in x)) throw new Error(`tensor: empty slot${at([...path(), i])} (a sparse array such as [1, , 3] or new Array(n)); every element must be a number`);
    }
  };
  if (shape.length === 0) return shape; // a plain number
  checkArray(values, 0, () => []);
  // Depth-first over the arrays on the current path (arrays[d], next index[d]): no recursion, and
  // a path is only spelt out for an error message.
  const arrays: NestedArray[][] = [values as NestedArray[]];
  const index: number[] = [0];
  const pathTo = (d: number, i: number) => [...index.slice(0, d).map((next) => next - 1), i];
  while (arrays.length) {
    const d = arrays.length - 1, a = arrays[d];
    if (d === shape.length - 1) { // the innermost arrays hold the numbers
      for (let i = 0; i < a.length; i++) {
        if (typeof a[i] !== "number") {
          const x = a[i];
          throw new Error(`tensor: expected a number${at(pathTo(d, i))}, got ${Array.isArray(x) ? "an array" : quote(x)} (ragged or non-numeric nested array)`);
        }
      }
      arrays.pop();
      index.pop();
      continue;
    }
    const i = index[d];
    if (i === a.length) { arrays.pop(); index.pop(); continue; }
    index[d] = i + 1;
    checkArray(a[i], d + 1, () => pathTo(d, i));
    arrays.push(a[i] as NestedArray[]);
    index.push(0);
  }
  return shape;
}

/** Copy checked nested arrays (see inferShape) into `out`, row-major, without recursion. */
function flatten(values: NestedArray, out: FloatArray): void {
  let i = 0;
  const stack: NestedArray[] = [values];
  while (stack.length) {
    const v = stack.pop()!;
    if (Array.isArray(v)) for (let j = v.length - 1; j >= 0; j--) stack.push(v[j]);
    else out[i++] = v;
  }
}

/** Typed-array storage for a checked shape, or an error naming the op when memory runs out. */
function storage(op: string, dtype: DType, shape: number[]): FloatArray {
  const n = sizeOf(shape);
  try {
    return allocate(dtype, n);
  } catch (e) {
    throw new Error(`${op}: cannot allocate ${n} ${dtype} values (${n * (dtype === "float64" ? 8 : 4)} bytes) for shape ${fmt(shape)}: ${(e as Error).message}`);
  }
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
    const data = storage("tensor", dtype, shape);
    data.set(values);
    return finish("tensor", data, shape, o);
  }
  if (typeof values !== "number" && !Array.isArray(values)) {
    throw new Error(`tensor: expected a number, nested number arrays or a Float32Array/Float64Array, got ${values === null ? "null" : typeof values}`);
  }
  const inferred = inferShape(values);
  const dtype = explicit ?? DEFAULT_DTYPE;
  const data = storage("tensor", dtype, inferred);
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
  const data = storage(op, o.dtype === undefined ? DEFAULT_DTYPE : checkDType(op, o.dtype), s);
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
  if (typeof value !== "number") throw new Error(`full: value must be a number, got ${quote(value)}`);
  return filled("full", shape, opts, (d) => d.fill(value));
}

/** A finite number argument of a creation function, or an error naming it. */
function finiteArg(op: string, name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new Error(`${op}: ${name} must be a finite number, got ${quote(v)}`);
  return v;
}

/**
 * A range of evenly spaced values, as torch.arange: `arange(n)` is 0, 1, …, up to but not
 * including n; `arange(start, stop, step = 1)` is start, start + step, … up to but not including
 * stop, ceil((stop − start)/step) values (steps may be fractions; a negative step counts down).
 * Each value is start + i·step computed in float64 and rounded once to the dtype — what PyTorch's
 * scalar loop computes (its vectorised loop adds step to a block's first value, which can differ
 * in the last bit). Options come last: `arange(0, 1, 0.25, { dtype: "float64" })`.
 */
export function arange(stop: number, opts?: CreateOptions): Tensor;
export function arange(start: number, stop: number, opts?: CreateOptions): Tensor;
export function arange(start: number, stop: number, step: number, opts?: CreateOptions): Tensor;
export function arange(...args: unknown[]): Tensor {
  const numbers = args.findIndex((a) => typeof a !== "number");
  const count = numbers < 0 ? args.length : numbers;
  if (count === 0 || count > 3 || args.length > count + 1) {
    throw new Error(`arange: expected (stop), (start, stop) or (start, stop, step), then options; got ${quote(args)}`);
  }
  const opts = args[count] as CreateOptions | undefined;
  const [start, stop, step] = count === 1
    ? [0, finiteArg("arange", "stop", args[0]), 1]
    : [finiteArg("arange", "start", args[0]), finiteArg("arange", "stop", args[1]), count === 3 ? finiteArg("arange", "step", args[2]) : 1];
  if (step === 0) throw new Error(`arange: step must be nonzero (start ${start}, stop ${stop})`);
  if ((stop - start) / step < 0) {
    throw new Error(`arange: the step's sign does not lead from start to stop: start ${start}, stop ${stop}, step ${step} (use a ${step > 0 ? "negative" : "positive"} step, as PyTorch asks)`);
  }
  const length = Math.ceil((stop - start) / step) || 0; // not −0 (an empty range counting down)
  if (length > MAX_SIZE) throw new Error(`arange: start ${start}, stop ${stop}, step ${step} make ${length} values; a tensor holds at most 2^32 (${MAX_SIZE})`);
  return filled("arange", [length], opts, (d) => { for (let i = 0; i < length; i++) d[i] = start + i * step; });
}

/**
 * `steps` evenly spaced values from start to stop, both included, as torch.linspace: steps = 0
 * gives an empty tensor, 1 gives [start]. With h = (stop − start)/(steps − 1), value i is
 * start + i·h for the first half and stop − (steps − 1 − i)·h for the rest (PyTorch's formula,
 * so both ends are exact), computed in float64 and rounded once to the dtype (PyTorch computes
 * float32 tensors in float32, which can differ in the last bit).
 */
export function linspace(start: number, stop: number, steps: number, opts?: CreateOptions): Tensor {
  finiteArg("linspace", "start", start);
  finiteArg("linspace", "stop", stop);
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`linspace: steps must be a non-negative integer, got ${quote(steps)}`);
  if (steps > MAX_SIZE) throw new Error(`linspace: steps ${steps} is more than a tensor holds (2^32, ${MAX_SIZE})`);
  const h = steps > 1 ? (stop - start) / (steps - 1) : 0;
  const half = Math.floor(steps / 2);
  return filled("linspace", [steps], opts, (d) => {
    if (steps === 1) d[0] = start;
    else for (let i = 0; i < steps; i++) d[i] = i < half ? start + i * h : stop - (steps - 1 - i) * h;
  });
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

/**
 * The global generator's state (see manualSeed) as plain JSON: the four 32-bit words of
 * xoshiro128** and the pending second value of randn's last Box–Muller pair (`null` when none).
 * JSON.stringify/parse keeps it exactly (the numbers are integers below 2³² and one double).
 */
export interface RngState {
  generator: "xoshiro128**";
  /** Four unsigned 32-bit integers, not all 0. */
  state: number[];
  spareNormal: number | null;
}

const RNG_KEYS = ["generator", "state", "spareNormal"];

/**
 * A snapshot of the global generator behind rand, randn, initializers, dropout and shuffling:
 * `setRngState(s)` later makes every following draw bit-identical to the draws that followed this
 * call (as torch.get_rng_state / set_rng_state). The result is a fresh object: changing it changes
 * nothing.
 */
export function getRngState(): RngState {
  const { words, spareNormal } = readRng();
  return { generator: "xoshiro128**", state: words, spareNormal };
}

/**
 * Restore a state from getRngState (or its JSON). Every field is checked first: on a bad state
 * this throws, naming the field, and the generator is left as it was.
 */
export function setRngState(s: RngState): void {
  const what = "setRngState";
  if (s === null || typeof s !== "object" || Array.isArray(s)) {
    throw new Error(`${what}: expected the object getRngState() returns ({ generator, state, spareNormal }), got ${quote(s)}`);
  }
  for (const key of Object.keys(s)) {
    if (!RNG_KEYS.includes(key)) throw new Error(`${what}: unknown key ${quote(key)}; a state has exactly: ${RNG_KEYS.join(", ")}`);
  }
  for (const key of RNG_KEYS) {
    if (!(key in s)) throw new Error(`${what}: the state has no ${quote(key)}; a state has exactly: ${RNG_KEYS.join(", ")}`);
  }
  if (s.generator !== "xoshiro128**") {
    throw new Error(`${what}: generator must be "xoshiro128**" (the only one), got ${quote(s.generator)}`);
  }
  const words: unknown = s.state;
  if (!Array.isArray(words) || words.length !== 4) {
    throw new Error(`${what}: state must be an array of 4 unsigned 32-bit integers, got ${quote(words)}`);
  }
  words.forEach((w: unknown, i) => {
    if (!Number.isInteger(w) || (w as number) < 0 || (w as number) >= 2 ** 32) {
      throw new Error(`${what}: state[${i}] must be an integer in [0, 2^32), got ${quote(w)}`);
    }
  });
  if (words.every((w) => w === 0)) {
    throw new Error(`${what}: state is all zeros, which xoshiro128** never leaves (every draw would be 0); use a state from getRngState()`);
  }
  const spare: unknown = s.spareNormal;
  if (spare !== null && (typeof spare !== "number" || !Number.isFinite(spare))) {
    throw new Error(`${what}: spareNormal must be null or a finite number, got ${quote(spare)}`);
  }
  writeRng(words as number[], spare as number | null);
}

/** @internal a 0-d tensor of `dtype`: how plain-number operands enter an op ("weak" scalars). */
export function scalar(value: number, dtype: DType): Tensor {
  const data = allocate(dtype, 1);
  data[0] = value;
  return new Tensor(data, []);
}
