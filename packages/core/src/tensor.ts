/**
 * The Tensor: a row-major, contiguous typed array with a shape, plus the fields the graph needs.
 * Ops are not defined here: they live in ops/ and are attached as methods in methods.ts, so this
 * file stays the bottom of the import stack (kernels → Tensor → ops → methods).
 */
import type { DType, FloatArray } from "./dtype.js";
import { dtypeOf } from "./dtype.js";
import type { GraphNode } from "./autograd/node.js";
import { isGradEnabled } from "./autograd/gradMode.js";
import { fmt, sameShape, sizeOf } from "./shape.js";
import { formatTensor, toNested } from "./format.js";

export type NestedArray = number | NestedArray[];
export type GradHook = (grad: Tensor) => Tensor | void;

let nextId = 0;

export class Tensor {
  /** @internal how many tensors have been made: the next tensor's id (backward uses it; see _serial) */
  static get _made(): number {
    return nextId;
  }
  /** The live typed array holding the values, row-major. */
  readonly data: FloatArray;
  readonly shape: readonly number[];
  readonly size: number;
  readonly dtype: DType;
  /**
   * A unique id, in the order tensors are made: graph drawings name nodes by it, and backward
   * tells the gradients it made itself from older tensors by it (see _serial).
   */
  readonly id: number = nextId++;
  name?: string;

  /** @internal the op that made this tensor, or null for a leaf */
  _node: GraphNode | null = null;
  /** @internal */
  _requiresGrad: boolean;
  /** @internal shared by every tensor that aliases the same data (detach, reshape views) */
  _version: { n: number };
  /** @internal */
  _retainsGrad = false;
  /** @internal */
  _hooks: GradHook[] | null = null;
  /** @internal how many tensors were made before this one (the id: one counter for both) */
  get _serial(): number {
    return this.id;
  }
  private _grad: Tensor | null = null;

  /** Low-level constructor: wraps `data` as is. Users create tensors with `tensor()`, `zeros()`, …. */
  constructor(data: FloatArray, shape: readonly number[], opts: { requiresGrad?: boolean; name?: string; version?: { n: number } } = {}) {
    if (sizeOf(shape) !== data.length) {
      throw new Error(`Tensor: shape ${fmt(shape)} needs ${sizeOf(shape)} values, but the data holds ${data.length}`);
    }
    this.data = data;
    this.shape = shape;
    this.size = data.length;
    this.dtype = dtypeOf(data);
    this._requiresGrad = opts.requiresGrad ?? false;
    this._version = opts.version ?? { n: 0 };
    if (opts.name !== undefined) this.name = opts.name;
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** True for tensors made by the user, not by an op (they are where gradients accumulate). */
  get isLeaf(): boolean {
    return this._node === null;
  }

  /** The name of the op that made this tensor, or null for a leaf. */
  get op(): string | null {
    return this._node ? this._node.op : null;
  }

  get requiresGrad(): boolean {
    return this._requiresGrad;
  }

  set requiresGrad(value: boolean) {
    if (typeof value !== "boolean") throw new Error(`requiresGrad: expected a boolean, got ${typeof value}`);
    if (!this.isLeaf && !value) {
      throw new Error(
        `requiresGrad: only leaf tensors can be switched off; this tensor was made by ${this.op} — use detach() to get a copy outside the graph`,
      );
    }
    this._requiresGrad = value;
  }

  get grad(): Tensor | null {
    return this._grad;
  }

  set grad(g: Tensor | null) {
    if (g !== null && !(g instanceof Tensor)) throw new Error(`grad: expected a Tensor or null, got ${typeof g}`);
    if (g !== null && !sameShape(g.shape, this.shape)) {
      throw new Error(`grad: the gradient's shape ${fmt(g.shape)} must match the tensor's shape ${fmt(this.shape)}`);
    }
    this._grad = g;
  }

  /** Keep `.grad` for this non-leaf tensor too when backward runs. */
  retainGrad(): this {
    if (!this._requiresGrad) throw new Error("retainGrad: this tensor does not require grad, so it will never get one");
    this._retainsGrad = true;
    return this;
  }

  /**
   * Call `fn` with this tensor's gradient whenever backward computes it; a returned tensor replaces
   * the gradient (for the rest of backward too). Returns a function that removes the hook.
   */
  registerHook(fn: GradHook): () => void {
    if (typeof fn !== "function") throw new Error(`registerHook: expected a function, got ${typeof fn}`);
    if (!this._requiresGrad) throw new Error("registerHook: cannot register a hook on a tensor that does not require grad");
    (this._hooks ??= []).push(fn);
    return () => {
      const i = this._hooks?.indexOf(fn) ?? -1;
      if (i >= 0) this._hooks!.splice(i, 1);
    };
  }

  /** The value of a one-element tensor as a number. */
  item(): number {
    if (this.size !== 1) throw new Error(`item: only one-element tensors can be converted to a number; this one has shape ${fmt(this.shape)}`);
    return this.data[0];
  }

  /** The values as nested arrays (a number for a 0-d tensor). */
  toArray(): NestedArray {
    return toNested(this.data, this.shape);
  }

  /** A tensor sharing this data but outside the graph (no history, no grad). */
  detach(): Tensor {
    return new Tensor(this.data, this.shape, { version: this._version });
  }

  /** In-place write of `src`'s values (same shape); only outside a recorded graph. */
  copy_(src: Tensor): this {
    if (!(src instanceof Tensor)) throw new Error("copy_: expected a Tensor");
    if (!sameShape(src.shape, this.shape)) throw new Error(`copy_: source shape ${fmt(src.shape)} must match ${fmt(this.shape)}`);
    this.checkInPlace("copy_");
    this.data.set(src.data);
    this._version.n++;
    return this;
  }

  /** In-place fill with one value; only outside a recorded graph. */
  fill_(value: number): this {
    if (typeof value !== "number") throw new Error(`fill_: expected a number, got ${typeof value}`);
    this.checkInPlace("fill_");
    this.data.fill(value);
    this._version.n++;
    return this;
  }

  /** @internal mark an in-place change made by an optimizer or initializer */
  _bumpVersion(): void {
    this._version.n++;
  }

  private checkInPlace(op: string): void {
    if (isGradEnabled() && this._requiresGrad) {
      throw new Error(
        `${op}: this tensor requires grad${this.isLeaf ? "" : ` (made by ${this.op})`}, so an in-place write would corrupt the graph; ` +
          "do it inside noGrad(() => ...), or on a detached copy",
      );
    }
  }

  /**
   * The values as PyTorch prints them, with the shape and dtype always shown:
   * `tensor([1.5000, 2.0000], shape=[2], dtype=float32, requires_grad=True)` (format.ts has the rules).
   */
  toString(): string {
    return formatTensor(this, true);
  }

  /**
   * What Node's console.log and util.inspect print: PyTorch's repr, `tensor([1.5000, 2.0000], requires_grad=True)`
   * (`dtype=float64` when not the default, `grad_fn=<op>` for an op's result). Keyed by the
   * registered symbol, so nothing of Node is imported and browsers ignore it.
   */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return formatTensor(this);
  }

  /**
   * The state-dict tensor format: `{ shape, dtype, data }` with plain arrays (JSON.stringify calls
   * this). JSON has no NaN or ±Infinity: JSON.stringify writes them as null.
   */
  toJSON(): { shape: number[]; dtype: DType; data: number[] } {
    return { shape: this.shape.slice(), dtype: this.dtype, data: Array.from(this.data) };
  }
}
