// A consumer of @backprop/nn: a short training run on two moons, as the README's example.
import { backendInfo, manualSeed, noGrad } from "@backprop/core";
import { Linear, ReLU, SGD, Sequential, bceWithLogits, moons } from "@backprop/nn";
import { report } from "./report.js";

manualSeed(0);
const { x, y } = moons(200, { noise: 0.1 });
const net = new Sequential(new Linear(2, 16), new ReLU(), new Linear(16, 16), new ReLU(), new Linear(16, 1));
const opt = new SGD(net.parameters(), { lr: 0.1, momentum: 0.9 });
const losses = [];
for (let step = 0; step < 300; step++) {
  opt.zeroGrad();
  const loss = bceWithLogits(net.forward(x).squeeze(-1), y);
  loss.backward();
  opt.step();
  losses.push(loss.item());
}
const accuracy = noGrad(() => net.forward(x).squeeze(-1).gt(0).eq(y).mean().item());
report({ firstLoss: losses[0], lastLoss: losses.at(-1), accuracy, backend: backendInfo() });
