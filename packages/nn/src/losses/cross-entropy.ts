/**
 * Cross-entropy on logits: log-softmax and the negative log-likelihood fused into ONE graph node.
 *
 * For row i of logits z [N, C] with class cᵢ and class weights w (all 1 when not given):
 *
 *   lossᵢ = w[cᵢ]·(logSumExp(zᵢ) − zᵢ[cᵢ])
 *
 * computed stably (logSumExp takes the row maximum out first). "mean" divides the sum by Σᵢ w[cᵢ]
 * (= N without weights), as PyTorch. The backward is the closed form
 *
 *   dL/dzᵢ = g·w[cᵢ]·(softmax(zᵢ) − onehot(cᵢ)) / Σᵢ w[cᵢ]   (mean; no division for sum and none)
 *
 * written with tensor ops, so it is differentiable in turn. Class weights get no gradient (as PyTorch).
 */
import {
  arange, cast, div, eq, gather, logSumExp, mul, noGrad, record, reshape, softmax, sub, sum, tensor, Tensor,
} from "@backprop/core";
import { checkLossOptions, checkNoGradWeight, checkReduction, checkTensorArg, fmt, reduce, type ReductionOptions } from "./reduction.js";

export interface CrossEntropyOptions extends ReductionOptions {
  /** Class weights, shape [C]. "mean" then divides by the sum of the weights of the targets. No gradient. */
  weight?: Tensor;
}

/** One class index per row: a plain array, an Int32Array, or a Tensor of integer values (a single index for logits [C]). */
export type ClassIndices = number[] | Int32Array | Tensor | number;

export const CROSS_ENTROPY_OPTIONS = ["weight", "reduction"] as const;

/** The indices as float64 values (exact for any index), checked: integers in [0, C), one per row. */
function checkIndices(loss: string, classIndices: unknown, shape: readonly number[]): Float64Array {
  const [rows, classes] = shape.length === 1 ? [1, shape[0]] : [shape[0], shape[1]];
  let values: Float64Array;
  if (typeof classIndices === "number") {
    if (shape.length !== 1) throw new Error(`${loss}: a single class index needs logits of shape [C]; got logits ${fmt(shape)}, so pass one index per row`);
    values = Float64Array.of(classIndices);
  } else if (classIndices instanceof Tensor) {
    const ok = shape.length === 1 ? classIndices.size === 1 && classIndices.ndim <= 1 : classIndices.ndim === 1;
    if (!ok) {
      throw new Error(`${loss}: class indices of shape ${fmt(classIndices.shape)} do not fit logits ${fmt(shape)}; expected ${shape.length === 1 ? "one index" : `shape [${rows}]`}`);
    }
    values = Float64Array.from(classIndices.data);
  } else if (Array.isArray(classIndices) || classIndices instanceof Int32Array) {
    values = Float64Array.from(classIndices as ArrayLike<number>, Number);
  } else {
    throw new Error(`${loss}: class indices must be a number[], an Int32Array or a Tensor, got ${classIndices === null ? "null" : typeof classIndices}`);
  }
  if (values.length !== rows) {
    throw new Error(`${loss}: got ${values.length} class indices for logits of shape ${fmt(shape)}; expected ${rows} (one per row)`);
  }
  values.forEach((c, i) => {
    if (!Number.isInteger(c) || c < 0 || c >= classes) {
      throw new Error(`${loss}: class index ${c} at position ${i} is not an integer in [0, ${classes}) (logits ${fmt(shape)})`);
    }
  });
  return values;
}

export function crossEntropy(logits: Tensor, classIndices: ClassIndices, opts?: CrossEntropyOptions): Tensor {
  const NAME = "crossEntropy";
  const o = checkLossOptions(NAME, opts, CROSS_ENTROPY_OPTIONS);
  const reduction = checkReduction(NAME, o.reduction);
  const z = checkTensorArg(NAME, logits, "logits");
  if (z.ndim !== 1 && z.ndim !== 2) {
    throw new Error(`${NAME}: logits must have shape [N, C] (or [C] for one sample), got ${fmt(z.shape)}`);
  }
  const [rows, classes] = z.ndim === 1 ? [1, z.shape[0]] : [z.shape[0], z.shape[1]];
  const index = checkIndices(NAME, classIndices, z.shape);
  let w: Tensor | undefined;
  if (o.weight !== undefined && o.weight !== null) {
    w = checkTensorArg(NAME, o.weight, "weight");
    if (w.ndim !== 1 || w.shape[0] !== classes) {
      throw new Error(`${NAME}: weight of shape ${fmt(w.shape)} must have shape [${classes}] (one weight per class of logits ${fmt(z.shape)})`);
    }
    checkNoGradWeight(NAME, "weight", w);
  }

  const idx = tensor(index, { shape: [rows, 1], dtype: "float64" });
  const { out, rowWeight, denominator, onehot } = noGrad(() => {
    const z2 = reshape(z, [rows, classes]);
    const picked = reshape(gather(z2, 1, idx), [rows]);
    const nll = sub(logSumExp(z2, 1), picked); // [N]
    const rowWeight = w === undefined ? undefined : gather(w, 0, reshape(idx, [rows])); // w[cᵢ], [N]
    const perRow = rowWeight === undefined ? nll : mul(nll, rowWeight);
    const denominator = rowWeight === undefined ? rows : sum(rowWeight).item();
    const out = reduction === "mean" && rowWeight !== undefined ? div(sum(perRow), denominator)
      : reduction === "none" ? reshape(perRow, z.ndim === 1 ? [] : [rows])
      : reduce(perRow, reduction);
    const onehot = cast(eq(arange(classes, { dtype: "float64" }), idx), z.dtype); // [N, C]
    return { out, rowWeight, denominator, onehot };
  });

  const weighted = rowWeight !== undefined;
  const per = reduction === "mean" ? (weighted ? "/Σw[c]" : `/${rows}`) : "";
  return record(out, {
    op: "crossEntropy",
    rule: `dz = g·${weighted ? "w[c]·" : ""}(softmax(z) − onehot(c))${per}`,
    inputs: [z],
    inputNames: ["z"],
    saved: w === undefined ? [z] : [z, w],
    backward: (g) => {
      // The upstream gradient per row: one number for mean/sum, one per row for none.
      let coef = reduction === "none" ? reshape(g, [rows, 1]) : g;
      if (rowWeight !== undefined) coef = mul(coef, reshape(rowWeight, [rows, 1]));
      if (reduction === "mean") coef = div(coef, denominator);
      const d = mul(coef, sub(softmax(reshape(z, [rows, classes]), 1), onehot));
      return [cast(reshape(d, z.shape.slice()), z.dtype)];
    },
  });
}
