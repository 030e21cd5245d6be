/**
 * The named example expressions that `pnpm graph NAME` draws and `pnpm walkthrough NAME` explains.
 * Each `build()` makes fresh tensors, so a backward through one build never touches another, and
 * returns the one-element output to differentiate.
 */
import { add, div, mul, tensor, type Tensor } from "@backprop/core";
import { mse } from "@backprop/nn";

export interface Expression {
  /** One line for --list. */
  summary: string;
  /** The caption of the picture. */
  title: string;
  build(): Tensor;
}

/** A named value; float64, as micrograd's Python floats. */
const scalar = (v: number, name: string) => tensor(v, { dtype: "float64", requiresGrad: true, name });

/** Give an intermediate result a name, so the picture and the walkthrough can call it that. */
const named = <T extends Tensor>(t: T, name: string): T => {
  t.name = name;
  return t;
};

/**
 * micrograd's README expression. Python reassigns c, d and g; here their earlier values are c₁, c₂,
 * d₁, d₂ and g₁, and the final ones keep the plain names. g = 24.7041, ∂g/∂a = 138.8338,
 * ∂g/∂b = 645.5773, as micrograd prints.
 */
function micrograd(): Tensor {
  const a = scalar(-4, "a");
  const b = scalar(2, "b");
  const c1 = named(a.add(b), "c₁"); //                          c = a + b
  const d1 = named(a.mul(b).add(b.pow(3)), "d₁"); //           d = a * b + b**3
  const c2 = named(c1.add(c1.add(1)), "c₂"); //                 c += c + 1
  const c = named(c2.add(add(1, c2).add(a.neg())), "c"); //     c += 1 + c + (-a)
  const d2 = named(d1.add(d1.mul(2).add(b.add(a).relu())), "d₂"); // d += d * 2 + (b + a).relu()
  const d = named(d2.add(mul(3, d2).add(b.sub(a).relu())), "d"); //  d += 3 * d + (b - a).relu()
  const e = named(c.sub(d), "e"); //                            e = c - d
  const f = named(e.pow(2), "f"); //                            f = e**2
  const g1 = named(f.div(2), "g₁"); //                          g = f / 2.0
  return named(g1.add(div(10, f)), "g"); //                       g += 10.0 / f
}

/**
 * The neuron of micrograd's lecture: o = tanh(x1·w1 + x2·w2 + b), with b chosen so that
 * n = 0.8814 and o = 0.7071 = 1/√2; then ∂o/∂n = 1 − o² = 0.5, ∂o/∂w1 = 0.5·x1 = 1 and
 * ∂o/∂x1 = 0.5·w1 = −1.5.
 */
function neuron(): Tensor {
  const x1 = scalar(2, "x1");
  const x2 = scalar(0, "x2");
  const w1 = scalar(-3, "w1");
  const w2 = scalar(1, "w2");
  const b = scalar(6.8813735870195432, "b");
  const x1w1 = named(x1.mul(w1), "x1·w1");
  const x2w2 = named(x2.mul(w2), "x2·w2");
  const sum = named(x1w1.add(x2w2), "x1·w1 + x2·w2");
  const n = named(sum.add(b), "n");
  return named(n.tanh(), "o");
}

/**
 * A 2-3-1 MLP, ReLU hidden layer, MSE loss on two examples (float32, the default dtype). The
 * weights are fixed small numbers, so the forward can be checked by hand: the hidden
 * pre-activations are [1, 0.7, −1.1] and [−0.3, 0.6, −0.5], so relu blocks the gradient of unit 3
 * for both examples and of unit 1 for the second; the predictions are 0.4 and −0.25 for the
 * targets 1 and −1, a loss of 0.46125.
 */
function mlp(): Tensor {
  const x = tensor([[1, 2], [-1, 0.5]], { name: "x" }); // data: needs no gradient
  const y = tensor([[1], [-1]], { name: "y" });
  const W1 = tensor([[0.5, -0.4, 0.3], [0.2, 0.6, -0.8]], { requiresGrad: true, name: "W1" });
  const b1 = tensor([0.1, -0.1, 0.2], { requiresGrad: true, name: "b1" });
  const W2 = tensor([[0.7], [-0.5], [0.9]], { requiresGrad: true, name: "W2" });
  const b2 = tensor([0.05], { requiresGrad: true, name: "b2" });
  const z1 = named(x.matmul(W1).add(b1), "z1");
  const h = named(z1.relu(), "h");
  const pred = named(h.matmul(W2).add(b2), "pred");
  return named(mse(pred, y), "loss"); // mse = mean((pred − y)²), three ops
}

/**
 * Cross-entropy of one row of 3 logits for class 0, spelled out: p = softmax(z), loss = −log p[0]
 * (averaged over the batch of one). Its gradient is the famous ∂loss/∂z = p − onehot(0):
 * [−0.341, 0.2424, 0.0986]. (`crossEntropy` in @backprop/nn fuses all of it into one node with
 * exactly that rule.)
 */
function softmax(): Tensor {
  const z = tensor([[2, 1, 0.1]], { dtype: "float64", requiresGrad: true, name: "z" });
  const p = named(z.softmax(-1), "p");
  const pc = named(p.slice([0, 0], [1, 1]), "p[0]");
  return named(pc.log().neg().mean(), "loss");
}

export const EXPRESSIONS: Readonly<Record<string, Expression>> = {
  micrograd: {
    summary: "micrograd's README expression of a = −4 and b = 2 (g = 24.7041)",
    title: "micrograd: g = f/2 + 10/f, e = c − d, f = e², with a = −4, b = 2",
    build: micrograd,
  },
  neuron: {
    summary: "one tanh neuron with 2 inputs, o = tanh(x1·w1 + x2·w2 + b), from micrograd's lecture",
    title: "a neuron: o = tanh(x1·w1 + x2·w2 + b)",
    build: neuron,
  },
  mlp: {
    summary: "a 2-3-1 MLP with ReLU and an MSE loss on 2 examples (float32)",
    title: "a 2-3-1 MLP: loss = mse(relu(x·W1 + b1)·W2 + b2, y) on 2 examples",
    build: mlp,
  },
  softmax: {
    summary: "cross-entropy of a row of 3 logits: −log softmax(z)[0]",
    title: "cross-entropy of 3 logits: loss = −log softmax(z)[0]",
    build: softmax,
  },
};

export const EXPRESSION_NAMES = Object.keys(EXPRESSIONS);

/** "micrograd    micrograd's README expression …", one line per expression. */
export function listText(): string {
  const pad = Math.max(...EXPRESSION_NAMES.map((n) => n.length)) + 2;
  return EXPRESSION_NAMES.map((n) => `  ${n.padEnd(pad)}${EXPRESSIONS[n].summary}`).join("\n");
}
