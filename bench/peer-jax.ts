/**
 * The jax-js peer (@jax-js/jax 0.1.25, "wasm" device): the workloads written the way a jax-js user
 * writes them: every function jit-compiled (jax-js fuses elementwise chains into one generated
 * wasm kernel and runs matmuls through its tiled SIMD kernels), gradients by valueAndGrad, and
 * jax-js's reference-counted ownership respected (`.ref` to keep an array past a call that
 * consumes it, `.dispose()`/`dataSync()` to release it).
 *
 * jax-js arrays are lazy: a call only records work, which runs when the result is read or awaited.
 * So the timed matmul and elementwise calls end with `await y.blockUntilReady()` (documented as
 * "ensures that pending operations are dispatched and fully executed"; no copy out) and are timed
 * as benchmark.js deferred benchmarks; a training step reads its loss with `.item()`, exactly as
 * our own step does, which in a loop forces every earlier step's update as well.
 *
 * Threads: jax-js's wasm device splits kernels over a Web Worker pool only when a global `Worker`
 * and SharedArrayBuffer exist. Node 20 has no global Worker, so it runs on one thread; loadJax
 * hides `Worker` during init on a runtime that has one, so the pool is never created there either.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type * as JaxModule from "@jax-js/jax";
import type { Array as JArray } from "@jax-js/jax";
import { layoutFlags, transposed, type ChainInputs, type MatmulInputs, type MatmulLayout, type MlpInputs } from "./workloads.js";

export type Jax = typeof JaxModule;

export interface JaxInfo {
  version: string;
  device: string;
  threads: number;
}

/** Import jax-js and initialise its wasm device, on one thread (see the header). */
export async function loadJax(): Promise<{ jax: Jax; info: JaxInfo }> {
  const jax: Jax = await import("@jax-js/jax");
  const g = globalThis as { Worker?: unknown };
  const hidden = g.Worker;
  if (hidden !== undefined) g.Worker = undefined;
  try {
    const devices = await jax.init("wasm");
    if (!devices.includes("wasm")) throw new Error(`jax-js: wasm device unavailable (got ${devices.join(", ")})`);
  } finally {
    if (hidden !== undefined) g.Worker = hidden;
  }
  jax.defaultDevice("wasm");
  // package.json is not in the package's exports map: read it next to the resolved dist/ entry.
  const entry = createRequire(import.meta.url).resolve("@jax-js/jax");
  const { version } = JSON.parse(readFileSync(join(dirname(entry), "..", "package.json"), "utf8")) as { version: string };
  return { jax, info: { version, device: jax.defaultDevice(), threads: 1 } };
}

export interface JaxWork {
  /** The timed work; resolves when the result has been computed (nothing is copied out). */
  run(): Promise<void>;
  /** The result once, read back (for the correctness check; not timed). */
  result(): Float32Array;
  dispose(): void;
}

/** Float32Array backed by a plain ArrayBuffer, as jax-js's np.array wants. */
const f32 = (v: ArrayLike<number>) => Float32Array.from(v);

/** op(A)·op(B): `np.matmul` with `.transpose()` views, jit-compiled (the transpose is free there). */
export function jaxMatmul(jax: Jax, inp: MatmulInputs, layout: MatmulLayout = "AB"): JaxWork {
  const { numpy: np, jit } = jax;
  const a = np.array(f32(inp.a), { shape: [inp.n, inp.n] });
  const b = np.array(f32(inp.b), { shape: [inp.n, inp.n] });
  const [ta, tb] = layoutFlags(layout);
  const f = jit((x: JArray, y: JArray) => np.matmul(ta ? x.transpose() : x, tb ? y.transpose() : y));
  return {
    async run() {
      const c = f(a.ref, b.ref);
      await c.blockUntilReady();
      c.dispose();
    },
    result() { return f(a.ref, b.ref).dataSync() as Float32Array; },
    dispose() { a.dispose(); b.dispose(); f.dispose(); },
  };
}

function jaxUnaryWork(jax: Jax, inp: ChainInputs, fn: (x: JArray) => JArray): JaxWork {
  const x = jax.numpy.array(f32(inp.x));
  const f = jax.jit(fn);
  return {
    async run() {
      const y = f(x.ref);
      await y.blockUntilReady();
      y.dispose();
    },
    result() { return f(x.ref).dataSync() as Float32Array; },
    dispose() { x.dispose(); f.dispose(); },
  };
}

/** sigmoid(relu(x)), one fused kernel under jit. */
export function jaxReluSigmoid(jax: Jax, inp: ChainInputs): JaxWork {
  const { nn } = jax;
  return jaxUnaryWork(jax, inp, (x) => nn.sigmoid(nn.relu(x)));
}

/** x → ·2 → +1 → relu → sigmoid. */
export function jaxChain(jax: Jax, inp: ChainInputs): JaxWork {
  const { nn } = jax;
  return jaxUnaryWork(jax, inp, (x) => nn.sigmoid(nn.relu(x.mul(2).add(1))));
}

type Layer = { w: JArray; b: JArray };

export interface JaxTrainWork {
  /** One step, reading the loss (see the header). */
  run(): void;
  /** One step; the loss before it and the parameters after it, in OUR layout (W as [out, in]). */
  result(): { loss: number; params: Float32Array[] };
  dispose(): void;
}

/**
 * One training step: the MLP (weights [in, out], as a flax Dense kernel) with ReLU hidden layers,
 * sigmoid-BCE on the logits written as mean(softplus(z) − z·t) (stable for any z), its value and
 * gradient by valueAndGrad, and the plain SGD update p − lr·g, all in one jit-compiled function
 * that takes the parameters and returns the updated ones.
 */
export function jaxTrainStep(jax: Jax, inp: MlpInputs, lr: number): JaxTrainWork {
  const { numpy: np, nn, jit, valueAndGrad, tree } = jax;
  const { batch, sizes } = inp;
  const L = inp.weights.length;
  let params: Layer[] = inp.weights.map((w, l) => ({
    w: np.array(transposed(w, sizes[l + 1], sizes[l]), { shape: [sizes[l], sizes[l + 1]] }),
    b: np.array(f32(inp.biases[l])),
  }));
  const x = np.array(f32(inp.x), { shape: [batch, sizes[0]] });
  const t = np.array(f32(inp.t), { shape: [batch, sizes[L]] });

  const loss = (ps: Layer[], xb: JArray, tb: JArray): JArray => {
    let h = xb;
    ps.forEach((p, l) => {
      h = np.matmul(h, p.w).add(p.b);
      if (l + 1 < ps.length) h = nn.relu(h);
    });
    return np.mean(nn.softplus(h.ref).sub(h.mul(tb)));
  };
  const step = jit((ps: Layer[], xb: JArray, tb: JArray): [JArray, Layer[]] => {
    const [value, grads] = valueAndGrad(loss)(tree.ref(ps), xb, tb) as [JArray, Layer[]];
    const next = tree.map((p: JArray, g: JArray) => p.sub(g.mul(lr)), ps, grads) as Layer[];
    return [value, next];
  });
  const once = (): number => {
    const [value, next] = step(params, x.ref, t.ref); // consumes the old parameters
    params = next;
    return value.item();
  };
  return {
    run() { once(); },
    result() {
      const v = once();
      const out: Float32Array[] = [];
      params.forEach((p, l) => {
        out.push(transposed(p.w.ref.dataSync(), sizes[l], sizes[l + 1]));
        out.push(Float32Array.from(p.b.ref.dataSync()));
      });
      return { loss: v, params: out };
    },
    dispose() { tree.dispose(params); x.dispose(); t.dispose(); step.dispose(); },
  };
}
