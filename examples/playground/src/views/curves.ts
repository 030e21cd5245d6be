/**
 * Loss and accuracy over training, train and test; a comparing preset's second run dashed beside
 * the first.
 */
import type { Snapshot } from "../protocol.js";
import { plot, type Line } from "./plot.js";

const TRAIN = "#1f77b4", TEST = "#d62728", B_TRAIN = "#9467bd", B_TEST = "#8c564b";

export function drawCurves(loss: HTMLCanvasElement, accuracy: HTMLCanvasElement, s: Snapshot): void {
  const [a, b] = s.runs;
  const lossLines: Line[] = [
    { label: "train", values: a.history.trainLoss, color: TRAIN },
    { label: "test", values: a.history.testLoss, color: TEST },
  ];
  const accLines: Line[] = [
    { label: "train", values: a.history.trainAccuracy, color: TRAIN },
    { label: "test", values: a.history.testAccuracy, color: TEST },
  ];
  if (b) {
    lossLines.push({ label: `B train`, values: b.history.trainLoss, color: B_TRAIN, dashed: true });
    accLines.push({ label: `B test`, values: b.history.testAccuracy, color: B_TEST, dashed: true });
  }
  plot(loss, { title: b ? `Loss (log scale) — A and B: ${b.label}` : "Loss (log scale)", x: s.steps, lines: lossLines, scale: "log" });
  plot(accuracy, {
    title: "Accuracy", x: s.steps, lines: accLines, range: [0, 1], tick: (v) => `${Math.round(100 * v)}%`,
  });
}
