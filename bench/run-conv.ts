/**
 * `pnpm bench`'s two convolution workloads (--only lenet, conv): a LeNet-5 training step and one
 * conv layer's forward and gradients, on our backends, TF.js and jax-js, each side checked against
 * ours before any timing (conv-check.ts). Inputs and sizes: conv-workloads.ts.
 */
import { checkConv, checkLenet, type Stepped } from "./conv-check.js";
import { oursConvLayer, oursLenetStep } from "./conv-ours.js";
import { convInputs, LENET_LR, lenetInputs, type ConvGrads, type ConvShape } from "./conv-workloads.js";
import { jaxConvLayer, jaxLenetStep } from "./peer-jax-conv.js";
import { tfConvLayer, tfLenetStep } from "./peer-tfjs-conv.js";
import { jaxSide, measure, standardSides, type Env } from "./sides.js";
import { makeRow, type Row } from "./table.js";
import { convName, lenetName } from "./targets.js";
import type { TimingPlan } from "./timing.js";

/** How the convolution workloads are timed and written on each side (one note under the table). */
export const CONV_NOTE = "convolutions: TF.js CPU is timed ONCE (‡), a single call, the one whose result was checked " +
  "(its LeNet step takes seconds, its conv layer minutes), and so is any side over 5 s per call (jax-js's conv layer: " +
  "the warm call after its compiling one). TF.js runs channels-last (NHWC input, [kh, kw, in, out] filters, fc1's " +
  "kernel permuted to match) with tf.fused.conv2d (bias, ReLU) and tf.maxPool; jax-js lax.convGeneralDilated " +
  "(NCHW, OIHW), lax.reduceWindow max, jit(valueAndGrad); backprop conv2d, maxPool2d, relu, linear from @backprop/core.";

/**
 * One LeNet-5 training step. Checked first: from identical parameters, one step on every side
 * gives the same loss, the same parameters and the same update (conv-check.ts).
 */
export async function benchLenet(env: Env, rows: Row[], plan: TimingPlan, batch: number): Promise<void> {
  const inp = lenetInputs(batch);
  const name = lenetName(batch);
  const unsupported = new Map<string, string>();
  const sides = [
    ...(await standardSides<Stepped>(env, () => {
      const ours = oursLenetStep(inp, LENET_LR);
      return {
        run: () => { ours.step(); },
        result: () => ({ loss: ours.step(), params: ours.params.map((p) => Float32Array.from(p.data)) }),
        dispose: () => {},
      };
    }, (tf) => tfLenetStep(tf, inp, LENET_LR), (b) => ({ once: b === "cpu" }))),
    ...(await jaxSide<Stepped>(env, (jax) => jaxLenetStep(jax, inp, LENET_LR), false)),
  ];
  const stats = await measure(plan, `${name} (float32): conv, pool, dense, cross-entropy, backward, SGD`, sides,
    (who, got, refWho, ref) => checkLenet(name, inp, LENET_LR, who, got, refWho, ref), unsupported);
  rows.push(makeRow(name, "ms", stats, { unsupported }));
}

/** One conv layer: forward, then the gradients w.r.t. input, weight and bias, checked against ours first. */
export async function benchConvLayer(env: Env, rows: Row[], plan: TimingPlan, shape: ConvShape): Promise<void> {
  const inp = convInputs(shape);
  const name = convName(shape);
  const unsupported = new Map<string, string>();
  const sides = [
    ...(await standardSides<ConvGrads>(env, () => {
      const ours = oursConvLayer(inp);
      return { run: () => { ours.run(); }, result: () => ours.result(), dispose: () => {} };
    }, (tf) => tfConvLayer(tf, inp), (b) => ({ once: b === "cpu" }))),
    ...(await jaxSide<ConvGrads>(env, (jax) => jaxConvLayer(jax, inp), true)),
  ];
  const stats = await measure(plan, `${name} (float32)`, sides, (who, got, refWho, ref) => checkConv(name, inp, who, got, refWho, ref), unsupported);
  rows.push(makeRow(name, "ms", stats, { unsupported }));
}
