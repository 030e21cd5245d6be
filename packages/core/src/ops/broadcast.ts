/**
 * Broadcasting, forward and back. Ops broadcast their inputs in the kernels; the gradient flowing
 * back must then be summed over the broadcast axes to the input's shape. That is done here, in ONE
 * place (`gradFor`), for every op — no op undoes broadcasting by itself.
 */
import { checkDType, type DType } from "../dtype.js";
import { kernels } from "../kernels/index.js";
import { record } from "../autograd/node.js";
import { broadcastShapes, fmt, sameShape, sizeOf } from "../shape.js";
import { Tensor } from "../tensor.js";
import { quote } from "../quote.js";
import { checkTensor, output } from "./helpers.js";
import { sum } from "./reduce.js";
import { reshape } from "./shape.js";

/** x repeated along broadcast axes to `shape` (a real copy). Its gradient sums back. */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor("expand", x);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new Error(`expand: the target shape must be an array of non-negative integers, got ${quote(shape)} (input shape ${fmt(x.shape)})`);
  }
  if (sameShape(x.shape, shape)) return x;
  const target = broadcastShapes("expand", x.shape, shape);
  if (!sameShape(target, shape)) throw new Error(`expand: cannot broadcast shape ${fmt(x.shape)} to ${fmt(shape)}`);
  const out = output(x.dtype, target, sizeOf(target), (d) => kernels().broadcastTo(x.data, x.shape, d, target));
  return record(out, {
    op: "expand", rule: "dx = Σ g over the broadcast axes", inputs: [x],
    backward: (g) => [sumTo(g, x.shape)],
  });
}

/** Sum `g` down to `shape`: over the leading axes it gained and the axes where `shape` has a 1. */
export function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  const summed = axes.length ? sum(g, axes, true) : g;
  return reshape(summed, shape);
}

/** The gradient for `input`, given the gradient of a (possibly broadcast, promoted) output. */
export function gradFor(g: Tensor, input: Tensor): Tensor {
  return cast(sumTo(g, input.shape), input.dtype);
}

/** x's values in `dtype` (rounded to float32, or widened exactly), recorded as `op`; x itself if already so. */
function convert(op: string, x: Tensor, dtype: DType): Tensor {
  checkTensor(op, x);
  checkDType(op, dtype);
  if (x.dtype === dtype) return x;
  const out = output(dtype, x.shape, x.size, (d) => kernels().copy(x.data, d));
  return record(out, { op, rule: `dx = g as ${x.dtype}`, inputs: [x], backward: (g) => [to(g, x.dtype)] });
}

/** The same values in another dtype; the gradient is cast back. Returns x itself if nothing changes. */
export function cast(x: Tensor, dtype: DType): Tensor {
  return convert("cast", x, dtype);
}

/**
 * As torch.Tensor.to(dtype): x's values in `dtype` ("float32" rounds, "float64" widens exactly),
 * differentiable (the gradient is cast back to x's dtype), and x itself when it already has that
 * dtype, as PyTorch. An unknown dtype name is an error.
 */
export function to(x: Tensor, dtype: DType): Tensor {
  return convert("to", x, dtype);
}

/** `to(x, "float32")`, as torch.Tensor.float(). */
export function float(x: Tensor): Tensor {
  return convert("float", x, "float32");
}

/** `to(x, "float64")`, as torch.Tensor.double(). */
export function double(x: Tensor): Tensor {
  return convert("double", x, "float64");
}

/** A copy with its own storage, still in the graph (its gradient passes straight through). */
export function clone(x: Tensor): Tensor {
  checkTensor("clone", x);
  const out = output(x.dtype, x.shape, x.size, (d) => kernels().copy(x.data, d));
  return record(out, { op: "clone", rule: "dx = g", inputs: [x], backward: (g) => [g] });
}

/** A tensor sharing x's data but outside the graph (no history, no grad). */
export function detach(x: Tensor): Tensor {
  return checkTensor("detach", x).detach();
}
