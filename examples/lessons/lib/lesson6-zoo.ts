/**
 * Lesson 6's zoo: each activation as the framework computes it (the core op and the nn module, in
 * their default settings) beside its closed form written out in plain float64 JavaScript — the
 * derivative the lesson compares backprop with.
 *
 * The closed forms use Math.exp and Math.tanh only. GELU needs Φ, the standard normal CDF, which
 * JavaScript lacks: Φ(x) = ½(1 + erf(x/√2)) with erf summed from its power series
 *   erf(u) = (2/√π)·e^(−u²)·Σₙ 2ⁿ·u^(2n+1) / (1·3·5···(2n+1)),
 * whose terms are all positive (no cancellation) — a few units in the 15th digit far out, where
 * e^(−u²) carries the rounding of u².
 */
import { elu, gelu, hardtanh, leakyRelu, relu, relu6, sigmoid, silu, softplus, tanh, type Tensor } from "@backprop/core";
import { ELU, GELU, Hardtanh, LeakyReLU, ReLU, ReLU6, SiLU, Sigmoid, Softplus, Tanh, type Module } from "@backprop/nn";
import { ELU_ALPHA, LEAKY_SLOPE, ZOO, type ZooName } from "../notes/6-zoo.js";

export { ZOO, type ZooName };

/** How the picture groups them: by the shape of f′. */
export type Family = "piecewise linear" | "smooth, unbounded above" | "smooth, bounded";

export interface ZooEntry {
  name: ZooName;
  family: Family;
  /** f and f′ as formulas, and the one line that takes f to f′; `short`: f in a few characters (picture titles). */
  f: string;
  short: string;
  df: string;
  why: string;
  /** The core op, default settings (float64 in, float64 out). */
  apply(x: Tensor): Tensor;
  /** The nn module, default settings. */
  module(): Module;
  /** f′ by the closed form, plain float64; at a kink the side backprop takes by default. */
  slope(x: number): number;
  /** Where f has no derivative (with the lesson's parameters). */
  kinks: number[];
}

export const sigma = (x: number): number => 1 / (1 + Math.exp(-x));
/** φ(x) = e^(−x²/2)/√(2π), the standard normal density. */
export const phi = (x: number): number => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);

/** erf(u) by the all-positive power series (see the top of the file); odd, so summed for |u|. */
export function erfSeries(u: number): number {
  const a = Math.abs(u);
  if (a === 0) return 0;
  const a2 = 2 * a * a;
  let term = a;
  let sum = a;
  for (let n = 1; n < 10_000; n++) {
    term *= a2 / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  const v = Math.min(1, ((2 / Math.sqrt(Math.PI)) * Math.exp(-a * a)) * sum);
  return u < 0 ? -v : v;
}

/** Φ(x) = ½(1 + erf(x/√2)). */
export const normalCdf = (x: number): number => 0.5 * (1 + erfSeries(x / Math.SQRT2));

export const ENTRIES: readonly ZooEntry[] = [
  {
    name: "relu", short: "max(x, 0)", family: "piecewise linear",
    f: "max(x, 0)", df: "1 (x > 0), 0 (x < 0)", why: "two lines",
    apply: (x) => relu(x), module: () => new ReLU(),
    slope: (x) => (x > 0 ? 1 : 0), kinks: [0],
  },
  {
    name: "leakyRelu", short: "max(x, 0.1x)", family: "piecewise linear",
    f: `x (x > 0), ${LEAKY_SLOPE}·x (x < 0)`, df: `1 (x > 0), ${LEAKY_SLOPE} (x < 0)`, why: "two lines",
    apply: (x) => leakyRelu(x, LEAKY_SLOPE), module: () => new LeakyReLU(LEAKY_SLOPE),
    slope: (x) => (x > 0 ? 1 : LEAKY_SLOPE), kinks: [0],
  },
  {
    name: "elu", short: "x, or eˣ − 1 for x < 0", family: "smooth, unbounded above",
    f: "x (x > 0), α(eˣ − 1) (x < 0)", df: "1 (x > 0), α·eˣ (x < 0)", why: "d/dx α(eˣ − 1) = α·eˣ = f + α",
    apply: (x) => elu(x, ELU_ALPHA), module: () => new ELU(ELU_ALPHA),
    slope: (x) => (x > 0 ? 1 : ELU_ALPHA * Math.exp(x)), kinks: ELU_ALPHA === 1 ? [] : [0],
  },
  {
    name: "gelu", short: "x·Φ(x)", family: "smooth, unbounded above",
    f: "x·Φ(x)", df: "Φ(x) + x·φ(x)", why: "product rule; Φ′ = φ",
    apply: (x) => gelu(x), module: () => new GELU(),
    slope: (x) => normalCdf(x) + x * phi(x), kinks: [],
  },
  {
    name: "silu", short: "x·σ(x)", family: "smooth, unbounded above",
    f: "x·σ(x)", df: "σ(x)·(1 + x·(1 − σ(x)))", why: "product rule; σ′ = σ(1 − σ)",
    apply: (x) => silu(x), module: () => new SiLU(),
    slope: (x) => sigma(x) * (1 + x * (1 - sigma(x))), kinks: [],
  },
  {
    name: "softplus", short: "log(1 + eˣ)", family: "smooth, unbounded above",
    f: "log(1 + eˣ)", df: "σ(x)", why: "chain rule: eˣ/(1 + eˣ) (lesson 2)",
    apply: (x) => softplus(x), module: () => new Softplus(),
    slope: (x) => sigma(x), kinks: [],
  },
  {
    name: "tanh", short: "tanh x", family: "smooth, bounded",
    f: "tanh x", df: "1 − tanh²x", why: "quotient rule on sinh x/cosh x",
    apply: (x) => tanh(x), module: () => new Tanh(),
    slope: (x) => 1 - Math.tanh(x) ** 2, kinks: [],
  },
  {
    name: "sigmoid", short: "σ(x)", family: "smooth, bounded",
    f: "σ(x) = 1/(1 + e^(−x))", df: "σ(x)·(1 − σ(x))", why: "chain rule (lesson 1)",
    apply: (x) => sigmoid(x), module: () => new Sigmoid(),
    slope: (x) => sigma(x) * (1 - sigma(x)), kinks: [],
  },
  {
    name: "hardtanh", short: "clamp to [−1, 1]", family: "piecewise linear",
    f: "min(max(x, −1), 1)", df: "1 (|x| < 1), 0 (|x| > 1)", why: "three lines",
    apply: (x) => hardtanh(x), module: () => new Hardtanh(),
    slope: (x) => (x > -1 && x < 1 ? 1 : 0), kinks: [-1, 1],
  },
  {
    name: "relu6", short: "clamp to [0, 6]", family: "piecewise linear",
    f: "min(max(x, 0), 6)", df: "1 (0 < x < 6), 0 outside", why: "three lines: hardtanh(x, 0, 6)",
    apply: (x) => relu6(x), module: () => new ReLU6(),
    slope: (x) => (x > 0 && x < 6 ? 1 : 0), kinks: [0, 6],
  },
];

export const entry = (name: ZooName): ZooEntry => ENTRIES.find((e) => e.name === name)!;
