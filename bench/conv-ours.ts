/**
 * Our side of the convolution workloads (inputs in conv-workloads.ts), written with the core ops
 * only (conv2d, maxPool2d, relu, linear, flatten) plus @backprop/nn's crossEntropy and SGD, the
 * way the MLP training step of workloads.ts is written. Builders return closures doing exactly
 * the timed work; they run on whichever backend of ours is current (see ours.ts).
 */
import { conv2d, flatten, linear, maxPool2d, relu, tensor, type Tensor } from "@backprop/core";
import { crossEntropy, SGD } from "@backprop/nn";
import type { ConvGrads, ConvInputs, LenetInputs } from "./conv-workloads.js";

export interface OursLenet {
  /** conv1.w, conv1.b, …, fc3.b, as in LenetInputs.params. */
  params: Tensor[];
  /** zeroGrad, forward, crossEntropy (mean), backward, SGD step; returns the loss before the step. */
  step(): number;
}

export function oursLenetStep(inp: LenetInputs, lr: number): OursLenet {
  const x = tensor(inp.x, { shape: [inp.batch, 1, 28, 28] });
  const params = inp.params.map((p) => tensor(p.data, { shape: p.shape, requiresGrad: true }));
  const [c1w, c1b, c2w, c2b, f1w, f1b, f2w, f2b, f3w, f3b] = params;
  const opt = new SGD(params, { lr });
  const pool = (h: Tensor) => maxPool2d(h, { kernelSize: 2, stride: 2 });
  return {
    params,
    step() {
      opt.zeroGrad();
      let h = pool(relu(conv2d(x, c1w, c1b, { padding: 2 }))); // [B, 6, 14, 14]
      h = pool(relu(conv2d(h, c2w, c2b)));                     // [B, 16, 5, 5]
      h = flatten(h, 1);                                        // [B, 400]
      h = relu(linear(h, f1w, f1b));
      h = relu(linear(h, f2w, f2b));
      const loss = crossEntropy(linear(h, f3w, f3b), inp.labels);
      loss.backward();
      opt.step();
      return loss.item();
    },
  };
}

export interface OursConv {
  /** loss = Σ (conv2d(x, W, b)·G), then loss.backward(): fills x.grad, W.grad, b.grad. */
  run(): Tensor;
  result(): ConvGrads;
}

export function oursConvLayer(inp: ConvInputs): OursConv {
  const { n, c, h, w, out, k, pad } = inp;
  const x = tensor(inp.x, { shape: [n, c, h, w], requiresGrad: true });
  const wt = tensor(inp.weight, { shape: [out, c, k, k], requiresGrad: true });
  const b = tensor(inp.bias, { shape: [out], requiresGrad: true });
  const g = tensor(inp.g, { shape: [n, out, h, w] });
  const run = () => {
    x.grad = wt.grad = b.grad = null;
    const loss = conv2d(x, wt, b, { padding: pad }).mul(g).sum();
    loss.backward();
    return loss;
  };
  return {
    run,
    result() {
      const loss = run().item();
      return { loss, dx: Float32Array.from(x.grad!.data), dw: Float32Array.from(wt.grad!.data), db: Float32Array.from(b.grad!.data) };
    },
  };
}
