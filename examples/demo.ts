/**
 * The demo: backprop's core at work on two small problems.
 *   1. micrograd's classic expression — the value, the gradients, and the chain rule step by step;
 *   2. a 2-8-1 network learning XOR with plain gradient descent, written with core ops only.
 * Run with `pnpm demo`.
 */
import { linear, manualSeed, randn, sigmoid, tanh, tensor, traceBackward, zeros, noGrad, type Tensor } from "@backprop/core";

function heading(text: string): void {
  console.log(`\n${text}\n${"─".repeat(text.length)}`);
}

// 1. The classic expression, in float64 so the printed digits are exact.
heading("1. micrograd's expression: g(a, b), then backward");
const a = tensor(-4, { dtype: "float64", requiresGrad: true, name: "a" });
const b = tensor(2, { dtype: "float64", requiresGrad: true, name: "b" });
let c = a.add(b);
let d = a.mul(b).add(b.pow(3));
c = c.add(c.add(1));
c = c.add(c.add(1).sub(a));
d = d.add(d.mul(2).add(b.add(a).relu()));
d = d.add(d.mul(3).add(b.sub(a).relu()));
const e = c.sub(d);
const f = e.pow(2);
const g = f.div(2).add(tensor(10, { dtype: "float64" }).div(f));
const steps = traceBackward(g);
console.log(`g = ${g.item().toFixed(4)}`);
console.log(`dg/da = ${a.grad!.item().toFixed(4)}   dg/db = ${b.grad!.item().toFixed(4)}`);
console.log(`backward ran ${steps.length} steps; the first four, starting at g:`);
for (const s of steps.slice(0, 4)) {
  const grads = s.inputGrads.map((t) => (t ? t.item().toPrecision(4) : "—")).join(", ");
  console.log(`  ${s.op.padEnd(5)} ${s.rule.padEnd(34)} upstream ${s.upstream.item().toPrecision(4)} → inputs get ${grads}`);
}

// 2. XOR with a tiny network and hand-written gradient descent.
heading("2. a 2-8-1 network learns XOR (tanh hidden layer, sigmoid output, MSE)");
manualSeed(0);
const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
const t = tensor([[0], [1], [1], [0]]);
const params = {
  w1: randn([8, 2]).mul(0.8).detach(),
  b1: zeros([8]),
  w2: randn([1, 8]).mul(0.8).detach(),
  b2: zeros([1]),
};
for (const p of Object.values(params)) p.requiresGrad = true;
const forward = (input: Tensor) => sigmoid(linear(tanh(linear(input, params.w1, params.b1)), params.w2, params.b2));

const lr = 2;
for (let step = 0; step <= 1500; step++) {
  const loss = forward(x).sub(t).square().mean();
  loss.backward();
  noGrad(() => {
    for (const p of Object.values(params)) {
      p.copy_(p.sub(p.grad!.mul(lr)));
      p.grad = null;
    }
  });
  if (step % 300 === 0) console.log(`  step ${String(step).padStart(4)}  loss ${loss.item().toFixed(5)}`);
}
const out = noGrad(() => forward(x));
console.log("  predictions for (0,0) (0,1) (1,0) (1,1):", Array.from(out.data, (v) => v.toFixed(3)).join("  "));
