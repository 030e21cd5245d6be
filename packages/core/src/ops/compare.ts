/**
 * Comparisons give 0/1 tensors and carry no gradient (their derivative is 0 wherever it exists).
 * `where` selects between two tensors by a condition and passes the gradient to the chosen side.
 */
import { kernels } from "../kernels/index.js";
import { record } from "../autograd/node.js";
import { broadcastShapes, sizeOf } from "../shape.js";
import { Tensor } from "../tensor.js";
import { gradFor } from "./broadcast.js";
import { binaryForward } from "./arithmetic.js";
import { checkTensor, operands, output, resultDType, type Operand } from "./helpers.js";

export function gt(a: Operand, b: Operand): Tensor { return binaryForward("gt", "gt", ...operands("gt", a, b)); }
export function ge(a: Operand, b: Operand): Tensor { return binaryForward("ge", "ge", ...operands("ge", a, b)); }
export function lt(a: Operand, b: Operand): Tensor { return binaryForward("lt", "lt", ...operands("lt", a, b)); }
export function le(a: Operand, b: Operand): Tensor { return binaryForward("le", "le", ...operands("le", a, b)); }
export function eq(a: Operand, b: Operand): Tensor { return binaryForward("eq", "eq", ...operands("eq", a, b)); }

/** cond ≠ 0 ? a : b, elementwise with broadcasting of all three. */
export function where(cond: Tensor, a: Operand, b: Operand): Tensor {
  checkTensor("where", cond, "condition");
  const [x, y] = operands("where", a, b);
  const shape = broadcastShapes("where", cond.shape, x.shape, y.shape);
  const out = output(resultDType(x, y), shape, sizeOf(shape), (d) =>
    kernels().where(cond.data, cond.shape, x.data, x.shape, y.data, y.shape, d, shape));
  return record(out, {
    op: "where", rule: "da = g·[cond], db = g·[¬cond]", inputs: [x, y], saved: [cond],
    backward: (g, [nx, ny]) => [
      nx ? gradFor(where(cond, g, 0), x) : null,
      ny ? gradFor(where(cond, 0, g), y) : null,
    ],
  });
}
