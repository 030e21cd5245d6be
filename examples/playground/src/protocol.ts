/**
 * The messages between the page and the training worker. The page sends commands; the worker
 * answers with the points once per reset, a snapshot 15–20 times a second while training, and a
 * trace of one example on request.
 */
import type { Comparison, Settings } from "./settings.js";

export type Command =
  /** Start over: new data and fresh networks (a second one when `compare` is set). */
  | { type: "reset"; session: number; settings: Settings; compare: Comparison | null }
  | { type: "train" }
  | { type: "pause" }
  /** At most this many training steps a second (null: as fast as the machine goes). */
  | { type: "speed"; stepsPerSecond: number | null }
  /** One training step (while paused). */
  | { type: "step" }
  /**
   * Trace forward and backward of one training example through the current network; example −1:
   * the one the network gets most wrong right now (the most instructive gradients).
   */
  | { type: "trace"; example: number };

export type Reply = Ready | Points | Snapshot | Trace | Failure;

/** Sent once, when the worker has loaded the framework. */
export interface Ready {
  type: "ready";
  /** core's backendInfo() inside the worker, as text: "wasm · 1 thread". */
  backend: string;
}

/** The points as drawn, after each reset. */
export interface Points {
  type: "points";
  session: number;
  bounds: [number, number, number, number];
  trainPoints: Float32Array;
  trainLabels: Float32Array;
  testPoints: Float32Array;
  testLabels: Float32Array;
}

/** A curve: one value per snapshot (null where the measure does not apply). */
export interface Series {
  label: string;
  values: (number | null)[];
}

/** What one run looks like now, and its history. */
export interface RunState {
  label: string;
  /** Loss and accuracy on the whole training and test sets. */
  trainLoss: number;
  testLoss: number;
  trainAccuracy: number;
  testAccuracy: number;
  /** Fraction of hidden units that output 0 for every training point. */
  dead: number;
  /** One value per snapshot, aligned with Snapshot.steps. */
  history: { trainLoss: number[]; testLoss: number[]; trainAccuracy: number[]; testAccuracy: number[] };
}

export interface Snapshot {
  type: "snapshot";
  /** The reset this snapshot belongs to (the page drops snapshots of an older one). */
  session: number;
  step: number;
  training: boolean;
  /** Training steps per second, over the last second or so. */
  stepsPerSecond: number;
  /** The step of each history point. */
  steps: number[];
  /** Run A, then run B of a comparing preset. */
  runs: RunState[];
  /** P(class 1) on a gridSize × gridSize grid over Points.bounds, row 0 at the top (transferred). */
  grid: Float32Array;
  /** The same for run B of a comparing preset, else null. */
  gridB: Float32Array | null;
  gridSize: number;
  /** Run A's per-layer Diagnostics, one series per layer. */
  diagnostics: { dead: Series[]; saturation: Series[]; oneSign: Series[] };
}

/** One example's forward and backward, ready to show. */
export interface Trace {
  type: "trace";
  session: number;
  example: number;
  step: number;
  /** The settings of the traced network (run A's). */
  settings: Settings;
  /** The example as drawn, the input the network saw, and its label. */
  point: [number, number];
  input: [number, number];
  target: number;
  /** toDot(loss, { values, grads, steps, … }). */
  dot: string;
  /** formatBackward(steps), split into the header, one block per step, and the closing summary. */
  blocks: string[];
  /** traceBackward's steps as numbers (the walkthrough's data-trace). */
  steps: TraceStep[];
  /** The weights traced (nn's state dict), so a test can rebuild the same network. */
  state: Record<string, { shape: number[]; dtype: string; data: number[] }>;
}

export interface TraceStep {
  op: string;
  rule: string;
  output: { name: string; value: number[] };
  upstream: number[];
  inputs: { name: string; value: number[] }[];
  /** What each input received; null where it needs no gradient. */
  inputGrads: (number[] | null)[];
}

export interface Failure {
  type: "error";
  message: string;
}
