/** Result rows, the printed comparison table and the JSON report. */
import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";

/** One side's timing of one workload: benchmark.js's stats, or a tiny fixed count for very slow calls. */
export interface Measure {
  /** Mean seconds per call. */
  mean: number;
  /** Relative margin of error (percent, 95 %). */
  rme: number;
  /** Number of samples (each sample is `count` calls averaged). */
  samples: number;
  /** Calls per sample. */
  count: number;
}

export interface Row {
  workload: string;
  /** "GFLOP/s" (higher is better) or "ms" / "µs" per call (lower is better). */
  unit: "GFLOP/s" | "ms" | "µs";
  /** Value in `unit`, ours and TF.js. */
  ours: number;
  tf: number;
  /** > 1 means backprop is faster: ours/TF for GFLOP/s, TF/ours for times. */
  ratio: number;
  /** The project's target ratio, if it has one. */
  target?: number;
  oursStats: Measure;
  tfStats: Measure;
  note?: string;
}

export interface Meta {
  date: string;
  node: string;
  platform: string;
  cpu: string;
  cores: number;
  quick: boolean;
  /** Rounds per suite (the best round per case is reported). */
  rounds: number;
  tfjs: string;
  /** Which build of @backprop/core was measured: the built package or the TypeScript source. */
  core: string;
  /** 1-minute load average when the run started (other processes skew timings). */
  load: number;
}

export function collectMeta(quick: boolean, rounds: number, tfjs: string, core: string): Meta {
  const c = cpus();
  return {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpu: c[0]?.model.trim() ?? "unknown",
    cores: c.length,
    quick,
    rounds,
    tfjs,
    core,
    load: loadavg()[0],
  };
}

/** Convert a measure to the row's unit. */
export function inUnit(unit: Row["unit"], m: Measure, flops = 0): number {
  switch (unit) {
    case "GFLOP/s": return flops / m.mean / 1e9;
    case "ms": return m.mean * 1e3;
    case "µs": return m.mean * 1e6;
  }
}

export function makeRow(workload: string, unit: Row["unit"], oursStats: Measure, tfStats: Measure, opts: { flops?: number; target?: number; note?: string } = {}): Row {
  const ours = inUnit(unit, oursStats, opts.flops), tf = inUnit(unit, tfStats, opts.flops);
  return {
    workload, unit, ours, tf,
    ratio: unit === "GFLOP/s" ? ours / tf : tf / ours,
    ...(opts.target !== undefined && { target: opts.target }),
    oursStats, tfStats,
    ...(opts.note !== undefined && { note: opts.note }),
  };
}

function num(v: number): string {
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  if (v >= 1) return v.toFixed(2);
  return v.toPrecision(3);
}

function cell(v: number, m: Measure): string {
  return `${num(v)} ±${m.rme.toFixed(0)}%`;
}

function samples(m: Measure): string {
  return `${m.samples}×${m.count}`;
}

export function formatTable(rows: Row[], meta: Meta): string {
  const header = ["workload", "unit", "backprop", "TF.js CPU", "ratio", "target", "samples (ours / TF)"];
  const body = rows.map((r) => [
    r.workload,
    r.unit === "GFLOP/s" ? "GFLOP/s ↑" : `${r.unit}/iter ↓`,
    cell(r.ours, r.oursStats),
    cell(r.tf, r.tfStats),
    `${r.ratio.toFixed(2)}×`,
    r.target === undefined ? "" : `≥ ${r.target}× ${r.ratio >= r.target ? "✓" : "✗"}`,
    `${samples(r.oursStats)} / ${samples(r.tfStats)}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => "| " + cells.map((c, i) => (i >= 2 && i <= 4 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(" | ") + " |";
  const sep = "|" + widths.map((w, i) => (i >= 2 && i <= 4 ? "-".repeat(w + 1) + ":" : "-".repeat(w + 2))).join("|") + "|";
  const notes = rows.filter((r) => r.note).map((r) => `  * ${r.workload}: ${r.note}`);
  return [
    `@backprop/core (${meta.core}) vs TensorFlow.js ${meta.tfjs} (cpu backend)${meta.quick ? "  [QUICK smoke run: smaller sizes, short timings]" : ""}`,
    `Node ${meta.node} · ${meta.platform} · ${meta.cores} cores (${meta.cpu}) · load ${meta.load.toFixed(1)} at start · ${meta.date}`,
    "",
    line(header),
    sep,
    ...body.map(line),
    "",
    "ratio > 1 means backprop is faster: GFLOP/s rows are backprop/TF (2n³ / mean time), time rows are TF/backprop.",
    `± is benchmark.js's relative margin of error (95 %); samples = samples × calls per sample; each suite ran ${meta.rounds} round${meta.rounds > 1 ? "s (ours and TF alternating), best round per case shown" : ""}.`,
    ...(notes.length ? ["Notes:", ...notes] : []),
  ].join("\n");
}

export function writeJson(file: string, rows: Row[], meta: Meta): void {
  writeFileSync(file, JSON.stringify({ meta, rows }, null, 2) + "\n");
}
