/**
 * Embedding: a lookup table of learned vectors, one row per index (PyTorch's nn.Embedding).
 */
import { detach, gather, noGrad, quote, reshape, tensor, Tensor, where, zeros, type DType, type NestedArray } from "@backprop/core";
import { Module } from "../module.js";
import { normal } from "../init.js";

export interface EmbeddingOptions {
  /**
   * An index whose row is initialised to zeros and never receives a gradient (a padding token), as
   * PyTorch's padding_idx; negative counts from the end. Default none.
   */
  paddingIdx?: number | null;
  /** dtype of the weight (default "float32"). */
  dtype?: DType;
}

/**
 * `weight` [numEmbeddings, embeddingDim], initialised N(0, 1) as PyTorch. `forward(indices)` takes
 * a tensor (or nested arrays, or an Int32Array) of whole numbers in [0, numEmbeddings) of any shape
 * S and returns the rows weight[index] stacked to shape [...S, embeddingDim]. The gradient of a row
 * is the sum of the gradients at every position that looked it up (repeated indices accumulate);
 * with paddingIdx that row's gradient is 0. The lookup is a gather, whose adjoint (a scatter-add) is
 * itself differentiable, so second derivatives work as well.
 */
export class Embedding extends Module {
  weight: Tensor;
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  /** The padding index, made non-negative (as PyTorch stores it), or null. */
  readonly paddingIdx: number | null;

  constructor(numEmbeddings: number, embeddingDim: number, opts: EmbeddingOptions = {}) {
    super();
    for (const [name, v] of [["numEmbeddings", numEmbeddings], ["embeddingDim", embeddingDim]] as const) {
      if (!Number.isInteger(v) || v < 0) throw new Error(`Embedding: ${name} must be a non-negative integer, got ${quote(v)}`);
    }
    if (opts === null || typeof opts !== "object" || Array.isArray(opts)) throw new Error(`Embedding: options must be an object, got ${quote(opts)}`);
    for (const k of Object.keys(opts)) if (k !== "paddingIdx" && k !== "dtype") throw new Error(`Embedding: unknown option ${quote(k)}; expected one of: paddingIdx, dtype`);
    const dtype = opts.dtype ?? "float32";
    if (dtype !== "float32" && dtype !== "float64") throw new Error(`Embedding: dtype must be "float32" or "float64", got ${quote(dtype)}`);
    let pad = opts.paddingIdx ?? null;
    if (pad !== null) {
      if (!Number.isInteger(pad) || pad < -numEmbeddings || pad >= numEmbeddings) {
        throw new Error(`Embedding: paddingIdx must be an integer in [${-numEmbeddings}, ${numEmbeddings}) (within numEmbeddings = ${numEmbeddings}), got ${quote(pad)}`);
      }
      if (pad < 0) pad += numEmbeddings;
    }
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    this.paddingIdx = pad;
    this.weight = normal(zeros([numEmbeddings, embeddingDim], { dtype, requiresGrad: true }));
    if (pad !== null) {
      // As PyTorch: the whole table is drawn, then the padding row is zeroed.
      const w = Float64Array.from(this.weight.data);
      w.fill(0, pad * embeddingDim, (pad + 1) * embeddingDim);
      noGrad(() => this.weight.copy_(tensor(w, { shape: [numEmbeddings, embeddingDim], dtype })));
    }
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx === null ? "" : `, padding_idx=${this.paddingIdx}`}`;
  }

  forward(indices: Tensor | NestedArray | Int32Array): Tensor {
    const layer = `Embedding(${this.numEmbeddings}, ${this.embeddingDim})`;
    let idx: Tensor;
    if (indices instanceof Tensor) idx = indices;
    else if (indices instanceof Int32Array) idx = tensor(Float64Array.from(indices), { dtype: "float64" });
    else if (typeof indices === "number" || Array.isArray(indices)) {
      try {
        idx = tensor(indices, { dtype: "float64" });
      } catch (e) {
        throw new Error(`${layer}: indices must be a tensor or (nested) arrays of whole numbers: ${(e as Error).message}`);
      }
    } else throw new Error(`${layer}: indices must be a Tensor, an Int32Array or (nested) arrays of numbers, got ${quote(indices)}`);
    const V = this.numEmbeddings, D = this.embeddingDim;
    const m = idx.size;
    for (let i = 0; i < m; i++) {
      const v = idx.data[i];
      if (!Number.isInteger(v) || v < 0 || v >= V) {
        throw new Error(`${layer}: index ${v} (at flat position ${i} of indices of shape [${idx.shape.join(", ")}]) is not a whole number in [0, ${V})`);
      }
    }
    // gather along axis 0 wants one index per output element: row idx[i] for every column.
    const spread = new Float64Array(m * D);
    for (let i = 0; i < m; i++) spread.fill(idx.data[i], i * D, (i + 1) * D);
    const rows = gather(this.weight, 0, tensor(spread, { shape: [m, D], dtype: "float64" }));
    let out = rows;
    if (this.paddingIdx !== null && D > 0) {
      const pad = this.paddingIdx;
      let any = false;
      const mask = new Float64Array(m * D);
      for (let i = 0; i < m; i++) if (idx.data[i] === pad) { mask.fill(1, i * D, (i + 1) * D); any = true; }
      // Same values; the padding rows come from a detached copy, so their gradient is 0.
      if (any) out = where(tensor(mask, { shape: [m, D], dtype: "float64" }), detach(rows), rows);
    }
    return reshape(out, [...idx.shape, D]);
  }
}
