/**
 * The project's performance targets, evaluated over the result rows. A target whose sides did not
 * run (a backend not in this build, a peer left out, a size skipped by --quick) is reported as not
 * measured, with the reason, rather than silently dropped; only targets of workloads left out with
 * --only are omitted.
 */
import { LAYOUT_LABEL, MATMUL_LAYOUTS, TRAIN_CASES, type MatmulLayout } from "./workloads.js";
import { CONV_LAYER, LENET_BATCH } from "./conv-workloads.js";
import { fastest, rowRatio, type Row, type Target } from "./table.js";

// Row names, shared by run.ts (which makes the rows) and the targets (which look them up).
export const matmulName = (n: number, layout: MatmulLayout) => `matmul ${n}×${n} ${LAYOUT_LABEL[layout]}`;
export const sizeLabel = (size: number) => size.toExponential(0).replace("e+", "e");
export const reluSigName = (size: number) => `relu→sigmoid, ${sizeLabel(size)} el.`;
export const chainName = (size: number) => `chain x→·2→+1→relu→sigmoid, ${sizeLabel(size)} el.`;
export const trainName = (sizes: readonly number[], batch: number) => `train step ${sizes.join("-")} b${batch}`;
export const lenetName = (batch: number) => `LeNet-5 train step b${batch}`;
export const convName = (s: { n: number; c: number; h: number; w: number; out: number; k: number }) =>
  `conv ${s.c}→${s.out} ${s.k}×${s.k} on ${s.n}×${s.c}×${s.h}×${s.w}, fwd + dx, dW, db`;

/** Speed-ratio targets of our js backend against TF.js CPU (the original goals of the project). */
const JS_VS_TF_TRAIN = [5, 2, 1];
const JS_VS_TF_MATMUL_256 = 3;
const JS_VS_TF_MLP = 5;
/** Targets of the wasm backend. */
const WASM_MATMUL_1024_VS_TF_WASM = 1.2;
const WASM_MATMUL_1024_GFLOPS = 36;
const WASM2_MATMUL_1024_GFLOPS = 65;
const WASM_VS_JAX_TRAIN = [5, 2, 1.5];
const WASM_RELUSIG_VS_TF_WASM = 1;
const WASM_VS_JS_TRAIN_SMALL = 1;
/** Convolution targets (issue 13), one thread each: our wasm against jax-js's wasm device. */
const WASM_VS_JAX_LENET = 20;
const WASM_VS_JAX_CONV = 30;

export interface TargetContext {
  rows: Row[];
  /** The workloads (--only names) that ran; targets of the others are left out. */
  ran: ReadonlySet<string>;
  /** Why a column is absent, by column label (e.g. "backprop wasm" → "not in this build"). */
  absent: Map<string, string>;
  /** The relu→sigmoid size of a full run (targets are for that size). */
  reluSigSize: number;
  /** Names of MLP rows (one per TF variant). */
  mlpRows: string[];
}

function missing(ctx: TargetContext, row: string, columns: string[]): string {
  const r = ctx.rows.find((x) => x.workload === row);
  if (!r) return `${row} is not part of a --quick run`;
  const gone = columns.filter((c) => !r.cells[c]);
  return gone.map((c) => `${c}: ${r.unsupported?.[c] ?? ctx.absent.get(c) ?? "not run"}`).join("; ") || "unknown";
}

function ratioTarget(ctx: TargetContext, workload: string, row: string, ours: string, peer: string, goal: number): Target {
  const r = ctx.rows.find((x) => x.workload === row);
  const measured = rowRatio(r, ours, peer);
  return {
    workload, what: `${row}: ${ours} ÷ ${peer}`, kind: "ratio", goal, measured,
    ...(measured === null && { skipped: missing(ctx, row, [ours, peer]) }),
  };
}

/** Our slowest layout (the one that has to make the goal) at 1024 against the peer's fastest. */
function matmul1024(ctx: TargetContext): Target[] {
  const rows = MATMUL_LAYOUTS.map((l) => ctx.rows.find((r) => r.workload === matmulName(1024, l)));
  const out: Target[] = [];
  const worst = (column: string) => {
    let w: { layout: MatmulLayout; value: number } | null = null;
    for (const [i, r] of rows.entries()) {
      const c = r?.cells[column];
      if (!c) return null; // every layout must have run
      if (!w || c.value < w.value) w = { layout: MATMUL_LAYOUTS[i], value: c.value };
    }
    return w;
  };
  const why = (column: string) => (rows.some((r) => !r) ? "matmul 1024 is not part of a --quick run" : `${column}: ${ctx.absent.get(column) ?? "not run"}`);
  const tfBest = (() => {
    let b: { layout: MatmulLayout; value: number } | null = null;
    for (const [i, r] of rows.entries()) {
      const c = r && fastest(r, ["TF.js WASM"]);
      if (c && (!b || c.value > b.value)) b = { layout: MATMUL_LAYOUTS[i], value: c.value };
    }
    return b;
  })();
  const wasm = worst("backprop wasm"), wasm2 = worst("backprop wasm ×2");
  out.push({
    workload: "matmul", what: "matmul 1024: backprop wasm, slowest layout ÷ TF.js WASM, fastest layout", kind: "ratio", goal: WASM_MATMUL_1024_VS_TF_WASM,
    measured: wasm && tfBest ? wasm.value / tfBest.value : null,
    ...(wasm && tfBest
      ? { detail: `${LAYOUT_LABEL[wasm.layout]} ${wasm.value.toFixed(1)} vs ${LAYOUT_LABEL[tfBest.layout]} ${tfBest.value.toFixed(1)} GFLOP/s` }
      : { skipped: !wasm ? why("backprop wasm") : why("TF.js WASM") }),
  });
  out.push({
    workload: "matmul", what: "matmul 1024: backprop wasm (1 thread), slowest layout", kind: "GFLOP/s", goal: WASM_MATMUL_1024_GFLOPS,
    measured: wasm?.value ?? null,
    ...(wasm ? { detail: LAYOUT_LABEL[wasm.layout] } : { skipped: why("backprop wasm") }),
  });
  out.push({
    workload: "matmul", what: "matmul 1024: backprop wasm ×2 (2 threads), slowest layout", kind: "GFLOP/s", goal: WASM2_MATMUL_1024_GFLOPS,
    measured: wasm2?.value ?? null,
    ...(wasm2 ? { detail: LAYOUT_LABEL[wasm2.layout] } : { skipped: why("backprop wasm ×2") }),
  });
  return out;
}

export function evaluateTargets(ctx: TargetContext): Target[] {
  const t: Target[] = [];
  t.push(ratioTarget(ctx, "matmul", matmulName(256, "AB"), "backprop js", "TF.js CPU", JS_VS_TF_MATMUL_256));
  t.push(...matmul1024(ctx));
  t.push(ratioTarget(ctx, "relusig", reluSigName(ctx.reluSigSize), "backprop wasm", "TF.js WASM", WASM_RELUSIG_VS_TF_WASM));
  for (const name of ctx.mlpRows) t.push(ratioTarget(ctx, "mlp", name, "backprop js", "TF.js CPU", JS_VS_TF_MLP));
  TRAIN_CASES.forEach(({ sizes, batch }, i) => {
    const name = trainName(sizes, batch);
    t.push(ratioTarget(ctx, "train", name, "backprop js", "TF.js CPU", JS_VS_TF_TRAIN[i]));
    t.push(ratioTarget(ctx, "train", name, "backprop wasm", "jax-js", WASM_VS_JAX_TRAIN[i]));
    if (i === 0) t.push(ratioTarget(ctx, "train", name, "backprop wasm", "backprop js", WASM_VS_JS_TRAIN_SMALL));
  });
  // At the full sizes: a --quick run's smaller rows are reported as not measured.
  t.push(ratioTarget(ctx, "lenet", lenetName(LENET_BATCH), "backprop wasm", "jax-js", WASM_VS_JAX_LENET));
  t.push(ratioTarget(ctx, "conv", convName(CONV_LAYER), "backprop wasm", "jax-js", WASM_VS_JAX_CONV));
  return t.filter((x) => ctx.ran.has(x.workload));
}
