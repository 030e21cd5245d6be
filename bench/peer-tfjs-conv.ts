/**
 * The TF.js side of the convolution workloads, backend-agnostic like peer-tfjs.ts (CPU and WASM
 * run the same builders). Written as a TF.js user writes them: channels-last images (NHWC) and
 * [kh, kw, in, out] filters, TF's native layouts, with tf.fused.conv2d (conv + bias + ReLU in one
 * kernel, what tf.layers.conv2d calls) and tf.maxPool. Our NCHW inputs are permuted once, outside
 * the timed part, and the results permuted back for the check.
 *
 * TF.js WASM 4.22 registers the convolution forward but not its filter gradient, so its first
 * step throws "Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'"; see unsupported().
 */
import type * as TfModule from "@tensorflow/tfjs";
import {
  fc1FromTf, fc1ToTf, inversePerm, LENET_CLASSES, NCHW_TO_NHWC, OIHW_TO_HWIO, oneHot, permuted, type ConvGrads, type ConvInputs, type LenetInputs,
} from "./conv-workloads.js";
import type { Tf } from "./peer-tfjs.js";
import { transposed } from "./workloads.js";

/**
 * The reason a TF.js error means "this backend cannot run the workload" (a kernel it does not
 * register), or null for any other error, which must still fail the bench loudly.
 */
export function unsupported(e: unknown): string | null {
  const m = /Kernel '(\w+)' not registered for backend '(\w+)'/.exec(String((e as Error)?.message ?? e));
  return m ? `not supported: TF.js's ${m[2]} backend has no ${m[1]} kernel` : null;
}

/** Our parameter i of LeNet in TF's layout, and back. */
function lenetToTf(inp: LenetInputs, i: number): { data: Float32Array; shape: number[] } {
  const { data, shape } = inp.params[i];
  if (shape.length === 4) return { data: permuted(data, shape, OIHW_TO_HWIO), shape: OIHW_TO_HWIO.map((p) => shape[p]) };
  if (i === 4) return { data: fc1ToTf(data), shape: [400, 120] };
  if (shape.length === 2) return { data: transposed(data, shape[0], shape[1]), shape: [shape[1], shape[0]] };
  return { data, shape };
}
function lenetFromTf(inp: LenetInputs, i: number, v: Float32Array): Float32Array {
  const { shape } = inp.params[i];
  if (shape.length === 4) return permuted(v, OIHW_TO_HWIO.map((p) => shape[p]), inversePerm(OIHW_TO_HWIO));
  if (i === 4) return fc1FromTf(v);
  if (shape.length === 2) return transposed(v, shape[1], shape[0]);
  return Float32Array.from(v);
}

export interface TfLenetWork {
  /** One step (nothing is read back, as in a training loop). */
  run(): void;
  /** One step; the loss before it and the parameters after it, in OUR layout. */
  result(): { loss: number; params: Float32Array[] };
  dispose(): void;
}

/** One LeNet-5 step: optimizer.minimize over tf.losses.softmaxCrossEntropy (mean over the batch), plain SGD. */
export function tfLenetStep(tf: Tf, inp: LenetInputs, lr: number): TfLenetWork {
  const x = tf.tensor4d(permuted(inp.x, [inp.batch, 1, 28, 28], NCHW_TO_NHWC), [inp.batch, 28, 28, 1], "float32");
  const t = tf.tensor2d(oneHot(inp.labels), [inp.batch, LENET_CLASSES], "float32");
  const vs = inp.params.map((_, i) => {
    const { data, shape } = lenetToTf(inp, i);
    return tf.variable(tf.tensor(data, shape, "float32"));
  });
  const [c1w, c1b, c2w, c2b, f1w, f1b, f2w, f2b, f3w, f3b] = vs as [
    TfModule.Variable<TfModule.Rank.R4>, TfModule.Variable<TfModule.Rank.R1>, TfModule.Variable<TfModule.Rank.R4>, TfModule.Variable<TfModule.Rank.R1>,
    ...TfModule.Variable[],
  ];
  const opt = tf.train.sgd(lr);
  const loss = (): TfModule.Scalar => {
    let h = tf.fused.conv2d({ x, filter: c1w, bias: c1b, strides: 1, pad: 2, activation: "relu" });
    h = tf.maxPool(h, 2, 2, "valid");                                       // [B, 14, 14, 6]
    h = tf.fused.conv2d({ x: h, filter: c2w, bias: c2b, strides: 1, pad: "valid", activation: "relu" });
    h = tf.maxPool(h, 2, 2, "valid");                                       // [B, 5, 5, 16]
    let d = tf.reshape(h, [inp.batch, 400]) as TfModule.Tensor2D;
    d = tf.fused.matMul({ a: d, b: f1w as TfModule.Tensor2D, bias: f1b, activation: "relu" }) as TfModule.Tensor2D;
    d = tf.fused.matMul({ a: d, b: f2w as TfModule.Tensor2D, bias: f2b, activation: "relu" }) as TfModule.Tensor2D;
    d = tf.fused.matMul({ a: d, b: f3w as TfModule.Tensor2D, bias: f3b }) as TfModule.Tensor2D;
    return tf.losses.softmaxCrossEntropy(t, d) as TfModule.Scalar;
  };
  return {
    run() { opt.minimize(loss); },
    result() {
      const cost = opt.minimize(loss, true)!;
      const v = cost.dataSync()[0];
      cost.dispose();
      return { loss: v, params: vs.map((p, i) => lenetFromTf(inp, i, p.dataSync() as Float32Array)) };
    },
    dispose() {
      x.dispose(); t.dispose(); opt.dispose();
      for (const v of vs) v.dispose();
    },
  };
}

export interface TfConvWork {
  /** Forward and the three gradients, disposed (nothing read back). */
  run(): void;
  result(): ConvGrads;
  dispose(): void;
}

/** loss = Σ (conv(x, W) + b)·G and its gradients w.r.t. x, W and b by tf.valueAndGrads. */
export function tfConvLayer(tf: Tf, inp: ConvInputs): TfConvWork {
  const { n, c, h, w, out, k, pad } = inp;
  const x = tf.tensor4d(permuted(inp.x, [n, c, h, w], NCHW_TO_NHWC), [n, h, w, c], "float32");
  const wt = tf.tensor4d(permuted(inp.weight, [out, c, k, k], OIHW_TO_HWIO), [k, k, c, out], "float32");
  const b = tf.tensor1d(inp.bias, "float32");
  const g = tf.tensor4d(permuted(inp.g, [n, out, h, w], NCHW_TO_NHWC), [n, h, w, out], "float32");
  const f = tf.valueAndGrads((xv: TfModule.Tensor, wv: TfModule.Tensor, bv: TfModule.Tensor) =>
    tf.sum(tf.mul(tf.fused.conv2d({ x: xv as TfModule.Tensor4D, filter: wv as TfModule.Tensor4D, bias: bv, strides: 1, pad }), g)));
  const call = () => f([x, wt, b]);
  return {
    run() {
      const { value, grads } = call();
      value.dispose();
      tf.dispose(grads);
    },
    result() {
      const { value, grads: [dx, dw, db] } = call();
      const r: ConvGrads = {
        loss: value.dataSync()[0],
        dx: permuted(dx.dataSync(), [n, h, w, c], inversePerm(NCHW_TO_NHWC)),
        dw: permuted(dw.dataSync(), [k, k, c, out], inversePerm(OIHW_TO_HWIO)),
        db: Float32Array.from(db.dataSync()),
      };
      value.dispose();
      tf.dispose([dx, dw, db]);
      return r;
    },
    dispose() { x.dispose(); wt.dispose(); b.dispose(); g.dispose(); },
  };
}
