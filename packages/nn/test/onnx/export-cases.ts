/**
 * Models for the export tests: every layer that exports, and small modules that call each core op
 * the exporter maps, each with an example input shape (the leading axis is the batch).
 */
import {
  abs, add, avgPool2d, clamp, concat, conv1d, cos, div, erf, exp, expand, gather, log, logSoftmax, logSumExp, matmul, max, maximum, mean, min,
  minimum, mul, neg, pad, permute, pow, randn, reshape, sin, slice, softmax, sqrt, square, sub, sum, tensor, transpose, where,
  type DType, type Tensor,
} from "@backprop/core";
import {
  AvgPool2d, BatchNorm1d, BatchNorm2d, Conv2d, Dropout, ELU, Embedding, Flatten, GELU, Hardtanh, Identity, LayerNorm, LeakyReLU,
  Linear, MaxPool2d, Module, ReLU, ReLU6, Sequential, Sigmoid, SiLU, Softplus, Tanh,
} from "@backprop/nn";

/** A module whose forward is `f` (with a weight `w` of the given shape, when asked). */
export class Fn extends Module {
  w: Tensor | null;
  constructor(readonly f: (x: Tensor, w: Tensor) => Tensor, wShape: number[] | null = null, dtype: DType = "float32") {
    super();
    this.w = wShape ? randn(wShape, { requiresGrad: true, dtype }) : null;
  }
  forward(x: Tensor): Tensor {
    return this.f(x, this.w!);
  }
}

export interface Case {
  name: string;
  make: () => Module;
  /** The example input's shape (batch first); a second batch size is also run. */
  shape: number[];
  /** Inputs are whole numbers in [0, n) (Embedding), rather than N(0, 1) values. */
  indices?: number;
  /** Positive inputs only (log, sqrt, pow). */
  positive?: boolean;
  /** The model refuses a batch of one (batch statistics need two values). */
  noBatchOfOne?: boolean;
  /** The ONNX op that ONNX Runtime's CPU provider has no float64 kernel for, if any. */
  noFloat64?: string;
}

/** Batch norm layers in evaluation mode with running statistics that are not the initial ones. */
function trainedNorm<M extends Module>(m: M, shape: number[]): M {
  m.train();
  for (let i = 0; i < 3; i++) m.forward(randn(shape));
  return m.eval() as M;
}

const img = [3, 2, 7, 7];

export const LAYER_CASES: Case[] = [
  { name: "Linear", make: () => new Linear(5, 3), shape: [4, 5] },
  { name: "Linear without bias", make: () => new Linear(5, 3, { bias: false }), shape: [4, 5] },
  { name: "Linear on a 3-D input (MatMul with Wᵀ)", make: () => new Linear(5, 3), shape: [4, 2, 5] },
  { name: "MLP with ReLU", make: () => new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 3)), shape: [6, 4] },
  { name: "LeakyReLU(0.2)", make: () => new Sequential(new Linear(4, 6), new LeakyReLU(0.2)), shape: [5, 4] },
  { name: "Sigmoid, Tanh", make: () => new Sequential(new Linear(4, 6), new Sigmoid(), new Linear(6, 6), new Tanh()), shape: [5, 4] },
  { name: "Softplus", make: () => new Sequential(new Linear(4, 6), new Softplus()), shape: [5, 4], noFloat64: "Softplus" },
  { name: "Softplus β = 2", make: () => new Sequential(new Linear(4, 6), new Softplus({ beta: 2 })), shape: [5, 4], noFloat64: "Softplus" },
  { name: "ELU(0.5)", make: () => new Sequential(new Linear(4, 6), new ELU(0.5)), shape: [5, 4], noFloat64: "Elu" },
  { name: "GELU (exact, through Erf)", make: () => new Sequential(new Linear(4, 6), new GELU()), shape: [5, 4], noFloat64: "Erf" },
  { name: "GELU (tanh)", make: () => new Sequential(new Linear(4, 6), new GELU({ approximate: "tanh" })), shape: [5, 4] },
  { name: "SiLU", make: () => new Sequential(new Linear(4, 6), new SiLU()), shape: [5, 4], noFloat64: "QuickGelu" },
  { name: "Hardtanh(-0.5, 0.7), ReLU6", make: () => new Sequential(new Linear(4, 6), new Hardtanh(-0.5, 0.7), new Linear(6, 6), new ReLU6()), shape: [5, 4] },
  { name: "Dropout and Identity (evaluation mode: pass-through)", make: () => new Sequential(new Linear(4, 6), new Dropout(0.5), new Identity()), shape: [5, 4] },
  { name: "LayerNorm", make: () => new Sequential(new Linear(4, 6), new LayerNorm(6)), shape: [5, 4] },
  { name: "LayerNorm over two axes, no affine", make: () => new LayerNorm([3, 4], { elementwiseAffine: false }), shape: [5, 3, 4] },
  { name: "LayerNorm without bias", make: () => new LayerNorm(4, { bias: false }), shape: [5, 4] },
  { name: "BatchNorm1d (running statistics)", make: () => trainedNorm(new BatchNorm1d(4), [8, 4]), shape: [5, 4] },
  { name: "BatchNorm1d without affine", make: () => trainedNorm(new BatchNorm1d(4, { affine: false }), [8, 4]), shape: [5, 4] },
  { name: "BatchNorm1d without running statistics (batch statistics)", make: () => new BatchNorm1d(4, { trackRunningStats: false }), shape: [5, 4], noBatchOfOne: true },
  { name: "BatchNorm2d", make: () => trainedNorm(new BatchNorm2d(2), [4, 2, 5, 5]), shape: img },
  { name: "Embedding", make: () => new Sequential(new Embedding(10, 4), new Flatten()), shape: [5, 3], indices: 10 },
  { name: "Embedding with paddingIdx", make: () => new Embedding(10, 4, { paddingIdx: 0 }), shape: [5, 3], indices: 10 },
  { name: "Conv2d", make: () => new Conv2d(2, 4, 3), shape: img, noFloat64: "Conv" },
  { name: "Conv2d stride 2, padding 1, no bias", make: () => new Conv2d(2, 4, 3, { stride: 2, padding: 1, bias: false }), shape: img, noFloat64: "Conv" },
  { name: "Conv2d padding same, dilation 2", make: () => new Conv2d(2, 4, [3, 2], { padding: "same", dilation: 2 }), shape: img, noFloat64: "Conv" },
  { name: "Conv2d groups 2", make: () => new Conv2d(2, 4, 3, { groups: 2, padding: [1, 0] }), shape: img, noFloat64: "Conv" },
  { name: "MaxPool2d", make: () => new MaxPool2d(2), shape: img },
  { name: "MaxPool2d padding, stride, dilation", make: () => new MaxPool2d(3, { stride: 2, padding: 1, dilation: [1, 2] }), shape: img },
  { name: "MaxPool2d ceilMode", make: () => new MaxPool2d(2, { ceilMode: true }), shape: img },
  { name: "AvgPool2d", make: () => new AvgPool2d(2), shape: img, noFloat64: "AveragePool" },
  { name: "AvgPool2d padding, countIncludePad false", make: () => new AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: false }), shape: img, noFloat64: "AveragePool" },
  { name: "AvgPool2d ceilMode", make: () => new AvgPool2d(2, { ceilMode: true }), shape: img, noFloat64: "AveragePool" },
  {
    name: "a LeNet-like CNN",
    make: () => trainedNorm(new Sequential(
      new Conv2d(1, 4, 3, { padding: 1 }), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2),
      new Conv2d(4, 6, 3), new GELU(), new AvgPool2d(2), new Flatten(), new Linear(6, 5), new LayerNorm(5),
    ), [4, 1, 10, 10]),
    shape: [3, 1, 10, 10],
    noFloat64: "Conv",
  },
];

export const OP_CASES: Case[] = [
  { name: "add, sub, mul, div with a weight and scalars", make: () => new Fn((x, w) => div(sub(mul(add(x, w), 3), w), 2), [4]), shape: [5, 4] },
  { name: "neg, exp, sin, cos, abs, square, erf", make: () => new Fn((x) => erf(square(abs(cos(sin(exp(neg(x)))))))), shape: [5, 4], noFloat64: "Erf" },
  { name: "log, sqrt, pow", make: () => new Fn((x) => pow(sqrt(log(add(x, 1))), 1.5)), shape: [5, 4], positive: true },
  { name: "maximum, minimum, clamp", make: () => new Fn((x, w) => clamp(minimum(maximum(x, w), 0.5), -0.2, null), [4]), shape: [5, 4] },
  { name: "matmul (and transposeB)", make: () => new Fn((x, w) => matmul(x, w, { transposeB: true }), [3, 4]), shape: [5, 4] },
  { name: "batched matmul", make: () => new Fn((x, w) => matmul(x, w), [4, 2]), shape: [5, 3, 4] },
  { name: "sum, mean, max, min over axes", make: () => new Fn((x) => concat([sum(x, 1), mean(x, 1), max(x, 1), min(x, -2), reshape(mean(x, [1, 2]), [x.shape[0], 1])], 1)), shape: [5, 3, 4] },
  { name: "sum keepDims, logSumExp", make: () => new Fn((x) => add(sum(x, 1, true), logSumExp(x, 1, true))), shape: [5, 4] },
  { name: "softmax, logSoftmax", make: () => new Fn((x) => concat([softmax(x), logSoftmax(x, 1)], -1)), shape: [5, 3, 4] },
  { name: "reshape, permute, transpose", make: () => new Fn((x) => transpose(permute(reshape(x, [x.shape[0], 3, 2, 2]), [0, 2, 3, 1]), 1, 3)), shape: [5, 12] },
  { name: "slice and concat", make: () => new Fn((x) => concat([slice(x, [0, 1], [x.shape[0], 3]), slice(x, [0, -1], [x.shape[0], 4])], 1)), shape: [5, 4] },
  { name: "expand", make: () => new Fn((x) => mul(expand(sum(x, 1, true), [x.shape[0], 3]), 2)), shape: [5, 4] },
  { name: "pad constant (and a crop)", make: () => new Fn((x) => pad(x, [1, -1, 2, 0], { value: 0.5 })), shape: [2, 3, 4] },
  { name: "pad reflect", make: () => new Fn((x) => pad(x, [2, 1, 1, 1], { mode: "reflect" })), shape: [2, 3, 4, 5] },
  { name: "pad replicate", make: () => new Fn((x) => pad(x, [1, 2], { mode: "replicate" })), shape: [2, 3, 4] },
  { name: "conv1d", make: () => new Fn((x, w) => conv1d(x, w, { padding: 1 }), [4, 2, 3]), shape: [3, 2, 9], noFloat64: "Conv" },
  { name: "avgPool2d functional", make: () => new Fn((x) => avgPool2d(x, { kernelSize: 3, stride: 1 })), shape: img, noFloat64: "AveragePool" },
  { name: "gather (a weight's entries, reordered)", make: () => new Fn((x, w) => add(x, gather(w, 0, [3, 0, 0, 2])), [4]), shape: [5, 4] },
  { name: "where with a constant condition", make: () => new Fn((x, w) => where(tensor([1, 0, 0, 1]), x, w), [4]), shape: [5, 4] },
  { name: "a float64 weight on a float32 input (Cast)", make: () => new Fn((x, w) => mul(x, w), [4], "float64"), shape: [5, 4] },
];

/** Both lists. */
export const ALL_CASES = [...LAYER_CASES, ...OP_CASES];

/** Example inputs for a case: N(0, 1), positive, or whole numbers; with the batch size replaced by `batch`. */
export function inputFor(c: Case, batch: number, dtype: DType = "float32"): Tensor {
  const shape = [batch, ...c.shape.slice(1)];
  const x = randn(shape, { dtype });
  if (c.indices !== undefined) return tensor(Array.from(x.data, (v) => Math.min(c.indices! - 1, Math.floor(Math.abs(v) * 3))), { shape, dtype });
  if (c.positive) return tensor(Array.from(x.data, (v) => Math.abs(v) + 0.1), { shape, dtype });
  return x;
}
