/**
 * SequentialLR, as torch.optim.lr_scheduler.SequentialLR.
 */
import { quote } from "@backprop/core";
import type { Optimizer } from "../optim/optimizer.js";
import {
  checkInt, checkKeys, checkStateShape, describe, groupsOf, INITIAL_STEP, LRScheduler, PREPARE_LOAD, RESTART, UNDO_STEP, type LrGroup,
  type SchedulerStateDict,
} from "./base.js";
import { ReduceLROnPlateau } from "./plateau.js";

export interface SequentialLROptions {
  /** The schedulers, in order, each made on the same optimizer (not a ReduceLROnPlateau or another SequentialLR). */
  schedulers: readonly LRScheduler[];
  /** The epochs at which the next scheduler takes over: one fewer than the schedulers, increasing integers ≥ 0. */
  milestones: readonly number[];
}

function checkMilestones(name: string, milestones: unknown, count: number): number[] {
  if (!Array.isArray(milestones)) throw new Error(`${name}: milestones must be an array of epochs, got ${describe(milestones)}`);
  if (milestones.length !== count - 1) {
    throw new Error(`${name}: ${count} schedulers need ${count - 1} milestone${count === 2 ? "" : "s"} (the epochs where the next one takes over), got ${milestones.length}`);
  }
  const out = milestones.map((m, i) => checkInt(name, `milestones[${i}]`, m, 0));
  out.forEach((m, i) => {
    if (i > 0 && !(m > out[i - 1])) throw new Error(`${name}: milestones must increase, got ${quote(out)}`);
  });
  return out;
}

/**
 * Runs one scheduler after another: `schedulers[0]` until `milestones[0]`, then `schedulers[1]`,
 * and so on — e.g. a LinearLR warm-up followed by CosineAnnealingLR:
 *
 *   const warm = new LinearLR(opt, { startFactor: 0.1, totalIters: 5 });
 *   const cos = new CosineAnnealingLR(opt, { tMax: 95 });
 *   const sched = new SequentialLR(opt, { schedulers: [warm, cos], milestones: [5] });
 *
 * PyTorch's mechanics, exactly: the constructor sets every group's lr back to its `initialLr`,
 * undoes the constructor step of every scheduler (their lastEpoch back to −1) and makes the first
 * one's initial step again. At a milestone the next scheduler restarts at its epoch 0 from the
 * CLOSED form, PyTorch's `_update_lr(0)` (from the base lrs: a CosineAnnealingLR restarts at its
 * base lr, whatever the warm-up left), or its chainable form where it has no closed form
 * (OneCycleLR); between milestones the current scheduler steps as usual. Note that the base lrs
 * come from `initialLr`, which the first scheduler made on the optimizer fixes (and a
 * OneCycleLR overwrites).
 */
export class SequentialLR extends LRScheduler {
  private readonly schedulers: readonly LRScheduler[];
  private milestones: number[];

  constructor(optimizer: Optimizer, options: SequentialLROptions) {
    super("SequentialLR", optimizer);
    const name = "SequentialLR";
    const o = checkKeys<SequentialLROptions>(name, options, ["schedulers", "milestones"], "{ schedulers: [warmUp, cosine], milestones: [5] }");
    const list = o.schedulers;
    if (!Array.isArray(list) || list.length === 0) throw new Error(`${name}: schedulers must be a non-empty array of schedulers, got ${describe(list)}`);
    list.forEach((s: unknown, i) => {
      if (s instanceof SequentialLR) throw new Error(`${name}: schedulers[${i}] is a SequentialLR; nesting them is not supported — list its schedulers here instead`);
      if (!(s instanceof LRScheduler)) {
        throw new Error(`${name}: schedulers[${i}] must be an epoch scheduler (StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, LinearLR, OneCycleLR), got ${describe(s)}${
          s instanceof ReduceLROnPlateau ? " (its step needs a metric)" : ""
        }`);
      }
      if (s.optimizer !== optimizer) throw new Error(`${name}: schedulers[${i}] (${s.name}) belongs to another optimizer; all must be made on this one`);
    });
    if (new Set(list).size !== list.length) throw new Error(`${name}: a scheduler is listed twice`);
    this.milestones = checkMilestones(name, o.milestones, list.length);
    this.schedulers = Object.freeze(list.slice());

    // PyTorch's constructor: lrs back to initialLr, undo every scheduler's initial step, then
    // the initial step of the one that runs at epoch 0.
    this._lastEpoch = 0;
    const groups = groupsOf(optimizer);
    groups.forEach((g) => (g.lr = g.initialLr!));
    for (const s of list) s[UNDO_STEP]();
    const first = this.schedulers[this.index(0)];
    first[INITIAL_STEP]();
    this._lastLr = first.getLastLr();
  }

  /** The index of the scheduler that runs at `epoch` (bisect_right over the milestones). */
  private index(epoch: number): number {
    let i = 0;
    while (i < this.milestones.length && this.milestones[i] <= epoch) i++;
    return i;
  }

  /** Advance one epoch: the current scheduler steps, or the next one starts at a milestone. */
  override step(): void {
    const epoch = this._lastEpoch + 1;
    const i = this.index(epoch);
    const s = this.schedulers[i];
    if (i > 0 && this.milestones[i - 1] === epoch) s[RESTART]();
    else s.step();
    this._lastEpoch = epoch;
    this._lastLr = s.getLastLr();
  }

  protected chainedLr(groups: readonly LrGroup[]): number[] {
    return groups.map((g) => g.lr); // not used: step() delegates
  }

  protected get options(): Record<string, unknown> {
    return { milestones: this.milestones.slice() };
  }

  protected prepareOptions(): () => void {
    return () => {};
  }

  /** `{ type, options: { milestones }, lastEpoch, lastLr, schedulers: [their state dicts] }`. */
  override stateDict(): SchedulerStateDict {
    return {
      type: "SequentialLR", options: this.options, lastEpoch: this._lastEpoch, lastLr: this._lastLr.slice(),
      schedulers: this.schedulers.map((s) => s.stateDict()),
    };
  }

  override [PREPARE_LOAD](sd: unknown, where: string): () => void {
    const n = groupsOf(this.optimizer).length;
    const s = checkStateShape(where, sd, "SequentialLR", ["options", "lastEpoch", "lastLr", "schedulers"]);
    const o = checkKeys<{ milestones: number[] }>(`${where}: options`, s.options, ["milestones"], "{ milestones: [5] }");
    const milestones = checkMilestones(`${where}: options`, o.milestones, this.schedulers.length);
    const at = `${where}: state dict`;
    const lastEpoch = checkInt(at, "lastEpoch", s.lastEpoch, 0);
    if (!Array.isArray(s.lastLr) || s.lastLr.length !== n || s.lastLr.some((x) => typeof x !== "number" || !(x >= 0) || !Number.isFinite(x))) {
      throw new Error(`${at}: lastLr must be an array of ${n} learning rates >= 0 (one per parameter group), got ${quote(s.lastLr)}`);
    }
    const lastLr = (s.lastLr as number[]).slice();
    const subs = s.schedulers;
    if (!Array.isArray(subs) || subs.length !== this.schedulers.length) {
      throw new Error(`${at}: schedulers must be an array of ${this.schedulers.length} scheduler state dicts (one per scheduler), got ${Array.isArray(subs) ? `${subs.length}` : describe(subs)}`);
    }
    const loads = this.schedulers.map((sch, i) => sch[PREPARE_LOAD](subs[i], `${where}: schedulers[${i}]`));
    return () => {
      this.milestones = milestones;
      this._lastEpoch = lastEpoch;
      this._lastLr = lastLr;
      for (const load of loads) load();
    };
  }
}
