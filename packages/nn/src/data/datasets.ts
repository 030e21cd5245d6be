/**
 * Synthetic 2-D classification datasets (after scikit-learn's make_moons, make_circles and
 * make_blobs, plus spirals and xor), and a seeded train/test split.
 *
 * Each returns `{ x, y }`: `x` of shape [n, 2], `y` of shape [n] holding the class labels 0, 1, …
 * as numbers, both float32 unless `dtype: "float64"` is given. Every random draw comes from the
 * global generator, so `manualSeed(s)` makes a dataset reproducible bit for bit.
 *
 * How each is made: the clean points are laid out class by class (class 0 first), then Gaussian
 * noise of standard deviation `noise` (or `std`) is added to every coordinate, then the rows are
 * shuffled (Fisher–Yates), as scikit-learn shuffles by default. The noise draws are taken even when
 * the noise is 0, so the same seed gives the same row order and the same standard-normal draws at
 * any noise level: `moons(n, { noise: s })` is exactly `moons(n, { noise: 0 })` plus `s·z`.
 */
import { quote, randomNormal, randomUniform, tensor, Tensor, type DType } from "@backprop/core";
import { randomPermutation, takeRows } from "./loader.js";

export interface Dataset {
  /** Points, shape [n, 2]. */
  x: Tensor;
  /** Class labels 0, 1, … (as numbers), shape [n]. */
  y: Tensor;
}

interface DTypeOption {
  /** dtype of x and y (default "float32"). */
  dtype?: DType;
}

export interface MoonsOptions extends DTypeOption {
  /** Standard deviation of the Gaussian noise added to each coordinate (default 0.1). */
  noise?: number;
}

export interface CirclesOptions extends DTypeOption {
  noise?: number;
  /** Radius of the inner circle (class 1), the outer (class 0) having radius 1; 0 ≤ factor < 1 (default 0.8). */
  factor?: number;
}

export interface SpiralsOptions extends DTypeOption {
  noise?: number;
  /** How many full turns each spiral makes (default 1.5). */
  turns?: number;
  /** The number of classes, one spiral arm each (a whole number ≥ 1; default 2). */
  classes?: number;
}

export interface XorOptions extends DTypeOption {
  noise?: number;
}

export interface BlobsOptions extends DTypeOption {
  /** The number of clusters, their centers drawn uniformly in centerBox (default 3), or the centers as [x, y] pairs. */
  centers?: number | readonly (readonly [number, number] | readonly number[])[];
  /** Standard deviation of each cluster: one number for all, or one per center (default 1). */
  std?: number | readonly number[];
  /** [low, high] of the box the random centers are drawn from (default [−10, 10]). */
  centerBox?: readonly [number, number] | readonly number[];
}

export interface BlobsDataset extends Dataset {
  /** The cluster centers, as [x, y] pairs (label i belongs to centers[i]). */
  centers: [number, number][];
}

// ---- argument checks ----

function checkOpts<T extends object>(op: string, opts: T | undefined, allowed: readonly string[]): T {
  if (opts === undefined) return {} as T;
  if (opts === null || typeof opts !== "object" || Array.isArray(opts)) {
    throw new Error(`${op}: options must be an object, got ${opts === null ? "null" : Array.isArray(opts) ? "an array" : typeof opts}`);
  }
  for (const k of Object.keys(opts)) {
    if (!allowed.includes(k)) throw new Error(`${op}: unknown option ${quote(k)}; expected one of: ${allowed.join(", ")}`);
  }
  return opts;
}

function checkN(op: string, n: unknown): number {
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1) throw new Error(`${op}: n (the number of points) must be a positive integer, got ${quote(n)}`);
  return n;
}

function checkNonNegative(op: string, name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) throw new Error(`${op}: ${name} must be a finite number ≥ 0, got ${quote(v)}`);
  return v;
}

function checkDType(op: string, dtype: unknown): DType {
  if (dtype !== "float32" && dtype !== "float64") throw new Error(`${op}: dtype must be "float32" or "float64", got ${quote(dtype)}`);
  return dtype;
}

// ---- building blocks ----

/** numpy.linspace(start, stop, m, endpoint): m evenly spaced values (the last exactly `stop` with endpoint). */
function linspace(start: number, stop: number, m: number, endpoint = true): number[] {
  const div = endpoint ? m - 1 : m;
  const step = div > 0 ? (stop - start) / div : 0;
  const out = Array.from({ length: m }, (_, i) => start + i * step);
  if (endpoint && m > 1) out[m - 1] = stop;
  return out;
}

/** Clean points in class order → add noise·N(0, 1) per coordinate → shuffle the rows → tensors. */
function finish(points: number[][], labels: number[], noise: number | readonly number[], dtype: DType): Dataset {
  const n = points.length;
  const coords = new Float64Array(n * 2);
  points.forEach(([px, py], i) => {
    const s = typeof noise === "number" ? noise : noise[labels[i]];
    coords[2 * i] = px + s * randomNormal();
    coords[2 * i + 1] = py + s * randomNormal();
  });
  const order = randomPermutation(n);
  const xs = new Float64Array(n * 2);
  const ys = new Float64Array(n);
  order.forEach((from, i) => {
    xs[2 * i] = coords[2 * from];
    xs[2 * i + 1] = coords[2 * from + 1];
    ys[i] = labels[from];
  });
  return { x: tensor(xs, { shape: [n, 2], dtype }), y: tensor(ys, { dtype }) };
}

/** scikit-learn's split of n points over two classes: ⌊n/2⌋ in class 0, the rest in class 1. */
function halves(n: number): [number, number] {
  const first = Math.floor(n / 2);
  return [first, n - first];
}

// ---- the datasets ----

/**
 * Two interleaving half circles (scikit-learn's make_moons). Class 0 (⌊n/2⌋ points): (cos t, sin t);
 * class 1 (the rest): (1 − cos t, 1 − sin t − 0.5); t evenly spaced over [0, π] in each class.
 */
export function moons(n: number, opts?: MoonsOptions): Dataset {
  const op = "moons";
  checkN(op, n);
  const o = checkOpts(op, opts, ["noise", "dtype"]);
  const noise = checkNonNegative(op, "noise", o.noise ?? 0.1);
  const dtype = checkDType(op, o.dtype ?? "float32");
  const [nOut, nIn] = halves(n);
  const points: number[][] = [];
  const labels: number[] = [];
  for (const t of linspace(0, Math.PI, nOut)) { points.push([Math.cos(t), Math.sin(t)]); labels.push(0); }
  for (const t of linspace(0, Math.PI, nIn)) { points.push([1 - Math.cos(t), 1 - Math.sin(t) - 0.5]); labels.push(1); }
  return finish(points, labels, noise, dtype);
}

/**
 * A circle inside another (scikit-learn's make_circles). Class 0 (⌊n/2⌋ points): radius 1;
 * class 1 (the rest): radius `factor`; angles evenly spaced over [0, 2π) (endpoint excluded) in each.
 */
export function circles(n: number, opts?: CirclesOptions): Dataset {
  const op = "circles";
  checkN(op, n);
  const o = checkOpts(op, opts, ["noise", "factor", "dtype"]);
  const noise = checkNonNegative(op, "noise", o.noise ?? 0.1);
  const factor = o.factor ?? 0.8;
  if (typeof factor !== "number" || !(factor >= 0 && factor < 1)) throw new Error(`circles: factor must be a number in [0, 1), got ${quote(factor)}`);
  const dtype = checkDType(op, o.dtype ?? "float32");
  const [nOut, nIn] = halves(n);
  const points: number[][] = [];
  const labels: number[] = [];
  for (const t of linspace(0, 2 * Math.PI, nOut, false)) { points.push([Math.cos(t), Math.sin(t)]); labels.push(0); }
  for (const t of linspace(0, 2 * Math.PI, nIn, false)) { points.push([factor * Math.cos(t), factor * Math.sin(t)]); labels.push(1); }
  return finish(points, labels, noise, dtype);
}

/**
 * `classes` interleaved spiral arms (Archimedean; default 2), arm k turned by k/classes of a turn.
 * n is split ⌊n/classes⌋ per class, the last n mod classes classes getting one point more (for two
 * classes: ⌊n/2⌋ in class 0, the rest in class 1, as moons and circles). Class k, with s evenly
 * spaced over [0, 1]:
 *
 *   r = 0.1 + 0.9·s,   θ = 2π·turns·s + 2π·k/classes,   point = (r·cos θ, r·sin θ)
 *
 * so each arm runs from radius 0.1 out to radius 1, and neighbouring arms are 0.9/(turns·classes)
 * apart along any ray (0.45/turns for two). The two-class output is the same, bit for bit, as before
 * the classes option existed (2π·1/2 is π exactly).
 */
export function spirals(n: number, opts?: SpiralsOptions): Dataset {
  const op = "spirals";
  checkN(op, n);
  const o = checkOpts(op, opts, ["noise", "turns", "classes", "dtype"]);
  const noise = checkNonNegative(op, "noise", o.noise ?? 0.1);
  const turns = o.turns ?? 1.5;
  if (typeof turns !== "number" || !Number.isFinite(turns) || turns <= 0) throw new Error(`spirals: turns must be a finite number > 0, got ${quote(turns)}`);
  const classes = o.classes ?? 2;
  if (typeof classes !== "number" || !Number.isInteger(classes) || classes < 1) throw new Error(`spirals: classes must be a whole number ≥ 1, got ${quote(classes)}`);
  const dtype = checkDType(op, o.dtype ?? "float32");
  const points: number[][] = [];
  const labels: number[] = [];
  const base = Math.floor(n / classes), extra = n % classes;
  for (let k = 0; k < classes; k++) {
    const m = base + (k >= classes - extra ? 1 : 0);
    const offset = (2 * Math.PI * k) / classes;
    for (const s of linspace(0, 1, m)) {
      const r = 0.1 + 0.9 * s;
      const theta = 2 * Math.PI * turns * s + offset;
      points.push([r * Math.cos(theta), r * Math.sin(theta)]);
      labels.push(k);
    }
  }
  return finish(points, labels, noise, dtype);
}

/**
 * XOR: four Gaussian clusters (standard deviation `noise`) centred at (1, 1), (−1, 1), (−1, −1),
 * (1, −1), n split over them as evenly as possible (the first n mod 4 get one more point, in that
 * order). A point's label comes from its cluster's centre: 1 when sign(cx)·sign(cy) < 0 (the
 * (−1, 1) and (1, −1) clusters), 0 otherwise — so with large noise some points stray across the axes.
 */
export function xor(n: number, opts?: XorOptions): Dataset {
  const op = "xor";
  checkN(op, n);
  const o = checkOpts(op, opts, ["noise", "dtype"]);
  const noise = checkNonNegative(op, "noise", o.noise ?? 0.1);
  const dtype = checkDType(op, o.dtype ?? "float32");
  const centers: [number, number][] = [[1, 1], [-1, 1], [-1, -1], [1, -1]];
  const points: number[][] = [];
  const labels: number[] = [];
  centers.forEach(([cx, cy], k) => {
    const count = Math.floor(n / 4) + (k < n % 4 ? 1 : 0);
    for (let i = 0; i < count; i++) {
      points.push([cx, cy]);
      labels.push(cx * cy < 0 ? 1 : 0);
    }
  });
  return finish(points, labels, noise, dtype);
}

/**
 * Isotropic Gaussian clusters (scikit-learn's make_blobs with 2 features). `centers` is a count
 * (default 3; the centres are then drawn uniformly in centerBox, x then y for each centre, before
 * any point) or the centres themselves. Label i is the i-th centre; n is split as scikit-learn does
 * (⌊n/k⌋ each, the first n mod k centres one more). Returns the centres too.
 */
export function blobs(n: number, opts?: BlobsOptions): BlobsDataset {
  const op = "blobs";
  checkN(op, n);
  const o = checkOpts(op, opts, ["centers", "std", "centerBox", "dtype"]);
  const dtype = checkDType(op, o.dtype ?? "float32");
  const box = o.centerBox ?? [-10, 10];
  if (!Array.isArray(box) || box.length !== 2 || !box.every((v) => typeof v === "number" && Number.isFinite(v)) || !(box[0] <= box[1])) {
    throw new Error(`blobs: centerBox must be [low, high] with finite low ≤ high, got ${quote(box)}`);
  }
  const spec = o.centers ?? 3;
  let centers: [number, number][];
  if (typeof spec === "number") {
    if (!Number.isInteger(spec) || spec < 1) throw new Error(`blobs: centers must be a positive integer or an array of [x, y] pairs, got ${quote(spec)}`);
    centers = Array.from({ length: spec }, () => [box[0] + (box[1] - box[0]) * randomUniform(), box[0] + (box[1] - box[0]) * randomUniform()]);
  } else if (Array.isArray(spec) && spec.length > 0) {
    centers = spec.map((c, i) => {
      if (!Array.isArray(c) || c.length !== 2 || !c.every((v) => typeof v === "number" && Number.isFinite(v))) {
        throw new Error(`blobs: centers[${i}] must be an [x, y] pair of finite numbers, got ${quote(c)}`);
      }
      return [c[0], c[1]];
    });
  } else {
    throw new Error(`blobs: centers must be a positive integer or a non-empty array of [x, y] pairs, got ${quote(spec)}`);
  }
  const k = centers.length;
  const stdSpec = o.std ?? 1;
  let std: number | number[];
  if (typeof stdSpec === "number") std = checkNonNegative(op, "std", stdSpec);
  else if (Array.isArray(stdSpec) && stdSpec.length === k) std = stdSpec.map((s, i) => checkNonNegative(op, `std[${i}]`, s));
  else throw new Error(`blobs: std must be a finite number ≥ 0, or an array of ${k} of them (one per center), got ${quote(stdSpec)}`);
  const points: number[][] = [];
  const labels: number[] = [];
  centers.forEach((c, i) => {
    const count = Math.floor(n / k) + (i < n % k ? 1 : 0);
    for (let j = 0; j < count; j++) {
      points.push(c);
      labels.push(i);
    }
  });
  return { ...finish(points, labels, std, dtype), centers: centers.map(([cx, cy]) => [cx, cy]) };
}

// ---- splitting ----

export interface SplitOptions {
  /** The fraction of rows held out for testing, 0 < testFraction < 1 (default 0.2). */
  testFraction?: number;
  /** Shuffle the rows before splitting, with the global generator (default true). */
  shuffle?: boolean;
}

export interface Split {
  xTrain: Tensor;
  yTrain: Tensor;
  xTest: Tensor;
  yTest: Tensor;
}

/**
 * Split rows into a training and a test set, as scikit-learn's train_test_split: the test set has
 * ⌈testFraction·n⌉ rows (round-off forgiven: 0.1 of 30 is 3), the training set the rest; both must be
 * non-empty. With shuffle (default) a random permutation (global generator) is drawn and its first
 * rows go to the test set; without, the last rows are the test set. The parts are copies.
 */
export function trainTestSplit(x: Tensor, y: Tensor, opts?: SplitOptions): Split {
  const op = "trainTestSplit";
  if (!(x instanceof Tensor) || !(y instanceof Tensor)) throw new Error(`${op}: x and y must be Tensors`);
  if (x.ndim === 0 || y.ndim === 0 || x.shape[0] !== y.shape[0]) {
    throw new Error(`${op}: x and y must have the same number of rows, got shapes [${x.shape.join(", ")}] and [${y.shape.join(", ")}]`);
  }
  const o = checkOpts(op, opts, ["testFraction", "shuffle"]);
  const f = o.testFraction ?? 0.2;
  if (typeof f !== "number" || !(f > 0 && f < 1)) throw new Error(`${op}: testFraction must be a number in (0, 1), got ${quote(f)}`);
  const shuffle = o.shuffle ?? true;
  if (typeof shuffle !== "boolean") throw new Error(`${op}: shuffle must be a boolean, got ${quote(shuffle)}`);
  const n = x.shape[0];
  const nTest = Math.ceil(f * n - 1e-9);
  const nTrain = n - nTest;
  if (nTest < 1 || nTrain < 1) {
    throw new Error(`${op}: testFraction ${f} of ${n} rows gives ${nTest} test and ${nTrain} training rows; both sets must be non-empty`);
  }
  if (shuffle) {
    const order = randomPermutation(n);
    return {
      xTest: takeRows(x, order, 0, nTest), yTest: takeRows(y, order, 0, nTest),
      xTrain: takeRows(x, order, nTest, n), yTrain: takeRows(y, order, nTest, n),
    };
  }
  const order = Array.from({ length: n }, (_, i) => i);
  return {
    xTrain: takeRows(x, order, 0, nTrain), yTrain: takeRows(y, order, 0, nTrain),
    xTest: takeRows(x, order, nTrain, n), yTest: takeRows(y, order, nTrain, n),
  };
}
