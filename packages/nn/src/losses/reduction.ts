/**
 * What every loss shares: the reduction ("mean" | "sum" | "none"), checking options objects, and the
 * shape checks (targets match the input; weights broadcast to it). Errors name the loss and the shapes.
 */
import { isGradEnabled, mean, quote, sum, Tensor } from "@backprop/core";

/** How a loss combines its per-element values: their mean or sum (0-d tensors), or none (same shape). */
export type Reduction = "mean" | "sum" | "none";

export interface ReductionOptions {
  /** "mean" (default) or "sum" give a 0-d tensor; "none" keeps one loss per element. */
  reduction?: Reduction;
}

const REDUCTIONS: readonly Reduction[] = ["mean", "sum", "none"];

export function fmt(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** An options object with only `allowed` keys (a misspelt key is an error, not a silent default). */
export function checkLossOptions<T extends object>(loss: string, opts: T | undefined, allowed: readonly string[]): T {
  if (opts === undefined || opts === null) return {} as T;
  if (typeof opts !== "object" || Array.isArray(opts) || opts instanceof Tensor) {
    throw new Error(`${loss}: options must be an object, got ${Array.isArray(opts) ? "an array" : opts instanceof Tensor ? "a Tensor" : typeof opts}`);
  }
  for (const key of Object.keys(opts)) {
    if (!allowed.includes(key)) {
      throw new Error(`${loss}: unknown option ${quote(key)}; expected one of: ${allowed.join(", ")}`);
    }
  }
  return opts;
}

export function checkReduction(loss: string, reduction: unknown): Reduction {
  if (reduction === undefined) return "mean";
  if (!REDUCTIONS.includes(reduction as Reduction)) {
    throw new Error(`${loss}: reduction must be "mean", "sum" or "none", got ${quote(reduction)}`);
  }
  return reduction as Reduction;
}

export function checkTensorArg(loss: string, x: unknown, what: string): Tensor {
  if (!(x instanceof Tensor)) {
    const got = x === null ? "null" : Array.isArray(x) ? "an array (wrap it with tensor())" : typeof x;
    throw new Error(`${loss}: ${what} must be a Tensor, got ${got}`);
  }
  return x;
}

/** Targets must have exactly the input's shape (no silent broadcasting of a [N] target against [N, 1]). */
export function checkSameShape(loss: string, input: Tensor, target: Tensor, inputName: string, targetName: string): void {
  const a = input.shape, b = target.shape;
  if (a.length !== b.length || a.some((d, i) => d !== b[i])) {
    throw new Error(`${loss}: ${targetName} of shape ${fmt(b)} must have the same shape as ${inputName} ${fmt(a)}`);
  }
}

/** A weight option: undefined, a finite number, or a Tensor that broadcasts to `shape` without growing it. */
export function checkWeightArg(loss: string, name: string, w: unknown, shape?: readonly number[]): Tensor | number | undefined {
  if (w === undefined || w === null) return undefined;
  if (typeof w === "number") {
    if (!Number.isFinite(w)) throw new Error(`${loss}: ${name} must be a finite number or a Tensor, got ${quote(w)}`);
    return w;
  }
  if (!(w instanceof Tensor)) {
    throw new Error(`${loss}: ${name} must be a Tensor or a number, got ${Array.isArray(w) ? "an array (wrap it with tensor())" : typeof w}`);
  }
  if (shape && !broadcastsTo(w.shape, shape)) {
    throw new Error(`${loss}: ${name} of shape ${fmt(w.shape)} cannot be broadcast to the input shape ${fmt(shape)}`);
  }
  return w;
}

/** Whether `from` broadcasts to exactly `to` (aligned from the right, each size equal or 1). */
export function broadcastsTo(from: readonly number[], to: readonly number[]): boolean {
  if (from.length > to.length) return false;
  const lead = to.length - from.length;
  return from.every((d, i) => d === 1 || d === to[lead + i]);
}

/**
 * Weights (and class weights) are constants of a loss: no gradient flows to them, as PyTorch
 * (whose derivative for them is not implemented). Rather than silently leave `.grad` empty, a weight
 * that requires grad while a graph is being recorded is an error.
 */
export function checkNoGradWeight(loss: string, name: string, w: Tensor | number | undefined): void {
  if (w instanceof Tensor && w.requiresGrad && isGradEnabled()) {
    throw new Error(`${loss}: ${name} requires grad, but this loss gives no gradient to ${name} (as PyTorch); pass ${name}.detach()`);
  }
}

/** Apply the reduction: mean or sum over every element (a 0-d tensor), or the tensor itself. */
export function reduce(loss: Tensor, reduction: Reduction): Tensor {
  if (reduction === "mean") return mean(loss);
  if (reduction === "sum") return sum(loss);
  return loss;
}
