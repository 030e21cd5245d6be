/** Result rows, targets, the printed comparison table and the JSON report. */
import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import type { NumpyLimit } from "./limit-numpy.js";

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
  /** Timed with a fixed count of performance.now() calls instead of benchmark.js. */
  fixed?: boolean;
}

export type Unit = "GFLOP/s" | "ms" | "µs";

/** Column labels, in print order: ours (one per backend configuration), the peers, the limit. */
export const OUR_COLUMNS = ["backprop js", "backprop wasm", "backprop wasm ×2"] as const;
export const PEER_COLUMNS = ["TF.js CPU", "TF.js WASM", "jax-js"] as const;
export const LIMIT_COLUMN = "limit (numpy BLAS)";
const ALL_COLUMNS: readonly string[] = [...OUR_COLUMNS, ...PEER_COLUMNS, LIMIT_COLUMN];

export interface Cell {
  /** The measure in the row's unit. */
  value: number;
  stats: Measure;
}

export interface Row {
  workload: string;
  /** "GFLOP/s" (higher is better) or "ms" / "µs" per call (lower is better). */
  unit: Unit;
  /** By column label; a column that did not run this workload has no cell. */
  cells: Record<string, Cell>;
  /** Columns whose framework cannot run this workload, with the reason (printed "not supported"). */
  unsupported?: Record<string, string>;
  note?: string;
}

export interface Target {
  /** The workload it belongs to (an --only name): targets of workloads not run are left out. */
  workload: string;
  /** What is compared, e.g. "train step 784-128-64-1 b64: backprop wasm ÷ jax-js". */
  what: string;
  /** A speed ratio (> 1: ours faster) or an absolute GFLOP/s. */
  kind: "ratio" | "GFLOP/s";
  goal: number;
  /** null when a side was not measured (see `skipped`). */
  measured: number | null;
  /** The numbers behind the ratio, e.g. which layouts were compared. */
  detail?: string;
  skipped?: string;
}

export interface Meta {
  date: string;
  /** process.version of the Node that ran the bench. */
  node: string;
  /**
   * Whether the wasm gemm ran its relaxed-SIMD build (fused multiply-add: Node 22+ by default, Node 20
   * only with --experimental-wasm-relaxed-simd, never with BACKPROP_WASM_FMA=0); null without the
   * wasm backend, absent when not asked.
   */
  fma?: boolean | null;
  platform: string;
  cpu: string;
  cores: number;
  quick: boolean;
  /** Rounds per suite (the best round per case is reported). */
  rounds: number;
  /** Seconds per call above which a side is timed with a fixed count (see timing.ts). */
  slowCall: number;
  /** Which build of @backprop/core was measured: the built package or the TypeScript source. */
  core: string;
  /** One line per measured side: what exactly ran (versions, backend, threads). */
  sides: string[];
  /** Sides that were not measured, and why. */
  skipped: string[];
  /** How the workloads are expressed on each side, where that matters for reading the numbers. */
  notes: string[];
  /** 1-minute load average when the run started (other processes skew timings). */
  load: number;
  /** The same when the table was made: a long run can start quiet and end busy, or the reverse. */
  loadEnd: number;
}

/** `startLoad`: loadavg()[0] read when the run began (default: now, for a run that is only a table). */
export function collectMeta(run: Pick<Meta, "quick" | "rounds" | "slowCall" | "core" | "sides" | "skipped" | "notes" | "fma">, startLoad?: number): Meta {
  const c = cpus(), now = loadavg()[0];
  return {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpu: c[0]?.model.trim() ?? "unknown",
    cores: c.length,
    ...run,
    load: startLoad ?? now,
    loadEnd: now,
  };
}

/** Convert a measure to the row's unit. */
export function inUnit(unit: Unit, m: Measure, flops = 0): number {
  switch (unit) {
    case "GFLOP/s": return flops / m.mean / 1e9;
    case "ms": return m.mean * 1e3;
    case "µs": return m.mean * 1e6;
  }
}

export function makeRow(
  workload: string, unit: Unit, stats: ReadonlyMap<string, Measure>,
  opts: { flops?: number; note?: string; unsupported?: ReadonlyMap<string, string> } = {},
): Row {
  const cells: Record<string, Cell> = {};
  for (const col of ALL_COLUMNS) {
    const m = stats.get(col);
    if (m) cells[col] = { value: inUnit(unit, m, opts.flops), stats: m };
  }
  const cols = [...stats.keys(), ...(opts.unsupported?.keys() ?? [])];
  for (const col of cols) if (!ALL_COLUMNS.includes(col)) throw new Error(`makeRow: unknown column ${JSON.stringify(col)}`);
  return {
    workload, unit, cells,
    ...(opts.unsupported?.size && { unsupported: Object.fromEntries(opts.unsupported) }),
    ...(opts.note !== undefined && { note: opts.note }),
  };
}

/** Speed of `a` relative to `b` in a row: > 1 means `a` is faster (whatever the unit). */
export function speedup(unit: Unit, a: number, b: number): number {
  return unit === "GFLOP/s" ? a / b : b / a;
}

/** The fastest of `columns` present in the row. */
export function fastest(row: Row, columns: readonly string[]): { column: string; value: number } | null {
  let best: { column: string; value: number } | null = null;
  for (const column of columns) {
    const c = row.cells[column];
    if (c && (!best || speedup(row.unit, c.value, best.value) > 1)) best = { column, value: c.value };
  }
  return best;
}

/** `ours` ÷ `peer` as a speed ratio, or null if either is missing from the row. */
export function rowRatio(row: Row | undefined, ours: string, peer: string): number | null {
  const a = row?.cells[ours], b = row?.cells[peer];
  return a && b ? speedup(row!.unit, a.value, b.value) : null;
}

export function num(v: number): string {
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  if (v >= 1) return v.toFixed(2);
  return v.toPrecision(3);
}

/** A fixed-count measure of one call: no spread to show. */
const once = (m: Measure) => m.fixed === true && m.samples === 1;

function cell(r: Row, column: string): string {
  const c = r.cells[column];
  if (!c) return r.unsupported?.[column] ? "not supported" : "—";
  if (column === LIMIT_COLUMN) return `${num(c.value)}`; // python's best call; its spread is in the limit section
  if (once(c.stats)) return `${num(c.value)} ‡`;
  return `${num(c.value)} ±${c.stats.rme.toFixed(0)}%${c.stats.fixed ? "†" : ""}`;
}

const short = (column: string) => column.replace(/^backprop /, "");

function targetLine(t: Target): string {
  const goal = t.kind === "ratio" ? `≥ ${t.goal}×` : `≥ ${t.goal} GFLOP/s`;
  if (t.measured === null) return `  –  ${t.what}  (${goal}): not measured: ${t.skipped ?? "a side is missing"}`;
  const got = t.kind === "ratio" ? `${t.measured.toFixed(2)}×` : `${num(t.measured)} GFLOP/s`;
  return `  ${t.measured >= t.goal ? "✓" : "✗"}  ${t.what}: ${got}  (${goal})${t.detail ? `  [${t.detail}]` : ""}`;
}

function limitLines(limit: NumpyLimit | string | null, rows: Row[]): string[] {
  if (limit === null) return [];
  if (typeof limit === "string") return ["", `Limit: numpy not found: limit skipped${limit === "numpy not found" ? "" : ` (${limit})`}`];
  const out = ["", `Limit (numpy BLAS): numpy ${limit.numpy} on ${limit.blas}, python ${limit.python}; timed by python (time.perf_counter), best of ${limit.matmul?.threads1.repeats ?? limit.relusig?.repeats} calls (median in brackets)`];
  if (limit.matmul) {
    const { n, threads1, threads2 } = limit.matmul;
    const g = (s: number) => (2 * n ** 3) / s / 1e9;
    out.push(`  matmul ${n}×${n} A·B float32: 1 thread ${num(g(threads1.best))} GFLOP/s (${num(g(threads1.median))})` +
      (threads2 ? `, 2 threads ${num(g(threads2.best))} GFLOP/s (${num(g(threads2.median))})` : ""));
    const row = rows.find((r) => r.workload === `matmul ${n}×${n} A·B`);
    if (row) {
      // Two threads can always do what one does, so the 2-thread limit is the better of the two
      // (on a busy machine, or at small n, OpenBLAS's second thread can make it slower).
      const lim1 = g(threads1.best), lim2 = Math.max(lim1, threads2 ? g(threads2.best) : 0);
      const parts = OUR_COLUMNS.filter((c) => row.cells[c]).map((c) => {
        const two = c.endsWith("×2") && threads2 !== null;
        return `${short(c)} ${((100 * row.cells[c].value) / (two ? lim2 : lim1)).toFixed(0)}% of the ${two ? "2" : "1"}-thread limit`;
      });
      if (parts.length) out.push(`    backprop: ${parts.join(", ")}`);
    }
  }
  if (limit.relusig) {
    const { size, best, median } = limit.relusig;
    out.push(`  relu→sigmoid ${size.toExponential(0).replace("e+", "e")} float32, 1/(1+exp(−max(x,0))): ${num(best * 1e3)} ms (${num(median * 1e3)})`);
  }
  return out;
}

/** How the header says which gemm build ran (see Meta.fma). */
export function fmaLabel(fma: boolean | null | undefined): string {
  if (fma === undefined) return "";
  if (fma === null) return " (no wasm backend)";
  return fma ? " (wasm: relaxed-SIMD FMA)" : " (wasm: plain SIMD, no FMA)";
}

export function formatTable(rows: Row[], targets: Target[], meta: Meta, limit: NumpyLimit | string | null): string {
  const columns = ALL_COLUMNS.filter((c) => rows.some((r) => r.cells[c] || r.unsupported?.[c]));
  const header = ["workload", "unit", ...columns, "best ours ÷ best peer"];
  const body = rows.map((r) => {
    const ours = fastest(r, OUR_COLUMNS), peer = fastest(r, PEER_COLUMNS);
    const ratio = ours && peer ? `${speedup(r.unit, ours.value, peer.value).toFixed(2)}× (${short(ours.column)} : ${peer.column})` : "";
    return [r.workload, r.unit === "GFLOP/s" ? "GFLOP/s ↑" : `${r.unit}/iter ↓`, ...columns.map((c) => cell(r, c)), ratio];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const numeric = (i: number) => i >= 2 && i < header.length - 1;
  const line = (cells: string[]) => "| " + cells.map((c, i) => (numeric(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(" | ") + " |";
  const sep = "|" + widths.map((w, i) => (numeric(i) ? "-".repeat(w + 1) + ":" : "-".repeat(w + 2))).join("|") + "|";
  const notes = [
    ...meta.notes.map((n) => `  * ${n}`),
    ...rows.filter((r) => r.note).map((r) => `  * ${r.workload}: ${r.note}`),
    ...rows.flatMap((r) => Object.entries(r.unsupported ?? {}).map(([col, why]) => `  * ${r.workload}: ${col} ${why}`)),
  ];
  const anyFixed = rows.some((r) => Object.values(r.cells).some((c) => c.stats.fixed && !once(c.stats)));
  const anyOnce = rows.some((r) => Object.values(r.cells).some((c) => once(c.stats)));
  return [
    `@backprop/core (${meta.core}) beside its peers${meta.quick ? "  [QUICK smoke run: smaller sizes, short timings]" : ""}`,
    `Node ${meta.node}${fmaLabel(meta.fma)} · ${meta.platform} · ${meta.cores} cores (${meta.cpu}) · load ${meta.load.toFixed(1)} at start, ${meta.loadEnd.toFixed(1)} at end · ${meta.date}`,
    ...meta.sides.map((s) => `  ${s}`),
    "",
    line(header),
    sep,
    ...body.map(line),
    "",
    "GFLOP/s rows: 2n³ / mean time, higher is better; time rows: mean per call, lower is better. — = not run for that workload.",
    `± is the relative margin of error (95 %); each suite ran ${meta.rounds} round${meta.rounds > 1 ? "s (sides alternating), best round per side shown" : ""}.` +
      (anyFixed ? ` † = over ${meta.slowCall} s per call, timed with a fixed count of calls (performance.now()) instead of benchmark.js.` : "") +
      (anyOnce ? " ‡ = timed ONCE, a single warm call (performance.now()), no spread: see the notes." : ""),
    "Ratios: > 1 means backprop is faster.",
    ...limitLines(limit, rows),
    ...(targets.length ? ["", "Targets:", ...targets.map(targetLine)] : []),
    ...(meta.skipped.length ? ["", "Not measured:", ...meta.skipped.map((s) => `  - ${s}`)] : []),
    ...(notes.length ? ["", "Notes:", ...notes] : []),
  ].join("\n");
}

export function writeJson(file: string, rows: Row[], targets: Target[], meta: Meta, limit: NumpyLimit | string | null): void {
  const report = {
    meta,
    rows,
    targets: targets.map((t) => ({ ...t, met: t.measured === null ? null : t.measured >= t.goal })),
    limit: typeof limit === "string" ? { skipped: limit } : limit,
  };
  writeFileSync(file, JSON.stringify(report, null, 2) + "\n");
}
