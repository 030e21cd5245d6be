/**
 * LinearLR (linear warm-up or decay), as torch.optim.lr_scheduler.LinearLR.
 */
import type { Optimizer } from "../optim/optimizer.js";
import { checkInt, checkKeys, checkNumber, LRScheduler, type LrGroup } from "./base.js";

export interface LinearLROptions {
  /** The factor at epoch 0, in (0, 1]; default 1/3. */
  startFactor?: number;
  /** The factor from epoch totalIters on, in [0, 1]; default 1. */
  endFactor?: number;
  /** The number of epochs the factor takes to go from startFactor to endFactor (an integer ≥ 1); default 5. */
  totalIters?: number;
}

function checkLinear(name: string, opts: unknown): Required<LinearLROptions> {
  const o = checkKeys<LinearLROptions>(name, opts, ["startFactor", "endFactor", "totalIters"], "{ startFactor: 0.1, endFactor: 1, totalIters: 5 }");
  const startFactor = checkNumber(name, "startFactor", o.startFactor ?? 1 / 3);
  if (!(startFactor > 0 && startFactor <= 1)) throw new Error(`${name}: startFactor must be in (0, 1], got ${startFactor}`);
  const endFactor = checkNumber(name, "endFactor", o.endFactor ?? 1);
  if (!(endFactor >= 0 && endFactor <= 1)) throw new Error(`${name}: endFactor must be in [0, 1], got ${endFactor}`);
  return { startFactor, endFactor, totalIters: checkInt(name, "totalIters", o.totalIters ?? 5, 1) };
}

/**
 * Multiplies each group's base lr by a factor that moves linearly from `startFactor` (epoch 0) to
 * `endFactor` (epoch totalIters and after):
 *
 *   closed form   lr(t) = baseLr·(s + (e − s)·min(t, totalIters)/totalIters)
 *
 * Each step uses PyTorch's chainable `get_lr`: at epoch 0 the current lr times s; for
 * 0 < t ≤ totalIters the current lr times 1 + (e − s)/(totalIters·s + (t − 1)·(e − s)) (the ratio
 * of consecutive factors); after totalIters the lr is kept. A warm-up: `{ startFactor: 0.1,
 * totalIters: 5 }` (PyTorch's defaults are 1/3, 1 and 5).
 */
export class LinearLR extends LRScheduler {
  private o: Required<LinearLROptions>;

  constructor(optimizer: Optimizer, options: LinearLROptions = {}) {
    const o = checkLinear("LinearLR", options);
    super("LinearLR", optimizer);
    this.o = o;
    this.setBaseLrs();
    this.initialStep();
  }

  protected chainedLr(groups: readonly LrGroup[]): number[] {
    const { startFactor: s, endFactor: e, totalIters: n } = this.o;
    const t = this._lastEpoch;
    if (t === 0) return groups.map((g) => g.lr * s);
    if (this._isInitial || t > n) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * (1 + (e - s) / (n * s + (t - 1) * (e - s))));
  }

  protected override closedFormLr(): number[] {
    const { startFactor: s, endFactor: e, totalIters: n } = this.o;
    return this._baseLrs.map((b) => b * (s + ((e - s) * Math.min(n, this._lastEpoch)) / n));
  }

  protected get options(): Record<string, unknown> {
    return { ...this.o };
  }

  protected prepareOptions(options: unknown, where: string): () => void {
    const o = checkLinear(`${where}: options`, options);
    return () => (this.o = o);
  }
}
