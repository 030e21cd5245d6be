/**
 * @backprop/core — tensors, a computation graph and reverse-mode differentiation, with the
 * derivative at every kink chosen explicitly. The public API; see docs/ for the guide.
 */
import "./methods.js"; // attaches x.add(y), x.backward(), … to the Tensor class

export { Tensor, type NestedArray, type GradHook } from "./tensor.js";
export type { DType, FloatArray } from "./dtype.js";
export {
  tensor, zeros, ones, full, arange, linspace, rand, randn, getRngState, setRngState, type TensorOptions, type CreateOptions, type RngState,
} from "./creation.js";
export { manualSeed } from "./random.js";
export { powInt } from "./pow-int.js";

export { add, sub, mul, div, pow, maximum, minimum } from "./ops/arithmetic.js";
export { neg, exp, log, sqrt, abs, square, sign, clamp, erf, sin, cos } from "./ops/unary.js";
export { gt, ge, lt, le, eq, where, allclose, equal, type AllcloseOptions } from "./ops/compare.js";
export { relu, leakyRelu, sigmoid, tanh, softplus, type KinkOptions, type SoftplusOptions } from "./ops/activations.js";
export { elu, gelu, silu, hardtanh, relu6, type GeluOptions, type BoundsOptions } from "./ops/zoo.js";
export { matmul, type MatmulOptions } from "./ops/matmul.js";
export { linear } from "./ops/linear.js";
export { sum, mean, max, min, argmax, argmin, logSumExp } from "./ops/reduce.js";
export { reshape, view, flatten, transpose, permute, squeeze, unsqueeze, numel } from "./ops/shape.js";
export { slice, gather, concat, stack } from "./ops/indexing.js";
export { softmax, logSoftmax } from "./ops/softmax.js";
export { cast, to, float, double, clone, detach, expand } from "./ops/broadcast.js";
export { conv1d, conv2d, type Conv1dOptions, type Conv2dOptions } from "./ops/conv.js";
export { maxPool2d, avgPool2d, type MaxPool2dOptions, type AvgPool2dOptions } from "./ops/pool.js";
export { pad, type PadMode, type PadOptions } from "./ops/pad.js";
export type { Pair } from "./ops/windows.js";
export type { Operand, AxisArg, ReduceOptions } from "./ops/helpers.js";

export { noGrad, isGradEnabled, withGradMode } from "./autograd/gradMode.js";
export { incrementVersion } from "./autograd/version.js";
export { setReluAtZero, getReluAtZero, type KinkSide, type BoundsSide } from "./autograd/kinks.js";
export {
  setBackend, getBackend, availableBackends, backendInfo, registerBackend, setThreads, getThreads, kernels,
  type Backend, type SGDHyper, type AdamHyper,
} from "./kernels/index.js";

export { grad, valueAndGrad, gradcheck, type GradcheckOptions, type GradcheckResult, type GradcheckEntry, type GradcheckKink } from "./functional.js";
export { toDot, type DotOptions } from "./viz/dot.js";
export { traceBackward, type BackwardStep } from "./viz/trace.js";
export { formatBackward, explainBackward, type WalkthroughOptions } from "./viz/walkthrough.js";

// Extending the framework: a differentiable op of your own is a forward computation plus `record`
// (see docs/architecture.md); `@backprop/nn` builds its fused losses this way. The random draws
// come from the same seeded generator as rand/randn (see manualSeed).
export { record, type OpRecord, type BackwardFn, type GraphNode, type OpAttrs, type OpAttr } from "./autograd/node.js";
export { random as randomUniform, randomNormal, randomInt } from "./random.js";
// Error messages of packages built on the core quote values the same way: a short prefix at most.
export { quote, QUOTE_MAX } from "./quote.js";
