/**
 * The network of the current settings: Linear → activation → … → Linear (one logit), followed by a
 * Sigmoid module when the loss takes probabilities (sigmoid then MSE, sigmoid then unfused BCE).
 * The fused loss takes the logit itself.
 */
import { manualSeed, type Tensor } from "@backprop/core";
import {
  ELU, GELU, Hardtanh, LeakyReLU, Linear, ReLU, ReLU6, Sequential, SiLU, Sigmoid, Softplus, Tanh, bce, bceWithLogits, calculateGain, init, mse,
  type Module, type Nonlinearity,
} from "@backprop/nn";
import { BAD_BIAS } from "../../../lessons/notes/4-dead-relu.js";
import type { Settings } from "../settings.js";

/** LeakyReLU's slope: lesson 4's 0.1 (with PyTorch's 0.01 a unit on the negative side barely moves). */
export const LEAKY_SLOPE = 0.1;

function activation(s: Settings): Module {
  switch (s.activation) {
    case "relu": return new ReLU({ atZero: s.reluAtZero });
    case "leakyRelu": return new LeakyReLU(LEAKY_SLOPE, { atZero: s.reluAtZero });
    case "tanh": return new Tanh();
    case "sigmoid": return new Sigmoid();
    case "softplus": return new Softplus({ beta: s.beta });
    // lesson 6's zoo, in PyTorch's default settings: ELU's α = 1 (no kink at 0), the exact GELU,
    // hardtanh on [−1, 1]; hardtanh's and ReLU6's gradient at their bounds is 0 (atBounds "open")
    case "elu": return new ELU(1, { atZero: s.reluAtZero });
    case "gelu": return new GELU();
    case "silu": return new SiLU();
    case "hardtanh": return new Hardtanh();
    case "relu6": return new ReLU6();
  }
}

/**
 * The gain He and Xavier init use for the hidden activation. PyTorch's calculate_gain knows relu,
 * leaky_relu, tanh and sigmoid: the ReLU-like ones (softplus, ELU, GELU, SiLU, ReLU6: slope 1 on
 * the right, about 0 on the left) count as ReLU, and hardtanh, whose slope is 1 on all of [−1, 1],
 * as linear (gain 1).
 */
function nonlinearity(s: Settings): Nonlinearity {
  return ({
    relu: "relu", leakyRelu: "leaky_relu", tanh: "tanh", sigmoid: "sigmoid", softplus: "relu",
    elu: "relu", gelu: "relu", silu: "relu", hardtanh: "linear", relu6: "relu",
  } as const)[s.activation];
}

/** Whether the model ends in a Sigmoid (its output is a probability, not a logit). */
export const outputsProbability = (s: Settings): boolean => s.loss !== "bce-fused";

/**
 * A fresh model. The weights come from the global generator seeded with seed + 1 here, so two
 * models of one seed (a comparing preset's two runs) start from the very same weights.
 */
export function buildModel(s: Settings): Sequential {
  manualSeed(s.seed + 1);
  const layers: Module[] = [];
  const linears: Linear[] = [];
  let inFeatures = 2;
  for (let i = 0; i < s.depth; i++) {
    const l = new Linear(inFeatures, s.width);
    linears.push(l);
    layers.push(l, activation(s));
    inFeatures = s.width;
  }
  const out = new Linear(inFeatures, 1);
  linears.push(out);
  layers.push(out);
  if (outputsProbability(s)) layers.push(new Sigmoid());

  if (s.init !== "default") {
    const kind = nonlinearity(s);
    for (const l of linears) {
      const hidden = l !== out;
      if (s.init === "xavier") init.xavierUniform(l.weight, { gain: hidden ? calculateGain(kind, LEAKY_SLOPE) : 1 });
      else init.kaimingNormal(l.weight, { nonlinearity: kind === "leaky_relu" ? "leaky_relu" : "relu", a: LEAKY_SLOPE });
      // "bad" (lesson 4): He weights, every hidden bias BAD_BIAS, so most units start negative everywhere.
      init.constant(l.bias!, s.init === "bad" && hidden ? BAD_BIAS : 0);
    }
  }
  if (s.outputBias !== null) init.constant(out.bias!, s.outputBias);
  return new Sequential(...layers);
}

/** The loss of the model's outputs (logits or probabilities, [n, 1]) against labels [n, 1] or [n]. */
export function lossOf(s: Settings, output: Tensor, target: Tensor): Tensor {
  const y = target.ndim === output.ndim ? target : target.reshape(output.shape);
  switch (s.loss) {
    case "bce-fused": return bceWithLogits(output, y);
    case "mse": return mse(output, y);
    case "bce": return bce(output, y);
  }
}
