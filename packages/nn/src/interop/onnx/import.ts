/**
 * importOnnx(bytes): an ONNX model as an OnnxModule that runs on backprop's ops and can be trained
 * further. Everything that can be checked without inputs is checked here, so an unsupported model
 * fails at import with a message naming the node, not halfway through a forward pass:
 *   - the default domain's opset is 13 or newer (the definitions import-ops.ts follows: axes as
 *     inputs, Softmax along one axis), and no node uses another domain;
 *   - every node's op is supported, has no subgraph (If, Loop, Scan), and reads only names defined
 *     before it (ONNX requires topological order);
 *   - graph inputs are FLOAT or DOUBLE tensors; initializers have readable types (tensor-proto.ts).
 *
 * Initializers become the module's tensors under their ONNX names. A float initializer is a
 * parameter (requiresGrad) unless every node reads it only as numbers or as a fixed statistic
 * (OpSpec.fixed: a Reshape's shape, BatchNormalization's running mean and variance): then, as
 * integer initializers always are, it is a buffer — saved in the state dict, not trained.
 */
import { noGrad, quote, type Tensor } from "@backprop/core";
import type { ValueInfoProto } from "onnx-buf";
import { AttributeType, DataType } from "./codes.js";
import { countBuffer } from "../../module.js";
import { Attributes } from "./attributes.js";
import { OPS } from "./import-ops.js";
import { loadModelProto } from "./model-proto.js";
import { describe, OnnxModule, type OnnxInput } from "./onnx-module.js";
import { OpContext } from "./op-context.js";
import { placeTensors, type Slot } from "./tensor-holders.js";
import { onnxTypeName, tensorFromProto } from "./tensor-proto.js";

const DEFAULT_DOMAINS = new Set(["", "ai.onnx"]);
const MIN_OPSET = 13;

export function importOnnx(bytes: Uint8Array): OnnxModule {
  const model = loadModelProto(bytes, "importOnnx");
  const graph = model.graph!;
  const opsetEntry = model.opsetImport.find((o) => DEFAULT_DOMAINS.has(o.domain));
  const opset = opsetEntry ? Number(opsetEntry.version) : 0;
  if (opset < MIN_OPSET) {
    throw new Error(`importOnnx: the model uses opset ${opset || "(none)"} of the default ONNX domain; backprop imports opset ${MIN_OPSET} and newer (convert it: onnx.version_converter.convert_version(model, 17))`);
  }
  if (graph.sparseInitializer.length > 0) throw new Error(`importOnnx: sparse initializers (${graph.sparseInitializer.map((t) => quote(t.values?.name ?? "")).join(", ")}) are not supported`);

  const initializers = new Map(graph.initializer.map((t) => [t.name, t]));
  const defined = new Set<string>(initializers.keys());
  const inputs: OnnxInput[] = [];
  for (const vi of graph.input) {
    if (initializers.has(vi.name)) continue; // an initializer listed as an input: a default value, not something forward takes
    inputs.push(readInput(vi));
    defined.add(vi.name);
  }

  // Check every node before running any; note which initializers are read as plain values.
  const learnedUse = new Set<string>();
  graph.node.forEach((node, index) => {
    const where = `importOnnx: ${describe(node, index)}`;
    if (!DEFAULT_DOMAINS.has(node.domain)) {
      throw new Error(`${where} is in the domain ${quote(node.domain)}; backprop imports only the default ONNX domain`);
    }
    const spec = OPS[node.opType];
    if (!spec) {
      throw new Error(`importOnnx: node ${quote(node.name || node.output[0] || "(unnamed)")} (index ${index}) uses ONNX op ${quote(node.opType)} which backprop cannot import; supported: ${Object.keys(OPS).sort().join(", ")}`);
    }
    const graphAttr = node.attribute.find((a) => a.type === AttributeType.GRAPH || a.type === AttributeType.GRAPHS);
    if (graphAttr) throw new Error(`${where} has a subgraph (attribute ${quote(graphAttr.name)}), which backprop cannot import`);
    node.input.forEach((name, i) => {
      if (name === "") return;
      if (!defined.has(name)) throw new Error(`${where} reads ${quote(name)}, which no graph input, initializer or earlier node defines`);
      if (initializers.has(name) && !spec.fixed?.includes(i)) learnedUse.add(name);
    });
    for (const name of node.output) if (name !== "") defined.add(name);
  });
  for (const vi of graph.output) {
    if (!defined.has(vi.name)) throw new Error(`importOnnx: the graph output ${quote(vi.name)} is not computed by any node`);
  }

  const tensors = new Map<string, Tensor>();
  for (const [name, proto] of initializers) {
    const t = tensorFromProto(proto);
    const isFloat = proto.dataType === DataType.FLOAT || proto.dataType === DataType.DOUBLE;
    if (isFloat && learnedUse.has(name)) t.requiresGrad = true;
    else if (!isFloat) countBuffer(t); // integers stay float64 under Module.to, as PyTorch keeps int64 buffers
    tensors.set(name, t);
  }

  // Constant nodes: evaluated once, here; they are not state (PyTorch's exporter folds numbers into them).
  const constants = new Map<number, Tensor>();
  graph.node.forEach((node, index) => {
    if (node.opType !== "Constant") return;
    const where = describe(node, index);
    try {
      constants.set(index, noGrad(() => OPS.Constant.run(new OpContext(node, where, [], new Attributes(node, where), opset)) as Tensor));
    } catch (e) {
      throw new Error(`importOnnx: ${(e as Error).message.startsWith(where) ? "" : `${where}: `}${(e as Error).message}`);
    }
  });

  // The module is made first: its tensors become its fields, so the holders need it to exist.
  const slots = new Map<string, Slot>();
  const module = new OnnxModule({ graph, opset, inputs, outputs: graph.output.map((o) => o.name), slots, constants });
  for (const [name, slot] of placeTensors(module, tensors)) slots.set(name, slot);
  return module;
}

/** A graph input's declared shape; an error for anything but a FLOAT or DOUBLE tensor. */
function readInput(vi: ValueInfoProto): OnnxInput {
  const type = vi.type?.value;
  if (type?.case !== "tensorType") throw new Error(`importOnnx: graph input ${quote(vi.name)} is not a tensor (${type?.case ?? "no type"}); backprop takes tensors`);
  const elem = type.value.elemType;
  if (elem !== DataType.FLOAT && elem !== DataType.DOUBLE) {
    throw new Error(`importOnnx: graph input ${quote(vi.name)} has element type ${onnxTypeName(elem)}; backprop's inputs are FLOAT or DOUBLE tensors`);
  }
  const dims = type.value.shape?.dim;
  return {
    name: vi.name,
    shape: dims ? dims.map((d) => (d.value.case === "dimValue" ? Number(d.value.value) : d.value.case === "dimParam" ? d.value.value : null)) : null,
  };
}
