/**
 * `pnpm soak`: does memory stay flat over a long training run? For each backend ("wasm", "js") and
 * each workload (SGD with momentum, Adam; soak/workload.ts), a fresh process trains 100k steps and
 * samples its memory every 1000 steps after a 10k-step warm-up (soak/child.ts). The series of heap,
 * external and rss figures are judged by soak/trend.ts; any trend above its limit fails the soak.
 *
 *   pnpm soak [--steps 100000] [--warmup 10000] [--every 1000] [--backends wasm,js] [--workloads sgd,adam]
 *   pnpm soak --leak 64      the same runs keeping 64 extra bytes every step: the soak must fail
 *
 * Limits (see trend.ts for what slope and growth measure). The samples follow a full GC, so heap
 * and external are what is still reachable; their noise is well under 1 MB. A leak of one small
 * tensor per step would add tens of MB; one of 25 bytes a step (a closure, a map entry) adds 2 MB.
 *   heap, external: slope ≤ 2 MB, growth ≤ 4 MB over the sampled 90k steps
 *   rss:            slope ≤ 128 MB, growth ≤ 128 MB: a safety net for native memory only. V8 and
 *                   the allocator keep freed pages as they see fit (measured: rss steps up 25 MB at
 *                   ~80k steps while the used heap stays flat), so rss cannot judge a small leak.
 * Not part of `pnpm test` (minutes, and it wants the machine to itself). Every run's samples are
 * written to out/soak/<backend>-<workload>.json, to plot or to look into a failure.
 */
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { MemorySample, RunResult } from "./child.js";
import { MB, trend, type Limits, type Trend } from "./trend.js";

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, "..", "out", "soak");

const LIMITS: Record<"heapUsed" | "external" | "rss", Limits> = {
  heapUsed: { slope: 2 * MB, growth: 4 * MB },
  external: { slope: 2 * MB, growth: 4 * MB },
  rss: { slope: 128 * MB, growth: 128 * MB },
};
type Metric = keyof typeof LIMITS;
const METRICS = Object.keys(LIMITS) as Metric[];

interface Options {
  steps: number;
  warmup: number;
  every: number;
  backends: string[];
  workloads: string[];
  /** Bytes the child keeps every step (a deliberate leak, to check the soak catches one); 0 = none. */
  leak: number;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { steps: 100_000, warmup: 10_000, every: 1000, backends: ["wasm", "js"], workloads: ["sgd", "adam"], leak: 0 };
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === "--") continue; // pnpm passes it through
    if (value === undefined) throw new Error(`soak: ${flag} needs a value`);
    i++;
    if (flag === "--steps" || flag === "--warmup" || flag === "--every" || flag === "--leak") {
      const n = Number(value);
      if (!Number.isInteger(n) || n < (flag === "--leak" ? 0 : 1)) throw new Error(`soak: ${flag} must be a ${flag === "--leak" ? "non-negative" : "positive"} integer, got ${value.slice(0, 40)}`);
      o[flag.slice(2) as "steps" | "warmup" | "every" | "leak"] = n;
    } else if (flag === "--backends" || flag === "--workloads") {
      o[flag.slice(2) as "backends" | "workloads"] = value.split(",");
    } else {
      throw new Error(`soak: unknown flag ${flag.slice(0, 40)}; expected --steps, --warmup, --every, --backends, --workloads, --leak`);
    }
  }
  if ((o.steps - o.warmup) / o.every < 8) throw new Error("soak: fewer than 8 samples after the warm-up; raise --steps or lower --every");
  return o;
}

/** Run one backend × workload in a fresh process with --expose-gc; resolves to its result. */
function runChild(backend: string, workload: string, o: Options): Promise<RunResult> {
  const args = ["--expose-gc", "--import", "tsx", join(here, "child.ts"), workload, String(o.steps), String(o.warmup), String(o.every)];
  const child = spawn(process.execPath, args, { env: { ...process.env, BACKPROP_BACKEND: backend, SOAK_LEAK_BYTES: String(o.leak) }, stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`soak: the ${backend}/${workload} run exited with code ${code}`));
      const result = JSON.parse(out.trim().split("\n").pop()!) as RunResult;
      // A run that silently fell back to another backend would soak the wrong thing.
      if (result.backend !== backend) return reject(new Error(`soak: asked for the ${backend} backend, the run used ${result.backend}`));
      resolve(result);
    });
  });
}

const f = (bytes: number) => (bytes / MB).toFixed(2);
const signed = (bytes: number) => `${bytes >= 0 ? "+" : ""}${f(bytes)}`;

/** One table row per run: per metric "first → last (growth, slope)" in MB. */
function row(r: RunResult, trends: Record<Metric, Trend>): string[] {
  const cells = METRICS.map((m) => `${f(trends[m].first)} → ${f(trends[m].last)} (${signed(trends[m].growth)}, ${signed(trends[m].slope)})`);
  const ok = METRICS.every((m) => trends[m].ok);
  return [r.backend, r.workload, String(r.steps), `${(r.ms / 1000).toFixed(0)} s`, `${r.firstLoss.toFixed(3)} → ${r.lastLoss.toFixed(3)}`, ...cells, ok ? "ok" : "TREND"];
}

function printTable(rows: string[][]): void {
  const head = ["backend", "run", "steps", "time", "loss", ...METRICS.map((m) => `${m} MB: first → last (growth, slope)`), "verdict"];
  const all = [head, ...rows];
  const widths = head.map((_, c) => Math.max(...all.map((r) => r[c].length)));
  for (const [i, r] of all.entries()) {
    console.log(r.map((cell, c) => cell.padEnd(widths[c])).join("  ").trimEnd());
    if (i === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
  }
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  console.log(`soak: ${o.steps} steps per run, memory sampled every ${o.every} after a ${o.warmup}-step warm-up (after a full GC), Node ${process.version}`);
  if (o.leak > 0) console.log(`soak: leaking ${o.leak} bytes a step on purpose (--leak): this run must fail`);
  const rows: string[][] = [];
  const failures: string[] = [];
  for (const backend of o.backends) {
    for (const workload of o.workloads) {
      const r = await runChild(backend, workload, o);
      mkdirSync(outDir, { recursive: true });
      writeFileSync(join(outDir, `${backend}-${workload}.json`), JSON.stringify(r, null, 1));
      if (!r.gc) failures.push(`${backend}/${workload}: ran without --expose-gc, so samples include garbage`);
      const trends = Object.fromEntries(
        METRICS.map((m) => [m, trend(r.samples.map((s: MemorySample) => ({ step: s.step, bytes: s[m] })), LIMITS[m])]),
      ) as Record<Metric, Trend>;
      for (const m of METRICS) for (const why of trends[m].reasons) failures.push(`${backend}/${workload} ${m}: ${why}`);
      rows.push(row(r, trends));
      console.log(`  ${row(r, trends).join("  ")}`);
    }
  }
  console.log("");
  printTable(rows);
  if (failures.length > 0) {
    console.error(`\nsoak FAILED: memory grows with the number of steps\n  ${failures.join("\n  ")}`);
    process.exitCode = 1;
  } else {
    console.log("\nsoak passed: no trend above the limits on any run (heap, external; rss within its safety net)");
  }
}

await main();
