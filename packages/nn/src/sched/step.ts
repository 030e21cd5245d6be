/**
 * Step-wise decays: StepLR, MultiStepLR and ExponentialLR, as torch.optim.lr_scheduler's.
 *
 * Each follows PyTorch's chainable `get_lr` (the current lr of each group is multiplied at the
 * epochs where the schedule changes, so a change made to `group.lr` from outside carries on), and
 * has PyTorch's closed form for SequentialLR's milestones. Mechanics: see base.ts.
 */
import { powInt } from "@backprop/core"; // γⁿ correctly rounded, as Python's, on every engine
import type { Optimizer } from "../optim/optimizer.js";
import { checkInt, checkKeys, checkNumber, LRScheduler, type LrGroup } from "./base.js";

export interface StepLROptions {
  /** Multiply the lr by gamma every `stepSize` epochs (an integer ≥ 1). */
  stepSize: number;
  /** The factor (≥ 0); default 0.1. */
  gamma?: number;
}

function checkStepLR(name: string, opts: unknown): Required<StepLROptions> {
  const o = checkKeys<StepLROptions>(name, opts, ["stepSize", "gamma"], "{ stepSize: 30, gamma: 0.1 }");
  if (o.stepSize === undefined) throw new Error(`${name}: stepSize is required, e.g. { stepSize: 30 }`);
  return { stepSize: checkInt(name, "stepSize", o.stepSize, 1), gamma: checkNumber(name, "gamma", o.gamma ?? 0.1, 0) };
}

/**
 * Multiplies each group's lr by `gamma` every `stepSize` epochs: lr = baseLr·gamma^⌊epoch/stepSize⌋
 * (closed form). PyTorch's chainable get_lr: at lastEpoch > 0 with lastEpoch % stepSize = 0 the
 * current lr is multiplied by gamma; at other epochs it is kept.
 */
export class StepLR extends LRScheduler {
  private o: Required<StepLROptions>;

  constructor(optimizer: Optimizer, options: StepLROptions) {
    const o = checkStepLR("StepLR", options);
    super("StepLR", optimizer);
    this.o = o;
    this.setBaseLrs();
    this.initialStep();
  }

  protected chainedLr(groups: readonly LrGroup[]): number[] {
    const e = this._lastEpoch;
    if (e === 0 || e % this.o.stepSize !== 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.o.gamma);
  }

  protected override closedFormLr(): number[] {
    return this._baseLrs.map((b) => b * powInt(this.o.gamma, Math.floor(this._lastEpoch / this.o.stepSize)));
  }

  protected get options(): Record<string, unknown> {
    return { ...this.o };
  }

  protected prepareOptions(options: unknown, where: string): () => void {
    const o = checkStepLR(`${where}: options`, options);
    return () => (this.o = o);
  }
}

export interface MultiStepLROptions {
  /** The epochs at which the lr is multiplied by gamma (integers ≥ 0; an epoch listed twice multiplies by gamma²). */
  milestones: readonly number[];
  /** The factor (≥ 0); default 0.1. */
  gamma?: number;
}

function checkMultiStepLR(name: string, opts: unknown): { milestones: number[]; gamma: number } {
  const o = checkKeys<MultiStepLROptions>(name, opts, ["milestones", "gamma"], "{ milestones: [30, 80], gamma: 0.1 }");
  if (!Array.isArray(o.milestones)) throw new Error(`${name}: milestones must be an array of epochs, e.g. { milestones: [30, 80] }, got ${o.milestones === undefined ? "nothing" : typeof o.milestones}`);
  const milestones = o.milestones.map((m, i) => checkInt(name, `milestones[${i}]`, m, 0));
  return { milestones, gamma: checkNumber(name, "gamma", o.gamma ?? 0.1, 0) };
}

/**
 * Multiplies each group's lr by `gamma` at each milestone: lr = baseLr·gamma^(milestones ≤ epoch)
 * (closed form). PyTorch's chainable get_lr: at a milestone epoch the current lr is multiplied by
 * gamma^(times it is listed) — PyTorch keeps the milestones in a Counter, so a repeated milestone
 * counts twice and the order does not matter.
 */
export class MultiStepLR extends LRScheduler {
  private o!: { milestones: number[]; gamma: number };
  private counts = new Map<number, number>();

  constructor(optimizer: Optimizer, options: MultiStepLROptions) {
    const o = checkMultiStepLR("MultiStepLR", options);
    super("MultiStepLR", optimizer);
    this.setOptions(o);
    this.setBaseLrs();
    this.initialStep();
  }

  private setOptions(o: { milestones: number[]; gamma: number }): void {
    this.o = o;
    this.counts = new Map();
    for (const m of o.milestones) this.counts.set(m, (this.counts.get(m) ?? 0) + 1);
  }

  protected chainedLr(groups: readonly LrGroup[]): number[] {
    const n = this.counts.get(this._lastEpoch);
    if (n === undefined) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * powInt(this.o.gamma, n));
  }

  protected override closedFormLr(): number[] {
    const passed = this.o.milestones.filter((m) => m <= this._lastEpoch).length; // bisect_right on the sorted list
    return this._baseLrs.map((b) => b * powInt(this.o.gamma, passed));
  }

  protected get options(): Record<string, unknown> {
    return { milestones: this.o.milestones.slice(), gamma: this.o.gamma };
  }

  protected prepareOptions(options: unknown, where: string): () => void {
    const o = checkMultiStepLR(`${where}: options`, options);
    return () => this.setOptions(o);
  }
}

export interface ExponentialLROptions {
  /** The factor applied every epoch (≥ 0). */
  gamma: number;
}

function checkExponentialLR(name: string, opts: unknown): Required<ExponentialLROptions> {
  const o = checkKeys<ExponentialLROptions>(name, opts, ["gamma"], "{ gamma: 0.9 }");
  if (o.gamma === undefined) throw new Error(`${name}: gamma is required, e.g. { gamma: 0.9 }`);
  return { gamma: checkNumber(name, "gamma", o.gamma, 0) };
}

/**
 * Multiplies each group's lr by `gamma` every epoch: lr = baseLr·gamma^epoch (closed form).
 * PyTorch's chainable get_lr: the current lr times gamma at every step but the constructor's.
 */
export class ExponentialLR extends LRScheduler {
  private o: Required<ExponentialLROptions>;

  constructor(optimizer: Optimizer, options: ExponentialLROptions) {
    const o = checkExponentialLR("ExponentialLR", options);
    super("ExponentialLR", optimizer);
    this.o = o;
    this.setBaseLrs();
    this.initialStep();
  }

  protected chainedLr(groups: readonly LrGroup[]): number[] {
    if (this._isInitial) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.o.gamma);
  }

  protected override closedFormLr(): number[] {
    return this._baseLrs.map((b) => b * powInt(this.o.gamma, this._lastEpoch));
  }

  protected get options(): Record<string, unknown> {
    return { ...this.o };
  }

  protected prepareOptions(options: unknown, where: string): () => void {
    const o = checkExponentialLR(`${where}: options`, options);
    return () => (this.o = o);
  }
}
