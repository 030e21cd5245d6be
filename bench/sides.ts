/**
 * The sides of a workload (one per table column) and how each is checked, then timed. A side wraps
 * one framework's builder with what it needs to run: entering its backend, whether its first call
 * compiles, whether to time it once, and which of its errors mean "cannot run this workload".
 * run.ts and run-conv.ts build sides per workload and hand them to `measure`.
 */
import { check } from "./check.js";
import { enterConfig, type OurConfig } from "./ours.js";
import type { Jax } from "./peer-jax.js";
import { tfEnter, type Tf } from "./peer-tfjs.js";
import { unsupported as tfUnsupported } from "./peer-tfjs-conv.js";
import type { Measure } from "./table.js";
import { fixedCount, measureOf, runSuite, timed, timedAsync, type Case, type TimingPlan } from "./timing.js";

/** What every side of a workload provides (the peers' Work objects all fit this shape). */
export interface Work<R> {
  /** The timed work. */
  run(): void | Promise<void>;
  /** The result once (the correctness-check call; its duration also says whether the side is slow). */
  result(): R;
  dispose(): void;
}

/** One table column's implementation of one workload. */
export interface Side<R> extends Work<R> {
  column: string;
  enter: () => Promise<() => void>;
  /** jax-js: `run` returns a promise (lazy arrays, awaited with blockUntilReady). */
  async: boolean;
  /**
   * false when the first call includes a compilation (jax-js jit): it is then no fair timing
   * sample, and a second, timed call decides whether the side is slow.
   */
  warmFirstCall: boolean;
  /** TF.js: report tensors leaked by the timed calls. */
  tf?: Tf;
  /** Only the reference for the correctness check; not timed (its timing comes from elsewhere). */
  untimed?: boolean;
  /** Time one call only (the warm one already made), whatever its duration. */
  once?: boolean;
  /** The reason an error means "this framework cannot run the workload", or null (then it is a failure). */
  unsupported?: (e: unknown) => string | null;
}

/** Everything available in this process to build sides from. */
export interface Env {
  ours: OurConfig[];
  tf: Tf | null;
  tfBackends: ("cpu" | "wasm")[];
  jax: Jax | null;
}

export const TF_LABEL = { cpu: "TF.js CPU", wasm: "TF.js WASM" } as const;

/** Build `make()` with the side's backend current (TF.js tensors live on the backend they were made on). */
export async function side<R>(column: string, enter: () => Promise<() => void>, make: () => Work<R>, extra: Partial<Side<R>> = {}): Promise<Side<R>> {
  const restore = await enter();
  try {
    const w = make();
    return {
      column, enter, async: false, warmFirstCall: true, ...extra,
      run: () => w.run(), result: () => w.result(), dispose: () => w.dispose(),
    };
  } finally {
    restore();
  }
}

/**
 * Our configurations and the TF.js backends as sides of one workload (jax-js is added per
 * workload). `tfExtra` adds options to a TF.js backend's side (e.g. timing it once).
 */
export async function standardSides<R>(
  env: Env, ours: (cfg: OurConfig) => Work<R>, tf: ((tf: Tf) => Work<R>) | null,
  tfExtra: (backend: "cpu" | "wasm") => Partial<Side<R>> = () => ({}),
): Promise<Side<R>[]> {
  const out: Side<R>[] = [];
  for (const cfg of env.ours) out.push(await side(cfg.label, async () => enterConfig(cfg), () => ours(cfg)));
  if (tf && env.tf) {
    const t = env.tf;
    for (const b of env.tfBackends) {
      out.push(await side(TF_LABEL[b], () => tfEnter(t, b), () => tf(t), { tf: t, unsupported: tfUnsupported, ...tfExtra(b) }));
    }
  }
  return out;
}

export async function jaxSide<R>(env: Env, make: (jax: Jax) => Work<R>, async: boolean): Promise<Side<R>[]> {
  if (!env.jax) return [];
  const jax = env.jax;
  return [await side("jax-js", async () => () => {}, () => make(jax), { async, warmFirstCall: false })];
}

/**
 * Check every side against the first (backprop js), then time them all: benchmark.js for calls
 * under plan.slowCall seconds, a fixed count for slower ones, one call for `once` sides and any
 * over plan.onceOver. A side whose error its `unsupported` recognises is left out of the timing
 * and put into `unsupported` with the reason. Disposes the sides.
 */
export async function measure<R>(
  plan: TimingPlan, title: string, sides: Side<R>[], compare: (who: string, got: R, refWho: string, ref: R) => void,
  unsupported = new Map<string, string>(),
): Promise<Map<string, Measure>> {
  try {
    process.stderr.write(`\n▶ ${title}\n`);
    const first = new Map<string, number>();
    const ran: Side<R>[] = [];
    let ref: R | null = null;
    for (const s of sides) {
      const restore = await s.enter();
      let got: R, secs: number;
      try {
        [got, secs] = timed(() => s.result());
        // A first call that compiled (jax-js jit) says nothing about speed: time a second one.
        if (!s.warmFirstCall) secs = (await timedAsync(() => s.run()))[1];
      } catch (e) {
        const why = s.unsupported?.(e);
        if (!why) throw e;
        process.stderr.write(`  – ${s.column}: ${why}\n`);
        unsupported.set(s.column, why);
        continue;
      } finally {
        restore();
      }
      first.set(s.column, secs);
      ran.push(s);
      if (ref === null) ref = got;
      else compare(s.column, got, sides[0].column, ref);
    }
    const asCase = (s: Side<R>): Case => ({ name: s.column, fn: () => s.run(), async: s.async, enter: s.enter });
    const timedSides = ran.filter((s) => !s.untimed);
    const once = timedSides.filter((s) => s.once || first.get(s.column)! > plan.onceOver);
    const slow = timedSides.filter((s) => !once.includes(s) && first.get(s.column)! > plan.slowCall);
    const tfs = [...new Set(sides.flatMap((s) => (s.tf ? [s.tf] : [])))];
    const before = tfs.map((t) => t.memory().numTensors);
    const stats = await runSuite(plan, timedSides.filter((s) => !slow.includes(s) && !once.includes(s)).map(asCase));
    for (const s of once) {
      stats.set(s.column, measureOf([first.get(s.column)!]));
      process.stderr.write(`  ${s.column}: ${first.get(s.column)!.toFixed(2)} s, timed once (a single warm call)\n`);
    }
    for (const s of slow) {
      const m = await fixedCount(plan, asCase(s), first.get(s.column));
      process.stderr.write(`  ${s.column}: ${m.mean.toFixed(2)} s per call (over ${plan.slowCall} s: fixed count of ${m.samples} calls)\n`);
      stats.set(s.column, m);
    }
    tfs.forEach((t, i) => {
      const after = t.memory().numTensors;
      if (after !== before[i]) process.stderr.write(`  ! ${title}: TF.js tensor count went from ${before[i]} to ${after} (leak)\n`);
    });
    return stats;
  } finally {
    for (const s of sides) s.dispose();
  }
}

export const arrays = (what: string, atol: number, rtol: number) =>
  (who: string, got: ArrayLike<number>, refWho: string, ref: ArrayLike<number>) => check(what, who, got, refWho, ref, atol, rtol);
