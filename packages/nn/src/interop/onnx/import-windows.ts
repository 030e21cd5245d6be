/**
 * Conv, MaxPool and AveragePool over 1-D and 2-D windows, as ONNX defines them, on backprop's
 * conv2d, maxPool2d and avgPool2d.
 *
 * ONNX allows more than those ops take: pads that differ before and after ("pads" lists
 * [x1_begin, x2_begin, …, x1_end, x2_end, …]), auto_pad, and ceil_mode with its own rule for the
 * last window. So the padding is done here, with `pad` (differentiable), and the backprop op runs
 * with no padding of its own: per spatial axis the input is padded by `head` before and by
 * whatever after makes exactly `out` windows fit — more than ONNX's tail pad when ceil_mode lets a
 * last window hang over the end, less (a crop) when the pads leave rows no window reaches.
 * A 1-D input [N, C, L] runs as [N, C, 1, L].
 */
import { avgPool2d, conv2d, div, maxPool2d, pad, reshape, tensor, type Tensor } from "@backprop/core";
import type { OpContext } from "./op-context.js";

/** One spatial axis: input size, kernel, stride, dilation, pads, and the output size. */
interface AxisPlan {
  n: number; k: number; s: number; d: number; head: number; tail: number; out: number;
}

/** Read kernel/strides/dilations/pads/auto_pad for `spatial` axes and size each output axis. */
function plan(ctx: OpContext, x: Tensor, kernel: number[], opts: { ceil: boolean; dilations: boolean }): AxisPlan[] {
  const spatial = kernel.length;
  const sizes = x.shape.slice(2);
  const list = (name: string, fallback: number[]) => {
    const v = ctx.attrs.ints(name) ?? fallback;
    if (v.length !== fallback.length) throw ctx.unsupported(`attribute "${name}" has ${v.length} values, expected ${fallback.length} for ${spatial} spatial axes`);
    return v;
  };
  const strides = list("strides", kernel.map(() => 1));
  const dilations = opts.dilations ? list("dilations", kernel.map(() => 1)) : kernel.map(() => 1);
  let pads = list("pads", [...kernel, ...kernel].map(() => 0));
  const autoPad = ctx.attrs.string("auto_pad", "NOTSET");
  if (autoPad === "VALID") pads = pads.map(() => 0);
  else if (autoPad === "SAME_UPPER" || autoPad === "SAME_LOWER") {
    // The output has ceil(n / stride) positions; the padding needed is split in two, the odd one
    // after (SAME_UPPER) or before (SAME_LOWER).
    pads = pads.slice();
    sizes.forEach((n, i) => {
      const reach = dilations[i] * (kernel[i] - 1) + 1;
      const total = Math.max((Math.ceil(n / strides[i]) - 1) * strides[i] + reach - n, 0);
      const small = Math.floor(total / 2), big = total - small;
      pads[i] = autoPad === "SAME_UPPER" ? small : big;
      pads[i + spatial] = autoPad === "SAME_UPPER" ? big : small;
    });
  } else if (autoPad !== "NOTSET") throw ctx.unsupported(`auto_pad "${autoPad}" is not one of NOTSET, VALID, SAME_UPPER, SAME_LOWER`);
  return sizes.map((n, i) => {
    const k = kernel[i], s = strides[i], d = dilations[i], head = pads[i], tail = pads[i + spatial];
    const span = n + head + tail - d * (k - 1) - 1;
    let out = span < 0 ? 0 : (opts.ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
    // ceil_mode: a window that would start in the tail padding is dropped (the ONNX spec's rule,
    // as onnxruntime and PyTorch apply it).
    if (opts.ceil && out > 0 && (out - 1) * s >= n + head) out--;
    if (out <= 0) throw ctx.unsupported(`the kernel (${kernel.join("×")}) does not fit the padded input [${x.shape.join(", ")}] with pads [${pads.join(", ")}]`);
    return { n, k, s, d, head, tail, out };
  });
}

/** Pad x (4-D) so that windows with no padding give exactly `out` positions per axis. */
function padFor(x: Tensor, axes: AxisPlan[], value: number): Tensor {
  const lists = axes.map((a) => [a.head, (a.out - 1) * a.s + a.d * (a.k - 1) + 1 - a.n - a.head]);
  if (lists.every(([h, t]) => h === 0 && t === 0)) return x;
  // backprop's pad lists the last axis first; a 1-D plan pads only the last axis
  const flat = lists.reverse().flat();
  return pad(x, flat, { mode: "constant", value });
}

/** x [N, C, L] → [N, C, 1, L] (a 1-D op runs as 2-D with a height of 1); 2-D inputs as they are. */
function as2d(ctx: OpContext, x: Tensor, spatial: number): Tensor {
  if (spatial !== 1 && spatial !== 2) throw ctx.unsupported(`${spatial}-D windows are not supported (1-D and 2-D are)`);
  if (x.ndim !== spatial + 2) throw ctx.unsupported(`input of shape [${x.shape.join(", ")}] should have rank ${spatial + 2} (N, C and ${spatial} spatial axes, as kernel_shape or the weights say)`);
  return spatial === 1 ? reshape(x, [x.shape[0], x.shape[1], 1, x.shape[2]]) : x;
}

/** Back from 2-D to the op's rank. */
function from2d(y: Tensor, spatial: number): Tensor {
  return spatial === 1 ? reshape(y, [y.shape[0], y.shape[1], y.shape[3]]) : y;
}

/** A 1-D plan as 2-D: a height-1 axis with a 1-tap kernel in front. */
function pair(axes: AxisPlan[]): [number, number][] {
  return axes.length === 1 ? [[1, axes[0].k], [1, axes[0].s], [1, axes[0].d]] : [[axes[0].k, axes[1].k], [axes[0].s, axes[1].s], [axes[0].d, axes[1].d]];
}

export function onnxConv(ctx: OpContext): Tensor {
  const x = ctx.input(0), w = ctx.input(1), b = ctx.optional(2);
  const kernel = ctx.attrs.ints("kernel_shape") ?? w.shape.slice(2);
  const spatial = kernel.length;
  const x4 = as2d(ctx, x, spatial);
  const w4 = spatial === 1 ? reshape(w, [w.shape[0], w.shape[1], 1, w.shape[2]]) : w;
  const axes = plan(ctx, x, kernel, { ceil: false, dilations: true });
  const [, stride, dilation] = pair(axes);
  const y = conv2d(padFor(x4, axes, 0), w4, b ?? null, { stride, dilation, groups: ctx.attrs.int("group", 1) });
  return from2d(y, spatial);
}

export function onnxMaxPool(ctx: OpContext): Tensor {
  if (ctx.outputCount > 1) throw ctx.unsupported("MaxPool's second output (the indices of the maxima) is not supported");
  if (ctx.attrs.int("storage_order", 0) !== 0) throw ctx.unsupported("storage_order 1 (column-major indices) is not supported");
  const x = ctx.input(0);
  const kernel = kernelShape(ctx);
  const x4 = as2d(ctx, x, kernel.length);
  const axes = plan(ctx, x, kernel, { ceil: ctx.attrs.int("ceil_mode", 0) === 1, dilations: true });
  const [kernelSize, stride, dilation] = pair(axes);
  // padding is −∞ for a max: it never wins
  const y = maxPool2d(padFor(x4, axes, -Infinity), { kernelSize, stride, dilation });
  return from2d(y, kernel.length);
}

/**
 * AveragePool: the window sums (avgPool2d with divisor 1) over the padded input, divided by each
 * window's count — the taps inside the padded input (count_include_pad = 1) or inside the input
 * itself (0). Taps beyond the padded input, where ceil_mode lets the last window hang over, never
 * count. The divisor is an outer product of per-axis counts, one constant [outH, outW] tensor.
 */
export function onnxAveragePool(ctx: OpContext): Tensor {
  const x = ctx.input(0);
  const kernel = kernelShape(ctx);
  const dil = ctx.attrs.ints("dilations");
  if (dil && dil.some((d) => d !== 1)) throw ctx.unsupported(`AveragePool with dilations [${dil.join(", ")}] is not supported (only 1)`);
  const x4 = as2d(ctx, x, kernel.length);
  const axes = plan(ctx, x, kernel, { ceil: ctx.attrs.int("ceil_mode", 0) === 1, dilations: false });
  const includePad = ctx.attrs.int("count_include_pad", 0) === 1;
  const [kernelSize, stride] = pair(axes);
  const sums = avgPool2d(padFor(x4, axes, 0), { kernelSize, stride, divisorOverride: 1 });
  const counts = axes.map((a) => Array.from({ length: a.out }, (_, i) => {
    const start = i * a.s, end = start + a.k; // in padded coordinates
    const lo = includePad ? 0 : a.head, hi = includePad ? a.n + a.head + a.tail : a.n + a.head;
    return Math.max(Math.min(end, hi) - Math.max(start, lo), 0);
  }));
  const [rows, cols] = counts.length === 1 ? [[1], counts[0]] : counts;
  const divisor = tensor(rows.flatMap((r) => cols.map((c) => r * c)), { shape: [rows.length, cols.length], dtype: sums.dtype });
  return from2d(div(sums, divisor), kernel.length);
}

/** The pools' required kernel_shape attribute. */
function kernelShape(ctx: OpContext): number[] {
  const k = ctx.attrs.ints("kernel_shape");
  if (!k) throw ctx.unsupported('attribute "kernel_shape" is required');
  return k;
}
