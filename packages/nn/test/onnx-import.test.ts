/**
 * importOnnx on models PyTorch exported (fixtures/onnx/, made by reference/onnx_fixtures.py):
 * outputs against PyTorch's own for the fixed batch and against onnxruntime for another batch
 * size, state-dict keys against PyTorch's parameter names, gradients (a gradcheck in float64 and a
 * few SGD steps), and every error the importer gives. The op-by-op comparison with onnxruntime is
 * in onnx-import-ops.test.ts.
 */
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { AttributeProto_AttributeType as A, GraphProtoSchema, ModelProtoSchema, TensorProto_DataType as DT } from "onnx-buf";
import { gradcheck, mean, noGrad, square, sub, tensor, type Tensor } from "@backprop/core";
import { importOnnx, OnnxModule, SGD } from "../src/index.js";
import { attr, onnxModel, runOrt, sample } from "./onnx-graph.js";

const dir = new URL("./fixtures/onnx/", import.meta.url);
interface Flat { shape: number[]; data: number[] }
interface Fixture { torch: string; stateDictKeys: string[]; input: Flat; outputs: Record<string, Flat> }
const load = (name: string) => ({
  bytes: new Uint8Array(readFileSync(new URL(`${name}.onnx`, dir))),
  ref: JSON.parse(readFileSync(new URL(`${name}.json`, dir), "utf8")) as Fixture,
});
const FIXTURES = ["mlp", "cnn", "heads", "pool1d"];

const worst: Record<string, number> = { pytorch: 0, onnxruntime: 0 };
afterAll(() => console.log(`largest difference: from PyTorch ${worst.pytorch.toExponential(2)}, from onnxruntime ${worst.onnxruntime.toExponential(2)}`));

/** Every value of `got` within 1e-5·max(1, |ref|) of the reference. */
function expectClose(got: Tensor, ref: Flat, against: "pytorch" | "onnxruntime"): void {
  expect(got.shape).toEqual(ref.shape);
  ref.data.forEach((r, i) => {
    const diff = Math.abs(got.data[i] - r);
    if (!(diff <= 1e-5 * Math.max(1, Math.abs(r)))) throw new Error(`value ${i}: got ${got.data[i]}, ${against} ${r}`);
    worst[against] = Math.max(worst[against], diff);
  });
}

const outputsOf = (y: Tensor | Tensor[]) => (Array.isArray(y) ? y : [y]);

describe("PyTorch's exported models", () => {
  for (const name of FIXTURES) {
    it(`${name}: PyTorch's output for its batch, onnxruntime's for another batch size`, async () => {
      const { bytes, ref } = load(name);
      const model = importOnnx(bytes);
      const x = tensor(ref.input.data, { shape: ref.input.shape });
      const ys = outputsOf(model.forward(x));
      expect(ys.length).toBe(Object.keys(ref.outputs).length);
      Object.values(ref.outputs).forEach((o, i) => expectClose(ys[i], o, "pytorch"));

      const other = sample([5, ...ref.input.shape.slice(1)], 7);
      const expected = await runOrt(bytes, { x: other });
      outputsOf(model.forward(other)).forEach((y, i) => expectClose(y, expected[i], "onnxruntime"));
    });

    it(`${name}: the state dict's keys are PyTorch's parameter names`, () => {
      const { bytes, ref } = load(name);
      const keys = Object.keys(importOnnx(bytes).stateDict());
      // BatchNorm2d's num_batches_tracked is not part of an inference graph
      expect(keys.sort()).toEqual(ref.stateDictKeys.filter((k) => !k.endsWith("num_batches_tracked")).sort());
    });
  }

  it("the CNN's running statistics are buffers, its weights parameters", () => {
    const model = importOnnx(load("cnn").bytes);
    const params = model.namedParameters().map(([n]) => n);
    expect(params).toContain("1.weight");
    expect(params).toContain("0.weight");
    expect(params).not.toContain("1.running_mean");
    expect(params).not.toContain("1.running_var");
    expect(model.stateDict()["1.running_var"].shape).toEqual([4]);
  });

  it("prints its inputs, outputs, op counts and tensors", () => {
    expect(String(importOnnx(load("mlp").bytes))).toBe([
      "OnnxModule(",
      "  inputs: x [batch, 4]",
      "  outputs: y",
      "  opset: 17, 5 nodes: Gemm ×3, Relu, Tanh",
      "  (0): OnnxTensors(weight: [8, 4], bias: [8])",
      "  (2): OnnxTensors(weight: [8, 8], bias: [8])",
      "  (4): OnnxTensors(weight: [3, 8], bias: [3])",
      ")",
    ].join("\n"));
  });
});

describe("training an imported model", () => {
  it("backward reaches every parameter; a float64 gradcheck passes on the input", () => {
    for (const name of ["mlp", "cnn", "heads", "pool1d"]) {
      const { bytes, ref } = load(name);
      const model = importOnnx(bytes);
      const x = tensor(ref.input.data, { shape: ref.input.shape });
      const loss = outputsOf(model.forward(x)).map((y) => square(y).sum()).reduce((a, b) => a.add(b));
      loss.backward();
      for (const [n, p] of model.namedParameters()) {
        expect(p.grad?.shape, `${name} ${n}`).toEqual(p.shape);
        expect(Array.from(p.grad!.data).some((g) => g !== 0), `${name} ${n} has a non-zero gradient`).toBe(true);
      }
      model.to("float64");
      const x64 = tensor(ref.input.data, { shape: ref.input.shape, dtype: "float64" });
      const result = gradcheck((t: Tensor) => outputsOf(model.forward(t))[0], [x64]);
      expect(result.ok, `${name}: max abs error ${result.maxAbsError}`).toBe(true);
    }
  });

  it("SGD on the imported MLP lowers the loss, and the state dict carries the change", () => {
    const { bytes, ref } = load("mlp");
    const model = importOnnx(bytes);
    const x = tensor(ref.input.data, { shape: ref.input.shape });
    const target = sample([3, 3], 11);
    const lossOf = () => mean(square(sub(model.forward(x) as Tensor, target)));
    const opt = new SGD(model.parameters(), { lr: 0.1 });
    const before = lossOf().item();
    for (let step = 0; step < 20; step++) {
      opt.zeroGrad();
      lossOf().backward();
      opt.step();
    }
    const after = lossOf().item();
    expect(after).toBeLessThan(before * 0.8);
    const fresh = importOnnx(bytes);
    fresh.loadStateDict(model.stateDict());
    expect(Array.from((fresh.forward(x) as Tensor).data)).toEqual(Array.from((noGrad(() => model.forward(x)) as Tensor).data));
  });
});

describe("names", () => {
  it("keeps names like onnx::MatMul_3 and flattens names that cannot be fields", () => {
    const bytes = onnxModel({
      inputs: { x: ["N", 2] },
      nodes: [
        { op: "MatMul", inputs: ["x", "onnx::MatMul_3"], outputs: ["a"] },
        { op: "Add", inputs: ["a", "training"], outputs: ["b"] },
        { op: "Mul", inputs: ["b", "fc"], outputs: ["c"] },
        { op: "Add", inputs: ["c", "fc.weight"], outputs: ["d"] },
        { op: "Add", inputs: ["d", "forward"], outputs: ["y"] },
      ],
      initializers: {
        "onnx::MatMul_3": { values: [1, 2, 3, 4], shape: [2, 2] },
        training: { values: [1, 1], shape: [2] }, fc: { values: [2], shape: [] },
        "fc.weight": { values: [3], shape: [] }, forward: { values: [4], shape: [] },
      },
    });
    const model = importOnnx(bytes);
    expect(Object.keys(model.stateDict()).sort()).toEqual(["fc", "fc_weight", "forward_1", "onnx::MatMul_3", "training_1"].sort());
    expect(model.stateKeys().get("fc.weight")).toBe("fc_weight");
    expect(model.training).toBe(true);
    // ((x·W + 1)·2 + 3) + 4 for x = [1, 0]: x·W = [1, 2]
    expect((model.forward(tensor([[1, 0]])) as Tensor).toArray()).toEqual([[11, 13]]);
  });
});

describe("errors", () => {
  const relu = (extra: object = {}) => onnxModel({ inputs: { x: ["N", 3] }, nodes: [{ op: "Relu", inputs: ["x"] }], ...extra });

  it("an op backprop does not have names the node, its index and the ops supported", () => {
    const bytes = onnxModel({ inputs: { x: [2] }, nodes: [{ op: "Relu", inputs: ["x"], outputs: ["h"] }, { op: "Hardmax", inputs: ["h"], name: "head" }] });
    expect(() => importOnnx(bytes)).toThrow(/^importOnnx: node "head" \(index 1\) uses ONNX op "Hardmax" which backprop cannot import; supported: Abs, Add, AveragePool, BatchNormalization, .*, Where$/);
  });

  it("bytes that are not a model", () => {
    expect(() => importOnnx(new TextEncoder().encode("PK\x03\x04 a zip file"))).toThrow(/^importOnnx: the 15 bytes are not an ONNX model \(/);
    expect(() => importOnnx(new Uint8Array(0))).toThrow("importOnnx: the 0 bytes are not an ONNX model (no ir_version)");
  });

  it("an opset before 13, another domain, a subgraph, an integer input, a name never defined", () => {
    expect(() => importOnnx(relu({ opset: 12 }))).toThrow(
      "importOnnx: the model uses opset 12 of the default ONNX domain; backprop imports opset 13 and newer (convert it: onnx.version_converter.convert_version(model, 17))");
    expect(() => importOnnx(onnxModel({ inputs: { x: [2] }, nodes: [{ op: "Relu", inputs: ["x"], domain: "com.microsoft" }] }))).toThrow(
      'importOnnx: node "n0" (index 0, Relu) is in the domain "com.microsoft"; backprop imports only the default ONNX domain');
    const withGraph = onnxModel({ inputs: { x: [2] }, nodes: [{ op: "Identity", inputs: ["x"], attrs: { body: { type: A.GRAPH, g: create(GraphProtoSchema, { name: "sub" }) } } }] });
    expect(() => importOnnx(withGraph)).toThrow('importOnnx: node "n0" (index 0, Identity) has a subgraph (attribute "body"), which backprop cannot import');
    expect(() => importOnnx(onnxModel({ inputs: { x: [2] }, nodes: [{ op: "Add", inputs: ["x", "nowhere"] }] }))).toThrow(
      'importOnnx: node "n0" (index 0, Add) reads "nowhere", which no graph input, initializer or earlier node defines');
    expect(() => importOnnx(withInputType(relu(), DT.INT64))).toThrow('importOnnx: graph input "x" has element type INT64; backprop\'s inputs are FLOAT or DOUBLE tensors');
  });

  it("an input of the wrong rank, size or count names the input and its declared shape", () => {
    const model = importOnnx(relu());
    expect(() => model.forward(tensor([1, 2, 3]))).toThrow(
      'OnnxModule.forward: input "x" must have shape [N, 3] (rank 2; names are free dimensions), got [3]');
    expect(() => model.forward(tensor([[1, 2]]))).toThrow(
      'OnnxModule.forward: input "x" must have shape [N, 3] (rank 2; names are free dimensions), got [1, 2]');
    expect(() => model.forward()).toThrow("OnnxModule.forward: the graph takes 1 input (x), got 0");
    expect((model.forward(tensor([[-1, 0, 2], [3, -4, 5]])) as Tensor).toArray()).toEqual([[0, 0, 2], [3, 0, 5]]);
  });

  it("a node that fails at forward names itself", () => {
    const bytes = onnxModel({
      inputs: { x: ["N", 6] }, nodes: [{ op: "Reshape", inputs: ["x", "shape"], name: "view" }],
      initializers: { shape: { values: [4, -1], shape: [2], type: "int64" } },
    });
    expect(() => importOnnx(bytes).forward(tensor([[1, 2, 3, 4, 5, 6]]))).toThrow(/^OnnxModule\.forward: node "view" \(index 0, Reshape\): reshape: /);
  });

  it("a required input left out, and a convolution input of the wrong rank", () => {
    const reshape = onnxModel({ inputs: { x: [2, 3] }, nodes: [{ op: "Reshape", inputs: ["x", ""] }] });
    expect(() => importOnnx(reshape).forward(sample([2, 3], 1))).toThrow(
      'OnnxModule.forward: node "n0" (index 0, Reshape): input 1 (shape) is required, but the node leaves it out');
    const conv = onnxModel({ inputs: { x: ["N", 2, 5], w: [3, 2, 2, 2] }, nodes: [{ op: "Conv", inputs: ["x", "w"] }] });
    expect(() => importOnnx(conv).forward(sample([1, 2, 5], 1), sample([3, 2, 2, 2], 2))).toThrow(
      'OnnxModule.forward: node "n0" (index 0, Conv): input of shape [1, 2, 5] should have rank 4 (N, C and 2 spatial axes, as kernel_shape or the weights say)');
  });

  it("MaxPool's indices output and training-mode BatchNormalization are refused", () => {
    const pool = onnxModel({ inputs: { x: [1, 1, 4, 4] }, nodes: [{ op: "MaxPool", inputs: ["x"], outputs: ["y", "idx"], attrs: { kernel_shape: attr.is([2, 2]) } }], outputs: ["y", "idx"] });
    expect(() => importOnnx(pool).forward(sample([1, 1, 4, 4], 1))).toThrow(
      "OnnxModule.forward: node \"n0\" (index 0, MaxPool): MaxPool's second output (the indices of the maxima) is not supported");
    const bn = onnxModel({
      inputs: { x: [2, 3], s: [3], b: [3], m: [3], v: [3] },
      nodes: [{ op: "BatchNormalization", inputs: ["x", "s", "b", "m", "v"], attrs: { training_mode: attr.i(1) } }],
    });
    const args = [[2, 3], [3], [3], [3], [3]].map((shape, i) => sample(shape, i + 1, 0.5, 1));
    expect(() => importOnnx(bn).forward(...args)).toThrow(
      'OnnxModule.forward: node "n0" (index 0, BatchNormalization): BatchNormalization in training mode (training_mode = 1, or the running-statistics outputs) is not supported; export the model in eval mode');
  });
});

/** The same model with its first input declared of another element type. */
function withInputType(bytes: Uint8Array, elemType: DT): Uint8Array {
  const m = fromBinary(ModelProtoSchema, bytes);
  const t = m.graph!.input[0].type!.value;
  if (t.case === "tensorType") t.value.elemType = elemType;
  return toBinary(ModelProtoSchema, m);
}

it("OnnxModule is exported from @backprop/nn", () => {
  expect(importOnnx(load("mlp").bytes)).toBeInstanceOf(OnnxModule);
});
