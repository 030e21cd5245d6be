/**
 * The test half of the op table (as PyTorch's OpInfo, minitorch's test tables): for every op of
 * src/registry.ts, sample inputs, a reference formula where one exists, and which tensors its
 * backward reads. `Record<OpName, OpInfo>` makes a registered op without an entry a type error.
 *
 * Samples cover broadcasting, 0-d, size-1 and size-0 axes, outputs of storage-sharing reshapes
 * (views), and both dtypes (each sample is built in float32 and float64).
 */
import { reshape, tensor, Tensor, type DType } from "../../src/index.js";
import type { OpName } from "../../src/registry.js";
import { values } from "../helpers.js";
import {
  alongAxis, concatRef, elementwise, erfRef, gatherRef, logSumExpOf, matmulRef, permuteRef, plain, reduce, reshaped, sliceRef, sumOf,
  transposeRef, type Plain,
} from "./reference.js";
import { conv1dRef, conv2dRef, padRef, pool2dRef, type PoolRefOptions } from "./reference-conv.js";

export interface Sample {
  label: string;
  /** Fresh arguments in `dtype`: float tensors to differentiate are made with requiresGrad. */
  make: (dtype: DType) => unknown[];
  /** Skip the numeric gradient checks (e.g. a cast to float32 has no float64 precision to check). */
  noGradcheck?: boolean;
}

export interface OpInfo {
  samples: Sample[];
  /** The expected output from plain JS math on the arguments. */
  ref?: (...args: any[]) => Plain;
  /** False for ops without a gradient (comparisons, sign, argmax, detach): their output needs none. */
  differentiable: boolean;
  /** Argument positions (and "out", the result) whose values backward reads; they must be saved. */
  reads: (number | "out")[];
  /** The method form, when it is not `args[0].op(...args.slice(1))`. */
  method?: (...args: any[]) => Tensor;
}

let seed = 1;
/** A tensor of `shape` with deterministic values in [lo, hi); each call draws new values. */
export function rnd(shape: number[], lo = -1, hi = 1, requiresGrad = true) {
  const s = seed++;
  return (dtype: DType): Tensor => {
    const n = shape.reduce((p, d) => p * d, 1);
    const v = values(n, s).map((u) => lo + ((u + 1) / 2) * (hi - lo));
    return new Tensor(dtype === "float64" ? Float64Array.from(v) : Float32Array.from(v), shape, { requiresGrad });
  };
}

/** A storage-sharing reshape of a fresh leaf: a non-leaf view, with its base's version counter. */
export function view(shape: number[], lo = -1, hi = 1) {
  const base = rnd([shape.reduce((p, d) => p * d, 1)], lo, hi);
  return (dtype: DType): Tensor => reshape(base(dtype), shape);
}

type Maker = ((dtype: DType) => unknown) | unknown;
/** A sample from argument makers: functions get the dtype, other values pass as they are. */
function s(label: string, ...args: Maker[]): Sample {
  return { label, make: (dtype) => args.map((a) => (typeof a === "function" ? (a as (d: DType) => unknown)(dtype) : a)) };
}
const list = (...ms: ((d: DType) => Tensor)[]) => (d: DType) => ms.map((m) => m(d));
/** A tensor of given values (no gradient unless asked: conditions and indices). */
const fixed = (v: number[] | number[][], dtype?: DType, requiresGrad = false) => (d: DType) => tensor(v, { dtype: dtype ?? d, requiresGrad });

function unarySamples(lo = -1, hi = 1, ...extra: unknown[]): Sample[] {
  return [
    s("[2, 3]", rnd([2, 3], lo, hi), ...extra),
    s("0-d", rnd([], lo, hi), ...extra),
    s("size-1 axis [1, 3]", rnd([1, 3], lo, hi), ...extra),
    s("size-0 axis [0, 2]", rnd([0, 2], lo, hi), ...extra),
    s("a reshape view [2, 3]", view([2, 3], lo, hi), ...extra),
  ];
}

function binarySamples(lo = -1, hi = 1, lo2 = lo, hi2 = hi): Sample[] {
  return [
    s("[2, 3] with [3] (broadcast)", rnd([2, 3], lo, hi), rnd([3], lo2, hi2)),
    s("0-d with [2, 2]", rnd([], lo, hi), rnd([2, 2], lo2, hi2)),
    s("[2, 1] with [1, 3] (size-1 axes)", rnd([2, 1], lo, hi), rnd([1, 3], lo2, hi2)),
    s("[0, 3] with [1] (size 0)", rnd([0, 3], lo, hi), rnd([1], lo2, hi2)),
    s("two reshape views [2, 3]", view([2, 3], lo, hi), view([2, 3], lo2, hi2)),
    s("a tensor and a number", rnd([3], lo, hi), (lo2 + hi2) / 2 + 0.1),
  ];
}

const ew = (fn: (...v: number[]) => number) => elementwise(fn);
const sigma = (v: number) => 1 / (1 + Math.exp(-v));
const unary = (fn: (v: number) => number, lo?: number, hi?: number, reads: (number | "out")[] = [0]): OpInfo => ({
  samples: unarySamples(lo, hi), ref: (x: Tensor) => ew(fn)(x), differentiable: true, reads,
});
const binary = (fn: (a: number, b: number) => number, reads: (number | "out")[], lo?: number, hi?: number, lo2?: number, hi2?: number): OpInfo => ({
  samples: binarySamples(lo, hi, lo2, hi2), ref: (a: Tensor, b: Tensor | number) => ew(fn)(a, b), differentiable: true, reads,
});
const compare = (fn: (a: number, b: number) => boolean): OpInfo => ({
  samples: binarySamples(), ref: ew((a, b) => Number(fn(a, b))), differentiable: false, reads: [],
});

const reduceInfo = (fn: (g: number[]) => number, reads: (number | "out")[], empty = true): OpInfo => ({
  samples: [
    s("all of [2, 3]", rnd([2, 3])),
    s("axis 1 of [2, 3]", rnd([2, 3]), 1),
    s("axes [0, 2] of [2, 3, 2], keepDims", rnd([2, 3, 2]), [0, 2], true),
    s("0-d", rnd([])),
    s("axis -1 of a view [3, 2], { keepDims }", view([3, 2]), { axis: -1, keepDims: true }),
    ...(empty ? [s("over the size-0 axis of [2, 0]", rnd([2, 0]), 1)] : [s("a [0, 3] over its non-empty axis", rnd([0, 3]), 1)]),
  ],
  ref: (x: Tensor, axis?: number | number[] | { axis?: number; keepDims?: boolean }, keepDims?: boolean) =>
    typeof axis === "object" && !Array.isArray(axis) ? reduce(plain(x), axis.axis, axis.keepDims, fn) : reduce(plain(x), axis, keepDims, fn),
  differentiable: true, reads,
});

const argInfo = (pick: (g: number[]) => number): OpInfo => ({
  samples: [
    s("all of [2, 3]", rnd([2, 3])), s("axis 1 of [2, 3]", rnd([2, 3]), 1), s("axis 0, keepDims", rnd([2, 3]), 0, true),
    s("a [0, 3] over its non-empty axis", rnd([0, 3]), 1), s("a view", view([3, 2]), 0),
  ],
  ref: (x: Tensor, axis?: number, keepDims?: boolean) => {
    const r = reduce(axis === undefined ? reshaped(plain(x), [x.size]) : plain(x), axis ?? 0, keepDims, (g) => g.indexOf(pick(g)));
    return axis === undefined ? { shape: keepDims ? x.shape.map(() => 1) : [], data: r.data } : r;
  },
  differentiable: false, reads: [],
});

const softmaxLane = (lane: number[]) => lane.map((v) => Math.exp(v - logSumExpOf(lane)));
const softmaxSamples = [
  s("[2, 3], last axis", rnd([2, 3], -3, 3)), s("[2, 3], axis 0", rnd([2, 3], -3, 3), 0), s("[4]", rnd([4], -3, 3)),
  s("a view [3, 2]", view([3, 2], -3, 3)), s("size-0 axis [2, 0]", rnd([2, 0]), 1),
];

export const OPS: Record<OpName, OpInfo> = {
  add: binary((a, b) => a + b, []),
  sub: binary((a, b) => a - b, []),
  mul: binary((a, b) => a * b, [0, 1]),
  div: binary((a, b) => a / b, [0, 1], -1, 1, 0.5, 2),
  pow: binary((a, b) => a ** b, [0, 1, "out"], 0.5, 2, -1.5, 1.5),
  maximum: binary(Math.max, [0, 1]),
  minimum: binary(Math.min, [0, 1]),
  neg: unary((v) => -v, -1, 1, []),
  exp: unary(Math.exp, -1, 1, ["out"]),
  log: unary(Math.log, 0.2, 2),
  sqrt: unary(Math.sqrt, 0.2, 2, ["out"]),
  abs: unary(Math.abs),
  square: unary((v) => v * v),
  sign: { ...unary(Math.sign, -1, 1, []), differentiable: false },
  clamp: {
    samples: [...unarySamples(-1, 1, -0.5, 0.5), s("min only", rnd([2, 3]), 0), s("max only", rnd([2, 3]), null, 0.25)],
    ref: (x: Tensor, lo?: number | null, hi?: number | null) => ew((v) => Math.min(Math.max(v, lo ?? -Infinity), hi ?? Infinity))(x),
    differentiable: true, reads: [0],
  },
  gt: compare((a, b) => a > b),
  ge: compare((a, b) => a >= b),
  lt: compare((a, b) => a < b),
  le: compare((a, b) => a <= b),
  eq: { ...compare((a, b) => a === b), samples: [...binarySamples(), s("with ties", fixed([1, 2, 3], undefined, true), fixed([1, 0, 3], undefined, true))] },
  where: {
    samples: [
      s("[2, 3] by a [3] condition", fixed([1, 0, 1]), rnd([2, 3]), rnd([2, 3])),
      s("0-d branches", fixed([[1, 0], [0, 1]]), rnd([]), rnd([2, 2])),
      s("a number as the second branch", fixed([0, 1, 1]), rnd([3]), -0.5),
      s("size 0", fixed([]), rnd([0]), rnd([1])),
    ],
    ref: ew((c, a, b) => (c !== 0 ? a : b)),
    differentiable: true, reads: [0],
    method: (c: Tensor, a: Tensor, b: Tensor | number) => a.where(c, b),
  },
  relu: { ...unary((v) => Math.max(v, 0)), samples: [...unarySamples(), s("atZero right", rnd([4]), { atZero: "right" })] },
  leakyRelu: {
    ...unary((v) => (v > 0 ? v : 0.01 * v)),
    samples: [...unarySamples(), s("slope 0.2", rnd([4]), 0.2)],
    ref: (x: Tensor, slope = 0.01) => ew((v) => (v > 0 ? v : slope * v))(x),
  },
  sigmoid: unary(sigma, -3, 3, ["out"]),
  tanh: unary(Math.tanh, -2, 2, ["out"]),
  softplus: {
    samples: [...unarySamples(-3, 3), s("beta 2, threshold 1 (linear past x = 0.5)", rnd([6], -1.3, 1.1), { beta: 2, threshold: 1 })],
    ref: (x: Tensor, o: { beta?: number; threshold?: number } = {}) => {
      const beta = o.beta ?? 1, th = o.threshold ?? 20;
      return ew((v) => (beta * v > th ? v : Math.log1p(Math.exp(beta * v)) / beta))(x);
    },
    differentiable: true, reads: [0],
  },
  erf: unary(erfRef, -3, 3),
  sin: unary(Math.sin, -4, 4),
  cos: unary(Math.cos, -4, 4),
  elu: {
    samples: [
      ...unarySamples(-3, 3), s("alpha 0.5", rnd([2, 3], -3, 3), 0.5), s("alpha 2, atZero right", rnd([4], -2, 2), 2, { atZero: "right" }),
      s("a negative alpha", rnd([4], -2, 2), -0.7),
    ],
    // eˣ − 1 written plainly (the kernel uses expm1): near 0 the two differ by far less than the tolerance.
    ref: (x: Tensor, alpha = 1) => ew((v) => (v > 0 ? v : alpha * (Math.exp(v) - 1)))(x),
    differentiable: true, reads: [0],
  },
  gelu: {
    samples: [
      ...unarySamples(-3, 3), s("approximate none", rnd([2, 3], -3, 3), { approximate: "none" }),
      s("approximate tanh", rnd([2, 3], -3, 3), { approximate: "tanh" }), s("tanh, 0-d", rnd([], -3, 3), { approximate: "tanh" }),
    ],
    ref: (x: Tensor, o: { approximate?: string } = {}) => ew((v) => (o.approximate === "tanh"
      ? 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)))
      : 0.5 * v * (1 + erfRef(v / Math.SQRT2))))(x),
    differentiable: true, reads: [0],
  },
  silu: unary((v) => v / (1 + Math.exp(-v)), -4, 4),
  hardtanh: {
    samples: [
      ...unarySamples(-2, 2), s("min −0.5, max 0.25", rnd([2, 3]), -0.5, 0.25),
      s("atBounds left", rnd([4], -2, 2), -1, 1, { atBounds: "left" }), s("atBounds right", rnd([4], -2, 2), undefined, 0.5, { atBounds: "right" }),
    ],
    ref: (x: Tensor, lo = -1, hi = 1) => ew((v) => Math.min(Math.max(v, lo), hi))(x),
    differentiable: true, reads: [0],
  },
  relu6: {
    samples: [...unarySamples(-3, 9), s("atBounds left", rnd([4], -3, 9), { atBounds: "left" }), s("atBounds open", rnd([4], -3, 9), { atBounds: "open" })],
    ref: (x: Tensor) => ew((v) => Math.min(Math.max(v, 0), 6))(x),
    differentiable: true, reads: [0],
  },
  matmul: {
    samples: [
      s("[2, 3]·[3, 4]", rnd([2, 3]), rnd([3, 4])),
      s("[3]·[3, 2] (vector on the left)", rnd([3]), rnd([3, 2])),
      s("[2, 3]·[3] (vector on the right)", rnd([2, 3]), rnd([3])),
      s("[3]·[3] (dot)", rnd([3]), rnd([3])),
      s("batch [2, 2, 3]·[3, 2]", rnd([2, 2, 3]), rnd([3, 2])),
      s("broadcast batch [2, 1, 2, 2]·[3, 2, 1]", rnd([2, 1, 2, 2]), rnd([3, 2, 1])),
      s("zero inner dimension [2, 0]·[0, 3]", rnd([2, 0]), rnd([0, 3])),
      s("no rows [0, 3]·[3, 2]", rnd([0, 3]), rnd([3, 2])),
      s("transposeA [3, 2]ᵀ·[3, 2]", rnd([3, 2]), rnd([3, 2]), { transposeA: true }),
      s("transposeB views [2, 3]·[4, 3]ᵀ", view([2, 3]), view([4, 3]), { transposeB: true }),
    ],
    ref: (a: Tensor, b: Tensor, o: { transposeA?: boolean; transposeB?: boolean } = {}) => matmulRef(plain(a), plain(b), o.transposeA, o.transposeB),
    differentiable: true, reads: [0, 1],
  },
  linear: {
    samples: [
      s("[2, 3] by W [4, 3] and b [4]", rnd([2, 3]), rnd([4, 3]), rnd([4])),
      s("without a bias", rnd([2, 3]), rnd([4, 3])),
      s("a vector input [3]", rnd([3]), rnd([2, 3]), rnd([2])),
      s("batch [2, 2, 3]", rnd([2, 2, 3]), rnd([2, 3]), rnd([2])),
      s("zero in-features: the bias", rnd([5, 0]), rnd([3, 0]), rnd([3])),
      s("views", view([2, 3]), view([2, 3]), rnd([2])),
    ],
    ref: (x: Tensor, w: Tensor, b?: Tensor) => {
      const r = matmulRef(plain(x), transposeRef(plain(w), 0, 1)); // x·Wᵀ
      return b ? elementwise((u, v) => u + v)(r, b) : r;
    },
    differentiable: true, reads: [0, 1],
  },
  sum: reduceInfo(sumOf, []),
  mean: reduceInfo((g) => sumOf(g) / g.length, []),
  max: reduceInfo((g) => Math.max(...g), [0, "out"], false),
  min: reduceInfo((g) => Math.min(...g), [0, "out"], false),
  argmax: argInfo((g) => Math.max(...g)),
  argmin: argInfo((g) => Math.min(...g)),
  logSumExp: reduceInfo(logSumExpOf, [0, "out"]),
  reshape: {
    samples: [
      s("[2, 3] → [3, 2]", rnd([2, 3]), [3, 2]), s("→ [-1]", rnd([2, 3]), [-1]), s("0-d → [1, 1]", rnd([]), [1, 1]),
      s("[0, 3] → [3, 0]", rnd([0, 3]), [3, 0]), s("a view again", view([2, 3]), [6]),
    ],
    ref: (x: Tensor, shape: number[]) => reshaped(plain(x), shape.includes(-1) ? [x.size] : shape),
    differentiable: true, reads: [],
  },
  view: {
    samples: [
      s("[2, 3] → [3, 2]", rnd([2, 3]), [3, 2]), s("→ [-1]", rnd([2, 3]), [-1]), s("the same shape: still a new view", rnd([2, 3]), [2, 3]),
      s("0-d → [1, 1]", rnd([]), [1, 1]), s("[0, 3] → [3, 0]", rnd([0, 3]), [3, 0]), s("a view again, -1 in the middle", view([2, 3, 2]), [3, -1, 2]),
    ],
    ref: (x: Tensor, shape: number[]) => reshaped(plain(x), shape.map((d) => (d === -1 ? x.size / -shape.reduce((p, e) => p * e, 1) : d))),
    differentiable: true, reads: [],
  },
  flatten: {
    samples: [
      s("all of [2, 3, 4]", rnd([2, 3, 4])), s("from axis 1", rnd([2, 3, 4]), 1), s("axes 1..2 of [2, 3, 4, 1]", rnd([2, 3, 4, 1]), 1, 2),
      s("axes -3..-2", rnd([2, 3, 4]), -3, -2), s("0-d → [1]", rnd([])), s("one axis: itself", rnd([2, 3]), 1, 1),
      s("size 0 [2, 0, 3] from 1", rnd([2, 0, 3]), 1), s("a view", view([3, 2])),
    ],
    ref: (x: Tensor, start = 0, end = -1) => {
      if (x.ndim === 0) return reshaped(plain(x), [1]);
      const a = start < 0 ? start + x.ndim : start, b = end < 0 ? end + x.ndim : end;
      const merged = x.shape.slice(a, b + 1).reduce((p, d) => p * d, 1);
      return reshaped(plain(x), [...x.shape.slice(0, a), merged, ...x.shape.slice(b + 1)]);
    },
    differentiable: true, reads: [],
  },
  permute: {
    samples: [
      s("[2, 3, 4] by [2, 0, 1]", rnd([2, 3, 4]), [2, 0, 1]), s("negative axes [-1, -3, -2]", rnd([2, 3, 4]), [-1, -3, -2]),
      s("[2, 3] by [1, 0]", rnd([2, 3]), [1, 0]), s("0-d by []", rnd([]), []), s("identity: itself", rnd([2, 3]), [0, 1]),
      s("size 0 [2, 0, 3] by [2, 1, 0]", rnd([2, 0, 3]), [2, 1, 0]), s("a view [3, 2, 2] by [1, 2, 0]", view([3, 2, 2]), [1, 2, 0]),
    ],
    ref: (x: Tensor, dims: number[]) => permuteRef(plain(x), dims),
    differentiable: true, reads: [],
  },
  transpose: {
    samples: [s("[2, 3]", rnd([2, 3])), s("axes 0, 2 of [2, 3, 2]", rnd([2, 3, 2]), 0, 2), s("[0, 2]", rnd([0, 2])), s("a view", view([3, 2]))],
    ref: (x: Tensor, a = -2, b = -1) => transposeRef(plain(x), a, b),
    differentiable: true, reads: [],
  },
  squeeze: {
    samples: [s("[1, 3, 1]", rnd([1, 3, 1])), s("axis 0 of [1, 3, 1]", rnd([1, 3, 1]), 0), s("0-d", rnd([])), s("[1, 0]", rnd([1, 0]))],
    ref: (x: Tensor, axis?: number) => reshaped(plain(x), x.shape.filter((d, a) => !(d === 1 && (axis === undefined || a === axis)))),
    differentiable: true, reads: [],
  },
  unsqueeze: {
    samples: [s("axis 1 of [2, 3]", rnd([2, 3]), 1), s("0-d", rnd([]), 0), s("axis -1", rnd([2, 3]), -1), s("a view", view([2, 0]), 0)],
    ref: (x: Tensor, axis: number) => {
      const shape = x.shape.slice();
      shape.splice(axis < 0 ? axis + x.ndim + 1 : axis, 0, 1);
      return reshaped(plain(x), shape);
    },
    differentiable: true, reads: [],
  },
  expand: {
    samples: [s("[3] → [2, 3]", rnd([3]), [2, 3]), s("[2, 1] → [2, 3]", rnd([2, 1]), [2, 3]), s("0-d → [2]", rnd([]), [2]), s("[1] → [0]", rnd([1]), [0])],
    ref: (x: Tensor, shape: number[]) => elementwise((v) => v)(x, zerosPlain(shape)), // x broadcast against zeros of `shape`
    differentiable: true, reads: [],
  },
  slice: {
    samples: [
      s("[1:3, 0:2] of [3, 4]", rnd([3, 4]), [1, 0], [3, 2]), s("negative bounds", rnd([3, 4]), [-2], [4]),
      s("empty", rnd([3, 4]), [1], [1]), s("a view", view([4, 2]), [1, 1], [3, 2]),
    ],
    ref: (x: Tensor, a: number[], b: number[]) => sliceRef(plain(x), a, b),
    differentiable: true, reads: [],
  },
  gather: {
    samples: [
      s("axis 1 by a float32 index tensor", rnd([2, 3]), 1, fixed([[0, 2], [1, 1]], "float32")),
      s("axis 0 by a float64 index tensor", rnd([2, 3]), 0, fixed([[1, 0, 1]], "float64")),
      s("indices as nested arrays", rnd([2, 3]), -1, [[2], [0]]),
      s("no indices along the axis", rnd([2, 3]), 1, fixed([[], []])),
    ],
    ref: (x: Tensor, axis: number, idx: Tensor | number[][]) => gatherRef(plain(x), axis, Array.isArray(idx) ? plain(tensor(idx)) : plain(idx)),
    differentiable: true, reads: [2],
  },
  concat: {
    samples: [
      s("[2, 3] and [2, 1] along axis 1", list(rnd([2, 3]), rnd([2, 1])), 1),
      s("[2] and [3]", list(rnd([2]), rnd([3]))),
      s("with a size-0 piece", list(rnd([2, 0]), rnd([2, 2])), -1),
      s("views", list(view([2, 2]), view([1, 2]))),
    ],
    ref: (xs: Tensor[], axis = 0) => concatRef(xs.map(plain), axis),
    differentiable: true, reads: [],
    method: (xs: Tensor[], axis?: number) => xs[0].concat(xs.slice(1), axis),
  },
  stack: {
    samples: [
      s("two [2, 3] along 0", list(rnd([2, 3]), rnd([2, 3]))), s("0-d", list(rnd([]), rnd([]), rnd([]))),
      s("axis -1", list(rnd([2]), rnd([2])), -1), s("size 0", list(rnd([0]), rnd([0])), 1),
    ],
    ref: (xs: Tensor[], axis = 0) => {
      const ax = axis < 0 ? axis + xs[0].ndim + 1 : axis;
      return concatRef(xs.map((x) => { const p = plain(x); const sh = p.shape.slice(); sh.splice(ax, 0, 1); return reshaped(p, sh); }), ax);
    },
    differentiable: true, reads: [],
    method: (xs: Tensor[], axis?: number) => xs[0].stack(xs.slice(1), axis),
  },
  softmax: { samples: softmaxSamples, ref: (x: Tensor, axis = -1) => alongAxis(plain(x), axis, softmaxLane), differentiable: true, reads: ["out"] },
  logSoftmax: {
    samples: softmaxSamples, ref: (x: Tensor, axis = -1) => alongAxis(plain(x), axis, (l) => l.map((v) => v - logSumExpOf(l))),
    differentiable: true, reads: ["out"],
  },
  cast: {
    samples: [s("to float64", rnd([2, 3]), "float64"), { ...s("to float32", rnd([2, 3]), "float32"), noGradcheck: true }, s("size 0", rnd([0]), "float64")],
    ref: (x: Tensor, dtype: DType) => ({ shape: x.shape.slice(), data: Array.from(x.data, dtype === "float32" ? Math.fround : (v) => v) }),
    differentiable: true, reads: [],
  },
  to: {
    samples: [
      s("to float64", rnd([2, 3]), "float64"), { ...s("to float32", rnd([2, 3]), "float32"), noGradcheck: true },
      s("0-d to float64", rnd([]), "float64"), s("size 0", rnd([0]), "float64"), s("a view to float64", view([3, 2]), "float64"),
    ],
    ref: (x: Tensor, dtype: DType) => ({ shape: x.shape.slice(), data: Array.from(x.data, dtype === "float32" ? Math.fround : (v) => v) }),
    differentiable: true, reads: [],
  },
  // float() of a float64 input rounds to float32: no float64 precision left for a numeric gradient.
  float: {
    samples: unarySamples().map((sample) => ({ ...sample, noGradcheck: true })),
    ref: (x: Tensor) => ({ shape: x.shape.slice(), data: Array.from(x.data, Math.fround) }),
    differentiable: true, reads: [],
  },
  double: { samples: unarySamples(), ref: (x: Tensor) => plain(x), differentiable: true, reads: [] },
  clone: { samples: unarySamples(), ref: (x: Tensor) => plain(x), differentiable: true, reads: [] },
  detach: { samples: unarySamples(), ref: (x: Tensor) => plain(x), differentiable: false, reads: [], method: (x: Tensor) => x.detach() },
  conv2d: {
    samples: [
      s("[2, 3, 5, 6] by W [4, 3, 3, 3] with bias, padding 1", rnd([2, 3, 5, 6]), rnd([4, 3, 3, 3]), rnd([4]), { padding: 1 }),
      s("stride 2, a non-square 3×2 kernel, no bias", rnd([1, 2, 7, 6]), rnd([3, 2, 3, 2]), null, { stride: 2 }),
      s("dilation 2, padding [1, 2]", rnd([1, 2, 6, 7]), rnd([2, 2, 2, 3]), rnd([2]), { dilation: 2, padding: [1, 2] }),
      s("groups 2, a 1×1 kernel", rnd([2, 4, 3, 3]), rnd([6, 2, 1, 1]), rnd([6]), { groups: 2 }),
      s("padding \"same\" with an even 2×4 kernel (the extra row and column after)", rnd([1, 2, 4, 5]), rnd([2, 2, 2, 4]), null, { padding: "same" }),
      s("unbatched [C, H, W], the options third, stride [1, 2]", rnd([2, 4, 5]), rnd([3, 2, 3, 3]), { stride: [1, 2] }),
      s("a batch of 0", rnd([0, 2, 4, 4]), rnd([2, 2, 3, 3]), rnd([2])),
      s("views", view([1, 2, 4, 4]), view([2, 2, 2, 2]), rnd([2])),
    ],
    ref: (x: Tensor, w: Tensor, b?: unknown, o?: object) =>
      b instanceof Tensor || b === null || b === undefined ? conv2dRef(plain(x), plain(w), b ? plain(b) : null, o) : conv2dRef(plain(x), plain(w), null, b as object),
    differentiable: true, reads: [0, 1],
  },
  conv1d: {
    samples: [
      s("[2, 3, 7] by W [4, 3, 3] with bias, stride 2, padding 1", rnd([2, 3, 7]), rnd([4, 3, 3]), rnd([4]), { stride: 2, padding: 1 }),
      s("groups 3, dilation 2", rnd([1, 3, 9]), rnd([3, 1, 3]), null, { groups: 3, dilation: 2 }),
      s("unbatched [C, L], padding \"same\"", rnd([2, 5]), rnd([2, 2, 2]), { padding: "same" }),
    ],
    ref: (x: Tensor, w: Tensor, b?: unknown, o?: object) =>
      b instanceof Tensor || b === null || b === undefined ? conv1dRef(plain(x), plain(w), b ? plain(b) : null, o) : conv1dRef(plain(x), plain(w), null, b as object),
    differentiable: true, reads: [0, 1],
  },
  maxPool2d: {
    samples: [
      s("[2, 3, 4, 6], 2×2 windows", rnd([2, 3, 4, 6]), { kernelSize: 2 }),
      s("3×3, stride 2, padding 1 (−∞ at the edges)", rnd([1, 2, 5, 5]), { kernelSize: 3, stride: 2, padding: 1 }),
      s("a 2×3 kernel, stride [2, 1], dilation 2", rnd([1, 2, 7, 6]), { kernelSize: [2, 3], stride: [2, 1], dilation: 2 }),
      s("ceilMode: a partial window at the end", rnd([1, 1, 5, 5]), { kernelSize: 2, ceilMode: true }),
      s("unbatched, overlapping windows (stride 1)", rnd([2, 4, 4]), { kernelSize: 2, stride: 1 }),
      s("a view", view([1, 2, 4, 4]), { kernelSize: 2 }),
    ],
    ref: (x: Tensor, o: PoolRefOptions) => pool2dRef("max", plain(x), o),
    differentiable: true, reads: [],
  },
  avgPool2d: {
    samples: [
      s("[2, 3, 4, 6], 2×2 windows", rnd([2, 3, 4, 6]), { kernelSize: 2 }),
      s("3×3, stride 2, padding 1, padding counted", rnd([1, 2, 5, 5]), { kernelSize: 3, stride: 2, padding: 1 }),
      s("padding not counted (countIncludePad false)", rnd([1, 2, 5, 5]), { kernelSize: 3, stride: 2, padding: 1, countIncludePad: false }),
      s("ceilMode with padding: a window past the padding", rnd([1, 1, 6, 6]), { kernelSize: 3, stride: 2, padding: 1, ceilMode: true }),
      s("divisorOverride 3, a 2×3 kernel", rnd([1, 2, 4, 6]), { kernelSize: [2, 3], divisorOverride: 3 }),
      s("unbatched, overlapping windows", rnd([2, 4, 4]), { kernelSize: 2, stride: 1 }),
    ],
    ref: (x: Tensor, o: PoolRefOptions) => pool2dRef("avg", plain(x), o),
    differentiable: true, reads: [],
  },
  pad: {
    samples: [
      s("constant 0.5 around the last axis", rnd([2, 3]), [1, 2], { value: 0.5 }),
      s("reflect the last two axes", rnd([2, 3, 4]), [1, 3, 2, 0], { mode: "reflect" }),
      s("replicate", rnd([1, 2, 3]), [2, 1, 1, 2], { mode: "replicate" }),
      s("circular", rnd([2, 3]), [3, 1], { mode: "circular" }),
      s("negative pads crop", rnd([3, 4]), [-1, 2, 1, -2]),
      s("a size-0 axis, constant", rnd([0, 3]), [1, 1, 2, 0]),
      s("a view, three axes", view([2, 2, 2]), [1, 0, 0, 1, 1, 1]),
    ],
    ref: (x: Tensor, pads: number[], o?: { mode?: string; value?: number }) => padRef(plain(x), pads, o),
    differentiable: true, reads: [],
  },
};

function zerosPlain(shape: number[]): Plain {
  return { shape, data: new Array(shape.reduce((p, d) => p * d, 1)).fill(0) };
}
