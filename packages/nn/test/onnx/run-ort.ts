/**
 * Test helpers: run an ONNX model with ONNX Runtime (onnxruntime-node, CPU) and compare its outputs
 * with backprop's forward pass, within 1e-5·max(1, |reference|) per element.
 */
import * as ort from "onnxruntime-node";
import { Tensor } from "@backprop/core";

/** The model's outputs on the given inputs, keyed by output name. */
export async function runOrt(bytes: Uint8Array, feeds: Record<string, Tensor>): Promise<Record<string, { data: ArrayLike<number>; dims: readonly number[] }>> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const inputs: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(feeds)) {
      inputs[name] = new ort.Tensor(t.dtype === "float64" ? "float64" : "float32", t.dtype === "float64" ? Float64Array.from(t.data) : Float32Array.from(t.data), t.shape.slice());
    }
    const out = await session.run(inputs);
    const result: Record<string, { data: ArrayLike<number>; dims: readonly number[] }> = {};
    for (const [name, t] of Object.entries(out)) result[name] = { data: t.data as ArrayLike<number>, dims: t.dims };
    return result;
  } finally {
    await session.release();
  }
}

/** The largest |got − want| / max(1, |want|) (NaN where they disagree about NaN), after checking the shapes agree. */
export function maxRelDiff(got: { data: ArrayLike<number>; dims: readonly number[] }, want: Tensor): number {
  if (got.dims.join(",") !== want.shape.join(",")) throw new Error(`shape [${got.dims.join(", ")}] from ONNX Runtime, [${want.shape.join(", ")}] from backprop`);
  let worst = 0;
  for (let i = 0; i < want.size; i++) {
    const g = Number(got.data[i]), w = want.data[i];
    if (Number.isNaN(g) || Number.isNaN(w)) {
      if (Number.isNaN(g) !== Number.isNaN(w)) return NaN;
      continue;
    }
    if (g === w) continue; // equal infinities included
    worst = Math.max(worst, Math.abs(g - w) / Math.max(1, Math.abs(w)));
  }
  return worst;
}
