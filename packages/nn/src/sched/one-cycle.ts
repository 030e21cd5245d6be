/**
 * OneCycleLR, as torch.optim.lr_scheduler.OneCycleLR (the 1cycle policy of Smith & Topin, in
 * fastai's two-phase form by default).
 */
import type { Optimizer } from "../optim/optimizer.js";
import { checkBool, checkChoice, checkInt, checkKeys, checkNumber, groupsOf, LRScheduler, perGroup, type LrGroup } from "./base.js";

export interface OneCycleLROptions {
  /** The peak lr: one for every group, or one per group. */
  maxLr: number | readonly number[];
  /** The number of steps in the cycle (an integer ≥ 1); or give epochs and stepsPerEpoch. */
  totalSteps?: number;
  /** With stepsPerEpoch, instead of totalSteps: totalSteps = epochs·stepsPerEpoch. */
  epochs?: number;
  stepsPerEpoch?: number;
  /** The share of the cycle spent raising the lr, in [0, 1]; default 0.3. */
  pctStart?: number;
  /** "cos" (default) or "linear" annealing. */
  annealStrategy?: "cos" | "linear";
  /** Cycle the momentum (SGD's momentum, Adam's beta1) inversely to the lr; default true. */
  cycleMomentum?: boolean;
  /** The momentum at the lr's peak (one, or one per group); default 0.85. */
  baseMomentum?: number | readonly number[];
  /** The momentum at the start and end (one, or one per group); default 0.95. */
  maxMomentum?: number | readonly number[];
  /** The first lr is maxLr/divFactor (> 0); default 25. */
  divFactor?: number;
  /** The last lr is maxLr/divFactor/finalDivFactor (> 0); default 1e4. */
  finalDivFactor?: number;
  /** Three phases (up, down to the first lr, then down to the last), as the paper; default false (fastai's two). */
  threePhase?: boolean;
}

interface Normalised {
  maxLr: number | number[];
  totalSteps: number;
  pctStart: number;
  annealStrategy: "cos" | "linear";
  cycleMomentum: boolean;
  baseMomentum: number | number[];
  maxMomentum: number | number[];
  divFactor: number;
  finalDivFactor: number;
  threePhase: boolean;
}

interface Phase {
  endStep: number;
  startLr: "initial" | "max" | "min";
  endLr: "initial" | "max" | "min";
  startMomentum: "max" | "base";
  endMomentum: "max" | "base";
}

interface Derived {
  o: Normalised;
  phases: Phase[];
  lrs: { initial: number[]; max: number[]; min: number[] };
  momenta: { max: number[]; base: number[] } | null;
  /** Whether the momentum to cycle is Adam's beta1 (else SGD's momentum). */
  useBeta1: boolean;
}

const KEYS = ["maxLr", "totalSteps", "epochs", "stepsPerEpoch", "pctStart", "annealStrategy", "cycleMomentum", "baseMomentum", "maxMomentum", "divFactor", "finalDivFactor", "threePhase"];

function positive(name: string, field: string, v: unknown): number {
  const x = checkNumber(name, field, v);
  if (!(x > 0)) throw new Error(`${name}: ${field} must be > 0, got ${x}`);
  return x;
}

/** Check the options against the optimizer and work out the phases, lrs and momenta (PyTorch's constructor, without writing anything). */
function derive(name: string, optimizer: Optimizer, opts: unknown): Derived {
  const o = checkKeys<OneCycleLROptions>(name, opts, KEYS, "{ maxLr: 0.1, totalSteps: 1000 }");
  const groups = groupsOf(optimizer);
  const n = groups.length;
  if (o.maxLr === undefined) throw new Error(`${name}: maxLr is required, e.g. { maxLr: 0.1, totalSteps: 1000 }`);
  let totalSteps: number;
  if (o.totalSteps !== undefined) totalSteps = checkInt(name, "totalSteps", o.totalSteps, 1);
  else if (o.epochs !== undefined && o.stepsPerEpoch !== undefined) {
    totalSteps = checkInt(name, "epochs", o.epochs, 1) * checkInt(name, "stepsPerEpoch", o.stepsPerEpoch, 1);
  } else throw new Error(`${name}: give totalSteps, or both epochs and stepsPerEpoch`);
  const pctStart = checkNumber(name, "pctStart", o.pctStart ?? 0.3);
  if (!(pctStart >= 0 && pctStart <= 1)) throw new Error(`${name}: pctStart must be in [0, 1], got ${pctStart}`);
  const annealStrategy = checkChoice(name, "annealStrategy", o.annealStrategy ?? "cos", ["cos", "linear"] as const);
  const cycleMomentum = checkBool(name, "cycleMomentum", o.cycleMomentum ?? true);
  const divFactor = positive(name, "divFactor", o.divFactor ?? 25);
  const finalDivFactor = positive(name, "finalDivFactor", o.finalDivFactor ?? 1e4);
  const threePhase = checkBool(name, "threePhase", o.threePhase ?? false);

  const maxLrs = perGroup(name, "maxLr", o.maxLr, n, (f, x) => checkNumber(name, f, x, 0));
  const initial = maxLrs.map((m) => m / divFactor);
  const lrs = { initial, max: maxLrs, min: initial.map((x) => x / finalDivFactor) };

  const useBeta1 = "betas" in optimizer.defaults;
  let momenta: Derived["momenta"] = null;
  const baseIn = o.baseMomentum ?? 0.85, maxIn = o.maxMomentum ?? 0.95;
  if (cycleMomentum) {
    if (!useBeta1 && !("momentum" in optimizer.defaults)) throw new Error(`${name}: cycleMomentum needs an optimizer with momentum or betas; pass cycleMomentum: false`);
    // The momenta run between base and max: both ends must be valid for every group.
    const check = (f: string, x: unknown) => {
      const m = checkNumber(name, f, x, 0);
      if (useBeta1 && !(m < 1)) throw new Error(`${name}: ${f} is Adam's beta1 here and must be in [0, 1), got ${m}`);
      return m;
    };
    momenta = { max: perGroup(name, "maxMomentum", maxIn, n, check), base: perGroup(name, "baseMomentum", baseIn, n, check) };
    groups.forEach((g, i) => {
      if (g.nesterov && !(momenta!.max[i] > 0 && momenta!.base[i] > 0)) {
        throw new Error(`${name}: paramGroups[${i}] uses nesterov momentum, which needs momentum > 0, but the cycle reaches ${Math.min(momenta!.max[i], momenta!.base[i])}`);
      }
    });
  }

  const phases: Phase[] = threePhase
    ? [
        { endStep: pctStart * totalSteps - 1, startLr: "initial", endLr: "max", startMomentum: "max", endMomentum: "base" },
        { endStep: 2 * pctStart * totalSteps - 2, startLr: "max", endLr: "initial", startMomentum: "base", endMomentum: "max" },
        { endStep: totalSteps - 1, startLr: "initial", endLr: "min", startMomentum: "max", endMomentum: "max" },
      ]
    : [
        { endStep: pctStart * totalSteps - 1, startLr: "initial", endLr: "max", startMomentum: "max", endMomentum: "base" },
        { endStep: totalSteps - 1, startLr: "max", endLr: "min", startMomentum: "base", endMomentum: "max" },
      ];
  // A phase of length 0 would divide 0 by 0 (PyTorch raises ZeroDivisionError when it gets there).
  let start = 0;
  for (const [i, ph] of phases.entries()) {
    if (ph.endStep === start) {
      throw new Error(`${name}: pctStart ${pctStart} with totalSteps ${totalSteps} gives phase ${i + 1} of the cycle no length (it starts and ends at step ${start}); change pctStart or totalSteps`);
    }
    start = ph.endStep;
  }
  const num = (v: number | readonly number[]) => (Array.isArray(v) ? v.slice() : (v as number));
  return {
    o: {
      maxLr: num(o.maxLr), totalSteps, pctStart, annealStrategy, cycleMomentum, baseMomentum: num(baseIn), maxMomentum: num(maxIn), divFactor, finalDivFactor, threePhase,
    },
    phases, lrs, momenta, useBeta1,
  };
}

/**
 * The 1cycle policy: the lr rises from maxLr/divFactor to maxLr over the first pctStart of
 * `totalSteps`, then falls to maxLr/divFactor/finalDivFactor (with `threePhase`: falls back to
 * the start, then to the end), along a cosine or a line; the momentum moves the other way, between
 * maxMomentum and baseMomentum. `step()` is called after every BATCH, not every epoch.
 *
 * PyTorch's behaviour, followed exactly: the phases end at pctStart·totalSteps − 1 (and
 * 2·pctStart·totalSteps − 2) and totalSteps − 1, as floats; in phase [a, b] at step t,
 * pct = (t − a)/(b − a) and lr = anneal(start, end, pct), cos: end + (start − end)/2·(1 + cos(π·pct)),
 * linear: (end − start)·pct + start. This scheduler is not chainable (every lr comes from the
 * formula). The constructor OVERWRITES each group's `initialLr` with maxLr/divFactor (PyTorch
 * does) and, with cycleMomentum (the default), sets SGD's momentum — even a plain SGD's, from 0 —
 * or Adam's beta1 to maxMomentum. The `totalSteps`-th step() is allowed, as in PyTorch (its lr
 * continues the last phase's curve past its end; with "linear" that lies below 0, and an lr
 * below 0 is set as 0 here, the one difference from PyTorch's numbers); one more step throws.
 * The peak and momentum values are kept in the scheduler (PyTorch keeps them in the groups, as
 * max_lr, min_lr, max_momentum, base_momentum).
 */
export class OneCycleLR extends LRScheduler {
  private d: Derived;

  constructor(optimizer: Optimizer, options: OneCycleLROptions) {
    super("OneCycleLR", optimizer);
    const d = derive("OneCycleLR", optimizer, options); // checks everything before the optimizer is touched
    this.d = d;
    if (d.momenta) this.setMomenta(d.momenta.max);
    this.setBaseLrs(d.lrs.initial);
    this.initialStep();
  }

  /** The number of steps in the cycle. */
  get totalSteps(): number {
    return this.d.o.totalSteps;
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.d.o.annealStrategy === "cos") return end + ((start - end) / 2.0) * (Math.cos(Math.PI * pct) + 1);
    return (end - start) * pct + start;
  }

  /** The phase of this step and where in it: [phase, pct]. */
  private where(): [Phase, number] {
    const t = this._lastEpoch;
    let start = 0;
    const phases = this.d.phases;
    for (let i = 0; i < phases.length; i++) {
      const ph = phases[i];
      if (t <= ph.endStep || i === phases.length - 1) return [ph, (t - start) / (ph.endStep - start)];
      start = ph.endStep;
    }
    throw new Error("unreachable");
  }

  protected chainedLr(groups: readonly LrGroup[]): number[] {
    const t = this._lastEpoch;
    if (t > this.d.o.totalSteps) {
      throw new Error(`OneCycleLR: tried to step ${t} times; the cycle has totalSteps ${this.d.o.totalSteps} (make the scheduler with the number of batches you will train for)`);
    }
    const [ph, pct] = this.where();
    const { lrs } = this.d;
    return groups.map((_, i) => Math.max(0, this.anneal(lrs[ph.startLr][i], lrs[ph.endLr][i], pct)));
  }

  protected override afterStep(): void {
    const m = this.d.momenta;
    if (!m) return;
    const [ph, pct] = this.where();
    this.setMomenta(m.max.map((_, i) => this.anneal(m[ph.startMomentum][i], m[ph.endMomentum][i], pct)));
  }

  private setMomenta(values: readonly number[]): void {
    groupsOf(this.optimizer).forEach((g, i) => {
      if (this.d.useBeta1) g.betas = [values[i], g.betas![1]];
      else g.momentum = values[i];
    });
  }

  protected get options(): Record<string, unknown> {
    const o = this.d.o;
    const copy = (v: number | number[]) => (Array.isArray(v) ? v.slice() : v);
    return { ...o, maxLr: copy(o.maxLr), baseMomentum: copy(o.baseMomentum), maxMomentum: copy(o.maxMomentum) };
  }

  protected prepareOptions(options: unknown, where: string): () => void {
    const d = derive(`${where}: options`, this.optimizer, options);
    return () => (this.d = d);
  }
}
