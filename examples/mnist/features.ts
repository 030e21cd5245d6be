/**
 * What the CNN's convolutions see: the first layer's learned filters, and the feature maps both
 * convolution layers make of one digit (each after its ReLU: what the pooling and the next layer
 * get). Read straight off the trained Sequential, layer by layer, without a graph.
 */
import { noGrad, type Tensor } from "@backprop/core";
import { Conv2d, ReLU, type Sequential } from "@backprop/nn";

/** One small picture: h rows of w values, row-major. */
export interface Map2d {
  h: number;
  w: number;
  values: Float32Array;
}

export interface ConvFeatures {
  /** The digit as the network got it (28×28). */
  image: Map2d;
  /** The first convolution's filters, one per output channel (its only input channel: 5×5 each). */
  filters: Map2d[];
  /** For each convolution layer, one map per output channel, after the ReLU that follows it. */
  maps: Map2d[][];
  /** The layers each set of maps went through since the previous one: "Conv2d → BatchNorm2d → ReLU". */
  stages: string[];
}

/** [C, H, W] (or [1, C, H, W]) → C maps. */
function channels(t: Tensor): Map2d[] {
  const [c, h, w] = t.shape.slice(-3);
  const data = t.data as Float32Array;
  return Array.from({ length: c }, (_, k) => ({ h, w, values: data.slice(k * h * w, (k + 1) * h * w) }));
}

/** Run one image [1, 1, 28, 28] through the layers, keeping what each Conv2d → ReLU pair outputs. */
export function convFeatures(model: Sequential, image: Tensor): ConvFeatures {
  const layers = [...model];
  const first = layers.find((m): m is Conv2d => m instanceof Conv2d);
  if (!first) throw new Error("convFeatures: the model has no Conv2d layer");
  const maps: Map2d[][] = [];
  const stages: string[] = [];
  let since: string[] = [];
  noGrad(() => {
    let h = image;
    for (const layer of layers) {
      h = layer.forward(h);
      if (layer instanceof Conv2d) since = [];
      since.push(layer.constructor.name);
      // A ReLU on [1, C, H, W] maps follows a convolution (the dense layers' ReLUs see flat rows).
      if (layer instanceof ReLU && h.ndim === 4) {
        maps.push(channels(h));
        stages.push(since.join(" → "));
      }
    }
  });
  return { image: channels(image)[0], filters: channels(first.weight.reshape([-1, ...first.weight.shape.slice(2)])), maps, stages };
}
