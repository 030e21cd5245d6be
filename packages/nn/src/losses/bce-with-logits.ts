/**
 * Binary cross-entropy on logits: sigmoid and BCE fused into ONE graph node (lesson 1).
 *
 * Per element, with z the logit, t the target, w the weight and p the positive-class weight
 * (PyTorch's formula, written with lw = 1 + (p − 1)·t):
 *
 *   loss = w·[(1 − t)·z + lw·softplus(−z)],   softplus(−z) = −log σ(z) = log(1 + e^(−|z|)) + max(−z, 0)
 *
 * which is −w·[p·t·log σ(z) + (1 − t)·log(1 − σ(z))]; without p it is max(z, 0) − z·t + log(1 + e^(−|z|)).
 * The forward evaluates the same function rearranged so that no two large terms cancel
 * (splitting z = max(z, 0) − max(−z, 0) and softplus(−z) = max(−z, 0) + log1p(e^(−|z|))):
 *
 *   loss = w·[(1 − t)·max(z, 0) + p·t·max(−z, 0) + lw·log1p(e^(−|z|))]
 *
 * For t in [0, 1] every term is ≥ 0, so a tiny loss (z = −20, t = 0: 2.06e-9) is not lost to rounding
 * as in (1 − t)·z + softplus(−z) = −20 + 20.000000002 (0 in float32). Nothing exponentiates a
 * positive number, so every finite logit gives a finite loss: exactly 1000 at z = −1000, t = 1.
 *
 * The backward comes from the closed form, never through σ′(z) = σ(z)(1 − σ(z)):
 *
 *   dL/dz = g·w·(lw·σ(z) − p·t)              (= g·(σ(z) − t) without w and p)
 *   dL/dt = g·w·(−z + (p − 1)·softplus(−z))  (= −g·z without w and p)
 *
 * divided by the number of elements N for reduction "mean". For t = 1 and z ≪ 0 the gradient stays
 * −1 (per element, before 1/N): a confidently wrong answer keeps a full-size gradient.
 * `weight` and `posWeight` are constants: they get no gradient (as PyTorch; an error if they require grad).
 */
import { abs, add, cast, div, mul, neg, noGrad, record, relu, sigmoid, softplus, sub, tensor, type Tensor } from "@backprop/core";
import {
  checkLossOptions, checkNoGradWeight, checkReduction, checkSameShape, checkTensorArg, checkWeightArg,
  reduce, type ReductionOptions,
} from "./reduction.js";

export interface BCEWithLogitsOptions extends ReductionOptions {
  /** Rescales each element's loss; broadcasts to the logits' shape (e.g. [N, 1] per sample). No gradient. */
  weight?: Tensor | number;
  /** The weight p of positive targets, per class: broadcasts along the last axis ([C] for logits [N, C]). No gradient. */
  posWeight?: Tensor | number;
}

export const BCE_WITH_LOGITS_OPTIONS = ["weight", "posWeight", "reduction"] as const;

/** softplus(x) = log(1 + eˣ) computed exactly everywhere (the backward's softplus(−z)): the linear cut-off (default x > 20) switched off. */
const EXACT = { threshold: Number.MAX_VALUE };

/** p − 1 (or 1 for no p): a plain number stays a weak scalar, so a float64 loss keeps full precision. */
function posMinusOne(p: Tensor | number): Tensor | number {
  return typeof p === "number" ? p - 1 : sub(p, 1);
}

export function bceWithLogits(logits: Tensor, targets: Tensor, opts?: BCEWithLogitsOptions): Tensor {
  const NAME = "bceWithLogits";
  const o = checkLossOptions(NAME, opts, BCE_WITH_LOGITS_OPTIONS);
  const reduction = checkReduction(NAME, o.reduction);
  const z = checkTensorArg(NAME, logits, "logits");
  const t = checkTensorArg(NAME, targets, "targets");
  checkSameShape(NAME, z, t, "logits", "targets");
  const w = checkWeightArg(NAME, "weight", o.weight, z.shape);
  const p = checkWeightArg(NAME, "posWeight", o.posWeight, z.shape);
  checkNoGradWeight(NAME, "weight", w);
  checkNoGradWeight(NAME, "posWeight", p);
  const n = z.size;

  // lw = 1 + (p − 1)·t, the weight of the softplus(−z) term (1 without posWeight).
  const logWeight = (): Tensor | number => (p === undefined ? 1 : add(mul(t, posMinusOne(p)), 1));
  const weighted = (x: Tensor): Tensor => (w === undefined ? x : mul(x, w));

  const general = (): Tensor => noGrad(() => {
    const pos = relu(z), negPart = relu(neg(z)); // max(z, 0) and max(−z, 0)
    const log1pExp = softplus(neg(abs(z))); // log1p(e^(−|z|)), exact: −|z| ≤ 0 is far below the cut-off
    const lw = logWeight();
    const negTerm = mul(p === undefined ? t : mul(t, p), negPart);
    const perElement = add(add(mul(sub(1, t), pos), negTerm), typeof lw === "number" ? log1pExp : mul(lw, log1pExp));
    return reduce(weighted(perElement), reduction);
  });
  const plain = w === undefined && p === undefined && z.dtype === t.dtype && reduction !== "none";
  const out = plain ? plainLoss(z, t, reduction) : general();

  // g·w·(…)/N: the upstream gradient (0-d for mean/sum), the weight, and 1/N for the mean.
  const scaled = (g: Tensor, x: Tensor): Tensor => {
    const r = weighted(mul(g, x));
    return reduction === "mean" ? div(r, n) : r;
  };
  const saved = [z, t, ...[w, p].filter((x): x is Tensor => typeof x === "object")];
  return record(out, {
    op: "bceWithLogits",
    rule: ruleText(w !== undefined, p !== undefined, reduction === "mean" ? n : null),
    inputs: [z, t],
    inputNames: ["z", "t"],
    saved,
    backward: (g, [needZ, needT]) => {
      let dz: Tensor | null = null, dt: Tensor | null = null;
      if (needZ) {
        const s = sigmoid(z);
        const lw = logWeight();
        const d = p === undefined ? sub(s, t) : sub(typeof lw === "number" ? s : mul(lw, s), mul(t, p));
        dz = cast(scaled(g, d), z.dtype);
      }
      if (needT) {
        const d = p === undefined ? neg(z) : add(neg(z), mul(softplus(neg(z), EXACT), posMinusOne(p)));
        dt = cast(scaled(g, d), t.dtype);
      }
      return [dz, dt];
    },
  });
}

/**
 * The forward of the common case (no weights, mean or sum) as one pass over the data, in float64:
 * Σ max(z, 0) − z·t + log1p(e^(−|z|)), the same formula as the general path, which takes about ten
 * tensor ops (a fifth of a small network's training step). The backward stays in tensor ops, so
 * gradients of gradients still work.
 */
function plainLoss(z: Tensor, t: Tensor, reduction: "mean" | "sum"): Tensor {
  const zs = z.data, ts = t.data;
  let total = 0;
  for (let i = 0; i < zs.length; i++) {
    const v = zs[i], target = ts[i];
    total += (1 - target) * Math.max(v, 0) + target * Math.max(-v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
  }
  return tensor(reduction === "mean" ? total / zs.length : total, { dtype: z.dtype });
}

/** The backward rule as traceBackward shows it, for the options actually given. */
function ruleText(hasWeight: boolean, hasPos: boolean, meanOver: number | null): string {
  const w = hasWeight ? "w·" : "";
  const per = meanOver === null ? "" : `/${meanOver}`;
  if (!hasPos) {
    return `dz = g·${w}(σ(z) − t)${per}, dt = −g·${w}z${per}`;
  }
  return `dz = g·${w}(lw·σ(z) − p·t)${per}, dt = g·${w}(−z + (p − 1)·softplus(−z))${per}, lw = 1 + (p − 1)·t`;
}
