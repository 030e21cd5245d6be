/**
 * `Diagnostics`: the measures of measures.ts, attached to a model and left on during training.
 *
 *   const diag = new Diagnostics(model, { eps: 0.01 });
 *   for (const { x, y } of loader) {
 *     opt.zeroGrad();
 *     const loss = bceWithLogits(model.forward(x), y);
 *     loss.backward();
 *     opt.step();
 *     const report = diag.step();      // after optimizer.step(), before the next zeroGrad
 *   }
 *   const epoch = diag.endEpoch();     // dead units over the whole epoch
 *   diag.detach();                     // the model is exactly as before
 *
 * How it observes. The constructor walks `namedModules()` and picks:
 * - ReLU, LeakyReLU and ReLU6 modules: which units were positive in each batch (dead units: a ReLU6
 *   unit that is never positive outputs 0 with gradient 0, exactly as a dead ReLU unit);
 * - Sigmoid and Tanh modules: the fraction of saturated outputs, and the mean |gradient| that
 *   reaches their input, the pre-activation z (lesson 1: σ′(z) ≈ 0 there);
 * - Hardtanh and ReLU6 modules: the same saturation report, counting the outputs AT a bound
 *   (min/max of the module; 0 and 6), where their gradient is exactly 0 (measures.ts says why no
 *   eps). A ReLU6 layer therefore appears twice: in `dead` (units stuck at 0 for every example) and
 *   in `saturation` (outputs at 0 or 6, per output);
 * - Linear modules: sign agreement of `weight.grad`, and the angle between consecutive updates.
 * ELU, GELU and SiLU modules are not observed. None of them can be dead in the ReLU sense: their
 * slope is nonzero for every finite input (ELU: α·eˣ on the left; GELU and SiLU vanish at one
 * point each, x ≈ −0.75 and −1.28), so a unit that is never positive still learns, as a LeakyReLU
 * unit does. Their left tails do flatten (ELU's slope is y + α there), but no output threshold says
 * how flat without a tolerance of its own, so they get no saturation report either.
 * Activations are observed by giving each such module an own, non-enumerable `forward` property
 * that calls the original and then reads the output (one pass over `.data`, no graph recorded); for
 * Sigmoid/Tanh it also registers a gradient hook on the input when the input requires grad (one
 * pass over the gradient). The hook removes itself on its first call (so `backward` twice on one
 * graph counts once) and counts only when it fires before the next `step()` while attached; the
 * monitor keeps no reference to it, so a forward never followed by backward leaks nothing.
 * Linear layers are not wrapped at all: `step()` reads their weights and gradients. `detach()`
 * restores every `forward` (the own property is deleted, or a previous own `forward` is put back).
 * Nothing changes a value or a gradient, so training gives the same numbers, bit for bit, with or
 * without diagnostics.
 *
 * Only functional activations (calling `relu(x)` inside a custom forward) cannot be seen: use
 * modules, or the pure measures on the tensors yourself.
 *
 * Choices:
 * - Forwards run under `noGrad` (evaluation, accuracy) are not recorded by default, so a validation
 *   pass does not mix into the training statistics; `{ recordNoGrad: true }` records them too.
 * - Per step: statistics cover every recorded forward since the previous `step()` (gradient
 *   accumulation over several batches works); a layer with no recorded forward reports `null`.
 * - Dead over the epoch: a unit positive for no example of any batch since the last `endEpoch()`.
 * - One activation module used at several places of a forward (a shared `this.act`) is one layer
 *   per call site: the root model's `forward` is wrapped too, to count calls per forward pass; the
 *   second call of module "act" is reported as "act#2", the third "act#3". (A submodule called
 *   directly, outside the root's forward, counts as its first call site.)
 * - Update: Δ = W(now) − W(at the previous step(), or at construction), on `weight` only (not the
 *   bias), in float64. It includes everything that moved the weights (momentum, weight decay, a
 *   loaded state dict). The angle is null on the first step and when either update is zero.
 * - Sign agreement reads the raw gradient (not the update: with momentum or Adam they differ);
 *   all-zero rows count as not agreeing (see measures.ts). A null `.grad` reports null.
 *
 * Cost per step: at most one pass over each observed activation (the ReLU pass stops as soon as
 * every unit has been seen active, usually after a few rows) and over each pre-activation gradient;
 * one pass over each Linear weight gradient (a row stops at its first sign change) and one over its
 * weights (update, norm, angle and snapshot together); a few small arrays per layer. No tensor ops,
 * no graph. Measured on a 2-32-32-1 MLP, batch 64, SGD with momentum: diag.step() ≈ 10–16 µs
 * against a training step of ≈ 650–900 µs; a CPU profile puts all diagnostics code at 3–5% of the
 * training loop (ReLU or tanh hidden layers).
 */
import { isGradEnabled, quote, Tensor } from "@backprop/core";
import { Module } from "../module.js";
import { Hardtanh, LeakyReLU, ReLU, ReLU6, Sigmoid, Tanh } from "../layers/activations.js";
import { Linear } from "../layers/linear.js";
import { checkBoolean, checkOptionKeys } from "../optim/optimizer.js";
import {
  checkEps, degreesFromCos, countSaturated, markActive, saturationRange, signAgreement, sumAbs, unitLayout, type SaturationKind,
} from "./measures.js";

export interface DiagnosticsOptions {
  /** Saturation threshold: an output within eps of a flat end counts as saturated (default 0.01). */
  eps?: number;
  /** Also record forwards run under noGrad (default false: evaluation passes are skipped). */
  recordNoGrad?: boolean;
}

export type ReluKind = "relu" | "leakyRelu" | "relu6";

/** Dead units of one ReLU/LeakyReLU/ReLU6 layer (call site). */
export interface DeadReport {
  layer: string;
  kind: ReluKind;
  /** Dead units / all units; null when no forward was recorded. */
  fraction: number | null;
  /** Indices of the dead units (never positive), ascending. */
  units: number[];
  /** Number of units (the width of the last axis); 0 before the first recorded forward. */
  total: number;
}

/** Saturation of one Sigmoid/Tanh/Hardtanh/ReLU6 layer (call site). */
export interface SaturationReport {
  layer: string;
  kind: SaturationKind;
  /** Saturated outputs / all outputs; null when no forward was recorded. */
  fraction: number | null;
  /** Mean |∂J/∂z| over the elements of the input z; null when no gradient reached it. */
  meanGrad: number | null;
}

/** Sign agreement of one Linear layer's weight gradient. */
export interface SignAgreementReport {
  layer: string;
  /** Rows of weight.grad with all nonzero components of one sign / all rows; null when grad is null. */
  fraction: number | null;
  /** Rows of weight.grad that are entirely zero (counted as not agreeing). */
  zeroRows: number;
}

/** The update of one Linear layer's weight since the previous step(). */
export interface UpdateAngleReport {
  layer: string;
  /** Angle between this update and the previous one, 0–180°; null on the first step or when either is zero. */
  degrees: number | null;
  /** ‖ΔW‖ of this update. */
  norm: number;
}

export interface DiagnosticsReport {
  /** 1 for the first step() call. */
  step: number;
  dead: DeadReport[];
  saturation: SaturationReport[];
  signAgreement: SignAgreementReport[];
  updateAngle: UpdateAngleReport[];
}

export interface EpochReport {
  /** 1 for the first endEpoch() call. */
  epoch: number;
  dead: DeadReport[];
}

// ---------------------------------------------------------------------------------------------
// Per-layer state. A "site" is one call site of an activation module (usually its only one).

interface ReluSite {
  name: string;
  units: number; // -1 until the first recorded forward
  stepActive: Uint8Array;
  epochActive: Uint8Array;
  stepRows: number;
  epochRows: number;
}

interface SatSite {
  name: string;
  outputs: number;
  saturated: number;
  gradSum: number;
  gradCount: number;
}

interface Observed<S> {
  module: Module;
  name: string;
  sites: S[];
}

interface ReluLayer extends Observed<ReluSite> {
  kind: ReluKind;
}

interface SatLayer extends Observed<SatSite> {
  kind: SaturationKind;
  /** An output v is saturated when v ≤ lo or v ≥ hi (measures.ts, saturationRange). */
  lo: number;
  hi: number;
}

interface LinearLayer {
  module: Linear;
  name: string;
  before: Float64Array; // the weights at the previous step()
  prev: Float64Array | null; // the previous update
  prevSq: number; // its squared norm
  scratch: Float64Array; // this update, before it becomes `prev`
}

interface Wrapped {
  module: Module;
  wrapper: (...args: any[]) => any;
  saved: PropertyDescriptor | undefined; // a previous own `forward`, if any
}

const siteName = (name: string, k: number) => (k === 0 ? name : `${name}#${k + 1}`);

export class Diagnostics {
  readonly model: Module;
  readonly eps: number;
  readonly recordNoGrad: boolean;

  private readonly relus: ReluLayer[] = [];
  private readonly sats: SatLayer[] = [];
  private readonly linears: LinearLayer[] = [];
  private readonly wrapped: Wrapped[] = [];
  private readonly calls = new Map<Module, number>(); // call counts within the current root forward
  private depth = 0; // nesting of root forward calls
  private attached = true;
  private steps = 0;
  private epochs = 0;

  constructor(model: Module, opts: DiagnosticsOptions = {}) {
    if (!(model instanceof Module)) throw new Error("Diagnostics: expected a Module (the model to observe)");
    const o = checkOptionKeys("Diagnostics", opts, ["eps", "recordNoGrad"]);
    this.model = model;
    this.eps = checkEps("Diagnostics", o.eps ?? 0.01);
    this.recordNoGrad = checkBoolean("Diagnostics", "recordNoGrad", o.recordNoGrad ?? false);

    for (const [name, m] of model.namedModules()) {
      if (m instanceof ReLU || m instanceof LeakyReLU) {
        const layer: ReluLayer = { module: m, name, kind: m instanceof ReLU ? "relu" : "leakyRelu", sites: [] };
        this.relus.push(layer);
        this.wrap(m, (k, out) => this.observeRelu(layer, k, out));
      } else if (m instanceof ReLU6) {
        // dead below 0 like ReLU, and saturated at 0 or 6: both reports, from one pass each
        const dead: ReluLayer = { module: m, name, kind: "relu6", sites: [] };
        const sat = this.satLayer(m, name, "relu6", saturationRange("relu6", this.eps));
        this.relus.push(dead);
        this.wrap(m, (k, out, input) => {
          this.observeRelu(dead, k, out);
          this.observeSat(sat, k, out, input);
        });
      } else if (m instanceof Sigmoid || m instanceof Tanh || m instanceof Hardtanh) {
        const kind = m instanceof Sigmoid ? "sigmoid" : m instanceof Tanh ? "tanh" : "hardtanh";
        const layer = this.satLayer(m, name, kind, m instanceof Hardtanh ? [m.min, m.max] : saturationRange(kind, this.eps));
        this.wrap(m, (k, out, input) => this.observeSat(layer, k, out, input));
      } else if (m instanceof Linear) {
        const n = m.weight.size;
        this.linears.push({ module: m, name, before: Float64Array.from(m.weight.data), prev: null, prevSq: 0, scratch: new Float64Array(n) });
      }
    }
    for (const l of this.relus) this.reluSite(l, 0); // every layer is listed from the start
    for (const l of this.sats) this.satSite(l, 0);
    this.wrapRoot(model);
  }

  /**
   * Call once per training step, after `optimizer.step()` (and before the gradients are cleared).
   * Returns this step's report and starts the next step's statistics.
   */
  step(): DiagnosticsReport {
    const report: DiagnosticsReport = { step: ++this.steps, dead: [], saturation: [], signAgreement: [], updateAngle: [] };
    for (const l of this.relus) {
      for (const s of l.sites) {
        report.dead.push(deadReport(s.name, l.kind, s.units, s.stepActive, s.stepRows));
        s.stepActive.fill(0);
        s.stepRows = 0;
      }
    }
    for (const l of this.sats) {
      for (const s of l.sites) {
        report.saturation.push({
          layer: s.name,
          kind: l.kind,
          fraction: s.outputs === 0 ? null : s.saturated / s.outputs,
          meanGrad: s.gradCount === 0 ? null : s.gradSum / s.gradCount,
        });
        s.outputs = s.saturated = s.gradSum = s.gradCount = 0;
      }
    }
    for (const l of this.linears) {
      const w = l.module.weight;
      const g = w.grad;
      if (g === null) report.signAgreement.push({ layer: l.name, fraction: null, zeroRows: 0 });
      else {
        const { fraction, zeroRows } = signAgreement(g);
        report.signAgreement.push({ layer: l.name, fraction, zeroRows });
      }
      report.updateAngle.push({ layer: l.name, ...this.update(l, w) });
    }
    return report;
  }

  /** Dead units of each ReLU layer over every recorded forward since the last endEpoch(); then resets. */
  endEpoch(): EpochReport {
    const report: EpochReport = { epoch: ++this.epochs, dead: [] };
    for (const l of this.relus) {
      for (const s of l.sites) {
        report.dead.push(deadReport(s.name, l.kind, s.units, s.epochActive, s.epochRows));
        s.epochActive.fill(0);
        s.epochRows = 0;
      }
    }
    return report;
  }

  /** Stop observing: restore every wrapped `forward`; pending gradient hooks go inert. Safe to call twice. */
  detach(): void {
    if (!this.attached) return;
    this.attached = false; // pending gradient hooks see this and only remove themselves
    for (let i = this.wrapped.length - 1; i >= 0; i--) {
      const { module, wrapper, saved } = this.wrapped[i];
      // If something wrapped forward after us, leave it: our wrapper now just calls through.
      if (Object.getOwnPropertyDescriptor(module, "forward")?.value !== wrapper) continue;
      if (saved) Object.defineProperty(module, "forward", saved);
      else delete (module as { forward?: unknown }).forward;
    }
    this.wrapped.length = 0;
  }

  // -------------------------------------------------------------------------------------------

  private install(m: Module, wrapper: (...args: any[]) => any): void {
    this.wrapped.push({ module: m, wrapper, saved: Object.getOwnPropertyDescriptor(m, "forward") });
    Object.defineProperty(m, "forward", { value: wrapper, writable: true, configurable: true, enumerable: false });
  }

  /** Wrap an activation module: run it, then hand (call site, output, input) to `observe`. */
  private wrap(m: Module, observe: (k: number, out: Tensor, input: unknown) => void): void {
    const original = m.forward;
    const self = this;
    this.install(m, function (this: Module, ...args: any[]) {
      const out = original.apply(this, args);
      if (self.attached && out instanceof Tensor && (self.recordNoGrad || isGradEnabled())) {
        let k = 0;
        if (self.depth > 0) {
          k = self.calls.get(m) ?? 0;
          self.calls.set(m, k + 1);
        }
        observe(k, out, args[0]);
      }
      return out;
    });
  }

  /** Wrap the root model, to number the calls of each activation module within one forward pass. */
  private wrapRoot(model: Module): void {
    const original = model.forward;
    const self = this;
    this.install(model, function (this: Module, ...args: any[]) {
      if (self.depth++ === 0) self.calls.clear();
      try {
        return original.apply(this, args);
      } finally {
        self.depth--;
      }
    });
  }

  private satLayer(module: Module, name: string, kind: SaturationKind, [lo, hi]: [number, number]): SatLayer {
    const layer: SatLayer = { module, name, kind, lo, hi, sites: [] };
    this.sats.push(layer);
    return layer;
  }

  private reluSite(l: ReluLayer, k: number): ReluSite {
    return (l.sites[k] ??= { name: siteName(l.name, k), units: -1, stepActive: new Uint8Array(0), epochActive: new Uint8Array(0), stepRows: 0, epochRows: 0 });
  }

  private satSite(l: SatLayer, k: number): SatSite {
    return (l.sites[k] ??= { name: siteName(l.name, k), outputs: 0, saturated: 0, gradSum: 0, gradCount: 0 });
  }

  private observeRelu(l: ReluLayer, k: number, out: Tensor): void {
    const s = this.reluSite(l, k);
    const [rows, units] = unitLayout(out);
    if (rows === 0) return;
    if (s.units === -1) {
      s.units = units;
      s.stepActive = new Uint8Array(units);
      s.epochActive = new Uint8Array(units);
    } else if (s.units !== units) {
      throw new Error(
        `Diagnostics: ${l.kind} layer ${quote(s.name)} produced ${units} units, but ${s.units} before; ` +
          "a layer's width must not change while it is observed (detach() and attach a new Diagnostics)",
      );
    }
    markActive(out.data, units, s.stepActive);
    const step = s.stepActive;
    const epoch = s.epochActive;
    for (let j = 0; j < units; j++) epoch[j] |= step[j];
    s.stepRows += rows;
    s.epochRows += rows;
  }

  private observeSat(l: SatLayer, k: number, out: Tensor, input: unknown): void {
    const s = this.satSite(l, k);
    s.outputs += out.size;
    s.saturated += countSaturated(out.data, l.lo, l.hi);
    if (input instanceof Tensor && input.requiresGrad && isGradEnabled()) {
      // The hook counts only a backward within this step, while attached, and only once; then it
      // removes itself. A hook that never fires is not kept anywhere: it dies with its tensor.
      const step = this.steps;
      const remove = input.registerHook((g) => {
        remove();
        if (!this.attached || this.steps !== step) return;
        s.gradSum += sumAbs(g.data);
        s.gradCount += g.size;
      });
    }
  }

  /** Δ = W − W(before), its norm and its angle with the previous Δ; then W becomes `before`. */
  private update(l: LinearLayer, w: Tensor): { degrees: number | null; norm: number } {
    const d = w.data;
    if (d.length !== l.before.length) {
      // The weight tensor was replaced by one of another size: start over from it.
      l.before = Float64Array.from(d);
      l.prev = null;
      l.prevSq = 0;
      l.scratch = new Float64Array(d.length);
      return { degrees: null, norm: 0 };
    }
    // One pass: Δ, ‖Δ‖², Δ·Δprev, and the snapshot for next time.
    const delta = l.scratch;
    const before = l.before;
    const prev = l.prev ?? delta; // no previous update: the dot product is not used
    let sq = 0;
    let dot = 0;
    for (let i = 0; i < d.length; i++) {
      const v = d[i];
      const di = v - before[i];
      dot += di * prev[i];
      delta[i] = di;
      sq += di * di;
      before[i] = v;
    }
    const degrees = l.prev === null || sq === 0 || l.prevSq === 0 ? null : degreesFromCos(dot / Math.sqrt(sq * l.prevSq));
    l.scratch = l.prev ?? new Float64Array(d.length);
    l.prev = delta;
    l.prevSq = sq;
    return { degrees, norm: Math.sqrt(sq) };
  }
}

function deadReport(layer: string, kind: ReluKind, units: number, active: Uint8Array, rows: number): DeadReport {
  const total = Math.max(units, 0);
  if (rows === 0) return { layer, kind, fraction: null, units: [], total };
  const dead: number[] = [];
  for (let j = 0; j < total; j++) if (active[j] === 0) dead.push(j);
  return { layer, kind, fraction: total === 0 ? 0 : dead.length / total, units: dead, total };
}

// ---------------------------------------------------------------------------------------------

const pct = (f: number | null) => (f === null ? "—" : `${(100 * f).toFixed(1)}%`);
const num = (v: number | null) => (v === null ? "—" : v.toPrecision(3));
const label = (layer: string) => (layer === "" ? "(model)" : layer);

/** A report as a few readable lines, one per layer (for printing during training). */
export function formatReport(report: DiagnosticsReport | EpochReport): string {
  const lines = ["step" in report ? `step ${report.step}` : `epoch ${report.epoch}`];
  for (const r of report.dead) {
    const list = r.units.length > 12 ? `${r.units.slice(0, 12).join(", ")}, …` : r.units.join(", ");
    lines.push(`  dead       ${label(r.layer)} (${r.kind}): ${pct(r.fraction)} = ${r.units.length}/${r.total}${list ? ` [${list}]` : ""}`);
  }
  if ("step" in report) {
    for (const r of report.saturation) {
      lines.push(`  saturated  ${label(r.layer)} (${r.kind}): ${pct(r.fraction)}, mean |∂J/∂z| ${num(r.meanGrad)}`);
    }
    for (const r of report.signAgreement) {
      lines.push(`  one-sign   ${label(r.layer)} weight-grad rows: ${pct(r.fraction)}${r.zeroRows ? ` (${r.zeroRows} all-zero)` : ""}`);
    }
    for (const r of report.updateAngle) {
      lines.push(`  update     ${label(r.layer)}: ${r.degrees === null ? "—" : `${r.degrees.toFixed(1)}°`} from the previous, ‖ΔW‖ ${num(r.norm)}`);
    }
  }
  return lines.join("\n");
}
