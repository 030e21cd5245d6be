/**
 * Comparisons give 0/1 tensors and carry no gradient (their derivative is 0 wherever it exists).
 * `where` selects between two tensors by a condition and passes the gradient to the chosen side.
 * `allclose` and `equal` answer with a boolean and record nothing.
 */
import { scalar } from "../creation.js";
import { kernels } from "../kernels/index.js";
import { record } from "../autograd/node.js";
import { checkNumber, checkOptions } from "../options.js";
import { quote } from "../quote.js";
import { broadcastShapes, sameShape, sizeOf } from "../shape.js";
import { Tensor } from "../tensor.js";
import { gradFor } from "./broadcast.js";
import { binaryForward } from "./arithmetic.js";
import { checkTensor, operands, output, resultDType, type Operand } from "./helpers.js";
import { unaryForward } from "./unary.js";

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

export interface AllcloseOptions {
  /** Relative tolerance (≥ 0), default 1e-5. */
  rtol?: number;
  /** Absolute tolerance (≥ 0), default 1e-8. */
  atol?: number;
  /** Count NaN as equal to NaN (PyTorch's equal_nan), default false. */
  equalNan?: boolean;
}

/**
 * PyTorch's isclose, computed with the kernels and recorded nowhere: 1 where a = b (so equal
 * infinities are close), or |a − b| is finite and ≤ atol + |rtol·b|, or (with equalNan) both are
 * NaN; in the promoted dtype, the tolerances entering as weak scalars (float32 arithmetic for
 * float32 tensors, as PyTorch's).
 */
function closeness(op: string, a: Tensor, b: Tensor, rtol: number, atol: number, equalNan: boolean): Tensor {
  const dtype = resultDType(a, b);
  const bb = b.dtype === dtype ? b : output(dtype, b.shape, b.size, (d) => kernels().copy(b.data, d));
  let close = binaryForward(op, "eq", a, bb);
  if (equalNan) {
    const nan = (t: Tensor) => binaryForward(op, "sub", scalar(1, dtype), binaryForward(op, "eq", t, t)); // NaN ≠ NaN
    close = binaryForward(op, "maximum", close, binaryForward(op, "mul", nan(a), nan(bb)));
  }
  if (rtol === 0 && atol === 0) return close; // as PyTorch: an equality check, nothing more
  const allowed = binaryForward(op, "add", scalar(atol, dtype), unaryForward(op, "abs", binaryForward(op, "mul", scalar(rtol, dtype), bb)));
  const actual = unaryForward(op, "abs", binaryForward(op, "sub", a, bb));
  const finite = binaryForward(op, "lt", actual, scalar(Infinity, dtype));
  return binaryForward(op, "maximum", close, binaryForward(op, "mul", finite, binaryForward(op, "le", actual, allowed)));
}

/** Whether every element of a 0/1 tensor is 1 (true for no elements). */
function allOnes(t: Tensor): boolean {
  if (t.size === 0) return true;
  const out = new Float64Array(1);
  kernels().reduceAxis("min", t.data, 1, t.size, 1, out);
  return out[0] === 1;
}

/**
 * Whether a and b are close everywhere, as torch.allclose: |a − b| ≤ atol + rtol·|b| for every
 * element, broadcasting a and b (shapes that do not broadcast are an error, as PyTorch's). Equal
 * infinities are close; NaN is close to nothing unless `equalNan`. The test is not symmetric: b
 * scales the tolerance. Returns a boolean and records nothing.
 *
 * Unlike PyTorch, which refuses a float32 with a float64 tensor, the dtypes combine as in every
 * op here (float32 with float64 compares in float64; a number takes the tensor's dtype).
 */
export function allclose(a: Operand, b: Operand, opts?: AllcloseOptions): boolean {
  const o = checkOptions("allclose", opts, ["rtol", "atol", "equalNan"]);
  const rtol = checkNumber("allclose", "rtol", o.rtol ?? 1e-5, { finite: false, min: 0 });
  const atol = checkNumber("allclose", "atol", o.atol ?? 1e-8, { finite: false, min: 0 });
  if (o.equalNan !== undefined && typeof o.equalNan !== "boolean") throw new Error(`allclose: equalNan must be a boolean, got ${quote(o.equalNan)}`);
  const [x, y] = operands("allclose", a, b);
  broadcastShapes("allclose", x.shape, y.shape);
  return allOnes(closeness("allclose", x, y, rtol, atol, o.equalNan ?? false));
}

/**
 * Whether a and b have the same shape and the same values, as torch.equal: no broadcasting,
 * NaN equals nothing (not even itself), −0 equals 0, float32 and float64 compare by value.
 * Returns a boolean and records nothing.
 */
export function equal(a: Tensor, b: Tensor): boolean {
  checkTensor("equal", a, "first argument");
  checkTensor("equal", b, "second argument");
  if (!sameShape(a.shape, b.shape)) return false;
  return allOnes(binaryForward("equal", "eq", a, b));
}
