/**
 * `pnpm bench`: @backprop/core on each of its kernel backends beside TensorFlow.js (CPU and WASM),
 * jax-js and, as the physical limit, numpy's BLAS, on the same seeded float32 inputs.
 *
 *   pnpm bench                          full run (about ten minutes: the conv layer alone takes
 *                                       four, TF.js CPU needing over two for its one call)
 *   pnpm bench -- --skip conv           everything but the conv layer (a few minutes)
 *   pnpm bench -- --only lenet,conv --peers jax   the convolutions against jax-js only
 *   pnpm bench -- --quick               smoke run (also BENCH_QUICK=1): smaller sizes, short timings
 *   pnpm bench -- --json out.json       also write the results as JSON (path relative to where pnpm ran)
 *   pnpm bench -- --only matmul,train   run only some workloads (comma-separated, see below)
 *   pnpm bench -- --skip lenet,conv     run all workloads but these
 *   pnpm bench -- --peers tfjs-wasm,jax run only some peers (tfjs-cpu, tfjs-wasm, jax, numpy; default all)
 *
 * Workloads (--only names):
 *   matmul   float32 n×n products, n = 64, 256, 1024 (quick: 64, 256), in three layouts:
 *            A·B, A·Bᵀ and Aᵀ·B, in GFLOP/s. See workloads.ts for how each layout is expressed.
 *   chain    x → ·2 → +1 → relu → sigmoid on 10⁶ floats (quick: 10⁵), forward, ms.
 *   relusig  sigmoid(relu(x)) on 10⁶ floats (quick: 10⁵), forward, ms.
 *   mlp      MLP 2-16-16-1 batch 32, forward + backward of an MSE loss, µs.
 *   train    one training step (forward, sigmoid-BCE, backward, SGD) of 2-16-16-1 b32,
 *            784-128-64-1 b64 and 1024-1024-1024-1 b256 (quick: the first two).
 *   lenet    one LeNet-5 training step, batch 64 of 1×28×28 (quick: 16): conv, ReLU, max-pool
 *            twice, dense 400-120-84-10, softmax cross-entropy, SGD, ms (conv-workloads.ts).
 *   conv     one conv layer 32→64 3×3 pad 1 + bias on 64×32×28×28 (quick: 8×…), loss Σ conv(x)·G,
 *            forward and dL/dx, dL/dW, dL/db, ms. The slowest workload by far (see Timing).
 *
 * Sides (table columns):
 *   backprop js / wasm / wasm ×2   each backend configuration of ours that exists at run time
 *                                  (ours.ts): "wasm" once setBackend("wasm") works, pinned to one
 *                                  thread; "wasm ×2" when core also exports setThreads(n).
 *                                  Missing ones are listed under "Not measured".
 *   TF.js CPU, TF.js WASM          peer-tfjs.ts / peer-tfjs-wasm.ts (WASM: SIMD, one thread)
 *   jax-js                         peer-jax.ts (wasm device, jit-compiled, one thread)
 *   limit (numpy BLAS)             limit-numpy.ts: python3 + numpy, timed by python itself, with the
 *                                  BLAS pinned to 1 and 2 threads (matmul A·B at the largest size,
 *                                  and relusig); skipped with a message when python3/numpy are absent.
 *
 * Every side of a workload gets the same inputs, and its result is checked against backprop's js
 * backend (itself checked against TF.js here and by the tests) once before any timing, so a wrong
 * kernel fails loudly instead of being timed. Then each side is timed with its own backend current
 * (and the previous backend restored after it). One table is printed at the end, with the fastest
 * of ours ÷ the fastest peer per row, and each of the project's targets marked ✓ / ✗ (targets.ts),
 * or – with the reason when a side it needs was not measured. --json writes the same as
 * { meta, rows: [{ workload, unit, cells: { [column]: { value, stats } } }], targets, limit }.
 *
 * Timing (timing.ts): benchmark.js per side, best of 2 rounds (quick: 1); a side slower than half
 * a second per call gets a fixed count of calls instead (marked † in the table): at least 2, more
 * while they add up to under 3 s. A side slower
 * than 5 s per call, and TF.js CPU on the two convolution workloads, is timed ONCE (‡): its warm
 * call, already made (the checked call; for jax-js the one after its compiling call), is the one
 * sample. A framework that cannot run a workload (TF.js WASM has no conv filter gradient) is
 * detected from its error and shown as "not supported"; any other error stops the bench.
 */
import { loadavg } from "node:os";
import { resolve } from "node:path";
import * as core from "@backprop/core";
import { check } from "./check.js";
import { CONV_LAYER, LENET_BATCH } from "./conv-workloads.js";
import { measureNumpyLimit, type NumpyLimit } from "./limit-numpy.js";
import { describeConfig, detectConfigs, withConfig } from "./ours.js";
import { jaxChain, jaxMatmul, jaxReluSigmoid, jaxTrainStep, loadJax } from "./peer-jax.js";
import { loadTf, tfChain, tfMatmul, tfMlp, tfReluSigmoid, tfTrainStep } from "./peer-tfjs.js";
import { loadTfWasm } from "./peer-tfjs-wasm.js";
import { benchConvLayer, benchLenet, CONV_NOTE } from "./run-conv.js";
import { arrays, jaxSide, measure, standardSides, type Env } from "./sides.js";
import { collectMeta, fmaLabel, formatTable, LIMIT_COLUMN, makeRow, writeJson, type Measure, type Row } from "./table.js";
import { chainName, evaluateTargets, matmulName, reluSigName, trainName } from "./targets.js";
import { timingPlan } from "./timing.js";
import {
  chainInputs, LAYOUT_LABEL, MATMUL_LAYOUTS, matmulFlops, matmulInputs, mlpInputs, oursChain, oursMatmul, oursMatmulHow, oursMlp,
  oursReluSigmoid, oursTrainStep, TRAIN_CASES, TRAIN_LR, trainInputs,
} from "./workloads.js";

/** Which build of the framework runs: `pnpm bench` asks Node for the built dist/ (what users install). */
const coreSource = import.meta.resolve("@backprop/core").includes("/dist/") ? "dist" : "src";

// ─────────────────────────────── options ───────────────────────────────

const WORKLOADS = ["matmul", "chain", "relusig", "mlp", "train", "lenet", "conv"] as const;
type Workload = (typeof WORKLOADS)[number];
const PEERS = ["tfjs-cpu", "tfjs-wasm", "jax", "numpy"] as const;
type Peer = (typeof PEERS)[number];

const USAGE = `usage: pnpm bench [-- options]
  --quick              smoke run: smaller sizes, short timings (also BENCH_QUICK=1)
  --json <file>        also write the results as JSON (path relative to where pnpm ran)
  --only <list>        workloads, comma-separated: ${WORKLOADS.join(", ")} (default: all)
  --skip <list>        all workloads but these (conv alone takes about four minutes: TF.js CPU
                       needs over two for its one call)
  --peers <list>       peers, comma-separated: ${PEERS.join(", ")} (default: all)
  -h, --help           this text
Our backends (js, wasm, wasm ×2 threads) always run when this build of @backprop/core has them.`;

function listArg<T extends string>(flag: string, value: string, allowed: readonly T[]): Set<T> {
  const list = value.split(",").filter(Boolean);
  const bad = list.filter((w) => !(allowed as readonly string[]).includes(w));
  if (!list.length || bad.length) throw new Error(`${flag} takes a comma-separated list of ${allowed.join(", ")}`);
  return new Set(list as T[]);
}

function parseArgs(argv: string[]): { quick: boolean; json: string | null; only: Set<Workload>; peers: Set<Peer> } {
  let quick = /^(1|true|yes)$/i.test(process.env.BENCH_QUICK ?? "");
  let json: string | null = null;
  let only = new Set<Workload>(WORKLOADS);
  let peers = new Set<Peer>(PEERS);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (flag: string) => (a === flag ? argv[++i] ?? "" : a.slice(flag.length + 1));
    if (a === "--") continue; // pnpm may pass the separator through
    else if (a === "--quick") quick = true;
    else if (a === "--json" || a.startsWith("--json=")) {
      json = value("--json");
      if (!json) throw new Error("--json needs a file name");
    } else if (a === "--only" || a.startsWith("--only=")) only = listArg("--only", value("--only"), WORKLOADS);
    else if (a === "--skip" || a.startsWith("--skip=")) {
      const skip = listArg("--skip", value("--skip"), WORKLOADS);
      only = new Set([...only].filter((w) => !skip.has(w))); // from what --only (if before it) kept
    } else if (a === "--peers" || a.startsWith("--peers=")) peers = listArg("--peers", value("--peers"), PEERS);
    else if (a === "--help" || a === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown argument ${JSON.stringify(a)} (try --help)`);
  }
  // pnpm runs the script inside bench/; resolve against the directory pnpm was started in.
  if (json) json = resolve(process.env.INIT_CWD ?? process.cwd(), json);
  return { quick, json, only, peers };
}

const { quick, json, only, peers } = (() => {
  try {
    return parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`bench: ${(e as Error).message}`);
    process.exit(2);
  }
})();

const PLAN = timingPlan(quick);
const MATMUL_SIZES = quick ? [64, 256] : [64, 256, 1024];
const CHAIN_SIZE = quick ? 100_000 : 1_000_000;
const MLP_BATCH = 32;
const LENET_B = quick ? 16 : LENET_BATCH;
const CONV_SHAPE = quick ? { ...CONV_LAYER, n: 8 } : CONV_LAYER;

// The sides of a workload, and how they are checked and timed: sides.ts.

// ───────────────────────────── workloads ─────────────────────────────

async function benchMatmul(env: Env, rows: Row[], limit: NumpyLimit | string | null): Promise<void> {
  for (const n of MATMUL_SIZES) {
    const inp = matmulInputs(n, 1 + n);
    for (const layout of MATMUL_LAYOUTS) {
      const name = matmulName(n, layout);
      const sides = [
        ...(await standardSides(env, () => {
          const f = oursMatmul(inp, layout);
          return { run: () => { f(); }, result: () => f().data, dispose: () => {} };
        }, (tf) => tfMatmul(tf, inp, layout))),
        ...(await jaxSide(env, (jax) => jaxMatmul(jax, inp, layout), true)),
      ];
      const stats = await measure(PLAN, `${name} (float32)`, sides, arrays(name, 2e-6 * n, 1e-5));
      if (layout === "AB" && typeof limit === "object" && limit?.matmul?.n === n) {
        const t = limit.matmul.threads1;
        stats.set(LIMIT_COLUMN, { mean: t.best, rme: 0, samples: t.repeats, count: 1 });
      }
      rows.push(makeRow(name, "GFLOP/s", stats, { flops: matmulFlops(n) }));
    }
  }
}

async function benchChain(env: Env, rows: Row[]): Promise<void> {
  const inp = chainInputs(CHAIN_SIZE);
  const name = chainName(CHAIN_SIZE);
  const sides = [
    ...(await standardSides(env, () => {
      const f = oursChain(inp);
      return { run: () => { f(); }, result: () => f().data, dispose: () => {} };
    }, (tf) => tfChain(tf, inp))),
    ...(await jaxSide(env, (jax) => jaxChain(jax, inp), true)),
  ];
  rows.push(makeRow(name, "ms", await measure(PLAN, `elementwise ${name} (forward)`, sides, arrays(name, 1e-6, 1e-5))));
}

async function benchReluSigmoid(env: Env, rows: Row[], limit: NumpyLimit | string | null): Promise<void> {
  const inp = chainInputs(CHAIN_SIZE, 5);
  const name = reluSigName(CHAIN_SIZE);
  const sides = [
    ...(await standardSides(env, () => {
      const f = oursReluSigmoid(inp);
      return { run: () => { f(); }, result: () => f().data, dispose: () => {} };
    }, (tf) => tfReluSigmoid(tf, inp))),
    ...(await jaxSide(env, (jax) => jaxReluSigmoid(jax, inp), true)),
  ];
  const stats = await measure(PLAN, `elementwise ${name} (forward)`, sides, arrays(name, 1e-6, 1e-5));
  if (typeof limit === "object" && limit?.relusig?.size === CHAIN_SIZE) {
    stats.set(LIMIT_COLUMN, { mean: limit.relusig.best, rme: 0, samples: limit.relusig.repeats, count: 1 });
  }
  rows.push(makeRow(name, "ms", stats));
}

interface Grads { loss: number; grads: Float32Array[] }

async function benchMlp(env: Env, rows: Row[]): Promise<string[]> {
  const inp = mlpInputs(MLP_BATCH);
  const label = `MLP ${inp.sizes.join("-")} b${MLP_BATCH} fwd+bwd`;
  const names: string[] = [];
  let oursStats: Map<string, Measure> | null = null;
  // Two rows: TF.js unfused, then with tf.fused.matMul. Our sides are timed once, in the first
  // row, and shown in both; in the second, backprop js is only the correctness reference.
  for (const fused of [false, true]) {
    const name = `${label} (TF ${fused ? "fused.matMul" : "matMul+add+relu"})`;
    let sides = await standardSides<Grads>(env, () => {
      const m = oursMlp(inp);
      return {
        run: () => { m.step(); },
        result: () => ({ loss: m.step().item(), grads: m.params.map((p) => Float32Array.from(p.grad!.data)) }),
        dispose: () => {},
      };
    }, (tf) => tfMlp(tf, inp, fused));
    if (oursStats) {
      sides.forEach((s, i) => { if (i > 0 && oursStats!.has(s.column)) s.dispose(); });
      sides = sides.filter((s, i) => i === 0 || !oursStats!.has(s.column));
      sides[0].untimed = true;
    }
    const stats = await measure(PLAN, `MLP ${inp.sizes.join("-")} batch ${MLP_BATCH}, forward + backward (TF ${fused ? "fused" : "unfused"})`, sides, (who, got, refWho, ref) => {
      check(`${name} loss`, who, [got.loss], refWho, [ref.loss], 1e-6, 1e-5);
      got.grads.forEach((g, i) => check(`${name} grad #${i}`, who, g, refWho, ref.grads[i], 1e-6, 1e-4));
    });
    if (oursStats) for (const [col, m] of oursStats) stats.set(col, m);
    else oursStats = new Map([...stats].filter(([col]) => env.ours.some((c) => c.label === col)));
    rows.push(makeRow(name, "µs", stats, fused
      ? { note: "TF side is tf.variableGrads over loss = mean((y − t)²); 'fused' uses tf.fused.matMul({a, b, bias, activation}), TF's counterpart of our linear(); backprop sets .grad = null on each parameter, then loss.backward()" }
      : {}));
    names.push(name);
  }
  return names;
}

interface Stepped { loss: number; params: Float32Array[] }

/**
 * One full training step — forward, sigmoid-BCE (mean), backward, plain SGD — on three networks.
 * Checked first: from identical parameters, one step on every side must give the same loss and
 * the same updated parameters.
 */
async function benchTrain(env: Env, rows: Row[]): Promise<void> {
  for (const { sizes, batch } of quick ? TRAIN_CASES.slice(0, 2) : TRAIN_CASES) {
    const inp = trainInputs(batch, sizes);
    const name = trainName(sizes, batch);
    const sides = [
      ...(await standardSides<Stepped>(env, () => {
        const ours = oursTrainStep(inp);
        return {
          run: () => { ours.step(); },
          result: () => ({ loss: ours.step(), params: ours.params.map((p) => Float32Array.from(p.data)) }),
          dispose: () => {},
        };
      }, (tf) => {
        const peer = tfTrainStep(tf, inp, TRAIN_LR);
        return { run: () => peer.run(), result: () => peer.result(), dispose: () => peer.dispose() };
      })),
      ...(await jaxSide<Stepped>(env, (jax) => jaxTrainStep(jax, inp, TRAIN_LR), false)),
    ];
    const stats = await measure(PLAN, `${name} (float32): forward, bceWithLogits, backward, SGD`, sides, (who, got, refWho, ref) => {
      check(`${name} loss`, who, [got.loss], refWho, [ref.loss], 1e-6, 1e-5);
      got.params.forEach((p, j) => check(`${name} param #${j} after one SGD step`, who, p, refWho, ref.params[j], 1e-6, 1e-4));
    });
    rows.push(makeRow(name, sizes[0] >= 512 ? "ms" : "µs", stats));
  }
}

// ───────────────────────────── main ─────────────────────────────

async function main(): Promise<void> {
  const t0 = performance.now(), startLoad = loadavg()[0];
  const sides: string[] = [], skipped: string[] = [];
  const absent = new Map<string, string>();

  const initialBackend = core.getBackend();
  const { configs, skipped: oursSkipped } = detectConfigs();
  skipped.push(...oursSkipped);
  for (const label of ["backprop wasm", "backprop wasm ×2"]) if (!configs.some((c) => c.label === label)) absent.set(label, "not in this build of @backprop/core");
  sides.push(`backprop: @backprop/core ${coreSource === "dist" ? "built dist/" : "TypeScript source"}, backends ${configs.map((c) => describeConfig(c)).join(", ")} (default "${initialBackend}")`);

  const env: Env = { ours: configs, tf: null, tfBackends: [], jax: null };
  if (peers.has("tfjs-cpu") || peers.has("tfjs-wasm")) {
    env.tf = await loadTf();
    if (peers.has("tfjs-cpu")) {
      env.tfBackends.push("cpu");
      sides.push(`TF.js CPU: @tensorflow/tfjs ${env.tf.version.tfjs}, "cpu" backend (pure JS)`);
    }
    if (peers.has("tfjs-wasm")) {
      try {
        const info = await loadTfWasm(env.tf);
        env.tfBackends.push("wasm");
        sides.push(`TF.js WASM: @tensorflow/tfjs-backend-wasm ${env.tf.version.tfjs}, ${info.binary} (SIMD ${info.simd ? "on" : "OFF"}), ${info.threads} thread`);
      } catch (e) {
        skipped.push(`TF.js WASM: ${(e as Error).message}`);
        absent.set("TF.js WASM", (e as Error).message);
      }
    }
  }
  if (peers.has("jax")) {
    try {
      const { jax, info } = await loadJax();
      env.jax = jax;
      sides.push(`jax-js: @jax-js/jax ${info.version}, "${info.device}" device, jit-compiled, ${info.threads} thread`);
    } catch (e) {
      skipped.push(`jax-js: ${(e as Error).message}`);
      absent.set("jax-js", (e as Error).message);
    }
  }
  for (const p of PEERS) if (!peers.has(p)) skipped.push(`${p}: left out by --peers`);
  if (!peers.has("tfjs-cpu")) absent.set("TF.js CPU", "left out by --peers");
  if (!peers.has("tfjs-wasm")) absent.set("TF.js WASM", "left out by --peers");
  if (!peers.has("jax")) absent.set("jax-js", "left out by --peers");

  // The limit runs first, on a quiet machine, in its own processes.
  let limit: NumpyLimit | string | null = null;
  if (peers.has("numpy") && (only.has("matmul") || only.has("relusig"))) {
    process.stderr.write("\n▶ limit: numpy (python3), BLAS on 1 and 2 threads\n");
    limit = measureNumpyLimit(only.has("matmul") ? Math.max(...MATMUL_SIZES) : 0, only.has("relusig") ? CHAIN_SIZE : 0, quick);
    if (typeof limit === "string") {
      console.log(`numpy not found: limit skipped${limit === "numpy not found" ? "" : ` (${limit})`}`);
      skipped.push(`limit (numpy BLAS): ${limit}`);
    } else {
      sides.push(`limit: numpy ${limit.numpy} (${limit.blas}), python ${limit.python}, BLAS pinned to 1 / 2 threads by OPENBLAS_NUM_THREADS, OMP_NUM_THREADS, MKL_NUM_THREADS`);
    }
  }

  const notes = [
    ...(only.has("matmul") ? [
      `matmul layouts on our side: ${MATMUL_LAYOUTS.map((l) => `${LAYOUT_LABEL[l]} = ${oursMatmulHow(l)}`).join("; ")}. ` +
        "TF.js: tf.matMul(a, b, transposeA, transposeB); jax-js: np.matmul on .transpose() views under jit.",
    ] : []),
    ...(only.has("lenet") || only.has("conv") ? [CONV_NOTE] : []),
  ];

  // Which Node ran, and whether its wasm gemm used fused multiply-add (Node 22+ by default): both
  // move the numbers, so both head the progress output and the table.
  const wasmConfig = configs.find((c) => c.backend === "wasm");
  const fma = wasmConfig ? withConfig(wasmConfig, () => core.backendInfo().fma) : null;
  process.stderr.write(`\nbackprop ${coreSource === "dist" ? "built dist/" : "source (tsx)"} on Node ${process.version}${fmaLabel(fma)}: ${configs.map((c) => c.label).join(", ")}${quick ? " · quick mode" : ""}\n`);
  const rows: Row[] = [];
  let mlpRows: string[] = [];
  if (only.has("matmul")) await benchMatmul(env, rows, limit);
  if (only.has("chain")) await benchChain(env, rows);
  if (only.has("relusig")) await benchReluSigmoid(env, rows, limit);
  if (only.has("mlp")) mlpRows = await benchMlp(env, rows);
  if (only.has("train")) await benchTrain(env, rows);
  if (only.has("lenet")) await benchLenet(env, rows, PLAN, LENET_B);
  if (only.has("conv")) await benchConvLayer(env, rows, PLAN, CONV_SHAPE);
  // Every case restores the backend it found; anything else is a bug in the bench.
  if (core.getBackend() !== initialBackend) throw new Error(`bench left @backprop/core on backend "${core.getBackend()}", not "${initialBackend}"`);

  const targets = evaluateTargets({ rows, ran: only, absent, reluSigSize: CHAIN_SIZE, mlpRows });
  const meta = collectMeta({
    quick, rounds: PLAN.rounds, slowCall: PLAN.slowCall,
    core: coreSource === "dist" ? "built dist/" : "TypeScript source via tsx", sides, skipped, notes, fma,
  }, startLoad);
  console.log("\n" + formatTable(rows, targets, meta, limit));
  console.log(`\n(total ${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  if (json) {
    writeJson(json, rows, targets, meta, limit);
    console.log(`results written to ${json}`);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
