/**
 * One training example through a copy of run A's network, forward and backward: the graph as DOT
 * (toDot, with values and gradients), the walkthrough (formatBackward) and traceBackward's steps as
 * numbers. The copy keeps the training run's gradients and Diagnostics out of it.
 */
import { formatBackward, tensor, toDot, traceBackward, type BackwardStep, type Tensor } from "@backprop/core";
import { Linear, type StateDict } from "@backprop/nn";
import type { TraceStep } from "../protocol.js";
import type { Settings } from "../settings.js";
import { buildModel, lossOf } from "./model.js";

export interface ExampleTrace {
  dot: string;
  /** formatBackward's text, split at its blank lines: the header, one block per step, the summary. */
  blocks: string[];
  steps: TraceStep[];
}

/**
 * Rebuild the network from `state`, name its tensors as a learner would (x, W1, b1, z1, h1, …, z,
 * p, loss), run the example forward and trace backward from its loss.
 */
export function traceExample(settings: Settings, state: StateDict, input: [number, number], target: number): ExampleTrace {
  const model = buildModel(settings);
  model.loadStateDict(state);
  let k = 0;
  for (let i = 0; i < model.length; i++) {
    const m = model[i];
    if (m instanceof Linear) {
      k++;
      m.weight.name = `W${k}`;
      m.bias!.name = `b${k}`;
    }
  }
  let h: Tensor = tensor([input], { name: "x" });
  for (let i = 0; i < model.length; i++) {
    const m = model[i];
    h = m.forward(h);
    h.name = nameOf(i, settings);
  }
  const loss = lossOf(settings, h, tensor([[target]], { name: "t" }));
  loss.name = "loss";
  const steps = traceBackward(loss);
  // Top to bottom and short labels (4 numbers, 3 decimals), so the picture fits beside the walkthrough;
  // each op's node names its inputs, z1 = linear(x, W1, b1), as the walkthrough does.
  const dot = toDot(loss, { values: true, grads: true, steps, ids: true, rankdir: "TB", maxElements: 4, digits: 3, fontname: "Helvetica" });
  return { dot, blocks: formatBackward(steps).trimEnd().split("\n\n"), steps: steps.map(asNumbers) };
}

/**
 * The name of layer i's output: z1, h1, z2, h2, … for the hidden layers, z for the logit and p for
 * the probability when a Sigmoid follows.
 */
function nameOf(i: number, s: Settings): string {
  const hiddenEnd = 2 * s.depth; // layers 0 … hiddenEnd − 1 are hidden (Linear, activation)
  if (i < hiddenEnd) return `${i % 2 === 0 ? "z" : "h"}${Math.floor(i / 2) + 1}`;
  return i === hiddenEnd ? "z" : "p";
}

const values = (t: Tensor): number[] => Array.from(t.data);
const label = (t: Tensor): string => t.name ?? `t${t.id}`;

/** A traceBackward step as plain numbers (the walkthrough's data-trace). */
export function asNumbers(s: BackwardStep): TraceStep {
  return {
    op: s.op,
    rule: s.rule,
    output: { name: label(s.output), value: values(s.output) },
    upstream: values(s.upstream),
    inputs: s.inputs.map((x) => ({ name: label(x), value: values(x) })),
    inputGrads: s.inputGrads.map((g) => (g === null ? null : values(g))),
  };
}
