/**
 * How each recorded op is written in ONNX: one small function per op, given the node (its settings
 * in node.attrs), its output tensor, the ONNX names of its inputs (already in the output's dtype)
 * and the name its result must take. Most ops are one ONNX node; a few are short formulas of them
 * (GELU through Erf before opset 20, SiLU as x·σ(x), softplus with β as Softplus(βx)/β).
 *
 * Shapes written into the graph (Reshape's target, Expand's) are the traced ones, except that with
 * a dynamic batch the leading batch axis is left for ONNX to take from the input: 0 ("copy that
 * axis") in a Reshape, 1 (broadcast) in an Expand.
 */
import type { GraphNode, OpAttr, Tensor } from "@backprop/core";
import { DataType } from "./codes.js";
import { float, int, ints, str, type GraphBuilder } from "./graph-builder.js";
import { onnxDataType } from "./tensor-proto.js";

export interface Emit {
  b: GraphBuilder;
  node: GraphNode;
  /** The op's output. */
  y: Tensor;
  /** ONNX names of the node's inputs, in order, each of y's dtype. */
  ins: string[];
  /** The name the result must have. */
  out: string;
  /** A readable stem for intermediate names ("/0/gelu"). */
  hint: string;
  /** The example's batch size when the batch axis is dynamic, else null. */
  batch: number | null;
  /** ONNX names of tensors the node saved rather than took as inputs (gather's indices, where's condition). */
  savedName: (t: Tensor, dtype?: "int64") => string;
}

export type Emitter = (e: Emit) => void;

const num = (v: OpAttr | undefined) => v as number;
const nums = (v: OpAttr | undefined) => v as readonly number[];

/** One ONNX node of the same inputs. */
const direct = (opType: string): Emitter => (e) => e.b.node(opType, e.ins, e.out);

/** ReduceSum etc.: axes as an input from opset 18 (ReduceSum: 13), an attribute before. */
const reduce = (opType: string): Emitter => (e) => {
  const axes = nums(e.node.attrs.axis), keepdims = int(e.node.attrs.keepDims as boolean);
  if (e.b.opset >= 18 || opType === "ReduceSum") e.b.node(opType, [e.ins[0], e.b.int64s(axes, "axes")], e.out, { keepdims });
  else e.b.node(opType, [e.ins[0]], e.out, { axes: ints(axes), keepdims });
};

/**
 * A traced shape for Reshape: with a dynamic batch, the leading axis is 0 (copied from the input)
 * when the batch stays in front, or −1 (inferred) when it is merged into the first axis.
 */
function reshapeTarget(e: Emit): number[] {
  const x = e.node.inputs[0], target = e.y.shape.slice();
  if (e.batch === null || x.ndim === 0 || x.shape[0] !== e.batch || target.length === 0) return target;
  if (target.slice(1).includes(0)) return target; // a 0 there would read as "copy", so keep it static
  target[0] = target[0] === e.batch ? 0 : -1;
  return target;
}

const castTo: Emitter = (e) => e.b.node("Cast", e.ins, e.out, { to: int(onnxDataType(e.y.dtype)) });

const reshape: Emitter = (e) => e.b.node("Reshape", [e.ins[0], e.b.int64s(reshapeTarget(e), "shape")], e.out);

/** Clip's bounds are optional inputs; an infinite bound is left out. */
function clip(e: Emit, lo: number, hi: number): void {
  const bound = (v: number) => (Number.isFinite(v) ? e.b.scalar(v, e.y.dtype, "bound") : "");
  const inputs = [e.ins[0], bound(lo), bound(hi)];
  while (inputs.at(-1) === "") inputs.pop();
  e.b.node("Clip", inputs, e.out);
}

/** x·½(1 + erf(x/√2)) (exact GELU), or ½x(1 + tanh(√(2/π)(x + 0.044715x³))): GELU before opset 20. */
function geluFormula(e: Emit, approximate: string): void {
  const { b, hint } = e, x = e.ins[0], c = (v: number) => b.scalar(v, e.y.dtype);
  const halfX = b.value("Mul", [x, c(0.5)], `${hint}/half_x`);
  let inner: string;
  if (approximate === "tanh") {
    const cube = b.value("Mul", [b.value("Mul", [x, x], `${hint}/x2`), x], `${hint}/x3`);
    const arg = b.value("Mul", [b.value("Add", [x, b.value("Mul", [cube, c(0.044715)], `${hint}/cx3`)], `${hint}/poly`), c(Math.sqrt(2 / Math.PI))], `${hint}/arg`);
    inner = b.value("Tanh", [arg], `${hint}/tanh`);
  } else {
    inner = b.value("Erf", [b.value("Mul", [x, c(Math.SQRT1_2)], `${hint}/x_over_sqrt2`)], `${hint}/erf`);
  }
  b.node("Mul", [halfX, b.value("Add", [inner, c(1)], `${hint}/one_plus`)], e.out);
}

/** The ONNX emitter of each recorded op, by op name. */
export const EMITTERS: Record<string, Emitter> = {
  add: direct("Add"), sub: direct("Sub"), mul: direct("Mul"), div: direct("Div"), pow: direct("Pow"),
  maximum: direct("Max"), minimum: direct("Min"),
  neg: direct("Neg"), exp: direct("Exp"), log: direct("Log"), sqrt: direct("Sqrt"), abs: direct("Abs"),
  erf: direct("Erf"), sin: direct("Sin"), cos: direct("Cos"),
  square: (e) => e.b.node("Mul", [e.ins[0], e.ins[0]], e.out),
  relu: direct("Relu"), sigmoid: direct("Sigmoid"), tanh: direct("Tanh"),
  leakyRelu: (e) => e.b.node("LeakyRelu", e.ins, e.out, { alpha: float(num(e.node.attrs.slope)) }),
  elu: (e) => e.b.node("Elu", e.ins, e.out, { alpha: float(num(e.node.attrs.alpha)) }),
  // ONNX's Softplus has no β and no threshold: above the threshold softplus(x) and x differ by
  // less than e^(−threshold) (2·10⁻⁹ at the default 20), well inside float32's precision of x.
  softplus: (e) => {
    const beta = num(e.node.attrs.beta);
    if (beta === 1) return e.b.node("Softplus", e.ins, e.out);
    const s = e.b.value("Softplus", [e.b.value("Mul", [e.ins[0], e.b.scalar(beta, e.y.dtype)], `${e.hint}/beta_x`)], `${e.hint}/softplus`);
    e.b.node("Div", [s, e.b.scalar(beta, e.y.dtype)], e.out);
  },
  gelu: (e) => {
    const approximate = e.node.attrs.approximate as string;
    if (e.b.opset >= 20) e.b.node("Gelu", e.ins, e.out, { approximate: str(approximate) });
    else geluFormula(e, approximate);
  },
  silu: (e) => e.b.node("Mul", [e.ins[0], e.b.value("Sigmoid", e.ins, `${e.hint}/sigmoid`)], e.out),
  hardtanh: (e) => clip(e, num(e.node.attrs.min), num(e.node.attrs.max)),
  relu6: (e) => clip(e, 0, 6),
  clamp: (e) => clip(e, num(e.node.attrs.min), num(e.node.attrs.max)),

  matmul: (e) => {
    const swapLast = (name: string, t: Tensor, flag: OpAttr) => {
      if (!flag) return name;
      const perm = t.shape.map((_, i) => i);
      [perm[perm.length - 2], perm[perm.length - 1]] = [perm[perm.length - 1], perm[perm.length - 2]];
      return e.b.value("Transpose", [name], `${e.hint}/transposed`, { perm: ints(perm) });
    };
    const [a, b] = e.node.inputs;
    e.b.node("MatMul", [swapLast(e.ins[0], a, e.node.attrs.transposeA), swapLast(e.ins[1], b, e.node.attrs.transposeB)], e.out);
  },
  // y = x·Wᵀ + b: one Gemm for a matrix input (as PyTorch writes nn.Linear), MatMul with Wᵀ otherwise.
  linear: (e) => {
    if (e.node.inputs[0].ndim === 2) return e.b.node("Gemm", e.ins, e.out, { transB: int(1) });
    const wT = e.b.value("Transpose", [e.ins[1]], `${e.hint}/weight_t`, { perm: ints([1, 0]) });
    if (e.ins.length === 2) return e.b.node("MatMul", [e.ins[0], wT], e.out);
    e.b.node("Add", [e.b.value("MatMul", [e.ins[0], wT], `${e.hint}/matmul`), e.ins[2]], e.out);
  },

  sum: reduce("ReduceSum"), mean: reduce("ReduceMean"), max: reduce("ReduceMax"), min: reduce("ReduceMin"),
  logSumExp: reduce("ReduceLogSumExp"),
  softmax: (e) => e.b.node("Softmax", e.ins, e.out, { axis: int(num(e.node.attrs.axis)) }),
  logSoftmax: (e) => e.b.node("LogSoftmax", e.ins, e.out, { axis: int(num(e.node.attrs.axis)) }),

  reshape, view: reshape, flatten: reshape, squeeze: reshape, unsqueeze: reshape,
  permute: (e) => e.b.node("Transpose", e.ins, e.out, { perm: ints(nums(e.node.attrs.dims)) }),
  transpose: (e) => {
    const perm = e.y.shape.map((_, i) => i), a = num(e.node.attrs.dim0), b = num(e.node.attrs.dim1);
    [perm[a], perm[b]] = [perm[b], perm[a]];
    e.b.node("Transpose", e.ins, e.out, { perm: ints(perm) });
  },
  expand: (e) => {
    const x = e.node.inputs[0], target = e.y.shape.slice(), lead = target.length - x.ndim;
    // Expand broadcasts both ways, so a 1 keeps whatever batch the input brings.
    if (e.batch !== null && lead === 0 && x.shape[0] === e.batch) target[0] = 1;
    e.b.node("Expand", [e.ins[0], e.b.int64s(target, "shape")], e.out);
  },
  slice: (e) => {
    const x = e.node.inputs[0], starts = nums(e.node.attrs.starts), ends = nums(e.node.attrs.ends);
    const axes = x.shape.map((_, i) => i).filter((i) => starts[i] !== 0 || ends[i] !== x.shape[i]);
    if (axes.length === 0) return e.b.node("Identity", e.ins, e.out);
    const pick = (v: readonly number[]) => e.b.int64s(axes.map((i) => v[i]));
    e.b.node("Slice", [e.ins[0], pick(starts), pick(ends), e.b.int64s(axes, "axes")], e.out);
  },
  concat: (e) => e.b.node("Concat", e.ins, e.out, { axis: int(num(e.node.attrs.axis)) }),
  gather: (e) => e.b.node("GatherElements", [e.ins[0], e.savedName(e.node.saved[0].tensor, "int64")], e.out, { axis: int(num(e.node.attrs.axis)) }),
  where: (e) => {
    const cond = e.b.value("Cast", [e.savedName(e.node.saved[0].tensor)], `${e.hint}/condition`, { to: int(DataType.BOOL) });
    e.b.node("Where", [cond, ...e.ins], e.out);
  },
  cast: castTo, to: castTo, float: castTo, double: castTo,
  clone: direct("Identity"), input: direct("Identity"),

  conv2d: (e) => {
    const a = e.node.attrs, [top, bottom, left, right] = nums(a.pads), w = e.node.inputs[1];
    e.b.node("Conv", e.ins, e.out, {
      kernel_shape: ints(w.shape.slice(2)), strides: ints(nums(a.stride)), dilations: ints(nums(a.dilation)),
      pads: ints([top, left, bottom, right]), group: int(num(a.groups)),
    });
  },
  maxPool2d: (e) => {
    const a = e.node.attrs, [ph, pw] = nums(a.padding);
    e.b.node("MaxPool", e.ins, e.out, {
      kernel_shape: ints(nums(a.kernel)), strides: ints(nums(a.stride)), dilations: ints(nums(a.dilation)),
      pads: ints([ph, pw, ph, pw]), ceil_mode: int(a.ceilMode as boolean),
    });
  },
  avgPool2d: (e) => {
    const a = e.node.attrs, [ph, pw] = nums(a.padding);
    e.b.node("AveragePool", e.ins, e.out, {
      kernel_shape: ints(nums(a.kernel)), strides: ints(nums(a.stride)), pads: ints([ph, pw, ph, pw]),
      ceil_mode: int(a.ceilMode as boolean), count_include_pad: int(a.countIncludePad as boolean),
    });
  },
  pad: (e) => {
    const a = e.node.attrs, x = e.node.inputs[0];
    // ONNX lists every axis's leading pads, then every axis's trailing ones; ours go last axis first.
    const before = x.shape.map(() => 0), after = x.shape.map(() => 0);
    const given = nums(a.pads);
    for (let k = 0; k < given.length / 2; k++) {
      before[x.ndim - 1 - k] = given[2 * k];
      after[x.ndim - 1 - k] = given[2 * k + 1];
    }
    const mode = { constant: "constant", reflect: "reflect", replicate: "edge", circular: "wrap" }[a.mode as string]!;
    e.b.node("Pad", [e.ins[0], e.b.int64s([...before, ...after], "pads"), e.b.scalar(num(a.value), e.y.dtype, "pad_value")], e.out, { mode: str(mode) });
  },
};

/**
 * Why an op that has an emitter still cannot be written with these settings (the opset, an option
 * ONNX lacks), or null.
 */
export function unsupportedSetting(node: GraphNode, opset: number): string | null {
  if (node.op === "avgPool2d" && node.attrs.divisorOverride !== null) return "divisorOverride has no ONNX equivalent (AveragePool divides by the window it counts)";
  if (node.op === "pad" && node.attrs.mode === undefined) return "this pad is the gradient of slice, not a forward op";
  if (node.op === "pad" && node.attrs.mode === "circular" && opset < 19) return `mode "circular" is Pad's mode "wrap", from opset 19 (exporting at ${opset}); pass { opset: 19 }`;
  if (node.op === "pad" && nums(node.attrs.pads).some((p) => p < 0) && node.attrs.mode !== "constant") return "negative pads (cropping) are exported for mode \"constant\" only";
  return null;
}
