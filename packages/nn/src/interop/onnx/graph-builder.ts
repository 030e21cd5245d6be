/**
 * The pieces of an ONNX graph as the exporter writes them: nodes in the order they are added
 * (each node's inputs exist before it: the exporter adds a tensor's producers first), the
 * initializers (the model's weights and buffers), and fresh value names. Every other fixed value
 * (a shape, an axis list, a scalar factor) is a Constant node, as ONNX's convention has it: a
 * reader such as importOnnx then trains the initializers and leaves the constants alone.
 */
import type { AttributeProto, NodeProto, TensorProto } from "onnx-buf";
import { tensor, type DType, type Tensor } from "@backprop/core";
import { schema } from "./schema.js";
import { tensorToProto } from "./tensor-proto.js";

/** An attribute value, tagged with its ONNX type: ONNX tells an INT 1 from a FLOAT 1.0. */
export type Attr =
  | { int: number }
  | { float: number }
  | { ints: readonly number[] }
  | { floats: readonly number[] }
  | { string: string };

export const int = (v: number | boolean): Attr => ({ int: Number(v) });
export const float = (v: number): Attr => ({ float: v });
export const ints = (v: readonly number[]): Attr => ({ ints: v });
export const str = (v: string): Attr => ({ string: v });

function attribute(name: string, a: Attr): AttributeProto {
  const { pb: { create }, onnx: { AttributeProtoSchema, AttributeProto_AttributeType: T } } = schema();
  if ("int" in a) return create(AttributeProtoSchema, { name, type: T.INT, i: BigInt(a.int) });
  if ("float" in a) return create(AttributeProtoSchema, { name, type: T.FLOAT, f: a.float });
  if ("ints" in a) return create(AttributeProtoSchema, { name, type: T.INTS, ints: a.ints.map((v) => BigInt(v)) });
  if ("floats" in a) return create(AttributeProtoSchema, { name, type: T.FLOATS, floats: [...a.floats] });
  return create(AttributeProtoSchema, { name, type: T.STRING, s: new TextEncoder().encode(a.string) });
}

export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private readonly used = new Set<string>();
  private readonly constants = new Map<string, string>();

  constructor(readonly opset: number) {}

  /** `hint`, or `hint_1`, `hint_2`, … : a value name not used yet. */
  fresh(hint: string): string {
    let name = hint, k = 0;
    while (this.used.has(name)) name = `${hint}_${++k}`;
    this.used.add(name);
    return name;
  }

  /** Claim an exact name (a graph input or output, a state-dict key); false if it is taken. */
  claim(name: string): boolean {
    if (this.used.has(name)) return false;
    this.used.add(name);
    return true;
  }

  /** Add a node computing `outputs` (one name, or several) from `inputs` ("" for an omitted optional input). */
  node(opType: string, inputs: readonly string[], outputs: string | readonly string[], attrs: Record<string, Attr> = {}, name?: string): void {
    const { pb: { create }, onnx: { NodeProtoSchema } } = schema();
    const outs = typeof outputs === "string" ? [outputs] : [...outputs];
    this.nodes.push(create(NodeProtoSchema, {
      opType, input: [...inputs], output: outs, name: name ?? outs[0],
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    }));
  }

  /** A node whose one output gets a fresh name from `hint`; returns that name. */
  value(opType: string, inputs: readonly string[], hint: string, attrs: Record<string, Attr> = {}): string {
    const out = this.fresh(hint);
    this.node(opType, inputs, out, attrs);
    return out;
  }

  /** A weight or buffer of the model under `name` (which the caller has claimed). */
  initializer(name: string, t: Tensor): string {
    this.initializers.push(tensorToProto(name, t));
    return name;
  }

  /** A fixed value as a Constant node, under a fresh name from `hint`. */
  constant(hint: string, t: Tensor, dtype?: "int64"): string {
    const { pb: { create }, onnx: { NodeProtoSchema, AttributeProtoSchema, AttributeProto_AttributeType } } = schema();
    const name = this.fresh(hint);
    this.nodes.push(create(NodeProtoSchema, {
      opType: "Constant", input: [], output: [name], name,
      attribute: [create(AttributeProtoSchema, { name: "value", type: AttributeProto_AttributeType.TENSOR, t: tensorToProto(name, t, dtype) })],
    }));
    return name;
  }

  /** An int64 vector constant (shapes, axes, pads), shared between nodes that use the same values. */
  int64s(values: readonly number[], hint = "const"): string {
    return this.shared(`i64:${values.join(",")}`, hint, () => tensor(values.slice(), { dtype: "float64" }), "int64");
  }

  /** A scalar constant of `dtype` (a bound, a factor), shared as int64s are. */
  scalar(v: number, dtype: DType, hint = "const"): string {
    return this.shared(`${dtype}:${Object.is(v, -0) ? "-0" : v}`, hint, () => tensor(v, { dtype }));
  }

  private shared(key: string, hint: string, make: () => Tensor, dtype?: "int64"): string {
    let name = this.constants.get(key);
    if (name === undefined) {
      name = this.constant(hint, make(), dtype);
      this.constants.set(key, name);
    }
    return name;
  }
}
