/**
 * GFLOP/s of the pure-JS gemm kernel (src/kernels/js/gemm.ts) for every layout and dtype, with
 * TensorFlow.js's CPU backend (tf.matMul, float32, no transposes) as a reference.
 *
 *   pnpm exec tsx packages/core/bench/gemm-tune.ts            # all sizes
 *   pnpm exec tsx packages/core/bench/gemm-tune.ts 64,256     # only some sizes (NxN or MxNxK)
 *   pnpm exec tsx packages/core/bench/gemm-tune.ts --no-tf    # skip TF.js
 *
 * Each number is the median of several timed repetitions. Each repetition loops enough calls to
 * last about 100 ms, after a warm-up that lets V8 optimize. The four layouts of one row are timed
 * round-robin. GFLOP/s = 2·m·n·k / seconds of wall-clock time. On a shared machine these timings
 * are noisy, so trust differences above ~10% only. TF.js is loaded and timed only after all of our
 * numbers are taken; see the note in main().
 */
import { gemm, type FloatArray } from "../src/kernels/js/gemm.js";

type Size = [m: number, n: number, k: number];

const args = process.argv.slice(2);
const withTf = !args.includes("--no-tf");
const sizeArg = args.find((x) => !x.startsWith("--"));
const SIZES: Size[] = (sizeArg ?? "32x16x16,64,256,1024").split(",").map(parseSize);
const TF_SIZES = new Set(["64x64x64", "256x256x256", "1024x1024x1024"]);
const LAYOUTS: [name: string, transA: boolean, transB: boolean][] = [
  ["NN", false, false], ["TN", true, false], ["NT", false, true], ["TT", true, true],
];

function parseSize(s: string): Size {
  const p = s.split("x").map(Number);
  if (p.length === 1) return [p[0], p[0], p[0]];
  if (p.length === 3 && p.every((x) => Number.isInteger(x) && x > 0)) return [p[0], p[1], p[2]];
  throw new Error(`bad size ${JSON.stringify(s)}: use N or MxNxK`);
}

function random(T: Float32ArrayConstructor | Float64ArrayConstructor, len: number, seed: number): FloatArray {
  const x = new T(len);
  let s = seed >>> 0;
  for (let i = 0; i < len; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = s / 4294967296 - 0.5;
  }
  return x;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/**
 * Median GFLOP/s of each function in `runs` (one call = `flops` floating-point operations).
 * The runs are timed round-robin: a slow phase of a shared machine then hits all of them alike
 * and does not sink just one.
 */
function measure(runs: (() => void)[], flops: number): number[] {
  const iters: number[] = [];
  let slowest = 0;
  for (const run of runs) {
    // Warm-up: at least ~150 ms and up to 3 calls (fewer if a call takes seconds), so the JIT has settled.
    let calls = 0;
    const w0 = performance.now();
    const elapsed = () => performance.now() - w0;
    while (calls < 1 || elapsed() < 150 || (calls < 3 && elapsed() < 1000)) { run(); calls++; }
    const perCall = elapsed() / calls;
    iters.push(Math.max(1, Math.round(100 / perCall))); // ~100 ms per timed repetition
    slowest = Math.max(slowest, perCall);
  }
  const rounds = slowest > 200 ? 3 : 7;
  const rates: number[][] = runs.map(() => []);
  for (let r = 0; r < rounds; r++) {
    runs.forEach((run, i) => {
      const t0 = performance.now();
      for (let j = 0; j < iters[i]; j++) run();
      const ms = (performance.now() - t0) / iters[i];
      rates[i].push(flops / (ms * 1e6));
    });
  }
  return rates.map(median);
}

const label = ([m, n, k]: Size) => `${m}x${n}x${k}`;
const fmt = (x: number) => x.toFixed(2).padStart(6);

type Tf = typeof import("@tensorflow/tfjs");
type TfTensor = ReturnType<Tf["tensor2d"]>;

async function loadTf(): Promise<Tf> {
  // The CPU backend prints a "you are running TensorFlow.js in Node.js" banner; keep it out of the table.
  const { log, warn, info } = console;
  console.log = console.warn = console.info = () => {};
  try {
    const tf = await import("@tensorflow/tfjs");
    await tf.setBackend("cpu");
    await tf.ready();
    tf.scalar(0).dispose();
    return tf;
  } finally {
    console.log = log; console.warn = warn; console.info = info;
  }
}

async function main(): Promise<void> {
  console.log(`gemm-tune: Node ${process.version}, pure-JS gemm, GFLOP/s (median of repetitions; higher is better)`);
  console.log(`${"size".padEnd(16)}${"dtype".padEnd(8)}${LAYOUTS.map(([name]) => name.padStart(6)).join(" ")}`);
  const oursNN = new Map<string, number>(); // float32 NN rate per size, for the TF.js comparison
  for (const size of SIZES) {
    const [m, n, k] = size;
    for (const T of [Float32Array, Float64Array]) {
      const a = random(T, m * k, 1), b = random(T, k * n, 2), c = new T(m * n);
      const runs = LAYOUTS.map(([, tA, tB]) => () => gemm(a, 0, b, 0, c, 0, m, n, k, tA, tB));
      const rates = measure(runs, 2 * m * n * k);
      if (T === Float32Array) oursNN.set(label(size), rates[0]);
      console.log(`${label(size).padEnd(16)}${(T === Float32Array ? "f32" : "f64").padEnd(8)}${rates.map(fmt).join(" ")}`);
    }
  }

  // TF.js goes last. Loading it (through tsx) invalidates V8's "ArrayBuffer detaching" protector for
  // the whole process. From then on, every optimized typed-array load also checks that its buffer
  // was not detached, which cost our kernel ~25% when measured after TF.js was loaded.
  const tfSizes = SIZES.filter((s) => TF_SIZES.has(label(s)));
  if (!withTf || tfSizes.length === 0) return;
  const tf = await loadTf();
  console.log(`\nTensorFlow.js ${tf.version.tfjs} "cpu" backend, tf.matMul(a, b), float32, GFLOP/s`);
  console.log(`${"size".padEnd(16)}${"tf.matMul".padStart(10)}${"ours NN".padStart(10)}${"ours/tf".padStart(10)}`);
  for (const size of tfSizes) {
    const [m, n, k] = size;
    const a = random(Float32Array, m * k, 1), b = random(Float32Array, k * n, 2), c = new Float32Array(m * n);
    const ta = tf.tensor2d(a as Float32Array, [m, k]), tb = tf.tensor2d(b as Float32Array, [k, n]);
    checkAgainstTf(tf, ta, tb, a, b, c, size);
    const [rate] = measure([() => tf.matMul(ta, tb).dispose()], 2 * m * n * k);
    const ours = oursNN.get(label(size))!;
    console.log(`${label(size).padEnd(16)}${fmt(rate).padStart(10)}${fmt(ours).padStart(10)}${(ours / rate).toFixed(1).padStart(9)}x`);
    ta.dispose();
    tb.dispose();
  }
}

/** Our NN result must match tf.matMul (not timed). */
function checkAgainstTf(tf: Tf, ta: TfTensor, tb: TfTensor, a: FloatArray, b: FloatArray, c: FloatArray, [m, n, k]: Size): void {
  gemm(a, 0, b, 0, c, 0, m, n, k, false, false);
  const tc = tf.matMul(ta, tb);
  const ref = tc.dataSync();
  tc.dispose();
  let maxDiff = 0;
  for (let i = 0; i < ref.length; i++) maxDiff = Math.max(maxDiff, Math.abs(ref[i] - c[i]));
  if (maxDiff > 1e-3 * Math.sqrt(k)) throw new Error(`gemm disagrees with tf.matMul at ${label([m, n, k])}: max |diff| ${maxDiff}`);
}

await main();
