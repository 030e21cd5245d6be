/**
 * Training diagnostics as pure functions on tensors: usable without any model, on any activation
 * or gradient you have at hand. Each reads `.data` once in a plain loop (no graph is recorded, no
 * per-element closures), so they are cheap enough to run on every step. The `Diagnostics` monitor
 * (monitor.ts) calls the same loops on the outputs, gradients and weights of a model's layers.
 *
 * What each one measures, and why (see TEACHING.md):
 *
 * - `deadUnits(a)` (lesson 4): a unit is a column of `a` (its last axis; every leading axis counts as
 *   examples). It is dead on this batch when it is never positive: for ReLU outputs that is exactly
 *   "0 for every example"; for LeakyReLU outputs it means "on the negative side for every example"
 *   (such a unit still learns, at the slope — which is the LeakyReLU remedy). NaN counts as not
 *   positive. A 0-d tensor is one unit; a batch with no examples is an error (there is no evidence).
 *
 * - `saturation(y, kind, eps)` (lesson 1): the fraction of outputs within eps of a flat end, ends
 *   included: y ≤ lo + eps or y ≥ hi − eps, with [lo, hi] = [0, 1] for sigmoid and [−1, 1] for tanh.
 *   There σ′ (or tanh′ = 1 − y²) is near 0, so any gradient that multiplies by it vanishes.
 *   For the clamps hardtanh ([−1, 1], or `{ min, max }` for other bounds) and relu6 ([0, 6]) it is
 *   the fraction AT a bound, y ≤ min or y ≥ max, and eps is not used: their slope is 1 right up to
 *   the bound and exactly 0 at and beyond it (their default gradient at the bound itself is 0 too,
 *   docs/kinks.md), so "near" a bound means nothing, "at" it means no gradient at all. An output
 *   at a bound cannot tell x = max from x > max; with `atBounds` "left"/"right" the former passes
 *   its gradient, but it counts here too (one point, which real data hits essentially never).
 *
 * - `signAgreement(gW)` (lesson 3): gW is a weight gradient [out, in]. Row i agrees when all its
 *   NONZERO components share one sign. For one example ∂J/∂w_ij = δ_i·x_j, so with all-positive
 *   inputs x every row agrees (the zig-zag indicator); with zero-centred inputs about half the
 *   components flip. An all-zero row (no gradient reached the unit — typically a dead ReLU unit
 *   after this layer) does NOT count as agreeing: it has no direction at all, and counting it would
 *   mix dead units into the zig-zag measure. It stays in the denominator (fraction = agreeing / out)
 *   and is counted separately in `zeroRows`. A row with one nonzero component trivially agrees, so a
 *   layer with one input always reports 1. Note that a batch gradient row is Σ_b δ_bi·x_b: with
 *   all-positive x it is single-signed whenever δ_i has one sign over the batch, not always.
 *
 * - `updateAngle(prev, next)` (lesson 3): the angle in degrees between two consecutive updates
 *   (any shapes with the same number of elements), in [0, 180]. Near 180° means the parameters
 *   go back and forth (zig-zag); near 0° means steady progress. `null` when either update is all
 *   zero (no step, so no direction).
 */
import { quote, Tensor, type FloatArray } from "@backprop/core";

export type SaturationKind = "sigmoid" | "tanh" | "hardtanh" | "relu6";

/** The bounds of a clamp-type activation (hardtanh with other bounds than [−1, 1]). */
export interface ClampBounds {
  min: number;
  max: number;
}

export interface DeadUnits {
  /** Dead units / all units (0 when there are no units). */
  fraction: number;
  /** dead[j]: unit j (column j of the last axis) was never positive. */
  dead: boolean[];
}

export interface SignAgreement {
  /** Agreeing rows / all rows (0 when there are no rows). */
  fraction: number;
  /** rows[i]: row i has at least one nonzero component and all its nonzero components share one sign. */
  rows: boolean[];
  /** How many rows are entirely zero (counted as not agreeing). */
  zeroRows: number;
}

// ---------------------------------------------------------------------------------------------
// The loops, shared with the monitor. Each is one pass over a typed array.

/** [examples, units]: the tensor seen as rows of units along its last axis (a 0-d tensor is one unit). */
export function unitLayout(t: Tensor): [rows: number, units: number] {
  const units = t.ndim === 0 ? 1 : t.shape[t.ndim - 1];
  return [units === 0 ? 0 : t.size / units, units];
}

/**
 * active[j] = 1 for every unit j that is positive in some row of `data` (row-major, `units` per row).
 * Stops as soon as every unit is known to be active: in a healthy layer that takes a few rows.
 */
export function markActive(data: FloatArray, units: number, active: Uint8Array): void {
  let inactive = 0;
  for (let j = 0; j < units; j++) if (active[j] === 0) inactive++;
  for (let base = 0; inactive > 0 && base < data.length; base += units) {
    for (let j = 0; j < units; j++) {
      if (active[j] === 0 && data[base + j] > 0) {
        active[j] = 1;
        inactive--;
      }
    }
  }
}

/**
 * The thresholds [lo, hi] of saturation: a value v is saturated when v ≤ lo or v ≥ hi. Within eps of
 * the ends for sigmoid and tanh; at the bounds themselves for the clamps (see the top of this file).
 */
export function saturationRange(kind: SaturationKind | ClampBounds, eps: number): [lo: number, hi: number] {
  if (typeof kind === "object") return [kind.min, kind.max];
  switch (kind) {
    case "sigmoid": return [eps, 1 - eps];
    case "tanh": return [-1 + eps, 1 - eps];
    case "hardtanh": return [-1, 1];
    case "relu6": return [0, 6];
  }
}

/** How many values v have v ≤ lo or v ≥ hi (see saturationRange). */
export function countSaturated(data: FloatArray, lo: number, hi: number): number {
  let n = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v <= lo || v >= hi) n++;
  }
  return n;
}

/** Σ|v| over the array. */
export function sumAbs(data: FloatArray): number {
  let s = 0;
  for (let i = 0; i < data.length; i++) s += Math.abs(data[i]);
  return s;
}

/** The angle in degrees between two equally long vectors, or null when either is all zero. */
export function angleBetween(a: ArrayLike<number>, b: ArrayLike<number>): number | null {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  if (na === 0 || nb === 0) return null;
  return degreesFromCos(dot / Math.sqrt(na * nb));
}

/** acos in degrees, the cosine clamped to [−1, 1] first (rounding can leave it just outside). */
export function degreesFromCos(cos: number): number {
  return Math.acos(Math.min(1, Math.max(-1, cos))) * (180 / Math.PI);
}

// ---------------------------------------------------------------------------------------------
// The public measures.

function checkTensor(fn: string, what: string, t: unknown): Tensor {
  if (!(t instanceof Tensor)) throw new Error(`${fn}: ${what} must be a Tensor, got ${t === null ? "null" : typeof t}`);
  return t;
}

/** Which units (columns of the last axis) are never positive over the rows of `activations`. */
export function deadUnits(activations: Tensor): DeadUnits {
  checkTensor("deadUnits", "activations", activations);
  const [rows, units] = unitLayout(activations);
  if (rows === 0 && units > 0) throw new Error(`deadUnits: the activations [${activations.shape.join(", ")}] hold no examples, so no unit can be judged`);
  const active = new Uint8Array(units);
  markActive(activations.data, units, active);
  const dead = Array.from(active, (a) => a === 0);
  const count = dead.filter((d) => d).length;
  return { fraction: units === 0 ? 0 : count / units, dead };
}

/**
 * The fraction of `outputs` of a sigmoid (ends 0, 1) or tanh (ends −1, 1) within `eps` of an end;
 * of a hardtanh (bounds −1, 1, or `{ min, max }`) or relu6 (0, 6) at a bound (eps unused).
 */
export function saturation(outputs: Tensor, kind: SaturationKind | ClampBounds, eps = 0.01): number {
  checkTensor("saturation", "outputs", outputs);
  checkKind("saturation", kind);
  checkEps("saturation", eps);
  if (outputs.size === 0) throw new Error("saturation: the outputs are empty");
  const [lo, hi] = saturationRange(kind, eps);
  return countSaturated(outputs.data, lo, hi) / outputs.size;
}

/** Per row of a weight gradient [out, in]: do all its nonzero components share one sign? */
export function signAgreement(weightGrad: Tensor): SignAgreement {
  checkTensor("signAgreement", "weightGrad", weightGrad);
  if (weightGrad.ndim !== 2) {
    throw new Error(`signAgreement: expected a weight gradient of shape [out, in], got [${weightGrad.shape.join(", ")}]`);
  }
  const [out, inF] = weightGrad.shape;
  const d = weightGrad.data;
  const rows: boolean[] = new Array(out);
  let agreeing = 0;
  let zeroRows = 0;
  for (let i = 0; i < out; i++) {
    let pos = false;
    let neg = false;
    for (let j = i * inF, end = j + inF; j < end && !(pos && neg); j++) {
      const v = d[j];
      if (v > 0) pos = true;
      else if (v < 0) neg = true;
    }
    rows[i] = pos !== neg; // exactly one sign seen
    if (rows[i]) agreeing++;
    else if (!pos) zeroRows++;
  }
  return { fraction: out === 0 ? 0 : agreeing / out, rows, zeroRows };
}

/**
 * The angle in degrees (0 to 180) between two updates (Tensors or number arrays with the same
 * number of elements; shapes are not compared). null when either is all zero.
 */
export function updateAngle(prevUpdate: Tensor | ArrayLike<number>, update: Tensor | ArrayLike<number>): number | null {
  const a = prevUpdate instanceof Tensor ? prevUpdate.data : prevUpdate;
  const b = update instanceof Tensor ? update.data : update;
  if (a == null || typeof a.length !== "number" || b == null || typeof b.length !== "number") {
    throw new Error("updateAngle: expected two Tensors or arrays of numbers");
  }
  if (a.length !== b.length) throw new Error(`updateAngle: the updates have ${a.length} and ${b.length} elements; they must match`);
  return angleBetween(a, b);
}

export function checkKind(fn: string, kind: unknown): SaturationKind | ClampBounds {
  if (kind !== null && typeof kind === "object" && !Array.isArray(kind)) {
    const { min, max } = kind as Partial<ClampBounds>;
    if (Object.keys(kind).some((k) => k !== "min" && k !== "max") || typeof min !== "number" || typeof max !== "number" || !(min < max)) {
      throw new Error(`${fn}: bounds must be { min, max } with numbers min < max, got ${quote(kind)}`);
    }
    return { min, max };
  }
  if (kind !== "sigmoid" && kind !== "tanh" && kind !== "hardtanh" && kind !== "relu6") {
    throw new Error(`${fn}: kind must be "sigmoid", "tanh", "hardtanh", "relu6" or bounds { min, max }, got ${quote(kind)}`);
  }
  return kind;
}

export function checkEps(fn: string, eps: unknown): number {
  if (typeof eps !== "number" || !Number.isFinite(eps) || eps < 0) throw new Error(`${fn}: eps must be a finite number >= 0, got ${quote(eps)}`);
  return eps;
}
