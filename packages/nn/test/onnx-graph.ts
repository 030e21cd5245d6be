/**
 * Tiny ONNX models for the importer's tests, built with onnx-buf's `create`, and a runner that
 * evaluates the same bytes in onnxruntime-node (the reference the importer is compared with).
 */
import { create, toBinary } from "@bufbuild/protobuf";
import {
  AttributeProto_AttributeType as A, ModelProtoSchema, NodeProtoSchema, TensorProto_DataType as DT, TensorProtoSchema, AttributeProtoSchema, type GraphProto, type TensorProto,
} from "onnx-buf";
import * as ort from "onnxruntime-node";
import { tensor, type Tensor } from "@backprop/core";
import { tensorToProto } from "../src/interop/onnx/tensor-proto.js";

/** Attribute values, tagged with their ONNX type (a bare number would be ambiguous). */
export const attr = {
  i: (v: number) => ({ type: A.INT, i: BigInt(v) }),
  is: (v: number[]) => ({ type: A.INTS, ints: v.map(BigInt) }),
  f: (v: number) => ({ type: A.FLOAT, f: v }),
  fs: (v: number[]) => ({ type: A.FLOATS, floats: v }),
  s: (v: string) => ({ type: A.STRING, s: new TextEncoder().encode(v) }),
  t: (v: TensorProto) => ({ type: A.TENSOR, t: v }),
};
/** The fields of an attribute these tests set (its name comes from the record key). */
export interface Attr { type: A; i?: bigint; ints?: bigint[]; f?: number; floats?: number[]; s?: Uint8Array<ArrayBuffer>; t?: TensorProto; g?: GraphProto }

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs?: string[];
  attrs?: Record<string, Attr>;
  name?: string;
  domain?: string;
}

/** A constant input: float32 values, or int64 / bool values (shapes, axes, conditions). */
export interface Init {
  values: number[];
  shape: number[];
  type?: "float" | "int64" | "bool";
}

export interface GraphSpec {
  nodes: NodeSpec[];
  /** Graph inputs (float32) with their declared shapes ("N" for a dynamic dimension). */
  inputs: Record<string, (number | string)[]>;
  initializers?: Record<string, Init>;
  /** Output names (default: the last node's outputs) and their element types (default FLOAT). */
  outputs?: string[];
  outputTypes?: DT[];
  opset?: number;
}

function initProto(name: string, init: Init): TensorProto {
  if (init.type === "bool") {
    return create(TensorProtoSchema, { name, dims: init.shape.map(BigInt), dataType: DT.BOOL, rawData: Uint8Array.from(init.values) });
  }
  const t = tensor(init.values, { shape: init.shape, dtype: init.type === "int64" ? "float64" : "float32" });
  return tensorToProto(name, t, init.type === "int64" ? "int64" : undefined);
}

const valueInfo = (name: string, elemType: number, shape?: (number | string)[]) => ({
  name,
  type: {
    value: {
      case: "tensorType" as const,
      value: {
        elemType,
        shape: shape ? { dim: shape.map((d) => ({ value: typeof d === "number" ? { case: "dimValue" as const, value: BigInt(d) } : { case: "dimParam" as const, value: d } })) } : undefined,
      },
    },
  },
});

/** The .onnx bytes of a one-graph model. */
export function onnxModel(spec: GraphSpec): Uint8Array {
  const last = spec.nodes[spec.nodes.length - 1];
  const outputs = spec.outputs ?? last.outputs ?? ["y"];
  const nodes = spec.nodes.map((n, i) => create(NodeProtoSchema, {
    opType: n.op, name: n.name ?? `n${i}`, domain: n.domain ?? "", input: n.inputs,
    output: n.outputs ?? (i === spec.nodes.length - 1 ? outputs : [`t${i}`]),
    attribute: Object.entries(n.attrs ?? {}).map(([name, a]) => create(AttributeProtoSchema, { name, ...a })),
  }));
  return toBinary(ModelProtoSchema, create(ModelProtoSchema, {
    irVersion: 8n,
    producerName: "backprop-test",
    opsetImport: [{ domain: "", version: BigInt(spec.opset ?? 17) }],
    graph: {
      name: "g",
      node: nodes,
      input: Object.entries(spec.inputs).map(([name, shape]) => valueInfo(name, DT.FLOAT, shape)),
      initializer: Object.entries(spec.initializers ?? {}).map(([name, init]) => initProto(name, init)),
      output: outputs.map((name, i) => valueInfo(name, spec.outputTypes?.[i] ?? DT.FLOAT)),
    },
  }));
}

/** Run `bytes` in onnxruntime with float32 inputs; every output as flat numbers with its shape. */
export async function runOrt(bytes: Uint8Array, inputs: Record<string, Tensor>): Promise<{ shape: number[]; data: number[] }[]> {
  const session = await ort.InferenceSession.create(bytes);
  const feeds: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(inputs)) feeds[name] = new ort.Tensor("float32", Float32Array.from(t.data), t.shape.slice());
  const result = await session.run(feeds);
  await session.release();
  return session.outputNames.map((name) => {
    const o = result[name];
    return { shape: o.dims.map(Number), data: Array.from(o.data as ArrayLike<number | bigint>, (v) => Number(v)) };
  });
}

/** A reproducible input: values in [lo, hi) from a small LCG (no Math.random in tests). */
export function sample(shape: number[], seed: number, lo = -2, hi = 2): Tensor {
  const n = shape.reduce((p, d) => p * d, 1);
  let s = seed * 2654435761 % 4294967296;
  const values = Array.from({ length: n }, () => {
    s = (s * 1664525 + 1013904223) % 4294967296;
    return lo + (hi - lo) * (s / 4294967296);
  });
  return tensor(values, { shape });
}
