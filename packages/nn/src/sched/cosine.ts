/**
 * CosineAnnealingLR, as torch.optim.lr_scheduler.CosineAnnealingLR (SGDR's cosine without restarts).
 */
import type { Optimizer } from "../optim/optimizer.js";
import { checkInt, checkKeys, checkNumber, LRScheduler, pyMod, type LrGroup } from "./base.js";

export interface CosineAnnealingLROptions {
  /** The number of epochs of half a cosine period (an integer ≥ 1): the lr reaches etaMin at epoch tMax. */
  tMax: number;
  /** The lowest lr (≥ 0); default 0. */
  etaMin?: number;
}

function checkCosine(name: string, opts: unknown): Required<CosineAnnealingLROptions> {
  const o = checkKeys<CosineAnnealingLROptions>(name, opts, ["tMax", "etaMin"], "{ tMax: 100, etaMin: 0 }");
  if (o.tMax === undefined) throw new Error(`${name}: tMax is required, e.g. { tMax: 100 }`);
  return { tMax: checkInt(name, "tMax", o.tMax, 1), etaMin: checkNumber(name, "etaMin", o.etaMin ?? 0, 0) };
}

/**
 * Anneals each group's lr along a cosine from its base lr down to `etaMin` over `tMax` epochs:
 *
 *   closed form   lr(t) = etaMin + (baseLr − etaMin)·(1 + cos(π·t/tMax))/2
 *
 * Each step uses PyTorch's RECURSIVE (chainable) form, from the current lr, as torch's `get_lr`:
 *
 *   lr(t) = etaMin + (lr(t−1) − etaMin)·(1 + cos(π·t/tMax)) / (1 + cos(π·(t−1)/tMax))
 *   and where t − 1 − tMax is a multiple of 2·tMax (the bottom of the cosine, where that ratio is
 *   0/0): lr(t) = lr(t−1) + (baseLr − etaMin)·(1 − cos(π/tMax))/2.
 *
 * Left alone, the two forms agree (to rounding); they differ once the lr is changed from outside:
 * the recursive form carries the change on (scaled along the cosine), the closed form would
 * ignore it. Past tMax the lr rises again (the cosine continues; there are no restarts). The
 * closed form is used where PyTorch uses it: at a SequentialLR milestone. (PyTorch's branch for
 * rebuilding with last_epoch > 0 has no counterpart here: resume with loadStateDict.)
 */
export class CosineAnnealingLR extends LRScheduler {
  private o: Required<CosineAnnealingLROptions>;

  constructor(optimizer: Optimizer, options: CosineAnnealingLROptions) {
    const o = checkCosine("CosineAnnealingLR", options);
    super("CosineAnnealingLR", optimizer);
    this.o = o;
    this.setBaseLrs();
    this.initialStep();
  }

  protected chainedLr(groups: readonly LrGroup[]): number[] {
    const { tMax, etaMin } = this.o;
    const t = this._lastEpoch;
    if (this._isInitial) return groups.map((g) => g.lr);
    if (pyMod(t - 1 - tMax, 2 * tMax) === 0) {
      return groups.map((g, i) => g.lr + ((this._baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2);
    }
    return groups.map((g) => ((1 + Math.cos((Math.PI * t) / tMax)) / (1 + Math.cos((Math.PI * (t - 1)) / tMax))) * (g.lr - etaMin) + etaMin);
  }

  protected override closedFormLr(): number[] {
    const { tMax, etaMin } = this.o;
    return this._baseLrs.map((b) => etaMin + ((b - etaMin) * (1 + Math.cos((Math.PI * this._lastEpoch) / tMax))) / 2);
  }

  protected get options(): Record<string, unknown> {
    return { ...this.o };
  }

  protected prepareOptions(options: unknown, where: string): () => void {
    const o = checkCosine(`${where}: options`, options);
    return () => (this.o = o);
  }
}
