/**
 * The TensorFlow.js 4.x peer: the same workloads written the way a TF.js user would write them
 * (no handicaps): tensors built once outside the timed part, every timed call disposes what it
 * made so memory stays flat, weights in TF's own [in, out] layout.
 *
 * The code is backend-agnostic: the same builders serve TF.js CPU (pure JS) and TF.js WASM (see
 * peer-tfjs-wasm.ts). A TF.js tensor lives on the backend that was current when it was made, so
 * each builder must be called, and its work run, with its backend current (see tfEnter).
 */
import type * as TfModule from "@tensorflow/tfjs";
import { layoutFlags, transposed, type ChainInputs, type MatmulInputs, type MatmulLayout, type MlpInputs } from "./workloads.js";

export type Tf = typeof TfModule;

/**
 * Import @tensorflow/tfjs, select the "cpu" backend and wait for it. The CPU backend prints a
 * "Hi, looks like you are running TensorFlow.js in Node.js" banner on its first tensor write; the
 * console is stubbed only while that first write happens.
 */
export async function loadTf(): Promise<Tf> {
  const { log, warn, info } = console;
  const silent = () => {};
  console.log = console.warn = console.info = silent;
  try {
    const tf: Tf = await import("@tensorflow/tfjs");
    await tf.setBackend("cpu");
    await tf.ready();
    tf.scalar(0).dispose(); // the first write is the one that prints the banner
    if (tf.getBackend() !== "cpu") throw new Error(`TF.js backend is ${tf.getBackend()}, expected cpu`);
    return tf;
  } finally {
    console.log = log; console.warn = warn; console.info = info;
  }
}

/**
 * Make `backend` TF.js's current backend (both are initialised once, so switching is cheap).
 * Returns a no-op restore: every TF.js case selects its own backend before it runs.
 */
export async function tfEnter(tf: Tf, backend: "cpu" | "wasm"): Promise<() => void> {
  if (tf.getBackend() !== backend && !(await tf.setBackend(backend))) throw new Error(`TF.js: could not switch to the ${backend} backend`);
  return () => {};
}

export interface TfWork {
  /** The timed work: compute the result and dispose everything it made. */
  run(): void;
  /** The result once, read back as numbers (for the correctness check; not timed). */
  result(): Float32Array;
  /** Free the inputs. */
  dispose(): void;
}

/** op(A)·op(B) with tf.matMul's own transposeA/transposeB flags. */
export function tfMatmul(tf: Tf, inp: MatmulInputs, layout: MatmulLayout = "AB"): TfWork {
  const a = tf.tensor2d(inp.a, [inp.n, inp.n], "float32");
  const b = tf.tensor2d(inp.b, [inp.n, inp.n], "float32");
  const [ta, tb] = layoutFlags(layout);
  return {
    run() { tf.matMul(a, b, ta, tb).dispose(); },
    result() { const c = tf.matMul(a, b, ta, tb); const v = c.dataSync() as Float32Array; c.dispose(); return v; },
    dispose() { a.dispose(); b.dispose(); },
  };
}

/** Any elementwise forward `f(x)`, tidied so the timed call leaves nothing behind. */
function tfUnaryWork(tf: Tf, inp: ChainInputs, f: (x: TfModule.Tensor) => TfModule.Tensor): TfWork {
  const x = tf.tensor1d(inp.x, "float32");
  const g = () => tf.tidy(() => f(x));
  return {
    run() { g().dispose(); },
    result() { const y = g(); const v = y.dataSync() as Float32Array; y.dispose(); return v; },
    dispose() { x.dispose(); },
  };
}

/** sigmoid(relu(x)). */
export function tfReluSigmoid(tf: Tf, inp: ChainInputs): TfWork {
  return tfUnaryWork(tf, inp, (x) => tf.sigmoid(tf.relu(x)));
}

/** x → ·2 → +1 → relu → sigmoid. */
export function tfChain(tf: Tf, inp: ChainInputs): TfWork {
  return tfUnaryWork(tf, inp, (x) => tf.sigmoid(tf.relu(tf.add(tf.mul(x, 2), 1))));
}

export interface TfMlpWork {
  run(): void;
  /** Loss and the gradients in OUR order and layout (W1 as [out, in], b1, W2, …). */
  result(): { loss: number; grads: Float32Array[] };
  dispose(): void;
}

/** The MLP's data and parameters as TF.js tensors; weights in TF's [in, out] layout. */
function tfMlpTensors(tf: Tf, inp: MlpInputs) {
  const { batch, sizes } = inp;
  const layers = inp.weights.length;
  return {
    sizes, layers,
    x: tf.tensor2d(inp.x, [batch, sizes[0]], "float32"),
    t: tf.tensor2d(inp.t, [batch, sizes[layers]], "float32"),
    ws: inp.weights.map((w, l) => tf.variable(tf.tensor2d(transposed(w, sizes[l + 1], sizes[l]), [sizes[l], sizes[l + 1]], "float32"))),
    bs: inp.biases.map((b) => tf.variable(tf.tensor1d(b, "float32"))),
  };
}

/**
 * loss = mean((y − t)²), y = MLP(x) with ReLU hidden layers and a linear output; gradients of the
 * loss with respect to every weight and bias by `tf.variableGrads`.
 * `fused`: use `tf.fused.matMul({ a, b, bias, activation })`, TF's counterpart of our fused
 * `linear`, instead of matMul + add + relu.
 */
export function tfMlp(tf: Tf, inp: MlpInputs, fused = false): TfMlpWork {
  const { sizes, layers, x, t, ws, bs } = tfMlpTensors(tf, inp);
  const vars = ws.flatMap((w, l) => [w, bs[l]]);
  const loss = (): TfModule.Scalar => {
    let h: TfModule.Tensor = x;
    for (let l = 0; l < layers; l++) {
      const hidden = l + 1 < layers;
      if (fused) {
        h = tf.fused.matMul({ a: h, b: ws[l], bias: bs[l], activation: hidden ? "relu" : "linear" });
      } else {
        h = tf.add(tf.matMul(h, ws[l]), bs[l]);
        if (hidden) h = tf.relu(h);
      }
    }
    return tf.mean(tf.square(tf.sub(h, t))) as TfModule.Scalar;
  };
  const step = () => tf.variableGrads(loss, vars);
  return {
    run() {
      const { value, grads } = step();
      value.dispose();
      tf.dispose(grads);
    },
    result() {
      const { value, grads } = step();
      const out: Float32Array[] = [];
      for (let l = 0; l < layers; l++) {
        out.push(transposed(grads[ws[l].name].dataSync() as Float32Array, sizes[l], sizes[l + 1]));
        out.push(Float32Array.from(grads[bs[l].name].dataSync()));
      }
      const v = value.dataSync()[0];
      value.dispose();
      tf.dispose(grads);
      return { loss: v, grads: out };
    },
    dispose() {
      x.dispose(); t.dispose();
      for (const v of vars) v.dispose();
    },
  };
}

export interface TfTrainWork {
  /** One step; returns nothing (nothing is read back, as in a training loop). */
  run(): void;
  /** One step, then the loss before it and the parameters after it, in OUR layout. */
  result(): { loss: number; params: Float32Array[] };
  dispose(): void;
}

/**
 * One training step as a TF.js user writes it: `optimizer.minimize` over
 * tf.losses.sigmoidCrossEntropy (mean over elements) of the same MLP, plain SGD.
 */
export function tfTrainStep(tf: Tf, inp: MlpInputs, lr: number): TfTrainWork {
  const { sizes, layers, x, t, ws, bs } = tfMlpTensors(tf, inp);
  const opt = tf.train.sgd(lr);
  const loss = (): TfModule.Scalar => {
    let h: TfModule.Tensor = x;
    for (let l = 0; l < layers; l++) {
      h = tf.fused.matMul({ a: h as TfModule.Tensor2D, b: ws[l], bias: bs[l], activation: l + 1 < layers ? "relu" : "linear" });
    }
    return tf.losses.sigmoidCrossEntropy(t, h) as TfModule.Scalar;
  };
  return {
    run() {
      opt.minimize(loss);
    },
    result() {
      const cost = opt.minimize(loss, true)!;
      const v = cost.dataSync()[0];
      cost.dispose();
      const params: Float32Array[] = [];
      for (let l = 0; l < layers; l++) {
        params.push(transposed(ws[l].dataSync() as Float32Array, sizes[l], sizes[l + 1]));
        params.push(Float32Array.from(bs[l].dataSync()));
      }
      return { loss: v, params };
    },
    dispose() {
      x.dispose(); t.dispose(); opt.dispose();
      for (const v of [...ws, ...bs]) v.dispose();
    },
  };
}
