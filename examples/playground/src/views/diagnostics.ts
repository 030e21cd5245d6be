/**
 * Run A's Diagnostics (@backprop/nn) per layer, as curves: dead units (never positive since the
 * previous snapshot; ReLU, LeakyReLU and ReLU6 layers), saturated outputs (sigmoid and tanh within
 * 0.01 of an end, hardtanh and ReLU6 at a bound), and one-sign rows of each weight gradient (among
 * the rows that are not all zero). ELU, GELU, SiLU and softplus layers have neither report.
 */
import type { Series, Snapshot } from "../protocol.js";
import { PALETTE, plot } from "./plot.js";

const percent = (v: number) => `${Math.round(100 * v)}%`;
const lines = (series: Series[]) => series.map((s, i) => ({ label: s.label, values: s.values, color: PALETTE[i % PALETTE.length] }));

export function drawDiagnostics(dead: HTMLCanvasElement, saturation: HTMLCanvasElement, oneSign: HTMLCanvasElement, s: Snapshot): void {
  const d = s.diagnostics;
  const common = { x: s.steps, range: [0, 1] as [number, number], tick: percent };
  plot(dead, { ...common, title: "Dead units, by layer", lines: lines(d.dead), empty: s.step === 0 ? "press Train" : "no ReLU, LeakyReLU or ReLU6 layer" });
  plot(saturation, { ...common, title: "Saturated outputs", lines: lines(d.saturation), empty: s.step === 0 ? "press Train" : "no sigmoid, tanh, hardtanh or ReLU6 layer" });
  plot(oneSign, { ...common, title: "One-sign weight-gradient rows", lines: lines(d.oneSign) });
}
