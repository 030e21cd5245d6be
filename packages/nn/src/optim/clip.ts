/**
 * Gradient clipping by total norm, as torch.nn.utils.clip_grad_norm_:
 *
 *   total = ‖(‖g₁‖ₚ, ‖g₂‖ₚ, …)‖ₚ       over the parameters whose .grad is not null
 *   coef  = maxNorm / (total + 1e-6)
 *   every g ← g·min(coef, 1)
 *
 * so the gradients are scaled only when total + 1e-6 > maxNorm (for any practical purpose: when
 * total > maxNorm), and then their total norm becomes maxNorm (to within the 1e-6).
 *
 * Design: `.grad` is REPLACED by a new scaled tensor (computed under noGrad), never written in
 * place — a gradient tensor may be held elsewhere (by the user, or as part of a createGraph graph),
 * and the autograd engine also replaces `.grad` rather than writing into it. The norms are
 * accumulated in float64 whatever the gradients' dtype (norm.ts's loop, no copies); the scale
 * factor is then applied in each gradient's own dtype (one `mul` per gradient). A tensor listed
 * twice is counted (and scaled) once.
 */
import { noGrad, quote, Tensor } from "@backprop/core";
import { sumAbsPow } from "./norm.js";
import { checkBoolean, checkOptionKeys, type ParamsInput } from "./optimizer.js";

export interface ClipGradNormOptions {
  /** Throw when the total norm is NaN or ±Infinity (then nothing is changed); default false, as PyTorch. */
  errorIfNonfinite?: boolean;
}

/**
 * Scale the gradients of `params` so that their total `normType`-norm is at most `maxNorm`; returns
 * the total norm before clipping (0 when no parameter has a gradient). `normType`: any p > 0, or
 * Infinity (the largest |gradient| entry).
 */
export function clipGradNorm(params: ParamsInput | Tensor, maxNorm: number, normType = 2, opts: ClipGradNormOptions = {}): number {
  const name = "clipGradNorm";
  const o = checkOptionKeys(name, opts, ["errorIfNonfinite"]);
  const errorIfNonfinite = checkBoolean(name, "errorIfNonfinite", o.errorIfNonfinite ?? false);
  if (typeof maxNorm !== "number" || Number.isNaN(maxNorm) || maxNorm < 0) throw new Error(`${name}: maxNorm must be a number >= 0, got ${quote(maxNorm)}`);
  if (typeof normType !== "number" || !(normType > 0)) throw new Error(`${name}: normType must be a number > 0 or Infinity, got ${quote(normType)}`);

  const withGrad = tensorsOf(name, params).filter((p) => p.grad !== null);
  if (withGrad.length === 0) return 0;

  // Each gradient's norm, then the norm of those norms (as PyTorch), accumulated in float64.
  const norms = Float64Array.from(withGrad, (p) => root(sumAbsPow(p.grad!.data, normType), normType));
  const total = root(sumAbsPow(norms, normType), normType);

  if (!Number.isFinite(total) && errorIfNonfinite) {
    throw new Error(
      `${name}: the total norm of order ${normType} of the gradients is ${total}, so they cannot be clipped; ` +
        "set errorIfNonfinite: false to clip anyway (the gradients then become NaN or 0, as in PyTorch)",
    );
  }
  const coef = Math.min(maxNorm / (total + 1e-6), 1); // NaN stays NaN, as torch.clamp
  if (!(coef >= 1)) {
    noGrad(() => {
      for (const p of withGrad) p.grad = p.grad!.mul(coef);
    });
  }
  return total;
}

/** s^(1/ord): the norm from sumAbsPow's Σ|x|^ord (which for ord = Infinity is already max |x|). */
function root(s: number, ord: number): number {
  return ord === Infinity || ord === 1 ? s : ord === 2 ? Math.sqrt(s) : s ** (1 / ord);
}

/** The tensors of `params` (one Tensor, an iterable of them, or a Module), each once. */
function tensorsOf(name: string, params: ParamsInput | Tensor): Tensor[] {
  if (params instanceof Tensor) return [params];
  if (params === null || typeof params !== "object") {
    throw new Error(`${name}: params must be a Tensor, an array of Tensors or a Module, got ${params === null ? "null" : typeof params}`);
  }
  const list = "parameters" in params && typeof params.parameters === "function" ? params.parameters() : (params as Iterable<Tensor>);
  if (!(Symbol.iterator in Object(list))) throw new Error(`${name}: params must be a Tensor, an array of Tensors or a Module`);
  const out = new Set<Tensor>();
  let i = 0;
  for (const p of list) {
    if (!(p instanceof Tensor)) throw new Error(`${name}: params[${i}] is not a Tensor (got ${p === null ? "null" : typeof p})`);
    out.add(p);
    i++;
  }
  return [...out];
}
