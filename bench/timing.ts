/**
 * How the bench times one case: benchmark.js for anything quick, a tiny fixed count of
 * performance.now() calls for calls slower than half a second (benchmark.js would otherwise spend
 * five seconds or more on each of them; TF.js CPU takes about 6 s per 1024 matmul). Cases run one after another, each inside its own
 * `enter()` … restore bracket, so a case can switch a framework's backend just for itself.
 */
import Benchmark from "benchmark";
import type { Measure } from "./table.js";

export interface TimingPlan {
  /** benchmark.js options for every case. */
  options: Benchmark.Options;
  /**
   * Seconds each case is run untimed right before its own timing starts. TF.js in particular
   * needs thousands of calls before its small-op paths (variableGrads, tidy) are optimised by V8;
   * benchmark.js's own calibration cycles are too short for that, and timing a cold peer would
   * flatter us. Only before a case's first round: by the second it is warm.
   */
  warmup: number;
  /** Rounds of each suite; the best round per case is reported (see runSuite). */
  rounds: number;
  /** A call slower than this (seconds) is timed with a fixed count instead of benchmark.js. */
  slowCall: number;
  /** Calls timed per slow case (including the correctness-check call where that one is warm). */
  slowSamples: number;
  /**
   * Seconds a slow case may keep adding samples (up to 10) beyond slowSamples: a side at 0.6 s
   * per call then gets five samples, not two, whose mean a burst of load elsewhere moves less.
   */
  slowBudget: number;
  /**
   * A call slower than this (seconds) is timed once: its warm call, already made, is the one
   * sample (jax-js's conv layer takes about 12 s, TF.js CPU's over 2 minutes; more samples of
   * those would double the run for a spread nobody reads).
   */
  onceOver: number;
}

export function timingPlan(quick: boolean): TimingPlan {
  // Sized so that the full run (six sides, nine matmul rows) stays within a few minutes on 2 cores.
  return quick
    ? { options: { minSamples: 3, maxTime: 0.2, initCount: 1 }, warmup: 0.1, rounds: 1, slowCall: 0.5, slowSamples: 2, slowBudget: 1, onceOver: 5 }
    : { options: { minSamples: 5, maxTime: 0.5, initCount: 1 }, warmup: 0.25, rounds: 2, slowCall: 0.5, slowSamples: 2, slowBudget: 3, onceOver: 5 };
}

export interface Case {
  /** Name in the log (the column label, e.g. "backprop wasm", "TF.js WASM"). */
  name: string;
  /**
   * The timed work. An async case (jax-js, whose arrays are evaluated lazily and finish with
   * `await blockUntilReady()`) is run as a benchmark.js deferred benchmark.
   */
  fn: () => void | Promise<void>;
  async?: boolean;
  /** Make this case's backend current; returns the function that puts the previous one back. */
  enter?: () => Promise<() => void>;
}

/** Time one call of `fn`, returning its result and the seconds it took. */
export function timed<T>(fn: () => T): [T, number] {
  const t = performance.now();
  const r = fn();
  return [r, (performance.now() - t) / 1000];
}

export async function timedAsync<T>(fn: () => T | Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const r = await fn();
  return [r, (performance.now() - t) / 1000];
}

/** Two-sided 95 % Student t for small degrees of freedom (as benchmark.js uses). */
const T95 = [Infinity, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228];

/** Mean and 95 % relative margin of error of a few timed calls. */
export function measureOf(times: number[], fixed = true): Measure {
  const n = times.length, mean = times.reduce((p, v) => p + v, 0) / n;
  const sd = n > 1 ? Math.sqrt(times.reduce((p, v) => p + (v - mean) ** 2, 0) / (n - 1)) : 0;
  const rme = n > 1 ? (100 * T95[Math.min(n - 1, T95.length - 1)] * sd) / Math.sqrt(n) / mean : 0;
  return { mean, rme, samples: n, count: 1, fixed };
}

/**
 * For calls that take over `plan.slowCall` seconds: `plan.slowSamples` calls timed with
 * performance.now(), more (up to 10) while their total is under `plan.slowBudget` seconds.
 * `first`, when given, is an already-timed warm call (the correctness check, or for jax-js the
 * call after it), counted as the first sample.
 */
export async function fixedCount(plan: TimingPlan, c: Case, first?: number): Promise<Measure> {
  const restore = c.enter ? await c.enter() : () => {};
  try {
    const times = first === undefined ? [] : [first];
    const spent = () => times.reduce((a, b) => a + b, 0);
    while (times.length < plan.slowSamples || (times.length < 10 && spent() < plan.slowBudget)) times.push((await timedAsync(c.fn))[1]);
    return measureOf(times);
  } finally {
    restore();
  }
}

/** Run one case under benchmark.js, warmed up right before its timing starts (if `warm`). */
async function runCase(plan: TimingPlan, c: Case, round: string, warm: boolean): Promise<Measure> {
  const restore = c.enter ? await c.enter() : () => {};
  try {
    const end = performance.now() + (warm ? plan.warmup * 1000 : 0);
    do await c.fn(); while (performance.now() < end);
    return await new Promise<Measure>((ok, fail) => {
      let asyncError: unknown = null;
      const bench = c.async
        ? new Benchmark(c.name, {
          ...plan.options,
          defer: true,
          fn: (d: Benchmark.Deferred) => {
            (c.fn() as Promise<void>).then(() => d.resolve(), (e: unknown) => {
              asyncError = e;
              d.benchmark.abort();
              d.resolve();
            });
          },
        })
        : new Benchmark(c.name, c.fn as () => void, plan.options);
      bench.on("complete", () => {
        const err = asyncError ?? bench.error;
        if (err) return fail(new Error(`${c.name}: ${String((err as Error)?.stack ?? err)}`));
        process.stderr.write(`  ${round}${String(bench)}\n`);
        ok({ mean: bench.stats.mean, rme: bench.stats.rme, samples: bench.stats.sample.length, count: bench.count, fixed: false });
      });
      bench.run({ async: true });
    });
  } finally {
    restore();
  }
}

/**
 * Run the cases `plan.rounds` times (they alternate: ours, peer, ours, peer, …) and keep, for
 * each case, the round with the lowest mean. On a shared 2-core machine a burst of load from
 * another process can double one case's time; best-of-rounds treats every framework alike and
 * is far more repeatable.
 */
export async function runSuite(plan: TimingPlan, cases: Case[]): Promise<Map<string, Measure>> {
  const best = new Map<string, Measure>();
  for (let r = 1; r <= plan.rounds; r++) {
    for (const c of cases) {
      const m = await runCase(plan, c, plan.rounds > 1 ? `[round ${r}/${plan.rounds}] ` : "", r === 1);
      const prev = best.get(c.name);
      if (!prev || m.mean < prev.mean) best.set(c.name, m);
    }
  }
  return best;
}
