/**
 * One soak run in its own process (so that each starts from a clean heap), started by run.ts:
 *   BACKPROP_BACKEND=js node --expose-gc --import tsx soak/child.ts <workload> <steps> <warmup> <every>
 * Trains, and after the warm-up samples process.memoryUsage() every `every` steps, after a full
 * garbage collection, so that a sample is what is still reachable, not garbage waiting to be
 * collected. Twice, with a pause between: V8 frees ArrayBuffer memory on a background thread and
 * updates its `external` count only later, so one gc() alone leaves `external` 10–20 MB too high,
 * at random (measured: 6.3 MB after gc–pause–gc, 7–28 MB right after one gc()).
 * Prints one JSON line: the backend really used, the time and the samples.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { getBackend } from "../packages/core/src/index.js";
import { makeStep, WORKLOADS, type Workload } from "./workload.js";

export interface MemorySample {
  step: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  rss: number;
}

export interface RunResult {
  backend: string;
  workload: Workload;
  steps: number;
  ms: number;
  firstLoss: number;
  lastLoss: number;
  gc: boolean;
  samples: MemorySample[];
}

const [workload, steps, warmup, every] = [process.argv[2] as Workload, Number(process.argv[3]), Number(process.argv[4]), Number(process.argv[5])];
if (!WORKLOADS.includes(workload)) throw new Error(`soak/child: unknown workload ${JSON.stringify(workload).slice(0, 40)}; expected ${WORKLOADS.join(" or ")}`);
const gc = (globalThis as { gc?: () => void }).gc;

const step = makeStep(workload);
// SOAK_LEAK_BYTES (run.ts --leak): keep that many bytes per step, to see the soak catch a leak.
const leakBytes = Number(process.env.SOAK_LEAK_BYTES ?? 0);
const leaked: Uint8Array[] = [];
const samples: MemorySample[] = [];
let firstLoss = NaN, lastLoss = NaN;
const start = performance.now();
for (let i = 1; i <= steps; i++) {
  lastLoss = step();
  if (leakBytes > 0) leaked.push(new Uint8Array(leakBytes));
  if (i === 1) firstLoss = lastLoss;
  if (i > warmup && i % every === 0) {
    gc?.();
    await sleep(5);
    gc?.();
    await sleep(5);
    const m = process.memoryUsage();
    samples.push({ step: i, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, rss: m.rss });
  }
}
const result: RunResult = { backend: getBackend(), workload, steps, ms: performance.now() - start, firstLoss, lastLoss, gc: gc !== undefined, samples };
process.stdout.write(`${JSON.stringify(result)}\n`);
