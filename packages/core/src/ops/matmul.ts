/**
 * Matrix products, as torch.matmul: 1-D·1-D is a dot product, a 1-D operand is treated as a row
 * (left) or column (right) vector, and leading "batch" axes broadcast.
 *
 * Everything goes through one differentiable op, `mm(a, b, transA, transB)`, whose kernel reads
 * transposed operands in place. Its gradients are again mm's with other transpose flags, so no
 * transpose is ever materialised and gradients of gradients come for free:
 *   C = A·B    →  dA = g·Bᵀ = mm(g, B, f, t),   dB = Aᵀ·g = mm(A, g, t, f)
 */
import { quote } from "../quote.js";
import { allocate } from "../dtype.js";
import { kernels } from "../kernels/index.js";
import { record } from "../autograd/node.js";
import { broadcastShapes, fmt, sizeOf, stridesOf } from "../shape.js";
import { Tensor } from "../tensor.js";
import { gradFor } from "./broadcast.js";
import { checkTensor, resultDType } from "./helpers.js";
import { reshape } from "./shape.js";
import { checkOptions } from "../options.js";

/** Flat offsets of each batch matrix of an operand, for the broadcast batch shape `batch`. */
function batchOffsets(shape: readonly number[], batch: readonly number[], matSize: number): number[] {
  const own = shape.slice(0, -2);
  const count = sizeOf(batch);
  const offsets = new Array<number>(count);
  const st = stridesOf(own);
  for (let i = 0; i < count; i++) {
    let rem = i, off = 0;
    for (let ax = batch.length - 1; ax >= 0; ax--) {
      const idx = rem % batch[ax];
      rem = Math.floor(rem / batch[ax]);
      const o = ax - (batch.length - own.length);
      if (o >= 0 && own[o] !== 1) off += idx * st[o];
    }
    offsets[i] = off * matSize;
  }
  return offsets;
}

/** The product rule for C = op(A)·op(B), by transpose flags. */
const RULES: Record<string, string> = {
  falsefalse: "dA = g·Bᵀ, dB = Aᵀ·g", // C = A·B
  falsetrue: "dA = g·B, dB = gᵀ·A",   // C = A·Bᵀ
  truefalse: "dA = B·gᵀ, dB = A·g",   // C = Aᵀ·B
  truetrue: "dA = Bᵀ·gᵀ, dB = gᵀ·Aᵀ", // C = Aᵀ·Bᵀ
};

/** op(A)·op(B) for operands with ≥ 2 dims, batch axes broadcast. */
export function mm(a: Tensor, b: Tensor, transA = false, transB = false): Tensor {
  const [ar, ac] = a.shape.slice(-2), [br, bc] = b.shape.slice(-2);
  const m = transA ? ac : ar, k = transA ? ar : ac;
  const kb = transB ? bc : br, n = transB ? br : bc;
  if (k !== kb) {
    const show = (t: Tensor, tr: boolean) => fmt(t.shape) + (tr ? "ᵀ" : "");
    throw new Error(`matmul: inner dimensions differ: ${show(a, transA)} @ ${show(b, transB)} (${k} vs ${kb}); the last axis of the left operand must match the second-to-last of the right`);
  }
  const batch = broadcastShapes("matmul", a.shape.slice(0, -2), b.shape.slice(0, -2));
  const shape = [...batch, m, n];
  const data = allocate(resultDType(a, b), sizeOf(shape));
  const K = kernels();
  if (batch.length === 0) {
    K.gemm(a.data, 0, b.data, 0, data, 0, m, n, k, transA, transB);
  } else {
    const ao = batchOffsets(a.shape, batch, ar * ac), bo = batchOffsets(b.shape, batch, br * bc);
    for (let i = 0; i < ao.length; i++) K.gemm(a.data, ao[i], b.data, bo[i], data, i * m * n, m, n, k, transA, transB);
  }
  return record(new Tensor(data, shape), {
    op: "matmul", rule: RULES[`${transA}${transB}`], inputs: [a, b], inputNames: ["A", "B"], saved: [a, b], attrs: { transposeA: transA, transposeB: transB },
    backward: (g, [na, nb]) => {
      let da: Tensor | null = null, db: Tensor | null = null;
      // C = op(A)·op(B). Each case is the product rule with the transposes moved onto the kernel flags.
      if (na) da = !transA ? (transB ? mm(g, b) : mm(g, b, false, true)) : (transB ? mm(b, g, true, true) : mm(b, g, false, true));
      if (nb) db = !transB ? (transA ? mm(a, g) : mm(a, g, true, false)) : (transA ? mm(g, a, true, true) : mm(g, a, true, false));
      return [da && gradFor(da, a), db && gradFor(db, b)];
    },
  });
}

export interface MatmulOptions {
  /** Multiply by the transpose of `a`'s last two axes, read in place (no copy). Default false. */
  transposeA?: boolean;
  /** Multiply by the transpose of `b`'s last two axes, read in place (no copy). Default false. */
  transposeB?: boolean;
}

export function matmul(a: Tensor, b: Tensor, opts?: MatmulOptions): Tensor {
  checkTensor("matmul", a, "left operand");
  checkTensor("matmul", b, "right operand");
  const { transposeA = false, transposeB = false } = checkOptions("matmul", opts, ["transposeA", "transposeB"]);
  for (const [name, v] of [["transposeA", transposeA], ["transposeB", transposeB]] as const) {
    if (typeof v !== "boolean") throw new Error(`matmul: ${name} must be true or false, got ${quote(v)}`);
  }
  if (a.ndim === 0 || b.ndim === 0) {
    throw new Error(`matmul: both operands need at least 1 dimension, got shapes ${fmt(a.shape)} and ${fmt(b.shape)} (use mul for scalars)`);
  }
  if (transposeA || transposeB) {
    // As matmul(a.T, b) etc. for matrices, but the kernel reads the transposed operand in place.
    if (a.ndim < 2 || b.ndim < 2) {
      throw new Error(`matmul: transposeA/transposeB need operands with at least 2 dimensions, got shapes ${fmt(a.shape)} and ${fmt(b.shape)}`);
    }
    return mm(a, b, transposeA, transposeB);
  }
  // A 1-D operand becomes a matrix for the product, and its axis is removed again afterwards.
  const left = a.ndim === 1 ? reshape(a, [1, a.shape[0]]) : a;
  const right = b.ndim === 1 ? reshape(b, [b.shape[0], 1]) : b;
  if (left.shape[left.ndim - 1] !== right.shape[right.ndim - 2]) {
    throw new Error(`matmul: inner dimensions differ: ${fmt(a.shape)} @ ${fmt(b.shape)} (${left.shape[left.ndim - 1]} vs ${right.shape[right.ndim - 2]}); the last axis of the left operand must match the second-to-last of the right`);
  }
  const out = mm(left, right);
  if (a.ndim > 1 && b.ndim > 1) return out;
  const shape = out.shape.slice();
  if (b.ndim === 1) shape.splice(shape.length - 1, 1);
  if (a.ndim === 1) shape.splice(shape.length - (b.ndim === 1 ? 1 : 2), 1);
  return reshape(out, shape);
}
