/**
 * Lesson 3, part 2: the one-sign rule holds per example; a batch weakens it.
 *
 * The network is the one of the tutorial's `Diagnostics` example (examples/README.md, section 5):
 * an MLP 2-32-32-1 with ReLU on 400 moons, SGD lr 0.1 momentum 0.9, full batch, seed 0. Its second
 * Linear layer (index 2) takes ReLU outputs h ≥ 0 as inputs, so for ONE example the row j of its
 * weight gradient is (∂J/∂zⱼ)·h: every nonzero component has the sign of ∂J/∂zⱼ. A batch's row is
 * the sum Σᵢ (∂J/∂zᵢⱼ)·hᵢ over its examples, and when the ∂J/∂zᵢⱼ differ in sign the sum can have
 * components of both signs. At step 300, Diagnostics reports 9.4% one-sign rows for that layer; this
 * module recomputes the same gradient, then the gradients of batches of 1, 8 and 64 examples at the
 * same weights, and counts.
 */
import { manualSeed, relu, type Tensor } from "@backprop/core";
import { Diagnostics, Linear, ReLU, SGD, Sequential, bceWithLogits, moons, signAgreement } from "@backprop/nn";

export const EXAMPLE = { points: 400, noise: 0.1, width: 32, lr: 0.1, momentum: 0.9, steps: 300, seed: 0 } as const;

export interface BatchShare {
  /** Examples per gradient. */
  batch: number;
  /** Gradients computed: ⌊400 / batch⌋ consecutive batches (the data are in random order). */
  gradients: number;
  /** Rows looked at (gradients × 32). */
  rows: number;
  /** Rows entirely zero (every ∂J/∂zᵢⱼ of the batch is 0: unit j of layer 3 off for all its examples). */
  zeroRows: number;
  /** Rows whose nonzero ∂J/∂zᵢⱼ over the batch all share one sign (then the row is one-sign for sure). */
  unanimous: number;
  /** Rows whose nonzero components all share one sign (Diagnostics' signAgreement). */
  oneSign: number;
}

export interface BatchResult {
  /** Diagnostics' one-sign fraction of layer 2 at step 300 (all-zero rows count as not agreeing). */
  diagnosticsFraction: number;
  diagnosticsZeroRows: number;
  shares: BatchShare[];
}

/** The weights of the three Linear layers, detached. */
interface Weights {
  w0: Tensor; b0: Tensor; w2: Tensor; b2: Tensor; w4: Tensor; b4: Tensor;
}

/**
 * The gradient of layer 2's weight for each batch of `batch` consecutive examples, at fixed weights;
 * a functional forward on detached copies, so the model's own `.grad` is not touched.
 */
export function batchShare(weights: Weights, x: Tensor, y: Tensor, batch: number): BatchShare {
  const n = x.shape[0];
  const units = weights.w2.shape[0];
  const w2 = weights.w2.clone();
  w2.requiresGrad = true;
  const share: BatchShare = { batch, gradients: 0, rows: 0, zeroRows: 0, unanimous: 0, oneSign: 0 };
  for (let s = 0; s + batch <= n; s += batch) {
    const xb = x.slice([s, 0], [s + batch, 2]);
    const h = relu(xb.matmul(weights.w0.T).add(weights.b0)); // layer 2's inputs: ReLU outputs, ≥ 0
    const z = h.matmul(w2.T).add(weights.b2); // layer 2's pre-activations zᵢⱼ
    z.retainGrad();
    const logits = relu(z).matmul(weights.w4.T).add(weights.b4).reshape([-1]);
    w2.grad = null;
    bceWithLogits(logits, y.slice([s], [s + batch])).backward();
    const rows = signAgreement(w2.grad!);
    const dz = z.grad!.data;
    for (let j = 0; j < units; j++) {
      let pos = false;
      let neg = false;
      for (let i = 0; i < batch; i++) {
        const v = dz[i * units + j];
        if (v > 0) pos = true;
        else if (v < 0) neg = true;
      }
      if (pos !== neg) share.unanimous++;
    }
    share.gradients++;
    share.rows += units;
    share.zeroRows += rows.zeroRows;
    share.oneSign += rows.rows.filter(Boolean).length;
  }
  return share;
}

/** The tutorial's Diagnostics program, to step 300; at step 300 (after backward, before the update) the batch counts. */
export function diagnosticsExample(batches: readonly number[], steps: number = EXAMPLE.steps): BatchResult {
  manualSeed(EXAMPLE.seed);
  const { x, y } = moons(EXAMPLE.points, { noise: EXAMPLE.noise });
  const w = EXAMPLE.width;
  const net = new Sequential(new Linear(2, w), new ReLU(), new Linear(w, w), new ReLU(), new Linear(w, 1));
  const opt = new SGD(net.parameters(), { lr: EXAMPLE.lr, momentum: EXAMPLE.momentum });
  const diag = new Diagnostics(net);
  const [l0, l2, l4] = [net[0], net[2], net[4]] as Linear[];
  let shares: BatchShare[] = [];
  let fraction = 0;
  let zeroRows = 0;
  for (let step = 1; step <= steps; step++) {
    opt.zeroGrad();
    bceWithLogits(net.forward(x).squeeze(-1), y).backward();
    if (step === steps) {
      const d = (t: Tensor | null) => t!.detach();
      const weights = { w0: d(l0.weight), b0: d(l0.bias), w2: d(l2.weight), b2: d(l2.bias), w4: d(l4.weight), b4: d(l4.bias) };
      shares = batches.map((b) => batchShare(weights, x, y, b));
    }
    opt.step();
    const report = diag.step();
    if (step === steps) {
      fraction = report.signAgreement[1].fraction!;
      zeroRows = report.signAgreement[1].zeroRows;
    }
  }
  diag.detach();
  return { diagnosticsFraction: fraction, diagnosticsZeroRows: zeroRows, shares };
}
