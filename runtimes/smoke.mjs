// The smoke run on another runtime: the built packages (packages/*/dist, `pnpm -r build` first),
// imported the way a user's program imports them. Plain ESM, so that every runtime runs it as it is
// (Node 20–26, Bun, Deno) with no TypeScript loader in between. Run it with the packages' dist
// condition, which points `#wasm-threads` and the workspace links at dist/:
//
//   node --conditions=backprop:dist runtimes/smoke.mjs
//   bun --conditions=backprop:dist runtimes/smoke.mjs
//   deno run -A --conditions=backprop:dist runtimes/smoke.mjs
//
// It checks, on the default backend and on "js":
//   1. the README's "Ten lines": the code block itself, taken from README.md and run, must print the
//      numbers the README's comment says (to the 4 decimals it shows);
//   2. a short training: 200 steps of SGD on a 2-16-16-1 ReLU MLP on 200 points of two moons
//      reaching a loss under 0.05 and 95% training accuracy;
//   3. a 300×300 matmul large enough for the wasm gemm (and its threads, where the runtime has them)
//      equal to the js reference within float32 tolerance;
//   4. a model out to ONNX and back in (the ONNX schema loads on first use) and through safetensors;
// and prints backendInfo() (backend, threads, fma, note). It fails (exit 1) on any miss, on a
// backend that fell back, and on an FMA choice other than the runtime's documented one (Node 22+:
// FMA unless BACKPROP_WASM_FMA=0; Node 20: only with --experimental-wasm-relaxed-simd).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as core from "../packages/core/dist/index.js";
import * as nn from "../packages/nn/dist/index.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const failures = [];
const check = (ok, what) => {
  console.log(`  ${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures.push(what);
};

// ── which runtime ──
const g = globalThis;
const runtime = g.Deno ? `Deno ${g.Deno.version.deno}` : g.Bun ? `Bun ${g.Bun.version}` : `Node ${process.version}`;
const nodeMajor = !g.Deno && !g.Bun ? Number(process.versions.node.split(".")[0]) : null;
// SMOKE_THREADS=n runs the wasm gemm on n threads instead of the default (e.g. 1 where threads fail).
if (process.env.SMOKE_THREADS) core.setThreads(Number(process.env.SMOKE_THREADS));
const info = core.backendInfo();
console.log(`smoke: ${runtime} (${process.platform}-${process.arch}), @backprop/core dist/`);
console.log(`  backendInfo(): ${JSON.stringify(info)}`);

const wanted = process.env.BACKPROP_BACKEND || "wasm";
check(info.backend === wanted && info.note === "", `the backend is "${wanted}" with no fallback note (got "${info.backend}"${info.note ? `: ${info.note}` : ""})`);
if (nodeMajor !== null) {
  const flagged = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)].includes("--experimental-wasm-relaxed-simd");
  const want = process.env.BACKPROP_WASM_FMA !== "0" && (nodeMajor >= 22 || flagged);
  check(info.fma === want, `fma is ${want} on Node ${nodeMajor}${flagged ? " with --experimental-wasm-relaxed-simd" : ""}${process.env.BACKPROP_WASM_FMA === "0" ? " with BACKPROP_WASM_FMA=0" : ""} (got ${info.fma})`);
}

// ── 1. the README's "Ten lines", as written there ──
const readme = readFileSync(`${root}README.md`, "utf8");
const section = readme.split(/^## Ten lines$/m)[1]?.split(/^## /m)[0] ?? "";
const block = section.match(/```ts\n([\s\S]*?)```/)?.[1];
if (!block) throw new Error("README.md: no ts code block under \"## Ten lines\"");
const expected = block.match(/console\.log\(.*\);\s*\/\/\s*(.+)$/m)?.[1].trim().split(/\s+/);
if (!expected?.length) throw new Error("README.md: the Ten lines block has no `console.log(…); // numbers` line");
// The block is TypeScript only in its non-null assertions (`a.grad!`); its one import is core's.
const js = block.replace(/^import .*$/m, "").replace(/!\./g, ".");
function tenLines() {
  const printed = [];
  const log = (...args) => printed.push(...args);
  new Function("tensor", "console", js)(core.tensor, { log });
  return printed;
}

function train() {
  core.manualSeed(0);
  const { x, y } = nn.moons(200, { noise: 0.1 });
  const net = new nn.Sequential(new nn.Linear(2, 16), new nn.ReLU(), new nn.Linear(16, 16), new nn.ReLU(), new nn.Linear(16, 1));
  const opt = new nn.SGD(net.parameters(), { lr: 0.1, momentum: 0.9 });
  let loss = NaN;
  const t0 = performance.now();
  for (let step = 0; step < 200; step++) {
    opt.zeroGrad();
    const l = nn.bceWithLogits(net.forward(x).squeeze(-1), y);
    l.backward();
    opt.step();
    loss = l.item();
  }
  const ms = performance.now() - t0;
  const logits = net.forward(x).squeeze(-1).data, labels = y.data;
  let right = 0;
  for (let i = 0; i < labels.length; i++) right += (logits[i] > 0) === (labels[i] > 0.5) ? 1 : 0;
  return { loss, accuracy: right / labels.length, ms };
}

const defaultBackend = core.getBackend();
for (const backend of [defaultBackend, ...(defaultBackend === "js" ? [] : ["js"])]) {
  core.setBackend(backend);
  console.log(`backend "${backend}":`);
  const printed = tenLines();
  const shown = printed.map((v) => (typeof v === "number" ? v.toFixed(4) : String(v)));
  check(shown.join(" ") === expected.join(" "), `README "Ten lines" prints ${shown.join("  ")} (README: ${expected.join("  ")})`);
  const t = train();
  check(t.loss < 0.05 && t.accuracy >= 0.95,
    `200 SGD steps of 2-16-16-1 on moons(200): loss ${t.loss.toFixed(4)} (< 0.05), train accuracy ${(100 * t.accuracy).toFixed(1)}% (≥ 95%), ${t.ms.toFixed(0)} ms`);
}
core.setBackend(defaultBackend);

// ── 3. a gemm big enough for the wasm kernels (and their threads), against the reference ──
if (defaultBackend === "wasm") {
  core.manualSeed(1);
  const a = core.randn([300, 300]), b = core.randn([300, 300]);
  const fast = a.matmul(b).data;
  core.setBackend("js");
  const ref = a.matmul(b).data;
  core.setBackend(defaultBackend);
  let worst = 0;
  for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(fast[i] - ref[i]) / (1 + Math.abs(ref[i])));
  check(worst < 1e-4, `300×300 matmul on wasm (${core.getThreads()} thread${core.getThreads() > 1 ? "s" : ""}) equals the js reference (worst relative difference ${worst.toExponential(1)})`);
  check(core.backendInfo().note === "", `no fallback after the threaded product${core.backendInfo().note ? `: ${core.backendInfo().note}` : ""}`);
}

// ── 4. interop: ONNX out and back in (the schema loads on first use), safetensors both ways ──
{
  core.manualSeed(2);
  const net = new nn.Sequential(new nn.Linear(3, 8), new nn.ReLU(), new nn.LayerNorm(8), new nn.Linear(8, 2));
  const back = nn.importOnnx(nn.exportOnnx(net, core.randn([4, 3])));
  const x = core.randn([6, 3]);
  const want = net.forward(x).data, got = back.forward(x).data;
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
  check(worst < 1e-5, `exportOnnx → importOnnx computes the same on a batch of 6 (traced on 4; worst difference ${worst.toExponential(1)})`);
  const sd = nn.fromSafetensors(nn.toSafetensors(net));
  check(sd["3.weight"].data.every((v, i) => v === net[3].weight.data[i]), "toSafetensors → fromSafetensors keeps every bit under PyTorch's keys");
}

console.log(failures.length ? `smoke: ${runtime}: ${failures.length} FAILED` : `smoke: ${runtime}: all passed`);
process.exitCode = failures.length ? 1 : 0;
