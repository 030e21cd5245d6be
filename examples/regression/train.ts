/**
 * The regression example's training, written the way you would write it in PyTorch: the data from
 * linspace and sin, a Sequential MLP, and forward → loss → backward → step, with a scheduler
 * stepped after the optimizer.
 *
 * Everything is float64. A float64 run takes the reference loops on every kernel backend (the
 * WebAssembly kernels are float32 only, docs/backends.md), so it prints the same numbers, bit for
 * bit, on "js", "wasm" and the fused-multiply-add build; in float32 the matmuls of the two backends
 * round differently and, a thousand Adam steps later, the last digits of the MSE would differ. The
 * price is speed: float64 takes about 1.7 times as long as float32 on the default "wasm" backend.
 */
import { linspace, manualSeed, noGrad, sin, type Tensor } from "@backprop/core";
import { Adam, CosineAnnealingLR, Linear, mse, Sequential, Tanh } from "@backprop/nn";
import type { RegressionOptions } from "./args.js";

export type TrainOptions = Omit<RegressionOptions, "out" | "fast">;

/** One printed row: the lr used by the step and the MSE before it. */
export interface LogRow {
  step: number;
  lr: number;
  mse: number;
}

export interface CurvePoint {
  x: number;
  target: number;
  fit: number;
}

export interface RegressionResult {
  model: Sequential;
  rows: LogRow[];
  /** MSE on the training points after the last step. */
  trainMse: number;
  /** MSE on CHECK_POINTS evenly spaced points of [−π, π] (mostly between the training points). */
  checkMse: number;
  /** The largest |fit − sin(x)| over those points. */
  maxError: number;
  /** sin(x) and the fit at those points, for the picture. */
  curve: CurvePoint[];
  /** Wall-clock time of the training loop. */
  ms: number;
}

/** The points the fit is checked and drawn on. */
export const CHECK_POINTS = 1001;

/** A column [n, 1] of n evenly spaced points of [−π, π], float64. */
export function grid(n: number): Tensor {
  return linspace(-Math.PI, Math.PI, n, { dtype: "float64" }).reshape([n, 1]);
}

/** Linear(1, 64) → Tanh → Linear(64, 64) → Tanh → Linear(64, 1), converted to float64. */
export function makeModel(): Sequential {
  return new Sequential(new Linear(1, 64), new Tanh(), new Linear(64, 64), new Tanh(), new Linear(64, 1)).to("float64");
}

/** Which steps print a row: the first, every tenth of the run, and the last. */
export function logged(step: number, steps: number): boolean {
  const every = Math.max(1, Math.round(steps / 10));
  return step === 1 || step % every === 0 || step === steps;
}

export function trainRegression(opts: TrainOptions, onRow: (row: LogRow) => void = () => {}): RegressionResult {
  manualSeed(opts.seed);
  const x = grid(opts.points);
  const y = sin(x);
  const model = makeModel();
  const optimizer = new Adam(model.parameters(), { lr: opts.lr });
  const scheduler = new CosineAnnealingLR(optimizer, { tMax: opts.steps });

  const rows: LogRow[] = [];
  const start = performance.now();
  for (let step = 1; step <= opts.steps; step++) {
    const lr = optimizer.paramGroups[0].lr;
    optimizer.zeroGrad();
    const loss = mse(model.forward(x), y);
    loss.backward();
    optimizer.step();
    scheduler.step();
    if (logged(step, opts.steps)) {
      const row = { step, lr, mse: loss.item() };
      rows.push(row);
      onRow(row);
    }
  }
  const ms = performance.now() - start;

  return noGrad(() => {
    const trainMse = mse(model.forward(x), y).item();
    const xs = grid(CHECK_POINTS);
    const target = sin(xs), fit = model.forward(xs);
    const curve = Array.from(xs.data, (v, i) => ({ x: v, target: target.data[i], fit: fit.data[i] }));
    const maxError = curve.reduce((m, p) => Math.max(m, Math.abs(p.fit - p.target)), 0);
    return { model, rows, trainMse, checkMse: mse(fit, target).item(), maxError, curve, ms };
  });
}
