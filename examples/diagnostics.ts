import { manualSeed } from "@backprop/core";
import { Sequential, Linear, ReLU, SGD, bceWithLogits, moons, Diagnostics, formatReport } from "@backprop/nn";

manualSeed(0);
const { x, y } = moons(400, { noise: 0.1 });
const net = new Sequential(new Linear(2, 32), new ReLU(), new Linear(32, 32), new ReLU(), new Linear(32, 1));
const opt = new SGD(net.parameters(), { lr: 0.1, momentum: 0.9 });
const diag = new Diagnostics(net);
for (let step = 1; step <= 300; step++) {
  opt.zeroGrad();
  bceWithLogits(net.forward(x).squeeze(-1), y).backward();
  opt.step();
  const report = diag.step();
  if (step % 100 === 0) console.log(formatReport(report));
}
console.log(formatReport(diag.endEpoch()));
diag.detach();
