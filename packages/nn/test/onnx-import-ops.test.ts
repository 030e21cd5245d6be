/**
 * Every imported ONNX op against onnxruntime: a one-node (or few-node) graph built in the test,
 * run by the importer and by onnxruntime-node on the same inputs, compared within
 * 1e-5·max(1, |reference|) (float32 throughout). The cases pick the attribute corners where an
 * importer goes wrong: Gemm's transposes and scales, Reshape's 0 and −1, Slice's clamping and
 * negative steps, asymmetric and automatic pads, groups and dilations, ceil_mode windows and the
 * divisor of count_include_pad.
 */
import { afterAll, describe, expect, it } from "vitest";
import { TensorProto_DataType as DT } from "onnx-buf";
import { tensor, type Tensor } from "@backprop/core";
import { importOnnx } from "../src/interop/onnx/import.js";
import { tensorToProto } from "../src/interop/onnx/tensor-proto.js";
import { attr, onnxModel, runOrt, sample, type GraphSpec, type Init } from "./onnx-graph.js";

const { i, is, f, s } = attr;
const int64 = (values: number[], shape = [values.length]): Init => ({ values, shape, type: "int64" });
const floats = (values: number[], shape = [values.length]): Init => ({ values, shape });

interface Case extends Omit<GraphSpec, "inputs"> {
  name: string;
  /** Float inputs: shape (declared as given) and the range the values are drawn from. */
  inputs: Record<string, number[]>;
  range?: [number, number];
}

/** One node `op` reading `inputs` (the float inputs first unless `reads` says otherwise). */
function one(name: string, op: string, inputs: Record<string, number[]>, extra: Partial<Case> & { reads?: string[]; attrs?: GraphSpec["nodes"][0]["attrs"] } = {}): Case {
  const { reads, attrs, ...rest } = extra;
  return { name, inputs, nodes: [{ op, inputs: reads ?? Object.keys(inputs), attrs }], ...rest };
}

const x23 = { x: [2, 3] }, x234 = { x: [2, 3, 4] };
const img = (n: number, c: number, h: number, w: number) => ({ x: [n, c, h, w] });

const CASES: Case[] = [
  // elementwise
  ...["Abs", "Neg", "Exp", "Erf", "Sin", "Cos", "Relu", "Sigmoid", "Tanh", "Softplus", "Identity", "Sign"].map((op) => one(op, op, x234)),
  one("Log", "Log", x234, { range: [0.1, 3] }),
  one("Sqrt", "Sqrt", x234, { range: [0.1, 3] }),
  one("LeakyRelu default alpha", "LeakyRelu", x234),
  one("LeakyRelu alpha 0.2", "LeakyRelu", x234, { attrs: { alpha: f(0.2) } }),
  one("Elu alpha 0.5", "Elu", x234, { attrs: { alpha: f(0.5) } }),
  one("Gelu (opset 20)", "Gelu", x234, { opset: 20 }),
  one("Gelu tanh (opset 20)", "Gelu", x234, { opset: 20, attrs: { approximate: s("tanh") } }),
  ...["Add", "Sub", "Mul", "Max", "Min"].map((op) => one(`${op} broadcast`, op, { a: [2, 3, 4], b: [3, 1] })),
  one("Div", "Div", { a: [2, 3], b: [3] }, { range: [0.5, 2] }),
  one("Pow", "Pow", { a: [2, 3], b: [2, 3] }, { range: [0.5, 2] }),
  one("Pow by a constant", "Pow", { a: [2, 3] }, { reads: ["a", "p"], initializers: { p: floats([3], []) } }),
  one("Max of three", "Max", { a: [2, 3], b: [3], c: [2, 1] }),
  one("Sum of three", "Sum", { a: [2, 3], b: [3], c: [2, 1] }),
  {
    name: "Where(Greater, Equal, Less)", inputs: { a: [2, 3], b: [2, 3] },
    nodes: [
      { op: "Greater", inputs: ["a", "b"], outputs: ["g"] },
      { op: "Less", inputs: ["a", "zero"], outputs: ["l"] },
      { op: "Equal", inputs: ["a", "a"], outputs: ["e"] },
      { op: "Where", inputs: ["g", "a", "b"], outputs: ["w1"] },
      { op: "Where", inputs: ["l", "w1", "zero"], outputs: ["w2"] },
      { op: "Where", inputs: ["e", "w2", "b"], outputs: ["y"] },
    ],
    initializers: { zero: floats([0], []) },
  },
  one("Where with a bool initializer", "Where", { a: [2, 3], b: [3] }, { reads: ["c", "a", "b"], initializers: { c: { values: [1, 0, 1], shape: [3], type: "bool" } } }),
  one("Clip min and max", "Clip", x234, { reads: ["x", "lo", "hi"], initializers: { lo: floats([-0.5], []), hi: floats([0.7], []) } }),
  one("Clip max only", "Clip", x234, { reads: ["x", "", "hi"], initializers: { hi: floats([0.3], []) } }),
  one("Clip neither", "Clip", x234),
  // matrix products
  one("MatMul 2-D", "MatMul", { a: [3, 4], b: [4, 5] }),
  one("MatMul batched broadcast", "MatMul", { a: [2, 3, 4], b: [4, 5] }),
  one("MatMul 1-D · 2-D", "MatMul", { a: [4], b: [4, 5] }),
  one("Gemm plain", "Gemm", { a: [3, 4], b: [4, 5], c: [5] }),
  one("Gemm transB (Linear)", "Gemm", { a: [3, 4], b: [5, 4], c: [5] }, { attrs: { transB: i(1) } }),
  one("Gemm transA transB alpha beta", "Gemm", { a: [4, 3], b: [5, 4], c: [3, 1] }, { attrs: { transA: i(1), transB: i(1), alpha: f(0.5), beta: f(-2) } }),
  one("Gemm without C", "Gemm", { a: [3, 4], b: [4, 5] }, { attrs: { alpha: f(3) } }),
  // shapes
  one("Reshape 0 and -1", "Reshape", x234, { reads: ["x", "shape"], initializers: { shape: int64([0, -1]) } }),
  one("Reshape to 3-D with 0", "Reshape", x234, { reads: ["x", "shape"], initializers: { shape: int64([0, 4, -1]) } }),
  one("Flatten axis 2", "Flatten", x234, { attrs: { axis: i(2) } }),
  one("Flatten axis 0", "Flatten", x234, { attrs: { axis: i(0) } }),
  one("Flatten axis -1", "Flatten", x234, { attrs: { axis: i(-1) } }),
  one("Transpose perm", "Transpose", x234, { attrs: { perm: is([2, 0, 1]) } }),
  one("Transpose default (reverse)", "Transpose", x234),
  one("Expand bidirectional", "Expand", { x: [3, 1] }, { reads: ["x", "shape"], initializers: { shape: int64([2, 1, 4]) } }),
  one("Squeeze axes", "Squeeze", { x: [2, 1, 3, 1] }, { reads: ["x", "axes"], initializers: { axes: int64([-1, 1]) } }),
  one("Squeeze all", "Squeeze", { x: [2, 1, 3, 1] }),
  one("Unsqueeze axes", "Unsqueeze", x23, { reads: ["x", "axes"], initializers: { axes: int64([0, -1, 2]) } }),
  one("Concat axis -1", "Concat", { a: [2, 3], b: [2, 1], c: [2, 2] }, { attrs: { axis: i(-1) } }),
  one("Slice clamped ends", "Slice", { x: [5, 6] }, { reads: ["x", "st", "en"], initializers: { st: int64([1, -4]), en: int64([100, -1]) } }),
  one("Slice axes and steps", "Slice", { x: [5, 6, 3] }, { reads: ["x", "st", "en", "ax", "sp"], initializers: { st: int64([0, 1]), en: int64([6, 9]), ax: int64([1, 0]), sp: int64([2, 3]) } }),
  one("Slice negative step", "Slice", { x: [5, 6] }, { reads: ["x", "st", "en", "ax", "sp"], initializers: { st: int64([-1, 100]), en: int64([-100, 0]), ax: int64([0, 1]), sp: int64([-2, -1]) } }),
  one("Slice INT64_MAX end", "Slice", { x: [5, 6] }, { reads: ["x", "st", "en", "ax"], initializers: { st: int64([2]), en: int64([Infinity]), ax: int64([1]) } }),
  one("Slice empty", "Slice", { x: [5, 6] }, { reads: ["x", "st", "en", "ax"], initializers: { st: int64([4]), en: int64([2]), ax: int64([0]) } }),
  one("Gather axis 0, 2-D indices", "Gather", { x: [5, 3] }, { reads: ["x", "idx"], initializers: { idx: int64([0, -1, 2, 2], [2, 2]) } }),
  one("Gather axis 1, scalar index", "Gather", x234, { reads: ["x", "idx"], attrs: { axis: i(1) }, initializers: { idx: int64([-2], []) } }),
  one("GatherElements axis 1 (longer), negative indices", "GatherElements", { x: [2, 3] }, { reads: ["x", "idx"], attrs: { axis: i(1) }, initializers: { idx: int64([0, -1, 2, 1, 1, 0, -3, 2], [2, 4]) } }),
  one("GatherElements axis 0", "GatherElements", x234, { reads: ["x", "idx"], initializers: { idx: int64([1, 0, 1, 0, 0, 0, 1, 1, 0, 1, 1, 0], [1, 3, 4]) } }),
  one("Pad constant", "Pad", x234, { reads: ["x", "pads", "v"], initializers: { pads: int64([0, 1, 2, 1, 0, 3]), v: floats([1.5], []) } }),
  one("Pad reflect", "Pad", x234, { reads: ["x", "pads"], attrs: { mode: s("reflect") }, initializers: { pads: int64([0, 0, 3, 0, 2, 1]) } }),
  one("Pad edge", "Pad", x234, { reads: ["x", "pads"], attrs: { mode: s("edge") }, initializers: { pads: int64([1, 0, 0, 0, 2, 5]) } }),
  one("Pad negative (crop)", "Pad", x234, { reads: ["x", "pads"], initializers: { pads: int64([0, -1, 1, 0, 0, -2]) } }),
  one("Pad axes (opset 18)", "Pad", x234, { opset: 18, reads: ["x", "pads", "", "axes"], initializers: { pads: int64([1, 2, 0, 1]), axes: int64([-1, 1]) } }),
  // reductions
  one("ReduceSum axes keepdims", "ReduceSum", x234, { reads: ["x", "axes"], initializers: { axes: int64([0, -1]) } }),
  one("ReduceSum no keepdims", "ReduceSum", x234, { reads: ["x", "axes"], attrs: { keepdims: i(0) }, initializers: { axes: int64([1]) } }),
  one("ReduceSum all", "ReduceSum", x234, { attrs: { keepdims: i(0) } }),
  one("ReduceSum noop_with_empty_axes", "ReduceSum", x234, { attrs: { noop_with_empty_axes: i(1) } }),
  one("ReduceMean axes attribute (opset 17)", "ReduceMean", x234, { attrs: { axes: is([1, 2]) } }),
  one("ReduceMean axes input (opset 18)", "ReduceMean", x234, { opset: 18, reads: ["x", "axes"], initializers: { axes: int64([-2]) } }),
  one("ReduceMax", "ReduceMax", x234, { attrs: { axes: is([2]), keepdims: i(0) } }),
  one("ReduceMin all keepdims", "ReduceMin", x234),
  one("ReduceLogSumExp", "ReduceLogSumExp", x234, { attrs: { axes: is([0]) } }),
  one("Softmax default axis", "Softmax", x234),
  one("Softmax axis 1", "Softmax", x234, { attrs: { axis: i(1) } }),
  one("LogSoftmax axis 0", "LogSoftmax", x234, { attrs: { axis: i(0) } }),
  // convolutions
  one("Conv 2-D pads", "Conv", { x: [2, 3, 6, 5], w: [4, 3, 3, 3], b: [4] }, { attrs: { pads: is([1, 1, 1, 1]) } }),
  one("Conv asymmetric pads, strides", "Conv", { x: [1, 2, 7, 6], w: [3, 2, 3, 2] }, { attrs: { pads: is([0, 2, 1, 1]), strides: is([2, 3]) } }),
  one("Conv groups, dilations", "Conv", { x: [2, 4, 8, 7], w: [6, 2, 3, 2], b: [6] }, { attrs: { group: i(2), dilations: is([2, 3]), pads: is([2, 1, 1, 0]) } }),
  one("Conv depthwise", "Conv", { x: [1, 3, 5, 5], w: [3, 1, 3, 3] }, { attrs: { group: i(3) } }),
  one("Conv SAME_UPPER stride 2", "Conv", { x: [1, 2, 7, 6], w: [3, 2, 4, 3] }, { attrs: { auto_pad: s("SAME_UPPER"), strides: is([2, 2]) } }),
  one("Conv SAME_LOWER", "Conv", { x: [1, 2, 6, 6], w: [2, 2, 4, 4] }, { attrs: { auto_pad: s("SAME_LOWER") } }),
  one("Conv VALID", "Conv", { x: [1, 2, 6, 6], w: [2, 2, 3, 3] }, { attrs: { auto_pad: s("VALID"), kernel_shape: is([3, 3]) } }),
  one("Conv 1-D", "Conv", { x: [2, 3, 9], w: [4, 3, 3], b: [4] }, { attrs: { pads: is([2, 1]), strides: is([2]), dilations: is([2]) } }),
  one("Conv 1-D groups", "Conv", { x: [1, 4, 6], w: [2, 2, 2] }, { attrs: { group: i(2) } }),
  // pools
  one("MaxPool 2×2", "MaxPool", img(2, 3, 6, 6), { attrs: { kernel_shape: is([2, 2]), strides: is([2, 2]) } }),
  one("MaxPool asymmetric pads", "MaxPool", img(1, 2, 5, 6), { attrs: { kernel_shape: is([3, 2]), pads: is([1, 0, 0, 1]), strides: is([1, 2]) } }),
  one("MaxPool ceil_mode", "MaxPool", img(1, 2, 7, 8), { attrs: { kernel_shape: is([3, 3]), strides: is([2, 3]), ceil_mode: i(1) } }),
  one("MaxPool ceil_mode with pads (last window dropped)", "MaxPool", img(1, 1, 6, 6), { attrs: { kernel_shape: is([2, 2]), strides: is([2, 2]), pads: is([1, 1, 1, 1]), ceil_mode: i(1) } }),
  one("MaxPool dilations", "MaxPool", img(1, 2, 8, 7), { attrs: { kernel_shape: is([2, 3]), dilations: is([2, 2]), pads: is([1, 1, 1, 1]) } }),
  one("MaxPool SAME_UPPER", "MaxPool", img(1, 2, 7, 5), { attrs: { kernel_shape: is([3, 2]), strides: is([2, 2]), auto_pad: s("SAME_UPPER") } }),
  one("MaxPool 1-D", "MaxPool", { x: [2, 3, 9] }, { attrs: { kernel_shape: is([3]), strides: is([2]), pads: is([1, 1]) } }),
  one("AveragePool plain", "AveragePool", img(2, 3, 6, 6), { attrs: { kernel_shape: is([2, 2]), strides: is([2, 2]) } }),
  one("AveragePool pads, count_include_pad 0", "AveragePool", img(1, 2, 5, 6), { attrs: { kernel_shape: is([3, 3]), pads: is([1, 1, 1, 1]) } }),
  one("AveragePool pads, count_include_pad 1", "AveragePool", img(1, 2, 5, 6), { attrs: { kernel_shape: is([3, 3]), pads: is([1, 1, 1, 1]), count_include_pad: i(1) } }),
  one("AveragePool asymmetric pads, include", "AveragePool", img(1, 2, 5, 6), { attrs: { kernel_shape: is([3, 2]), pads: is([2, 0, 0, 1]), count_include_pad: i(1) } }),
  one("AveragePool ceil_mode, exclude pad", "AveragePool", img(1, 2, 7, 8), { attrs: { kernel_shape: is([3, 3]), strides: is([2, 2]), pads: is([1, 1, 1, 1]), ceil_mode: i(1) } }),
  one("AveragePool ceil_mode, include pad", "AveragePool", img(1, 2, 7, 8), { attrs: { kernel_shape: is([3, 3]), strides: is([2, 2]), pads: is([1, 1, 1, 1]), ceil_mode: i(1), count_include_pad: i(1) } }),
  one("AveragePool ceil_mode, no pads", "AveragePool", img(1, 1, 7, 7), { attrs: { kernel_shape: is([2, 2]), strides: is([2, 2]), ceil_mode: i(1), count_include_pad: i(1) } }),
  one("AveragePool 1-D", "AveragePool", { x: [2, 2, 7] }, { attrs: { kernel_shape: is([3]), strides: is([2]), pads: is([1, 1]), ceil_mode: i(1) } }),
  one("GlobalAveragePool", "GlobalAveragePool", img(2, 3, 4, 5)),
  // normalization
  one("BatchNormalization", "BatchNormalization", { x: [2, 3, 4, 2], scale: [3], b: [3], mean: [3] }, {
    reads: ["x", "scale", "b", "mean", "var"], attrs: { epsilon: f(1e-3) }, initializers: { var: floats([0.5, 1.5, 2]) },
  }),
  one("BatchNormalization 2-D input", "BatchNormalization", { x: [4, 3], scale: [3], b: [3], mean: [3] }, {
    reads: ["x", "scale", "b", "mean", "var"], initializers: { var: floats([0.5, 1.5, 2]) },
  }),
  one("LayerNormalization", "LayerNormalization", { x: [2, 3, 4], scale: [4], b: [4] }, { attrs: { epsilon: f(1e-4) } }),
  one("LayerNormalization axis 1, no bias", "LayerNormalization", { x: [2, 3, 4], scale: [3, 4] }, { attrs: { axis: i(1) } }),
  {
    name: "LayerNormalization Mean and InvStdDev outputs", inputs: { x: [2, 3, 4], scale: [4] },
    nodes: [{ op: "LayerNormalization", inputs: ["x", "scale"], outputs: ["y", "m", "inv"] }], outputs: ["y", "m", "inv"],
  },
  // the rest
  one("Dropout (inference)", "Dropout", x234),
  one("Cast to DOUBLE", "Cast", x234, { attrs: { to: i(DT.DOUBLE) }, outputTypes: [DT.DOUBLE] }),
  one("Cast to INT64 truncates", "Cast", x234, { attrs: { to: i(DT.INT64) }, outputTypes: [DT.INT64] }),
  {
    name: "Constant value tensor, value_float, value_ints", inputs: x23,
    nodes: [
      { op: "Constant", inputs: [], outputs: ["c1"], attrs: { value: attr.t(constTensor()) } },
      { op: "Constant", inputs: [], outputs: ["c2"], attrs: { value_float: f(0.25) } },
      { op: "Constant", inputs: [], outputs: ["shape"], attrs: { value_ints: is([3, 2]) } },
      { op: "Mul", inputs: ["x", "c1"], outputs: ["p"] },
      { op: "Add", inputs: ["p", "c2"], outputs: ["q"] },
      { op: "Reshape", inputs: ["q", "shape"], outputs: ["y"] },
    ],
  },
  {
    name: "Shape → Gather → Unsqueeze → Concat → Reshape (PyTorch's view(x.size(0), -1))", inputs: x234,
    nodes: [
      { op: "Shape", inputs: ["x"], outputs: ["s"] },
      { op: "Gather", inputs: ["s", "zero"], outputs: ["n"] },
      { op: "Unsqueeze", inputs: ["n", "axes"], outputs: ["n1"] },
      { op: "Concat", inputs: ["n1", "minus1"], outputs: ["shape"], attrs: { axis: i(0) } },
      { op: "Reshape", inputs: ["x", "shape"], outputs: ["y"] },
    ],
    initializers: { zero: int64([0], []), axes: int64([0]), minus1: int64([-1]) },
  },
  one("Shape start/end", "Shape", x234, { attrs: { start: i(1), end: i(-1) }, outputTypes: [DT.INT64] }),
];

function constTensor() {
  return tensorToProto("c1", tensor([1, -2, 0.5]));
}

let worst = { diff: 0, name: "" };
afterAll(() => console.log(`largest difference from onnxruntime: ${worst.diff.toExponential(2)} (${worst.name})`));

describe("each ONNX op, against onnxruntime", () => {
  for (const [k, c] of CASES.entries()) {
    it(c.name, async () => {
      const [lo, hi] = c.range ?? [-2, 2];
      const values: Record<string, Tensor> = {};
      Object.entries(c.inputs).forEach(([name, shape], j) => { values[name] = sample(shape, 100 * k + j + 1, lo, hi); });
      const bytes = onnxModel({ ...c, inputs: c.inputs });
      const expected = await runOrt(bytes, values);
      const model = importOnnx(bytes);
      const out = model.forward(...Object.values(values));
      const got = Array.isArray(out) ? out : [out];
      expect(got.length).toBe(expected.length);
      got.forEach((t, j) => {
        expect(t.shape).toEqual(expected[j].shape);
        expected[j].data.forEach((ref, n) => {
          const diff = Math.abs(t.data[n] - ref);
          if (!(diff <= 1e-5 * Math.max(1, Math.abs(ref)))) {
            throw new Error(`${c.name}: output ${j} at ${n}: got ${t.data[n]}, onnxruntime ${ref}`);
          }
          if (diff > worst.diff) worst = { diff, name: c.name };
        });
      });
    });
  }
});
