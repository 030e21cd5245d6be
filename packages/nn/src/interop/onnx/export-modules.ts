/**
 * Layers that ONNX has one op for. Their forward passes record several small ops (LayerNorm: mean,
 * subtract, square, mean, add, sqrt, divide, multiply, add), which export correctly one by one; but
 * ONNX Runtime and other readers recognise and speed up the single op, and it keeps the layer's
 * weights under their state-dict names. So when such a layer's output is reached, the layer is
 * written as its ONNX op, from its input, and what it did inside is skipped.
 *
 * Embedding is here for a different reason: it builds its gather indices from the input's values in
 * JavaScript, which the graph cannot see (traced, they would be constants of the example input);
 * ONNX's Gather takes the input itself.
 */
import type { Tensor } from "@backprop/core";
import { Embedding } from "../../layers/embedding.js";
import { BatchNorm, LayerNorm } from "../../layers/norm.js";
import type { Module } from "../../module.js";
import { DataType } from "./codes.js";
import { float, int, type GraphBuilder } from "./graph-builder.js";

export interface ModuleEmit {
  b: GraphBuilder;
  module: Module;
  /** The ONNX name of the layer's input (its producers are written when this is called). */
  input: () => string;
  x: Tensor;
  y: Tensor;
  out: string;
  /** The ONNX name of one of the layer's tensors (an initializer under its state-dict name). */
  tensor: (t: Tensor) => string;
  /** A constant of `shape` filled with `v`, of y's dtype. */
  filled: (v: number, shape: readonly number[], hint: string) => string;
}

/** Write the layer as one ONNX op and return true, or return false to export its ops one by one. */
export type ModuleRule = (m: ModuleEmit) => boolean;

const layerNorm: ModuleRule = (m) => {
  const ln = m.module as LayerNorm;
  if (m.b.opset < 17) return false; // LayerNormalization arrived in opset 17
  const scale = ln.weight ? m.tensor(ln.weight) : m.filled(1, ln.normalizedShape, "ones");
  const inputs = [m.input(), scale];
  if (ln.bias) inputs.push(m.tensor(ln.bias));
  m.b.node("LayerNormalization", inputs, m.out, { axis: int(-ln.normalizedShape.length), epsilon: float(ln.eps) });
  return true;
};

// In evaluation mode with running statistics, batch norm is the fixed affine map ONNX's
// BatchNormalization computes; in training mode (or without running statistics) it normalizes with
// the batch's own statistics, which the recorded ops express and BatchNormalization does not.
const batchNorm: ModuleRule = (m) => {
  const bn = m.module as BatchNorm;
  if (bn.training || !bn.running_mean || !bn.running_var) return false;
  const C = bn.numFeatures;
  const perChannel = (t: Tensor | null, fill: number, hint: string) => (t ? m.tensor(t) : m.filled(fill, [C], hint));
  m.b.node("BatchNormalization", [
    m.input(), perChannel(bn.weight, 1, "ones"), perChannel(bn.bias, 0, "zeros"), m.tensor(bn.running_mean), m.tensor(bn.running_var),
  ], m.out, { epsilon: float(bn.eps) });
  return true;
};

const embedding: ModuleRule = (m) => {
  // With paddingIdx the padding rows differ only in their gradient (they are read from a detached
  // copy), so one Gather is exact for inference there too.
  const emb = m.module as Embedding;
  const indices = m.b.value("Cast", [m.input()], `${m.out}/indices`, { to: int(DataType.INT64) });
  m.b.node("Gather", [m.tensor(emb.weight), indices], m.out, { axis: int(0) });
  return true;
};

/** The rule for a module, by its class (subclasses included), or null. */
export function ruleFor(module: Module): ModuleRule | null {
  if (module instanceof LayerNorm) return layerNorm;
  if (module instanceof BatchNorm) return batchNorm;
  if (module instanceof Embedding) return embedding;
  return null;
}
