/**
 * ReduceLROnPlateau, as torch.optim.lr_scheduler.ReduceLROnPlateau.
 */
import { quote, Tensor } from "@backprop/core";
import type { Optimizer } from "../optim/optimizer.js";
import {
  checkChoice, checkInt, checkKeys, checkNumber, checkStateShape, decodeNumber, encodeNumber, groupsOf, perGroup, PREPARE_LOAD, Scheduler,
  type SchedulerStateDict,
} from "./base.js";

export interface ReduceLROnPlateauOptions {
  /** "min" (default): the metric should fall (a loss); "max": it should rise (an accuracy). */
  mode?: "min" | "max";
  /** new lr = lr·factor, in [0, 1); default 0.1. */
  factor?: number;
  /** How many epochs without improvement are tolerated; the lr falls on the next (an integer ≥ 0); default 10. */
  patience?: number;
  /** How much better counts as better (≥ 0); default 1e-4. */
  threshold?: number;
  /** "rel" (default): better than best·(1 ∓ threshold); "abs": better than best ∓ threshold. */
  thresholdMode?: "rel" | "abs";
  /** Epochs to wait after a reduction before counting bad epochs again (an integer ≥ 0); default 0. */
  cooldown?: number;
  /** The lowest lr (≥ 0): one for every group, or one per group; default 0. */
  minLr?: number | readonly number[];
  /** A reduction smaller than eps is skipped (≥ 0); default 1e-8. */
  eps?: number;
}

interface Normalised {
  mode: "min" | "max";
  factor: number;
  patience: number;
  threshold: number;
  thresholdMode: "rel" | "abs";
  cooldown: number;
  minLr: number | number[];
  eps: number;
}

const KEYS = ["mode", "factor", "patience", "threshold", "thresholdMode", "cooldown", "minLr", "eps"];

function checkPlateau(name: string, opts: unknown, groups: number): Normalised {
  const o = checkKeys<ReduceLROnPlateauOptions>(name, opts, KEYS, '{ mode: "min", factor: 0.1, patience: 10 }');
  const factor = checkNumber(name, "factor", o.factor ?? 0.1, 0);
  if (!(factor < 1)) throw new Error(`${name}: factor must be < 1 (new lr = lr·factor), got ${factor}`);
  const minLrIn = o.minLr ?? 0;
  perGroup(name, "minLr", minLrIn, groups, (f, x) => checkNumber(name, f, x, 0));
  return {
    mode: checkChoice(name, "mode", o.mode ?? "min", ["min", "max"] as const),
    factor,
    patience: checkInt(name, "patience", o.patience ?? 10, 0),
    threshold: checkNumber(name, "threshold", o.threshold ?? 1e-4, 0),
    thresholdMode: checkChoice(name, "thresholdMode", o.thresholdMode ?? "rel", ["rel", "abs"] as const),
    cooldown: checkInt(name, "cooldown", o.cooldown ?? 0, 0),
    minLr: Array.isArray(minLrIn) ? minLrIn.slice() : (minLrIn as number),
    eps: checkNumber(name, "eps", o.eps ?? 1e-8, 0),
  };
}

/**
 * Reduces every group's lr by `factor` when a metric has stopped improving for more than
 * `patience` epochs: call `step(metric)` once per epoch with the validation loss (or, in "max"
 * mode, a score). PyTorch's rules, exactly:
 *
 *   better(a) = mode min, rel: a < best·(1 − threshold)     min, abs: a < best − threshold
 *               mode max, rel: a > best·(1 + threshold)     max, abs: a > best + threshold
 *   each step: if better(metric) { best = metric; bad = 0 } else bad += 1
 *              in cooldown: cooldown counter − 1, bad = 0 (bad epochs in the cooldown are ignored)
 *              if bad > patience: every lr = max(lr·factor, minLr) — skipped for a group where
 *              that lowers it by eps or less — then the cooldown starts and bad = 0
 *
 * `best` starts at +∞ (min) or −∞ (max), so the first metric is always an improvement; a NaN
 * metric is never better (it counts as a bad epoch). Nothing happens in the constructor (no
 * initial step, no `initialLr`), as in PyTorch. Groups added to the optimizer later get the
 * single minLr, or, with one per group, the next reduction throws (as PyTorch's).
 */
export class ReduceLROnPlateau extends Scheduler {
  private o: Normalised;
  private _lastEpoch = 0;
  private _best = Infinity;
  private _numBadEpochs = 0;
  private _cooldownCounter = 0;

  constructor(optimizer: Optimizer, options: ReduceLROnPlateauOptions = {}) {
    super("ReduceLROnPlateau", optimizer);
    this.o = checkPlateau("ReduceLROnPlateau", options, optimizer.paramGroups.length);
    this._best = this.modeWorse;
    this._lastLr = groupsOf(optimizer).map((g) => g.lr);
  }

  /** The number of step() calls so far. */
  get lastEpoch(): number {
    return this._lastEpoch;
  }

  /** The best metric so far (+∞ or −∞ before the first). */
  get best(): number {
    return this._best;
  }

  /** Epochs since the last improvement (reset by a reduction and during the cooldown). */
  get numBadEpochs(): number {
    return this._numBadEpochs;
  }

  /** Epochs of cooldown left. */
  get cooldownCounter(): number {
    return this._cooldownCounter;
  }

  private get modeWorse(): number {
    return this.o.mode === "min" ? Infinity : -Infinity;
  }

  private isBetter(a: number, best: number): boolean {
    const { mode, thresholdMode, threshold } = this.o;
    if (mode === "min" && thresholdMode === "rel") return a < best * (1.0 - threshold);
    if (mode === "min") return a < best - threshold;
    if (thresholdMode === "rel") return a > best * (threshold + 1.0);
    return a > best + threshold;
  }

  /** One epoch's metric (a number, or a one-element tensor); reduces the lrs when it is time. Call it after `optimizer.step()`. */
  step(metric: number | Tensor): void {
    let current: number;
    if (metric instanceof Tensor) {
      if (metric.size !== 1) throw new Error(`ReduceLROnPlateau.step: the metric tensor must have one element, got shape [${metric.shape.join(", ")}]`);
      current = metric.item();
    } else if (typeof metric === "number") current = metric;
    else throw new Error(`ReduceLROnPlateau.step: expected the epoch's metric (a number, e.g. the validation loss), got ${quote(metric)}`);

    // Work out the new lrs before changing anything (a group added since needs a minLr).
    const groups = groupsOf(this.optimizer);
    let best = this._best, bad = this._numBadEpochs, cooldown = this._cooldownCounter;
    if (this.isBetter(current, best)) {
      best = current;
      bad = 0;
    } else bad += 1;
    if (cooldown > 0) {
      cooldown -= 1;
      bad = 0;
    }
    let newLrs: number[] | null = null;
    if (bad > this.o.patience) {
      const minLrs = this.minLrs(groups.length);
      newLrs = groups.map((g, i) => {
        const old = g.lr;
        const lr = Math.max(old * this.o.factor, minLrs[i]);
        return old - lr > this.o.eps ? lr : old;
      });
      cooldown = this.o.cooldown;
      bad = 0;
    }
    if (newLrs) groups.forEach((g, i) => (g.lr = newLrs![i]));
    this._lastEpoch += 1;
    this._best = best;
    this._numBadEpochs = bad;
    this._cooldownCounter = cooldown;
    this._lastLr = groups.map((g) => g.lr);
  }

  private minLrs(n: number): number[] {
    const m = this.o.minLr;
    if (!Array.isArray(m)) return new Array<number>(n).fill(m);
    if (m.length !== n) {
      throw new Error(`ReduceLROnPlateau: the optimizer has ${n} parameter groups, but minLr gives ${m.length} values (a group was added after the scheduler was made); nothing was changed`);
    }
    return m;
  }

  stateDict(): SchedulerStateDict {
    const o = this.o;
    return {
      type: "ReduceLROnPlateau",
      options: { ...o, minLr: Array.isArray(o.minLr) ? o.minLr.slice() : o.minLr },
      lastEpoch: this._lastEpoch,
      lastLr: this._lastLr.slice(),
      best: encodeNumber(this._best),
      numBadEpochs: this._numBadEpochs,
      cooldownCounter: this._cooldownCounter,
    };
  }

  [PREPARE_LOAD](sd: unknown, where: string): () => void {
    const n = groupsOf(this.optimizer).length;
    const s = checkStateShape(where, sd, "ReduceLROnPlateau", ["options", "lastEpoch", "lastLr", "best", "numBadEpochs", "cooldownCounter"]);
    const o = checkPlateau(`${where}: options`, s.options, n);
    const at = `${where}: state dict`;
    const lastEpoch = checkInt(at, "lastEpoch", s.lastEpoch, 0);
    if (!Array.isArray(s.lastLr) || s.lastLr.length !== n) throw new Error(`${at}: lastLr must be an array of ${n} learning rates (one per parameter group), got ${quote(s.lastLr)}`);
    const lastLr = s.lastLr.map((x, i) => checkNumber(at, `lastLr[${i}]`, x, 0));
    const best = decodeNumber(at, "best", s.best);
    const numBadEpochs = checkInt(at, "numBadEpochs", s.numBadEpochs, 0);
    const cooldownCounter = checkInt(at, "cooldownCounter", s.cooldownCounter, 0);
    return () => {
      this.o = o;
      this._lastEpoch = lastEpoch;
      this._lastLr = lastLr;
      this._best = best;
      this._numBadEpochs = numBadEpochs;
      this._cooldownCounter = cooldownCounter;
    };
  }
}
