/**
 * Mini-batches: `new DataLoader(x, y, { batchSize })` (or `batches(x, y, { batchSize })`) is an
 * iterable of `{ x, y }` row slices. Iterate it once per epoch:
 *
 *   const loader = new DataLoader(x, y, { batchSize: 32 });
 *   for (let epoch = 0; epoch < 100; epoch++) {
 *     for (const batch of loader) { … model.forward(batch.x) … }
 *   }
 *
 * With `shuffle` (the default) every iteration draws a fresh permutation of the rows from the
 * global generator (Fisher–Yates with randomInt, so manualSeed makes it reproducible) at the moment
 * the iteration starts; each epoch visits every row exactly once (the last batch is smaller when
 * the batch size does not divide the row count, or dropped with `dropLast`).
 *
 * Batches are new tensors holding copies of the rows (constants: no graph, no grad), with the
 * dtype and trailing shape of `x` and `y`.
 */
import { quote, randomInt, tensor, Tensor } from "@backprop/core";

/** A random permutation of 0, 1, …, n−1 (Fisher–Yates, drawing from the global generator). */
export function randomPermutation(n: number): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = randomInt(i + 1); // uniform in [0, i]
    const tmp = p[i];
    p[i] = p[j];
    p[j] = tmp;
  }
  return p;
}

/** The rows `order[start]`, …, `order[end − 1]` of `t` (along axis 0), copied into a new tensor. */
export function takeRows(t: Tensor, order: readonly number[], start = 0, end = order.length): Tensor {
  const rowShape = t.shape.slice(1);
  const rowSize = rowShape.reduce((p, d) => p * d, 1);
  const out = t.dtype === "float64" ? new Float64Array((end - start) * rowSize) : new Float32Array((end - start) * rowSize);
  for (let r = start; r < end; r++) {
    const from = order[r] * rowSize;
    out.set(t.data.subarray(from, from + rowSize), (r - start) * rowSize);
  }
  return tensor(out, { shape: [end - start, ...rowShape] });
}

export interface LoaderOptions {
  /** Rows per batch (a positive integer). */
  batchSize: number;
  /** Draw a new random order of the rows for every epoch (default true); false keeps row order. */
  shuffle?: boolean;
  /** Skip the last, smaller batch when batchSize does not divide the row count (default false). */
  dropLast?: boolean;
}

export interface Batch {
  x: Tensor;
  y: Tensor;
}

const LOADER_KEYS = ["batchSize", "shuffle", "dropLast"];

/**
 * Mini-batches of the rows of `x` and `y` (the same number of rows; any trailing shape), as
 * PyTorch's DataLoader over a TensorDataset. Iterating it runs one epoch: a `{ x, y }` batch of
 * `batchSize` rows at a time, every row exactly once, the last batch smaller (or dropped with
 * `dropLast`). Iterate it again for the next epoch:
 *
 *   manualSeed(0);
 *   const { x, y } = moons(1000);
 *   const loader = new DataLoader(x, y, { batchSize: 32 }); // 32 batches: 31 of 32 rows, one of 8
 *   for (let epoch = 0; epoch < 20; epoch++) {
 *     for (const batch of loader) {
 *       opt.zeroGrad();
 *       bceWithLogits(net.forward(batch.x).squeeze(-1), batch.y).backward();
 *       opt.step();
 *     }
 *   }
 *
 * Order: with `shuffle` (default true) each iteration draws a new permutation of the rows from the
 * global generator when it starts (so `manualSeed` fixes every epoch's order, and drawing anything
 * else between epochs changes the next one); with `shuffle: false` the rows come in order, the same
 * every epoch. Batches are copies (new constant tensors, outside any graph) with the dtype of `x`
 * and `y`; changing `x` or `y` in place later shows in the batches of later epochs.
 *
 * Arguments are checked when the loader is built: tensors with at least one dimension and equal row
 * counts, a positive integer batchSize, boolean shuffle and dropLast, no unknown option.
 */
export class DataLoader implements Iterable<Batch> {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;

  /** `x` [n, …] and `y` [n, …]: row i of x goes with row i of y. */
  constructor(readonly x: Tensor, readonly y: Tensor, opts: LoaderOptions) {
    const op = "DataLoader";
    if (!(x instanceof Tensor) || !(y instanceof Tensor)) throw new Error(`${op}: x and y must be Tensors`);
    if (x.ndim === 0 || y.ndim === 0) throw new Error(`${op}: x and y need at least one dimension (rows), got shapes [${x.shape.join(", ")}] and [${y.shape.join(", ")}]`);
    if (x.shape[0] !== y.shape[0]) {
      throw new Error(`${op}: x and y must have the same number of rows, got ${x.shape[0]} (x shape [${x.shape.join(", ")}]) and ${y.shape[0]} (y shape [${y.shape.join(", ")}])`);
    }
    if (opts === null || typeof opts !== "object" || Array.isArray(opts)) throw new Error(`${op}: options { batchSize, shuffle?, dropLast? } are required`);
    for (const k of Object.keys(opts)) {
      if (!LOADER_KEYS.includes(k)) throw new Error(`${op}: unknown option ${quote(k)}; expected one of: ${LOADER_KEYS.join(", ")}`);
    }
    const { batchSize, shuffle = true, dropLast = false } = opts;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`${op}: batchSize must be a positive integer, got ${quote(batchSize)}`);
    if (typeof shuffle !== "boolean") throw new Error(`${op}: shuffle must be a boolean, got ${quote(shuffle)}`);
    if (typeof dropLast !== "boolean") throw new Error(`${op}: dropLast must be a boolean, got ${quote(dropLast)}`);
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
  }

  /** The number of rows. */
  get size(): number {
    return this.x.shape[0];
  }

  /** The number of batches per epoch. */
  get length(): number {
    return this.dropLast ? Math.floor(this.size / this.batchSize) : Math.ceil(this.size / this.batchSize);
  }

  /** One epoch. The permutation is drawn here, when the iteration starts. */
  [Symbol.iterator](): IterableIterator<Batch> {
    const order = this.shuffle ? randomPermutation(this.size) : Array.from({ length: this.size }, (_, i) => i);
    return this.epoch(order);
  }

  private *epoch(order: number[]): IterableIterator<Batch> {
    const count = this.length;
    for (let b = 0; b < count; b++) {
      const start = b * this.batchSize;
      const end = Math.min(start + this.batchSize, order.length);
      yield { x: takeRows(this.x, order, start, end), y: takeRows(this.y, order, start, end) };
    }
  }
}

/** `new DataLoader(x, y, opts)`: an iterable of `{ x, y }` batches, reshuffled on every iteration. */
export function batches(x: Tensor, y: Tensor, opts: LoaderOptions): DataLoader {
  return new DataLoader(x, y, opts);
}
