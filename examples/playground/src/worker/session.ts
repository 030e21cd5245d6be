/**
 * A training session: the data, run A (the controls) and, for a comparing preset, run B beside it
 * from the same start; their histories; and the snapshot the page draws. Pure logic, no messaging,
 * so Node tests can drive it.
 */
import type { Tensor } from "@backprop/core";
import type { Points, RunState, Series, Snapshot } from "../protocol.js";
import type { Comparison, Settings } from "../settings.js";
import { checkSettings } from "../settings.js";
import { gridInputs, makeData, type Data } from "./data.js";
import { Run } from "./run.js";

/** The boundary grid: GRID × GRID cells through one batched forward pass. */
export const GRID = 100;
/** Histories longer than this are thinned to every other point (the curves keep their shape). */
const MAX_HISTORY = 800;

interface Tracked {
  run: Run;
  label: string;
  history: RunState["history"];
}

export class Session {
  readonly data: Data;
  readonly runs: Tracked[];
  step = 0;
  /** The boundary grid as each run's inputs (they differ when one run centres and the other not). */
  private readonly grids: Tensor[];
  private readonly steps: number[] = [];
  private readonly diag = { dead: new Map<string, (number | null)[]>(), saturation: new Map<string, (number | null)[]>(), oneSign: new Map<string, (number | null)[]>() };
  /** (time, step) pairs of the last few seconds, for the rate. */
  private readonly clock: [number, number][] = [];

  constructor(readonly settings: Settings, readonly compare: Comparison | null = null, readonly id = 0) {
    checkSettings(settings);
    this.data = makeData(settings);
    const history = () => ({ trainLoss: [], testLoss: [], trainAccuracy: [], testAccuracy: [] });
    this.runs = [{ run: new Run(settings, this.data), label: "A", history: history() }];
    if (compare) {
      const b = checkSettings(compare.settings);
      // The same points (same seed); their own inputs when run B centres them and A does not (lesson 3).
      const data = b.centre === settings.centre ? this.data : makeData(b);
      this.runs.push({ run: new Run(b, data), label: compare.label, history: history() });
    }
    this.grids = this.runs.map(({ run }) => gridInputs(run.data, GRID));
  }

  /** Run A's network (what the walkthrough traces). */
  get main(): Run {
    return this.runs[0].run;
  }

  /** One step of every run. */
  trainStep(): void {
    for (const r of this.runs) r.run.step();
    this.step++;
  }

  /** Train until `ms` milliseconds have passed (at least one step); returns the steps taken. */
  trainFor(ms: number, now: () => number = () => performance.now()): number {
    const end = now() + ms;
    let n = 0;
    do {
      this.trainStep();
      n++;
    } while (now() < end);
    return n;
  }

  points(): Points {
    const d = this.data;
    return {
      type: "points", session: this.id, bounds: d.bounds,
      trainPoints: d.trainPoints, trainLabels: d.trainLabels, testPoints: d.testPoints, testLabels: d.testLabels,
    };
  }

  /** Evaluate every run, append to the histories, and return what the page draws. */
  snapshot(training: boolean, now = performance.now()): Snapshot {
    if (!training) this.clock.length = 0; // the rate counts training time only
    this.clock.push([now, this.step]);
    while (this.clock.length > 2 && now - this.clock[1][0] > 1000) this.clock.shift();
    const [t0, s0] = this.clock[0];
    const stepsPerSecond = now > t0 ? ((this.step - s0) * 1000) / (now - t0) : 0;

    const states = this.record();
    const series = (m: Map<string, (number | null)[]>): Series[] => [...m].map(([label, values]) => ({ label, values: values.slice() }));
    return {
      type: "snapshot",
      session: this.id,
      step: this.step,
      training,
      stepsPerSecond,
      steps: this.steps.slice(),
      runs: states,
      grid: this.main.probabilities(this.grids[0]),
      gridB: this.runs[1] ? this.runs[1].run.probabilities(this.grids[1]) : null,
      gridSize: GRID,
      diagnostics: { dead: series(this.diag.dead), saturation: series(this.diag.saturation), oneSign: series(this.diag.oneSign) },
    };
  }

  /** One history point for every run (and run A's diagnostics); returns each run's state. */
  private record(): RunState[] {
    if (this.steps.length >= MAX_HISTORY) this.thin();
    this.steps.push(this.step);
    const states = this.runs.map(({ run, label, history }) => {
      const train = run.evaluate(run.data.xTrain, run.data.yTrain);
      const test = run.evaluate(run.data.xTest, run.data.yTest);
      const layers = run.deadUnits();
      const units = layers.reduce((s, [, u]) => s + u, 0);
      const dead = units === 0 ? 0 : layers.reduce((s, [d]) => s + d, 0) / units;
      history.trainLoss.push(train.loss);
      history.testLoss.push(test.loss);
      history.trainAccuracy.push(train.accuracy);
      history.testAccuracy.push(test.accuracy);
      return {
        label, trainLoss: train.loss, testLoss: test.loss, trainAccuracy: train.accuracy, testAccuracy: test.accuracy, dead,
        history: { trainLoss: history.trainLoss.slice(), testLoss: history.testLoss.slice(), trainAccuracy: history.trainAccuracy.slice(), testAccuracy: history.testAccuracy.slice() },
      };
    });
    this.recordDiagnostics();
    return states;
  }

  /**
   * Run A's Diagnostics since the previous snapshot: per ReLU layer the share of units never
   * positive; per Sigmoid/Tanh layer the saturated share and per Linear layer the one-sign share
   * of the weight-gradient rows, both averaged over the steps (see Run). Before the first step: none.
   */
  private recordDiagnostics(): void {
    const run = this.main;
    const epoch = run.endEpoch();
    const kinds = new Map(run.lastReport?.saturation.map((s) => [s.layer, s.kind]));
    const push = (m: Map<string, (number | null)[]>, label: string, v: number | null) => {
      let values = m.get(label);
      if (!values) m.set(label, (values = new Array<number | null>(this.steps.length - 1).fill(null)));
      values.push(v);
    };
    for (const d of epoch.dead) push(this.diag.dead, layerName(d.layer, d.kind), d.fraction);
    for (const [layer, v] of run.saturation.take()) push(this.diag.saturation, layerName(layer, kinds.get(layer) ?? ""), v);
    for (const [layer, v] of run.oneSign.take()) push(this.diag.oneSign, layerName(layer, "linear"), v);
  }

  /** Keep every other history point. */
  private thin(): void {
    const half = <T>(v: T[]) => { const kept = v.filter((_, i) => i % 2 === 0); v.length = 0; v.push(...kept); };
    half(this.steps);
    for (const r of this.runs) Object.values(r.history).forEach(half);
    for (const m of Object.values(this.diag)) for (const v of m.values()) half(v);
  }
}

/** "1 relu": the layer's index in the Sequential (as the monitor reports it) and what it is. */
const layerName = (index: string, kind: string): string => `${index} ${kind}`;
