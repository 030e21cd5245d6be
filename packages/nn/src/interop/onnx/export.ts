/**
 * exportOnnx: a module as an ONNX model, by tracing.
 *
 * One forward pass on the example input records the graph (trace.ts); the exporter then walks it
 * back from the outputs, writing each tensor's producers before the tensor (so the node list is in
 * the order ONNX requires), each recorded op through its emitter (export-ops.ts), layers that ONNX
 * has one op for through their rule (export-modules.ts), the model's tensors as initializers under
 * their state-dict names, and any other fixed value as a Constant node. Only what the outputs depend on
 * is written. An op with no emitter stops the export with its name and the module that called it.
 *
 * The pass runs in evaluation mode (as torch.onnx.export does: dropout off, batch norm on its running
 * statistics), and every module's mode is restored afterwards; nothing else about the model changes.
 */
import type { ValueInfoProto } from "onnx-buf";
import { quote, tensor, Tensor, type DType } from "@backprop/core";
import { Module } from "../../module.js";
import { GraphBuilder, int } from "./graph-builder.js";
import { EMITTERS, unsupportedSetting } from "./export-ops.js";
import { DataType } from "./codes.js";
import { ruleFor } from "./export-modules.js";
import { schema } from "./schema.js";
import { onnxDataType } from "./tensor-proto.js";
import { describeCall, ownerOf, traceForward, type ModuleCall, type Trace } from "./trace.js";

export interface ExportOnnxOptions {
  /** The ONNX opset to write (13 to 21; default 17). */
  opset?: number;
  /** Names of the graph's inputs (default "input", or "input_0", "input_1", … for several). */
  inputNames?: string[];
  /** Names of the graph's outputs (default "output", or "output_0", … for several). */
  outputNames?: string[];
  /**
   * Leave the leading (batch) axis of the inputs and outputs open, named "batch" (default true), so
   * the model runs on any batch size; false fixes every shape to the example's.
   */
  dynamicBatch?: boolean;
}

/** The lowest and highest opsets the exporter writes, and the IR version that goes with each. */
export const OPSET_RANGE = [13, 21] as const;
const IR_VERSION: Record<number, number> = { 13: 7, 14: 7, 15: 8, 16: 8, 17: 8, 18: 8, 19: 9, 20: 9, 21: 10 };

const OP = "exportOnnx";

function checkNames(what: "inputNames" | "outputNames", names: unknown, count: number, fallback: string): string[] {
  if (names === undefined) return count === 1 ? [fallback] : Array.from({ length: count }, (_, i) => `${fallback}_${i}`);
  if (!Array.isArray(names) || names.length !== count || !names.every((n) => typeof n === "string" && n !== "")) {
    throw new Error(`${OP}: ${what} must be an array of ${count} non-empty string(s) (one per ${what === "inputNames" ? "input" : "output"}), got ${quote(names)}`);
  }
  if (new Set(names).size !== names.length) throw new Error(`${OP}: ${what} ${quote(names)} repeats a name`);
  return names;
}

function checkOptions(opts: unknown): Required<Omit<ExportOnnxOptions, "inputNames" | "outputNames">> & ExportOnnxOptions {
  if (opts === null || typeof opts !== "object" || Array.isArray(opts)) throw new Error(`${OP}: options must be an object, got ${quote(opts)}`);
  const allowed = ["opset", "inputNames", "outputNames", "dynamicBatch"];
  for (const k of Object.keys(opts)) if (!allowed.includes(k)) throw new Error(`${OP}: unknown option ${quote(k)}; expected one of: ${allowed.join(", ")}`);
  const o = opts as ExportOnnxOptions;
  const opset = o.opset ?? 17;
  if (!Number.isInteger(opset) || opset < OPSET_RANGE[0] || opset > OPSET_RANGE[1]) {
    throw new Error(`${OP}: opset must be an integer from ${OPSET_RANGE[0]} to ${OPSET_RANGE[1]}, got ${quote(o.opset)}`);
  }
  const dynamicBatch = o.dynamicBatch ?? true;
  if (typeof dynamicBatch !== "boolean") throw new Error(`${OP}: dynamicBatch must be true or false, got ${quote(o.dynamicBatch)}`);
  return { ...o, opset, dynamicBatch };
}

function checkExamples(exampleInput: unknown): Tensor[] {
  const list = Array.isArray(exampleInput) ? exampleInput : [exampleInput];
  if (list.length === 0) throw new Error(`${OP}: exampleInput must be a Tensor or a non-empty array of Tensors (one per forward argument), got []`);
  list.forEach((x, i) => {
    const which = Array.isArray(exampleInput) ? `exampleInput[${i}]` : "exampleInput";
    if (!(x instanceof Tensor)) throw new Error(`${OP}: ${which} must be a Tensor, got ${quote(x)}`);
  });
  return list as Tensor[];
}

/** The example's batch size when the batch axis is left open: every input's leading size, which must agree. */
function batchSize(examples: readonly Tensor[], dynamic: boolean): number | null {
  if (!dynamic) return null;
  examples.forEach((x, i) => {
    if (x.ndim === 0) throw new Error(`${OP}: input ${i} is 0-d, so it has no batch axis; pass { dynamicBatch: false }`);
  });
  const b = examples[0].shape[0];
  const other = examples.findIndex((x) => x.shape[0] !== b);
  if (other >= 0) {
    throw new Error(`${OP}: the inputs' leading axes differ (${b} and ${examples[other].shape[0]}, input ${other}), so they cannot share one dynamic batch axis; pass { dynamicBatch: false }`);
  }
  return b;
}

function valueInfo(name: string, dtype: DType, shape: readonly number[], batch: number | null): ValueInfoProto {
  const { pb: { create }, onnx: { TensorShapeProto_DimensionSchema, TensorShapeProtoSchema, TypeProto_TensorSchema, TypeProtoSchema, ValueInfoProtoSchema } } = schema();
  const dim = shape.map((d, i) => create(TensorShapeProto_DimensionSchema, {
    value: batch !== null && i === 0 && d === batch ? { case: "dimParam", value: "batch" } : { case: "dimValue", value: BigInt(d) },
  }));
  return create(ValueInfoProtoSchema, {
    name,
    type: create(TypeProtoSchema, {
      value: { case: "tensorType", value: create(TypeProto_TensorSchema, { elemType: onnxDataType(dtype), shape: create(TensorShapeProtoSchema, { dim }) }) },
    }),
  });
}

/** Every mode flag, to put back after the evaluation-mode pass. */
function withEvalMode<T>(model: Module, fn: () => T): T {
  const modes = model.namedModules().map(([, m]) => [m, m.training] as const);
  model.eval();
  try {
    return fn();
  } finally {
    for (const [m, training] of modes) m.training = training;
  }
}

/** The walk from the outputs back: names every tensor it meets, writing its producers first. */
class Writer {
  private readonly names = new Map<Tensor, string>();
  private readonly casts = new Map<string, string>();
  private readonly stateNames: Map<Tensor, string>;
  private readonly ruleCalls = new Map<Tensor, ModuleCall>();

  constructor(readonly b: GraphBuilder, readonly model: Module, readonly trace: Trace, readonly batch: number | null, outputNames: string[]) {
    this.stateNames = new Map(model.namedTensors().map(([name, t]) => [t, name]));
    for (const call of trace.calls) {
      if (call.output instanceof Tensor && call.inputs[0] instanceof Tensor && ruleFor(call.module)) this.ruleCalls.set(call.output, call);
    }
    // The outputs' names are taken first, so nothing inside can take them.
    for (const name of outputNames) b.claim(name);
  }

  /** Name the input tensors as given. */
  input(t: Tensor, name: string): void {
    this.b.claim(name);
    this.names.set(t, name);
  }

  /** The ONNX name of t, writing whatever computes it first. `want` is the name the result must have, if any. */
  name(t: Tensor, want?: string): string {
    const known = this.names.get(t);
    if (known !== undefined) {
      if (want === undefined || want === known) return known;
      this.b.node("Identity", [known], want); // the same tensor under a second output name
      return want;
    }
    const name = this.write(t, want);
    this.names.set(t, name);
    return name;
  }

  private write(t: Tensor, want: string | undefined): string {
    const call = this.ruleCalls.get(t);
    if (call) {
      const out = want ?? this.b.fresh(`/${call.path}/${call.module.constructor.name}`);
      const x = call.inputs[0] as Tensor;
      const handled = ruleFor(call.module)!({
        b: this.b, module: call.module, x, y: t, out,
        input: () => this.as(this.name(x), x.dtype, t.dtype),
        tensor: (p) => this.name(p),
        filled: (v, shape, hint) => this.b.constant(`/${call.path}/${hint}`, tensor(new Float64Array(shape.reduce((p, d) => p * d, 1)).fill(v), { shape: shape.slice(), dtype: t.dtype })),
      });
      if (handled) return out;
    }
    if (t._node === null) return this.leaf(t, want);
    return this.op(t, want);
  }

  /** A tensor with no recorded history: a weight or buffer of the model, or a constant. */
  private leaf(t: Tensor, want: string | undefined): string {
    const stateName = this.stateNames.get(t);
    let name: string;
    if (stateName !== undefined && this.b.claim(stateName)) name = this.b.initializer(stateName, t);
    else {
      this.checkNotFromInput(t);
      name = this.b.constant("const", t);
    }
    if (want === undefined) return name;
    this.b.node("Identity", [name], want);
    return want;
  }

  /**
   * A constant made during the forward pass with the batch's size was almost surely computed from
   * the input by something the graph does not record (a comparison, argmax, a detach, values read
   * out of .data): written as a constant it would be right for the example input only.
   */
  private checkNotFromInput(t: Tensor): void {
    if (this.batch === null || this.batch < 2 || t.id < this.trace.start || t.ndim === 0 || t.shape[0] !== this.batch) return;
    throw new Error(
      `${OP}: a tensor of shape [${t.shape.join(", ")}] in ${describeCall(ownerOf(this.trace, t), this.model)} has the batch's size but no recorded history: ` +
        `it was computed from the input by an op that records no graph (a comparison, argmax, detach, or values read from .data), ` +
        `so ONNX would hold it as a constant of this one example. Compute it with differentiable ops, or export with { dynamicBatch: false } if it really is a constant`,
    );
  }

  /** A recorded op, through its emitter. */
  private op(t: Tensor, want: string | undefined): string {
    const node = t._node!;
    const where = () => describeCall(ownerOf(this.trace, t), this.model);
    const emit = Object.prototype.hasOwnProperty.call(EMITTERS, node.op) ? EMITTERS[node.op] : undefined;
    if (!emit) {
      const loss = ["crossEntropy", "bceWithLogits"].includes(node.op) ? " (a loss: export the model, and compute the loss outside it)" : "";
      throw new Error(`${OP}: op "${node.op}" in ${where()} has no ONNX mapping${loss}; ops that export: ${Object.keys(EMITTERS).join(", ")}`);
    }
    const problem = unsupportedSetting(node, this.b.opset);
    if (problem) throw new Error(`${OP}: op "${node.op}" in ${where()} cannot be exported: ${problem}`);
    const call = ownerOf(this.trace, t);
    const hint = `${call && call.path ? `/${call.path}` : ""}/${node.op}`;
    const keepDType = ["cast", "to", "float", "double"].includes(node.op);
    const ins = node.inputs.map((x) => this.as(this.name(x), x.dtype, keepDType ? x.dtype : t.dtype));
    const out = want ?? this.b.fresh(hint);
    emit({
      b: this.b, node, y: t, ins, out, hint, batch: this.batch,
      savedName: (s, dtype) => {
        const name = this.name(s);
        return this.as(name, s.dtype, dtype ?? t.dtype);
      },
    });
    return out;
  }

  /** `name` (a tensor of dtype `from`) as `to` (a dtype, or int64 for indices): itself, or one Cast shared by every use. */
  private as(name: string, from: DType, to: DType | "int64"): string {
    if (from === to) return name;
    const key = `${name}→${to}`;
    let cast = this.casts.get(key);
    if (cast === undefined) {
      cast = this.b.value("Cast", [name], `${name}/to_${to}`, { to: int(to === "int64" ? DataType.INT64 : onnxDataType(to)) });
      this.casts.set(key, cast);
    }
    return cast;
  }
}

/**
 * The module as an ONNX model (the bytes of an .onnx file), traced on `exampleInput` (a Tensor, or
 * one per forward argument). See docs/interop.md for what exports and how to check the result.
 */
export function exportOnnx(module: Module, exampleInput: Tensor | Tensor[], opts: ExportOnnxOptions = {}): Uint8Array {
  if (!(module instanceof Module)) throw new Error(`${OP}: expected a Module to export, got ${quote(module)}`);
  const examples = checkExamples(exampleInput);
  const o = checkOptions(opts);
  const inputNames = checkNames("inputNames", o.inputNames, examples.length, "input");
  const batch = batchSize(examples, o.dynamicBatch);
  // The graph is written in evaluation mode too: the layer rules read the modes (BatchNorm's, say).
  const model = withEvalMode(module, () => writeModel(module, examples, o.opset, inputNames, o.outputNames, batch));
  const { pb, onnx } = schema();
  return pb.toBinary(onnx.ModelProtoSchema, model);
}

function writeModel(module: Module, examples: Tensor[], opset: number, inputNames: string[], wantedOutputs: string[] | undefined, batch: number | null) {
  const trace = traceForward(OP, module, examples);
  const outputNames = checkNames("outputNames", wantedOutputs, trace.outputs.length, "output");
  const clash = outputNames.find((n) => inputNames.includes(n));
  if (clash !== undefined) throw new Error(`${OP}: ${quote(clash)} is both an input and an output name; ONNX names each value once`);

  const { pb: { create }, onnx: { GraphProtoSchema, ModelProtoSchema, OperatorSetIdProtoSchema } } = schema();
  const b = new GraphBuilder(opset);
  const writer = new Writer(b, module, trace, batch, outputNames);
  trace.inputs.forEach((x, i) => writer.input(x, inputNames[i]));
  trace.outputs.forEach((y, i) => writer.name(y, outputNames[i]));

  const graph = create(GraphProtoSchema, {
    name: module.constructor.name,
    node: b.nodes,
    initializer: b.initializers,
    input: trace.inputs.map((x, i) => valueInfo(inputNames[i], x.dtype, x.shape, batch)),
    output: trace.outputs.map((y, i) => valueInfo(outputNames[i], y.dtype, y.shape, batch)),
  });
  return create(ModelProtoSchema, {
    irVersion: BigInt(IR_VERSION[opset]),
    producerName: "backprop",
    producerVersion: "0.1.0",
    opsetImport: [create(OperatorSetIdProtoSchema, { domain: "", version: BigInt(opset) })],
    graph,
  });
}
