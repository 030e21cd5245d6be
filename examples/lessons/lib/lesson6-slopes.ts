/**
 * Lesson 6's derivatives, all by backprop in float64 (every backend runs the same reference loops
 * for float64, so every backend prints the same digits):
 *
 *   sweep       f and f′ = grad(x ↦ Σ f(x)) on a grid (each output depends on its own x, so the
 *               gradient of the sum is f′ elementwise), beside the closed form of lesson6-zoo.ts
 *   saturation  the tails where |f′| < SATURATED, their edges refined by bisection on backprop's f′;
 *               the points where f′ changes sign (GELU and SiLU), and the window around each where
 *               |f′| is small too
 *   extremes    where f′ peaks: f″ = grad(grad(f)) (backprop through the backward rule) changes sign
 *   kinks       the one-sided slopes (f(x) − f(x − h))/h and (f(x + h) − f(x))/h, central
 *               differences (what gradcheck sees), and the value backprop takes under each setting
 */
import {
  clamp, elu, getReluAtZero, grad, gradcheck, hardtanh, leakyRelu, relu, relu6, setReluAtZero, tensor,
  type BoundsSide, type KinkSide, type Tensor,
} from "@backprop/core";
import { LEAKY_SLOPE, SATURATED } from "../notes/6-zoo.js";
import type { ZooEntry } from "./lesson6-zoo.js";

const f64 = (xs: readonly number[] | Float64Array): Tensor => tensor(Float64Array.from(xs), { dtype: "float64" });

/** f′ at every x, by backprop: the gradient of Σ f(x). */
export function slopes(f: (x: Tensor) => Tensor, xs: readonly number[] | Float64Array): number[] {
  return Array.from(grad((t: Tensor) => f(t).sum())(f64(xs)).data);
}

/** f″ at every x, by backprop twice: the gradient of Σ f′(x), f′ itself a gradient with its graph. */
export function secondSlopes(f: (x: Tensor) => Tensor, xs: readonly number[] | Float64Array): number[] {
  const df = grad((t: Tensor) => f(t).sum());
  return Array.from(grad((t: Tensor) => df(t).sum())(f64(xs)).data);
}

export const slopeAt = (f: (x: Tensor) => Tensor, x: number): number => slopes(f, [x])[0];

/** The point in [a, b] where `inside` switches, to within 1e-12 (inside(a) ≠ inside(b)). */
export function bisect(inside: (x: number) => boolean, a: number, b: number): number {
  const atA = inside(a);
  if (atA === inside(b)) throw new Error(`bisect: no switch between ${a} and ${b}`);
  for (let k = 0; k < 200 && Math.abs(b - a) > 1e-12; k++) {
    const m = (a + b) / 2;
    if (inside(m) === atA) a = m;
    else b = m;
  }
  return (a + b) / 2;
}

/** The grid x₀, x₀ + step, …, x₁ (rounded to 6 decimals, so that 0, 0.5 and 6 are exactly on it). */
export function grid(x0: number, x1: number, step: number): number[] {
  const n = Math.round((x1 - x0) / step);
  return Array.from({ length: n + 1 }, (_, i) => Number((x0 + i * step).toFixed(6)));
}

export interface Tail {
  side: "left" | "right";
  /** |f′| < SATURATED beyond this x (to the end of the sweep). */
  edge: number;
  /** f′ is exactly 0 at every swept x of the tail. */
  exactlyZero: boolean;
  /** The largest |f′| on the tail's swept points. */
  largest: number;
}

export interface SignChange {
  /** f′ = 0 here (bisection on the sign of backprop's f′), and f there (the minimum of f). */
  at: number;
  value: number;
  /** |f′| < SATURATED on this window around it only. */
  window: [number, number];
}

export interface Extreme {
  /** f″ = 0 here (bisection on the sign of f″ by grad of grad); f′ there. */
  at: number;
  slope: number;
  kind: "max" | "min";
}

export interface SlopeStats {
  name: ZooEntry["name"];
  value: number[];
  slope: number[];
  /** max |backprop f′ − closed form| over the sweep. */
  maxDiff: number;
  tails: Tail[];
  signChanges: SignChange[];
  extremes: Extreme[];
}

/** Everything section 2 and 3 print about one activation, on the sweep xs. */
export function analyse(e: ZooEntry, xs: number[]): SlopeStats {
  const t = f64(xs);
  const value = Array.from(e.apply(t).data);
  const slope = slopes(e.apply, xs);
  let maxDiff = 0;
  xs.forEach((x, i) => (maxDiff = Math.max(maxDiff, Math.abs(slope[i] - e.slope(x)))));

  const small = (x: number) => Math.abs(slopeAt(e.apply, x)) < SATURATED;
  const tails: Tail[] = [];
  const n = xs.length;
  if (Math.abs(slope[0]) < SATURATED) {
    let i = 0;
    while (i < n && Math.abs(slope[i]) < SATURATED) i++;
    const part = slope.slice(0, i);
    tails.push({ side: "left", edge: bisect(small, xs[i - 1], xs[i]), exactlyZero: part.every((v) => v === 0), largest: Math.max(...part.map(Math.abs)) });
  }
  if (Math.abs(slope[n - 1]) < SATURATED) {
    let i = n - 1;
    while (i >= 0 && Math.abs(slope[i]) < SATURATED) i--;
    const part = slope.slice(i + 1);
    tails.push({ side: "right", edge: bisect(small, xs[i], xs[i + 1]), exactlyZero: part.every((v) => v === 0), largest: Math.max(...part.map(Math.abs)) });
  }

  const signChanges: SignChange[] = [];
  for (let i = 0; i + 1 < n; i++) {
    if (Math.sign(slope[i]) * Math.sign(slope[i + 1]) < 0) {
      const at = bisect((x) => slopeAt(e.apply, x) > 0, xs[i], xs[i + 1]);
      const lo = at - 0.1, hi = at + 0.1;
      if (small(lo) || small(hi)) throw new Error(`${e.name}: |f′| is still small 0.1 away from its zero at ${at}`);
      signChanges.push({ at, value: e.apply(f64([at])).data[0], window: [bisect(small, lo, at), bisect(small, at, hi)] });
    }
  }

  const extremes: Extreme[] = [];
  if (e.kinks.length === 0) {
    const curvature = secondSlopes(e.apply, xs);
    // f″ changes sign between two grid points where it is nonzero: from + to − a maximum of f′,
    // from − to + a minimum. With one exact 0 between them (tanh and sigmoid at x = 0), that is the point.
    const nonzero = xs.map((_, i) => i).filter((i) => curvature[i] !== 0);
    for (let k = 0; k + 1 < nonzero.length; k++) {
      const [i, j] = [nonzero[k], nonzero[k + 1]];
      if (Math.sign(curvature[i]) === Math.sign(curvature[j])) continue;
      const kind = curvature[i] > 0 ? "max" : "min";
      const at = j === i + 2 ? xs[i + 1] : bisect((x) => secondSlopes(e.apply, [x])[0] > 0, xs[i], xs[j]);
      extremes.push({ at, slope: slopeAt(e.apply, at), kind });
    }
  }
  return { name: e.name, value, slope, maxDiff, tails, signChanges, extremes };
}

/** The edges the closed forms give (|f′| = SATURATED solved for x), where there is one. */
export function closedFormEdges(name: ZooEntry["name"]): number[] | null {
  const eps = SATURATED;
  switch (name) {
    case "sigmoid": {
      // σ(1 − σ) = ε  ⇒  σ = (1 − √(1 − 4ε))/2, x = log(σ/(1 − σ))
      const s = (1 - Math.sqrt(1 - 4 * eps)) / 2;
      const x = Math.log(s / (1 - s));
      return [x, -x];
    }
    case "tanh": {
      // 1 − tanh²x = ε  ⇒  x = atanh(√(1 − ε))
      const x = Math.atanh(Math.sqrt(1 - eps));
      return [-x, x];
    }
    case "elu": return [Math.log(eps)]; // α·eˣ = ε with α = 1
    case "softplus": return [Math.log(eps / (1 - eps))]; // σ(x) = ε
    case "relu": return [0];
    case "hardtanh": return [-1, 1];
    case "relu6": return [0, 6];
    default: return null;
  }
}

// ---- kinks -------------------------------------------------------------------------------------

export type Setting =
  | { kind: "reluAtZero"; side: KinkSide }
  | { kind: "atBounds"; side: BoundsSide }
  /** the clamps' default atBounds while setReluAtZero("right") is on: they do not follow it */
  | { kind: "globalRight" };

export interface KinkCase {
  label: string;
  x: number;
  /** The op with one setting (the ReLU-type ops read the global setting, so it is set around the call). */
  op: (x: Tensor, s: Setting) => Tensor;
  settings: Setting[];
}

const reluSettings: Setting[] = [{ kind: "reluAtZero", side: "left" }, { kind: "reluAtZero", side: "right" }];
const boundSettings: Setting[] = [{ kind: "atBounds", side: "open" }, { kind: "atBounds", side: "left" }, { kind: "atBounds", side: "right" }, { kind: "globalRight" }];
const bounds = (s: Setting): BoundsSide | undefined => (s.kind === "atBounds" ? s.side : undefined);

export function kinkCases(alphas: readonly number[]): KinkCase[] {
  return [
    { label: "relu", x: 0, op: (x) => relu(x), settings: reluSettings },
    { label: `leakyRelu(${LEAKY_SLOPE})`, x: 0, op: (x) => leakyRelu(x, LEAKY_SLOPE), settings: reluSettings },
    ...alphas.map((a): KinkCase => ({ label: `elu(α = ${a})`, x: 0, op: (x) => elu(x, a), settings: reluSettings })),
    { label: "hardtanh", x: -1, op: (x, s) => hardtanh(x, -1, 1, { atBounds: bounds(s) }), settings: boundSettings },
    { label: "hardtanh", x: 1, op: (x, s) => hardtanh(x, -1, 1, { atBounds: bounds(s) }), settings: boundSettings },
    { label: "relu6", x: 0, op: (x, s) => relu6(x, { atBounds: bounds(s) }), settings: boundSettings },
    { label: "relu6", x: 6, op: (x, s) => relu6(x, { atBounds: bounds(s) }), settings: boundSettings },
    { label: "clamp(x, −1, 1)", x: -1, op: (x) => clamp(x, -1, 1), settings: [{ kind: "atBounds", side: "open" }] },
    { label: "clamp(x, −1, 1)", x: 1, op: (x) => clamp(x, -1, 1), settings: [{ kind: "atBounds", side: "open" }] },
  ];
}

/** Run `fn` with the global ReLU side the setting asks for, and put the previous one back. */
function withSetting<T>(s: Setting, fn: () => T): T {
  const before = getReluAtZero();
  setReluAtZero(s.kind === "reluAtZero" ? s.side : s.kind === "globalRight" ? "right" : before);
  try {
    return fn();
  } finally {
    setReluAtZero(before);
  }
}

export interface KinkRow {
  label: string;
  x: number;
  /** One-sided difference quotients with h = H, and the central difference. */
  left: number;
  right: number;
  central: number;
  /** Backprop's f′(x) under each setting, in the order of the case's settings. */
  taken: { setting: Setting; slope: number; matches: "left" | "right" | "mid" | "none" | "no kink" }[];
}

/** The step of the one-sided difference quotients (gradcheck's default eps). */
export const H = 1e-6;

export function kinkRow(c: KinkCase): KinkRow {
  const at = (x: number) => c.op(f64([x]), { kind: "atBounds", side: "open" }).data[0];
  const f0 = at(c.x);
  const left = (f0 - at(c.x - H)) / H;
  const right = (at(c.x + H) - f0) / H;
  const central = (at(c.x + H) - at(c.x - H)) / (2 * H);
  const taken = c.settings.map((setting) => withSetting(setting, () => {
    const slope = slopeAt((t) => c.op(t, setting), c.x);
    const kink = gradcheck((t: Tensor) => c.op(t, setting), [f64([c.x])], { eps: H }).kinks[0];
    return { setting, slope, matches: kink ? kink.matches : ("no kink" as const) };
  }));
  return { label: c.label, x: c.x, left, right, central, taken };
}
