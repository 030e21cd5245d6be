/**
 * Initializers, with PyTorch's formulas and option names. Each fills a tensor in place (outside
 * any graph) and returns it. All draws come from the global seeded generator (manualSeed).
 *
 * fan_in / fan_out of a weight [out, in, …kernel] are in·k and out·k, k the kernel size.
 * A tensor with zero elements is left as it is (PyTorch: "initializing zero-element tensors is a
 * no-op"): there is nothing to fill, and its fan may be 0, so no bound is computed from it.
 */
import { noGrad, quote, randomNormal, randomUniform, tensor, type Tensor } from "@backprop/core";

export type Nonlinearity = "linear" | "sigmoid" | "tanh" | "relu" | "leaky_relu";
export type FanMode = "fan_in" | "fan_out";

export interface KaimingOptions {
  /** The negative slope of the leaky ReLU that follows (used only with "leaky_relu"); default 0. */
  a?: number;
  mode?: FanMode;
  nonlinearity?: Nonlinearity;
}

export interface XavierOptions {
  gain?: number;
}

function checkTensor(op: string, t: unknown): Tensor {
  if (t === null || typeof t !== "object" || !("data" in t) || !("shape" in t)) throw new Error(`init.${op}: expected a Tensor`);
  return t as Tensor;
}

function checkKeys(op: string, opts: object | undefined, allowed: string[]): void {
  for (const k of Object.keys(opts ?? {})) {
    if (!allowed.includes(k)) throw new Error(`init.${op}: unknown option ${quote(k)}; expected one of: ${allowed.join(", ")}`);
  }
}

/** The recommended gain for a nonlinearity (PyTorch's calculate_gain). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case "linear":
    case "sigmoid":
      return 1;
    case "tanh":
      return 5 / 3;
    case "relu":
      return Math.SQRT2;
    case "leaky_relu": {
      const slope = param ?? 0.01;
      if (typeof slope !== "number" || !Number.isFinite(slope)) throw new Error(`calculateGain: negative slope must be a finite number, got ${quote(slope)}`);
      return Math.sqrt(2 / (1 + slope * slope));
    }
    default:
      throw new Error(`calculateGain: unknown nonlinearity ${quote(nonlinearity)}; expected linear, sigmoid, tanh, relu or leaky_relu`);
  }
}

/** fan_in and fan_out of a weight of shape [out, in, …kernel]. */
export function fans(op: string, t: Tensor): { fanIn: number; fanOut: number } {
  if (t.ndim < 2) throw new Error(`init.${op}: fan in and fan out cannot be computed for a tensor with fewer than 2 dimensions (shape [${t.shape.join(", ")}])`);
  const receptive = t.shape.slice(2).reduce((p, d) => p * d, 1);
  return { fanIn: t.shape[1] * receptive, fanOut: t.shape[0] * receptive };
}

/** Write `value()` into each element of t, in place (copy_ counts the in-place write). */
function fill(t: Tensor, value: () => number): Tensor {
  if (t.size === 0) return t; // nothing to write: no draw, no version change
  const src = new Float64Array(t.size);
  for (let i = 0; i < src.length; i++) src[i] = value();
  noGrad(() => t.copy_(tensor(src, { shape: t.shape.slice(), dtype: t.dtype })));
  return t;
}

function uniformArgs(op: string, a: number | { a?: number; b?: number } | undefined, b: number | undefined): [number, number] {
  if (a !== undefined && typeof a === "object") {
    checkKeys(op, a, ["a", "b"]);
    return uniformArgs(op, a.a, a.b);
  }
  const lo = a ?? 0, hi = b ?? 1;
  if (typeof lo !== "number" || typeof hi !== "number" || !Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) {
    throw new Error(`init.${op}: bounds must be finite numbers with a ≤ b, got a = ${quote(lo)}, b = ${quote(hi)}`);
  }
  return [lo, hi];
}

/** U(a, b): `uniform(t, a, b)` or `uniform(t, { a, b })`; default U(0, 1). */
export function uniform(t: Tensor, a?: number | { a?: number; b?: number }, b?: number): Tensor {
  checkTensor("uniform", t);
  const [lo, hi] = uniformArgs("uniform", a, b);
  return fill(t, () => lo + (hi - lo) * randomUniform());
}

/** N(mean, std²): `normal(t, mean, std)` or `normal(t, { mean, std })`; default N(0, 1). */
export function normal(t: Tensor, mean?: number | { mean?: number; std?: number }, std?: number): Tensor {
  checkTensor("normal", t);
  if (mean !== undefined && typeof mean === "object") {
    checkKeys("normal", mean, ["mean", "std"]);
    return normal(t, mean.mean, mean.std);
  }
  const m = mean ?? 0, s = std ?? 1;
  if (!Number.isFinite(m) || !Number.isFinite(s) || s < 0) throw new Error(`init.normal: mean must be finite and std a finite number ≥ 0, got mean = ${quote(m)}, std = ${quote(s)}`);
  return fill(t, () => m + s * randomNormal());
}

export function constant(t: Tensor, value: number): Tensor {
  checkTensor("constant", t);
  if (typeof value !== "number") throw new Error(`init.constant: value must be a number, got ${quote(value)}`);
  return fill(t, () => value);
}

export function zeros(t: Tensor): Tensor {
  return constant(t, 0);
}

export function ones(t: Tensor): Tensor {
  return constant(t, 1);
}

function kaimingStd(op: string, t: Tensor, opts: KaimingOptions): number {
  checkKeys(op, opts, ["a", "mode", "nonlinearity"]);
  const { a = 0, mode = "fan_in", nonlinearity = "leaky_relu" } = opts;
  if (mode !== "fan_in" && mode !== "fan_out") throw new Error(`init.${op}: mode must be "fan_in" or "fan_out", got ${quote(mode)}`);
  const gain = calculateGain(nonlinearity, a);
  const { fanIn, fanOut } = fans(op, t);
  const fan = mode === "fan_in" ? fanIn : fanOut;
  return fan === 0 ? 0 : gain / Math.sqrt(fan); // fan 0 means zero elements: nothing is drawn
}

/** He/Kaiming uniform: U(−bound, bound), bound = gain·√(3/fan). Defaults as PyTorch (a = 0, fan_in, leaky_relu → gain √2). */
export function kaimingUniform(t: Tensor, opts: KaimingOptions = {}): Tensor {
  checkTensor("kaimingUniform", t);
  const bound = Math.sqrt(3) * kaimingStd("kaimingUniform", t, opts);
  return fill(t, () => -bound + 2 * bound * randomUniform());
}

/** He/Kaiming normal: N(0, std²), std = gain/√fan. */
export function kaimingNormal(t: Tensor, opts: KaimingOptions = {}): Tensor {
  checkTensor("kaimingNormal", t);
  const std = kaimingStd("kaimingNormal", t, opts);
  return fill(t, () => std * randomNormal());
}

function xavierStd(op: string, t: Tensor, opts: XavierOptions): number {
  checkKeys(op, opts, ["gain"]);
  const gain = opts.gain ?? 1;
  if (typeof gain !== "number" || !Number.isFinite(gain)) throw new Error(`init.${op}: gain must be a finite number, got ${quote(gain)}`);
  const { fanIn, fanOut } = fans(op, t);
  return fanIn + fanOut === 0 ? 0 : gain * Math.sqrt(2 / (fanIn + fanOut)); // zero elements: nothing is drawn
}

/** Glorot/Xavier uniform: U(−bound, bound), bound = gain·√(6/(fan_in + fan_out)). */
export function xavierUniform(t: Tensor, opts: XavierOptions = {}): Tensor {
  checkTensor("xavierUniform", t);
  const bound = Math.sqrt(3) * xavierStd("xavierUniform", t, opts);
  return fill(t, () => -bound + 2 * bound * randomUniform());
}

/** Glorot/Xavier normal: N(0, std²), std = gain·√(2/(fan_in + fan_out)). */
export function xavierNormal(t: Tensor, opts: XavierOptions = {}): Tensor {
  checkTensor("xavierNormal", t);
  const std = xavierStd("xavierNormal", t, opts);
  return fill(t, () => std * randomNormal());
}
