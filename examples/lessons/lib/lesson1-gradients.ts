/**
 * Lesson 1's numbers: the loss of one sigmoid unit written three ways, and what autograd makes of
 * each, in float32 (the framework's default dtype).
 *
 *   mse(sigmoid(z), t)   two graph nodes: p = σ(z), then J = (p − t)²
 *   bce(sigmoid(z), t)   two graph nodes: p = σ(z), then J = −t·log p − (1 − t)·log(1 − p)
 *   bceWithLogits(z, t)  one node: J = max(z, 0) − z·t + log(1 + e^(−|z|)), backward σ(z) − t
 *
 * `chain` reads the chain rule's factors off autograd (dJ/dp with retainGrad on p, dp/dz from the
 * sigmoid's own backward); `gradients` sweeps many logits at once and classifies each gradient.
 */
import { full, noGrad, sigmoid, tensor, type Tensor } from "@backprop/core";
import { bce, bceWithLogits, mse } from "@backprop/nn";

export const LOSSES = ["mse", "bce", "fused"] as const;
export type LossName = (typeof LOSSES)[number];

/** How each loss is written: the first two are two graph nodes (sigmoid, then the loss), the last one node. */
export const LOSS_LABEL: Record<LossName, string> = {
  mse: "mse(sigmoid(z), t)",
  bce: "bce(sigmoid(z), t)  (unfused)",
  fused: "bceWithLogits(z, t)  (fused)",
};
export const SHORT: Record<LossName, string> = { mse: "mse", bce: "bce unfused", fused: "bceWithLogits" };

/** Per-element losses of a batch of logits z against targets t (reduction "none"). */
export function lossOf(name: LossName, z: Tensor, t: Tensor): Tensor {
  switch (name) {
    case "mse":
      return mse(sigmoid(z), t, { reduction: "none" });
    case "bce":
      return bce(sigmoid(z), t, { reduction: "none" });
    case "fused":
      return bceWithLogits(z, t, { reduction: "none" });
  }
}

/** σ(u) in float64, written out: the exact value the float32 numbers are compared with. */
export const sigma64 = (u: number): number => (u >= 0 ? 1 / (1 + Math.exp(-u)) : Math.exp(u) / (1 + Math.exp(u)));

// ---- the chain rule, factor by factor ---------------------------------------------------------

/** One loss at one (z, t), as autograd computes it in float32. */
export interface ChainStep {
  z: number;
  t: 0 | 1;
  /** p = σ(z) as float32 holds it (the sigmoid node's output). */
  p: number;
  /** dp/dz = σ′(z) = σ(z)(1 − σ(z)), by autograd (the sigmoid node's backward with upstream 1). */
  dpdz: number;
  /** The loss J at z, as the framework computed it. */
  J: Record<LossName, number>;
  /** dJ/dp, the gradient reaching p (retainGrad); none for the fused node, which has no p. */
  dJdp: Record<"mse" | "bce", number>;
  /** dJ/dz, the gradient reaching the logit. */
  dJdz: Record<LossName, number>;
}

/** dp/dz by autograd: backward through sigmoid alone. */
function sigmoidSlope(z: number): number {
  const zt = tensor([z], { requiresGrad: true });
  sigmoid(zt).sum().backward();
  return zt.grad!.data[0];
}

/** The chain rule's factors at one (z, t), read off the framework's autograd in float32. */
export function chain(z: number, t: 0 | 1): ChainStep {
  const J = {} as Record<LossName, number>;
  const dJdp = {} as Record<"mse" | "bce", number>;
  const dJdz = {} as Record<LossName, number>;
  let p = NaN;
  for (const name of LOSSES) {
    const zt = tensor([z], { requiresGrad: true });
    const target = full([1], t);
    // the unfused losses: keep p = σ(z) in the graph and read the gradient that reaches it
    const pt = name === "fused" ? null : sigmoid(zt);
    pt?.retainGrad();
    const loss = pt === null ? lossOf("fused", zt, target) : name === "mse" ? mse(pt, target, { reduction: "none" }) : bce(pt, target, { reduction: "none" });
    loss.sum().backward();
    J[name] = loss.data[0];
    dJdz[name] = zt.grad!.data[0];
    if (pt !== null && name !== "fused") {
      dJdp[name] = pt.grad!.data[0];
      p = pt.data[0];
    }
  }
  return { z: Math.fround(z), t, p, dpdz: sigmoidSlope(z), J, dJdp, dJdz };
}

// ---- many logits at once: where the gradient is lost ------------------------------------------

/** Below this a gradient counts as vanished. */
export const VANISHED = 1e-7;

/**
 * ok; vanished (0 < |g| < 1e-7); zero (exactly 0, σ′ underflowed); clamped (exactly 0 because BCE's
 * log was clamped at −100: the loss reads 100); inf / nan (the chain rule overflowed).
 */
export type Status = "ok" | "vanished" | "zero" | "clamped" | "inf" | "nan";

function status(g: number, loss: number, name: LossName): Status {
  if (Number.isNaN(g)) return "nan";
  if (!Number.isFinite(g)) return "inf";
  if (g === 0) return name === "bce" && Math.fround(loss) === 100 ? "clamped" : "zero";
  return Math.abs(g) < VANISHED ? "vanished" : "ok";
}

export interface Gradients {
  z: number[];
  t: 0 | 1;
  /** dJ/dz per loss, by autograd in float32 (one backward through the summed per-element losses). */
  grad: Record<LossName, number[]>;
  loss: Record<LossName, number[]>;
  status: Record<LossName, Status[]>;
  /** σ(z) as float32 holds it. */
  sigma: number[];
  /** σ(z) − t in float64: what a perfect gradient would be. */
  exact: number[];
}

/**
 * dJ/dz for every z at once: the per-element losses depend on their own z only, so the gradient of
 * their sum is each element's own derivative.
 */
export function gradients(zs: readonly number[], t: 0 | 1): Gradients {
  const grad = {} as Record<LossName, number[]>;
  const loss = {} as Record<LossName, number[]>;
  const stat = {} as Record<LossName, Status[]>;
  for (const name of LOSSES) {
    const z = tensor(Float32Array.from(zs), { requiresGrad: true });
    const perElement = lossOf(name, z, full([zs.length], t));
    perElement.sum().backward();
    grad[name] = Array.from(z.grad!.data);
    loss[name] = Array.from(perElement.data);
    stat[name] = grad[name].map((g, i) => status(g, loss[name][i], name));
  }
  const zf = Array.from(Float32Array.from(zs)); // the logits as float32 holds them
  const sigma = Array.from(noGrad(() => sigmoid(tensor(Float32Array.from(zf)))).data);
  const exact = zf.map((z) => sigma64(z) - t);
  return { z: zf, t, grad, loss, status: stat, sigma, exact };
}

/** Where, going from z = 0 out along the wrong side, a gradient changes status: [z, new status, dJ/dz there]. */
export type Edge = [z: number, status: Status, grad: number];

export function transitions(g: Gradients, name: LossName): Edge[] {
  const order = g.z.map((_, i) => i).filter((i) => (g.t === 1 ? g.z[i] <= 0 : g.z[i] >= 0));
  order.sort((a, b) => Math.abs(g.z[a]) - Math.abs(g.z[b]));
  const out: Edge[] = [];
  let last: Status = "ok";
  for (const i of order) {
    const s = g.status[name][i];
    if (s !== last) out.push([g.z[i], s, g.grad[name][i]]);
    last = s;
  }
  return out;
}

export const STATUS_TEXT: Record<Status, string> = {
  ok: "back to normal",
  vanished: "|g| < 1e-7",
  zero: "exactly 0 (σ′ rounds to 0)",
  clamped: "exactly 0 (log clamped at −100)",
  inf: "∞ (1/σ(z) overflows)",
  nan: "NaN",
};

/** from, from ± step, … up to `to` (inclusive), without accumulating rounding error. */
export function range(from: number, to: number, step: number): number[] {
  const n = Math.round(Math.abs(to - from) / step);
  const dir = Math.sign(to - from);
  return Array.from({ length: n + 1 }, (_, i) => Number((from + dir * i * step).toFixed(6)));
}
