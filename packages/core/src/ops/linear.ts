/**
 * The fused affine layer y = x·Wᵀ + b (PyTorch's layout: W is [out, in]), one graph node.
 * One kernel call does the product with W read transposed in place, and the bias is added
 * in the same output buffer; backward is three products and a sum:
 *   dx = g·W,  dW = gᵀ·x,  db = Σ_rows g
 */
import { allocate } from "../dtype.js";
import { kernels } from "../kernels/index.js";
import { record } from "../autograd/node.js";
import { fmt } from "../shape.js";
import { Tensor } from "../tensor.js";
import { gradFor } from "./broadcast.js";
import { checkTensor, resultDType } from "./helpers.js";
import { mm } from "./matmul.js";
import { sum } from "./reduce.js";
import { reshape } from "./shape.js";

export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  checkTensor("linear", x);
  checkTensor("linear", weight, "weight");
  if (bias != null) checkTensor("linear", bias, "bias");
  if (weight.ndim !== 2) throw new Error(`linear: weight must be 2-D [out, in], got shape ${fmt(weight.shape)}`);
  const [outF, inF] = weight.shape;
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== inF) {
    throw new Error(`linear: input shape ${fmt(x.shape)} does not end in ${inF}, the weight's in-features (weight shape ${fmt(weight.shape)})`);
  }
  if (bias != null && (bias.ndim !== 1 || bias.shape[0] !== outF)) {
    throw new Error(`linear: bias must have shape [${outF}], got ${fmt(bias.shape)}`);
  }
  // Counted from the leading axes, not x.size / inF: with inF = 0 that would be 0/0.
  const rows = x.shape.slice(0, -1).reduce((p, d) => p * d, 1);
  const inputs = bias != null ? [x, weight, bias] : [x, weight];
  const data = allocate(resultDType(...inputs), rows * outF);
  kernels().gemm(x.data, 0, weight.data, 0, data, 0, rows, outF, inF, false, true);
  // The bias is added in place, row by row, by the broadcasting add kernel.
  if (bias != null) kernels().binary("add", data, [rows, outF], bias.data, bias.shape, data, [rows, outF]);
  const shape = [...x.shape.slice(0, -1), outF];
  return record(new Tensor(data, shape), {
    op: "linear", rule: "dx = g·W, dW = gᵀ·x, db = Σ_rows g", inputs, inputNames: bias != null ? ["x", "W", "b"] : ["x", "W"], saved: [x, weight],
    backward: (g, [nx, nw, nb]) => {
      const g2 = reshape(g, [rows, outF]);
      const x2 = reshape(x, [rows, inF]);
      return [
        nx ? gradFor(reshape(mm(g2, weight), x.shape), x) : null,
        nw ? gradFor(mm(g2, x2, true, false), weight) : null,
        nb ? gradFor(sum(g2, 0), bias!) : null,
      ];
    },
  });
}
