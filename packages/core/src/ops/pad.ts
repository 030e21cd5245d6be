/**
 * pad(x, pads, { mode, value }), as torch.nn.functional.pad: `pads` lists [before, after] counts
 * for the last axis first ([left, right, top, bottom, …]); a negative count crops.
 *
 * Each padded axis is a remapping of its rows: output row i shows input row map[i], or the fill
 * value. The modes differ only in that map (for an axis of n rows, source s = i − before):
 *   constant   s inside [0, n), else the fill value          … 0 0 | a b c d | 0 0 …
 *   reflect    mirrored about the edge rows (edges once)     … c b | a b c d | c b …
 *   replicate  the edge row repeated                         … a a | a b c d | d d …
 *   circular   wrapped around                                … c d | a b c d | a b …
 * The gradient runs each map backwards (padAdjoint): every output row adds its gradient into the
 * input row it showed, so a reflected or repeated row collects several. Both ops are linear, each
 * the other's gradient, so higher orders come free.
 */
import { allocate, type FloatArray } from "../dtype.js";
import { kernels } from "../kernels/index.js";
import { record, type OpAttrs } from "../autograd/node.js";
import { quote } from "../quote.js";
import { checkOptions } from "../options.js";
import { fmt, sizeOf } from "../shape.js";
import { Tensor } from "../tensor.js";
import { checkTensor } from "./helpers.js";

export type PadMode = "constant" | "reflect" | "replicate" | "circular";

export interface PadOptions {
  /** How the new rows are filled. Default "constant". */
  mode?: PadMode;
  /** The fill value of mode "constant". Default 0. */
  value?: number;
}

/** One axis's remapping: output row i shows input row map[i] (−1: the fill value). */
interface AxisMap {
  axis: number;
  map: Int32Array;
}

const MODES: readonly PadMode[] = ["constant", "reflect", "replicate", "circular"];

/** The row map of one axis of n rows padded by `before` and `after` in `mode`. */
function rowMap(op: string, mode: PadMode, n: number, before: number, after: number, axis: number, shape: readonly number[]): Int32Array {
  const m = n + before + after;
  if (m < 0) throw new Error(`${op}: pads ${before}, ${after} on axis ${axis} (size ${n}) of shape ${fmt(shape)} leave a negative size ${m}`);
  const limit = mode === "reflect" ? n - 1 : mode === "circular" ? n : Infinity;
  if (mode !== "constant" && n === 0) throw new Error(`${op}: mode "${mode}" cannot pad axis ${axis} of size 0 (shape ${fmt(shape)}): there is no row to copy`);
  if (before > limit || after > limit) {
    const bound = mode === "reflect" ? "less than the axis size" : "at most the axis size";
    throw new Error(`${op}: mode "${mode}" needs pads ${bound}, got ${before}, ${after} on axis ${axis} of size ${n} (shape ${fmt(shape)})`);
  }
  const map = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    const s = i - before;
    if (s >= 0 && s < n) map[i] = s;
    else if (mode === "constant") map[i] = -1;
    else if (mode === "reflect") map[i] = s < 0 ? -s : 2 * (n - 1) - s;
    else if (mode === "replicate") map[i] = s < 0 ? 0 : n - 1;
    else map[i] = ((s % n) + n) % n;
  }
  return map;
}

/**
 * Forward: apply the maps to `data` of shape `unpadded`, in order. Adjoint: `data` has the padded
 * shape; run the maps backwards in reverse order, back to `unpadded`.
 */
function remapAll(data: FloatArray, shape: readonly number[], unpadded: readonly number[], maps: readonly AxisMap[], fill: number, adjoint: boolean): FloatArray {
  const dtype = data instanceof Float64Array ? "float64" : "float32";
  let cur = data, curShape = shape.slice();
  for (const { axis, map } of adjoint ? [...maps].reverse() : maps) {
    const outer = sizeOf(curShape.slice(0, axis)), inner = sizeOf(curShape.slice(axis + 1));
    const next = curShape.slice();
    next[axis] = adjoint ? unpadded[axis] : map.length;
    const out = allocate(dtype, sizeOf(next));
    if (adjoint) kernels().remapAxis(out, outer, next[axis], inner, map, cur, 0, true);
    else kernels().remapAxis(cur, outer, curShape[axis], inner, map, out, fill, false);
    cur = out;
    curShape = next;
  }
  return cur;
}

/** x with `pads` added (or cropped, where negative) around its last axes. */
export function pad(x: Tensor, pads: readonly number[], opts?: PadOptions): Tensor {
  checkTensor("pad", x);
  const { mode = "constant", value = 0 } = checkOptions("pad", opts, ["mode", "value"]);
  if (!MODES.includes(mode)) throw new Error(`pad: mode must be one of ${MODES.map((m) => `"${m}"`).join(", ")}, got ${quote(mode)}`);
  if (typeof value !== "number") throw new Error(`pad: value must be a number, got ${quote(value)}`);
  if (mode !== "constant" && value !== 0) throw new Error(`pad: value is the fill of mode "constant" only; mode "${mode}" got value ${value}`);
  if (!Array.isArray(pads) || pads.length % 2 !== 0 || pads.length > 2 * x.ndim || !pads.every(Number.isInteger)) {
    throw new Error(`pad: pads must be an even-length array of integers [before, after, …] (last axis first) with at most 2 per axis of shape ${fmt(x.shape)}, got ${quote(pads)}`);
  }
  const maps: AxisMap[] = [];
  for (let k = 0; k < pads.length / 2; k++) {
    const axis = x.ndim - 1 - k, before = pads[2 * k], after = pads[2 * k + 1];
    if (before === 0 && after === 0) continue;
    maps.push({ axis, map: rowMap("pad", mode, x.shape[axis], before, after, axis, x.shape) });
  }
  return padWith(x, maps, value, mode, { pads: pads.slice(), mode, value });
}

/** The recorded forward of pad. */
function padWith(x: Tensor, maps: readonly AxisMap[], fill: number, mode: PadMode, attrs?: OpAttrs): Tensor {
  if (maps.length === 0) return x;
  const shape = x.shape.slice();
  for (const { axis, map } of maps) shape[axis] = map.length;
  return record(new Tensor(remapAll(x.data, x.shape, x.shape, maps, fill, false), shape), {
    op: "pad", rule: mode === "constant" ? "dx = g without the padding" : `dx = g with each ${mode} copy added back onto its source`,
    inputs: [x], attrs, backward: (g) => [padAdjoint(g, maps, x.shape, mode)],
  });
}

/** pad's gradient: every padded row's gradient added into the input row it showed. */
function padAdjoint(g: Tensor, maps: readonly AxisMap[], shape: readonly number[], mode: PadMode): Tensor {
  return record(new Tensor(remapAll(g.data, g.shape, shape, maps, 0, true), shape), {
    op: "padAdjoint", rule: "dg = pad(g) with the same map", inputs: [g],
    backward: (gg) => [padWith(gg, maps, 0, mode)],
  });
}
