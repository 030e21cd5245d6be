/**
 * One training run: a model, its SGD optimizer and a Diagnostics monitor, stepping through
 * mini-batches in its own shuffled order.
 */
import { noGrad, tensor, type Tensor } from "@backprop/core";
import { Diagnostics, SGD, type DiagnosticsReport, type EpochReport, type Linear, type Module, type Sequential } from "@backprop/nn";
import type { Settings } from "../settings.js";
import type { Data } from "./data.js";
import { buildModel, lossOf, outputsProbability } from "./model.js";

/**
 * A small seeded generator (mulberry32) for the batch order. Each run has its own, so the two runs
 * of a comparing preset see the same batches in the same order, whatever the other one draws.
 */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Per layer, the mean of a per-step measure since the last take() (steps where it was null left out). */
export class Means {
  private readonly sums = new Map<string, [number, number]>();
  add(layer: string, v: number | null): void {
    const s = this.sums.get(layer) ?? [0, 0];
    if (v !== null) { s[0] += v; s[1]++; }
    this.sums.set(layer, s);
  }
  take(): Map<string, number | null> {
    const out = new Map([...this.sums].map(([k, [sum, n]]) => [k, n === 0 ? null : sum / n] as const));
    this.sums.clear();
    return out;
  }
}

export interface Evaluation {
  loss: number;
  accuracy: number;
}

export class Run {
  readonly model: Sequential;
  readonly optimizer: SGD;
  readonly diagnostics: Diagnostics;
  /** The last step's Diagnostics report (null before the first step). */
  lastReport: DiagnosticsReport | null = null;
  /**
   * Means over the steps since the last snapshot: per Sigmoid/Tanh layer the saturated share, per
   * Linear layer the one-sign share of the weight-gradient rows that are not all zero (a row of
   * zeros, from an example already learned or a dead unit, says nothing about signs).
   */
  readonly saturation = new Means();
  readonly oneSign = new Means();
  private readonly random: () => number;
  private order: Uint32Array;
  private next: number;

  constructor(readonly settings: Settings, readonly data: Data) {
    this.model = buildModel(settings);
    this.optimizer = new SGD(this.model.parameters(), { lr: settings.lr, momentum: settings.momentum });
    this.diagnostics = new Diagnostics(this.model);
    this.random = generator(settings.seed + 2);
    this.order = Uint32Array.from({ length: data.yTrain.size }, (_, i) => i);
    this.next = this.order.length; // shuffle before the first batch
  }

  get fullBatch(): boolean {
    return this.settings.batchSize >= this.data.yTrain.size;
  }

  /** One SGD step on the next mini-batch; returns the batch's loss. */
  step(): number {
    const [x, y] = this.fullBatch ? [this.data.xTrain, this.data.yTrain] : this.batch(this.settings.batchSize);
    this.optimizer.zeroGrad();
    const loss = lossOf(this.settings, this.model.forward(x), y);
    loss.backward();
    this.optimizer.step();
    const report = (this.lastReport = this.diagnostics.step());
    for (const s of report.saturation) this.saturation.add(s.layer, s.fraction);
    for (const a of report.signAgreement) {
      const rows = (this.model[Number(a.layer)] as Linear).weight.shape[0];
      const live = rows - a.zeroRows;
      this.oneSign.add(a.layer, a.fraction === null || live === 0 ? null : (a.fraction * rows) / live);
    }
    return loss.item();
  }

  /** Rows of the training set in a shuffled order, reshuffled every epoch (Fisher–Yates). */
  private batch(size: number): [Tensor, Tensor] {
    const xs = new Float32Array(size * 2);
    const ys = new Float32Array(size);
    const x = this.data.xTrain.data, y = this.data.yTrain.data;
    for (let k = 0; k < size; k++) {
      if (this.next === this.order.length) this.shuffle();
      const i = this.order[this.next++];
      xs[2 * k] = x[2 * i];
      xs[2 * k + 1] = x[2 * i + 1];
      ys[k] = y[i];
    }
    return [tensor(xs, { shape: [size, 2] }), tensor(ys)];
  }

  private shuffle(): void {
    const o = this.order;
    for (let i = o.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [o[i], o[j]] = [o[j], o[i]];
    }
    this.next = 0;
  }

  /** Loss and accuracy on a whole set, without recording a graph. */
  evaluate(x: Tensor, y: Tensor): Evaluation {
    return noGrad(() => {
      const out = this.model.forward(x);
      const loss = lossOf(this.settings, out, y).item();
      const cut = outputsProbability(this.settings) ? 0.5 : 0; // p > 0.5 ⇔ logit > 0
      const o = out.data, t = y.data;
      let right = 0;
      for (let i = 0; i < t.length; i++) if ((o[i] > cut ? 1 : 0) === t[i]) right++;
      return { loss, accuracy: right / t.length };
    });
  }

  /** The training example whose P(class 1) is furthest from its label. */
  worstExample(): number {
    const p = this.probabilities(this.data.xTrain);
    const t = this.data.yTrain.data;
    let worst = 0;
    for (let i = 1; i < t.length; i++) if (Math.abs(p[i] - t[i]) > Math.abs(p[worst] - t[worst])) worst = i;
    return worst;
  }

  /** P(class 1) at each input row (for the boundary heatmap). */
  probabilities(x: Tensor): Float32Array {
    return noGrad(() => {
      const out = this.model.forward(x);
      return Float32Array.from((outputsProbability(this.settings) ? out : out.sigmoid()).data);
    });
  }

  /**
   * Per hidden layer, the units that output exactly 0 for every training point (what a dead ReLU
   * does), from one pass over the training set: [dead, units] per layer.
   */
  deadUnits(): [number, number][] {
    return noGrad(() => {
      const out: [number, number][] = [];
      let h = this.data.xTrain;
      for (let i = 0; i < this.model.length; i++) {
        const m: Module = this.model[i];
        h = m.forward(h);
        if (i % 2 === 1 && i < 2 * this.settings.depth) out.push(countZeroColumns(h));
      }
      return out;
    });
  }

  /** Units never positive since the previous call (Diagnostics over every training batch seen). */
  endEpoch(): EpochReport {
    return this.diagnostics.endEpoch();
  }
}

/** Columns of an [n, units] tensor that are 0 in every row. */
function countZeroColumns(h: Tensor): [number, number] {
  const [n, units] = h.shape;
  const d = h.data;
  let dead = 0;
  for (let j = 0; j < units; j++) {
    let zero = true;
    for (let i = 0; i < n && zero; i++) zero = d[i * units + j] === 0;
    if (zero) dead++;
  }
  return [dead, units];
}
