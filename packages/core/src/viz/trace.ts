/**
 * traceBackward: backward exactly as `backward` runs it (gradients accumulate into `.grad`),
 * returning each step in execution order — the chain rule, one node at a time.
 */
import { runBackward, type BackwardStep } from "../autograd/engine.js";
import type { Tensor } from "../tensor.js";

export type { BackwardStep } from "../autograd/engine.js";

export function traceBackward(root: Tensor, seed?: Tensor): BackwardStep[] {
  const steps: BackwardStep[] = [];
  runBackward(root, seed, { onStep: (s) => steps.push(s) });
  return steps;
}
