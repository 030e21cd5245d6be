/**
 * The learning-rate schedulers against PyTorch (reference/torch-optim.ts, made by
 * reference/optim_reference.py with torch.optim.lr_scheduler): every group's lr after the
 * constructor and after each step, the momenta OneCycleLR sets, and the state PyTorch reports at
 * the end. Then the formulas by hand, PyTorch's mechanics (initialLr, chainable forms), checks of
 * the options (errors before anything changes), and state dicts.
 */
import { describe, expect, it } from "vitest";
import { tensor } from "@backprop/core";
import {
  Adam, CosineAnnealingLR, ExponentialLR, LinearLR, LRScheduler, MultiStepLR, OneCycleLR, ReduceLROnPlateau, SequentialLR, SGD, StepLR,
  type Optimizer, type Scheduler, type SchedulerStateDict,
} from "../src/index.js";
import { SCHEDULER_CASES } from "./reference/torch-optim.js";

interface Spec {
  type: string;
  options?: Record<string, unknown>;
}
interface SchedCase {
  name: string;
  lrs?: number[];
  optimizer?: { type?: string; momentum?: number; betas?: [number, number] };
  scheduler: Spec;
  steps?: number;
  metrics?: number[];
  scaleLrAt?: Record<string, number>;
  expected: { lr: number[][]; lastLr: number[][]; momentum: number[][]; state: Record<string, number | number[]> };
}
const CASES = SCHEDULER_CASES as SchedCase[];

const param = () => tensor([0], { dtype: "float64", requiresGrad: true });

function makeOptimizer(spec: SchedCase["optimizer"] = { type: "SGD", momentum: 0.9 }, lrs = [0.1, 0.02]): Optimizer {
  const groups = lrs.map((lr) => ({ params: [param()], lr }));
  const { type = "SGD", ...opts } = spec;
  if (type === "Adam") return new Adam(groups, opts as { betas: [number, number] });
  return new SGD(groups, opts);
}

function makeScheduler(opt: Optimizer, spec: Spec): Scheduler {
  const o = (spec.options ?? {}) as never;
  switch (spec.type) {
    case "StepLR": return new StepLR(opt, o);
    case "MultiStepLR": return new MultiStepLR(opt, o);
    case "ExponentialLR": return new ExponentialLR(opt, o);
    case "CosineAnnealingLR": return new CosineAnnealingLR(opt, o);
    case "LinearLR": return new LinearLR(opt, o);
    case "OneCycleLR": return new OneCycleLR(opt, o);
    case "ReduceLROnPlateau": return new ReduceLROnPlateau(opt, o);
    case "SequentialLR": {
      const { schedulers, milestones } = spec.options as { schedulers: Spec[]; milestones: number[] };
      return new SequentialLR(opt, { schedulers: schedulers.map((s) => makeScheduler(opt, s) as LRScheduler), milestones });
    }
  }
  throw new Error(`unknown scheduler ${spec.type}`);
}

const lrsOf = (opt: Optimizer) => opt.paramGroups.map((g) => (g as unknown as { lr: number }).lr);
const momentaOf = (opt: Optimizer) =>
  opt.paramGroups.map((g) => {
    const x = g as unknown as { betas?: readonly number[]; momentum?: number };
    return x.betas ? x.betas[0] : x.momentum;
  });

/** Bit-exact where the formulas use only + − × ÷ (IEEE-exact in both languages); to 1e-13 where cos or pow runs (libm and V8 may differ in the last bit). */
function usesLibm(spec: Spec): boolean {
  if (spec.type === "CosineAnnealingLR" || spec.type === "OneCycleLR") return true;
  if (spec.type === "SequentialLR") return (spec.options!.schedulers as Spec[]).some(usesLibm);
  return false;
}

function expectValues(got: readonly number[], want: readonly number[], exact: boolean, what: string): void {
  expect(got.length, what).toBe(want.length);
  got.forEach((g, i) => {
    if (exact) expect(g, `${what}[${i}]`).toBe(want[i]);
    else expect(Math.abs(g - want[i]), `${what}[${i}]: ${g} vs ${want[i]}`).toBeLessThanOrEqual(1e-13 * Math.max(Math.abs(want[i]), 1e-5));
  });
}

/** Run a case as the reference script does; returns every row of lrs, lastLrs and momenta. */
function run(c: SchedCase, sched?: Scheduler, opt?: Optimizer, from = 0): { lr: number[][]; lastLr: number[][]; momentum: number[][]; sched: Scheduler; opt: Optimizer } {
  opt ??= makeOptimizer(c.optimizer, c.lrs);
  sched ??= makeScheduler(opt, c.scheduler);
  const out = { lr: [lrsOf(opt)], lastLr: [sched.getLastLr()], momentum: [momentaOf(opt) as number[]], sched, opt };
  const steps = c.metrics ? c.metrics.length : c.steps!;
  for (let k = from + 1; k <= steps; k++) {
    opt.step();
    const scale = c.scaleLrAt?.[String(k)];
    if (scale !== undefined) opt.paramGroups.forEach((g) => ((g as unknown as { lr: number }).lr *= scale));
    if (sched instanceof ReduceLROnPlateau) sched.step(c.metrics![k - 1]);
    else (sched as LRScheduler).step();
    out.lr.push(lrsOf(opt));
    out.lastLr.push(sched.getLastLr());
    out.momentum.push(momentaOf(opt) as number[]);
  }
  return out;
}

describe("schedulers against PyTorch 2.13 (lr_scheduler, float64)", () => {
  it("the reference covers every scheduler, with several option sets each", () => {
    const count = (t: string) => CASES.filter((c) => c.scheduler.type === t).length;
    for (const t of ["StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "LinearLR", "OneCycleLR", "ReduceLROnPlateau", "SequentialLR"]) {
      expect(count(t), t).toBeGreaterThanOrEqual(2);
    }
  });

  it.each(CASES.map((c) => [c.name, c] as const))("%s", (_, c) => {
    const exact = !usesLibm(c.scheduler);
    const r = run(c);
    const last = c.expected.lr.length - 1;
    c.expected.lr.forEach((want, k) => {
      // PyTorch lets OneCycleLR's last allowed step continue a linear phase below 0; an lr here is never negative (set as 0).
      const clamped = want.map((v) => Math.max(0, v));
      expectValues(r.lr[k], clamped, exact, `lr after step ${k}`);
      expectValues(r.lastLr[k], clamped, exact, `getLastLr() after step ${k}`);
      expectValues(r.momentum[k], c.expected.momentum[k], exact, `momentum after step ${k}`);
    });
    const sd = r.sched.stateDict();
    const st = c.expected.state;
    expect(sd.lastEpoch).toBe(st.lastEpoch);
    if (st.baseLrs) expectValues(sd.baseLrs as number[], st.baseLrs as number[], exact, "baseLrs");
    expectValues(sd.lastLr, (st.lastLr as number[]).map((v) => Math.max(0, v)), exact, "lastLr");
    for (const k of ["best", "numBadEpochs", "cooldownCounter"]) if (k in st) expect(sd[k], k).toBe(st[k]);
    expect(r.lr.length).toBe(last + 1);
  });

  it("the one difference: OneCycleLR's last allowed step with linear annealing, where PyTorch's lr is negative, sets 0", () => {
    const c = CASES.find((x) => x.name.startsWith("OneCycleLR maxLr per group, linear"))!;
    const torchLast = c.expected.lr[c.expected.lr.length - 1];
    expect(torchLast[0]).toBeLessThan(0);
    const r = run(c);
    expect(r.lr[r.lr.length - 1]).toEqual([0, 0]);
    expect(r.lr[r.lr.length - 2]).toEqual(c.expected.lr[c.expected.lr.length - 2]); // the step before: PyTorch's value
  });
});

// ---------------------------------------------------------------------------------------------

describe("the formulas by hand", () => {
  const sgd = (lr = 0.1) => new SGD([param()], { lr });

  it("StepLR: lr = base·gamma^⌊t/stepSize⌋ (exactly, as the repeated product)", () => {
    const opt = sgd(0.8);
    const s = new StepLR(opt, { stepSize: 3, gamma: 0.5 });
    const got = [opt.lr];
    for (let t = 1; t <= 9; t++) {
      s.step();
      got.push(opt.lr);
    }
    expect(got).toEqual([0.8, 0.8, 0.8, 0.4, 0.4, 0.4, 0.2, 0.2, 0.2, 0.1]);
  });

  it("CosineAnnealingLR: the recursive form follows the closed form while the lr is left alone", () => {
    const opt = sgd(0.1);
    const s = new CosineAnnealingLR(opt, { tMax: 20, etaMin: 0.01 });
    for (let t = 1; t <= 60; t++) {
      s.step();
      const closed = 0.01 + ((0.1 - 0.01) * (1 + Math.cos((Math.PI * t) / 20))) / 2;
      expect(Math.abs(opt.lr - closed), `t = ${t}`).toBeLessThan(1e-15);
    }
  });

  it("CosineAnnealingLR: a change from outside is carried on (chainable), not undone", () => {
    const opt = sgd(0.1);
    const s = new CosineAnnealingLR(opt, { tMax: 10 });
    s.step();
    s.step();
    opt.lr = opt.lr / 2;
    s.step();
    const closed = (t: number) => (0.1 * (1 + Math.cos((Math.PI * t) / 10))) / 2;
    // the recursive form scales the halved lr along the cosine: half the closed form
    expect(opt.lr / closed(3)).toBeCloseTo(0.5, 14);
  });

  it("LinearLR: a warm-up from startFactor·base to base in totalIters steps, then constant", () => {
    const opt = sgd(0.2);
    const s = new LinearLR(opt, { startFactor: 0.25, totalIters: 3 });
    const got = [opt.lr];
    for (let t = 1; t <= 5; t++) {
      s.step();
      got.push(opt.lr);
    }
    const want = [0.25, 0.5, 0.75, 1, 1, 1].map((f) => 0.2 * f);
    got.forEach((g, i) => expect(g).toBeCloseTo(want[i], 15));
  });

  it("OneCycleLR's defaults: starts at maxLr/25, peaks at maxLr at step 0.3·total − 1, ends at maxLr/25/1e4", () => {
    const opt = new SGD([param()], { lr: 1, momentum: 0.9 });
    const s = new OneCycleLR(opt, { maxLr: 1, totalSteps: 100 });
    const lrs = [opt.lr];
    const moms = [opt.paramGroups[0].momentum];
    for (let t = 1; t < 100; t++) {
      s.step();
      lrs.push(opt.lr);
      moms.push(opt.paramGroups[0].momentum);
    }
    expect(lrs[0]).toBeCloseTo(1 / 25, 16); // end + (start − end)/2·(cos 0 + 1): not exactly start, in PyTorch either
    expect(opt.paramGroups[0].initialLr).toBe(1 / 25);
    expect(lrs[29]).toBe(1); // end of phase 1: pct = 1
    expect(Math.max(...lrs)).toBe(1);
    expect(lrs[99]).toBeCloseTo(1 / 25 / 1e4, 18);
    expect([moms[0], moms[29], moms[99]]).toEqual([0.95, 0.85, 0.95]);
    // phase 2 at its middle: pct = 0.5, lr = (max + min)/2 (the cosine's midpoint)
    const mid = 29 + (99 - 29) / 2;
    expect(lrs[mid]).toBeCloseTo((1 + 1 / 25 / 1e4) / 2, 14);
  });

  it("ReduceLROnPlateau: patience 2 waits for the third bad epoch", () => {
    const opt = sgd(1);
    const s = new ReduceLROnPlateau(opt, { patience: 2, factor: 0.5 });
    const lrs: number[] = [];
    for (const m of [5, 4, 4, 4, 4, 3, 3]) {
      s.step(m);
      lrs.push(opt.lr);
    }
    expect(lrs).toEqual([1, 1, 1, 1, 0.5, 0.5, 0.5]);
    expect(s.best).toBe(3);
    s.step(tensor(3)); // a one-element tensor works as a metric
    expect(s.numBadEpochs).toBe(2);
    s.step(Number.NaN); // NaN is never better: a bad epoch
    expect(opt.lr).toBe(0.25);
  });
});

describe("PyTorch's mechanics", () => {
  it("the first scheduler on an optimizer fixes each group's initialLr; later ones start from it, not from the current lr", () => {
    const opt = new SGD([{ params: [param()], lr: 0.1 }, { params: [param()], lr: 0.3 }], {});
    expect(opt.paramGroups.map((g) => g.initialLr)).toEqual([undefined, undefined]);
    const warm = new LinearLR(opt, { startFactor: 0.1 });
    expect(lrsOf(opt).map((x) => +x.toFixed(12))).toEqual([0.01, 0.03]);
    expect(opt.paramGroups.map((g) => g.initialLr)).toEqual([0.1, 0.3]);
    const exp = new ExponentialLR(opt, { gamma: 0.5 });
    expect(exp.baseLrs).toEqual([0.1, 0.3]);
    expect(warm.baseLrs).toEqual([0.1, 0.3]);
    expect(exp.lastEpoch).toBe(0);
  });

  it("the chainable forms carry on a change made from outside (StepLR, ExponentialLR, MultiStepLR, LinearLR)", () => {
    const make: [string, (o: Optimizer) => LRScheduler][] = [
      ["StepLR", (o) => new StepLR(o, { stepSize: 1, gamma: 0.5 })],
      ["ExponentialLR", (o) => new ExponentialLR(o, { gamma: 0.5 })],
      ["MultiStepLR", (o) => new MultiStepLR(o, { milestones: [1, 2], gamma: 0.5 })],
      ["LinearLR", (o) => new LinearLR(o, { startFactor: 0.5, totalIters: 2 })],
    ];
    for (const [name, f] of make) {
      const a = new SGD([param()], { lr: 1 }), b = new SGD([param()], { lr: 1 });
      const sa = f(a), sb = f(b);
      b.lr = b.lr * 3;
      sa.step();
      sb.step();
      expect(b.lr / a.lr, name).toBeCloseTo(3, 14);
    }
  });

  it("SequentialLR restarts the next scheduler from its base lr at the milestone (the closed form), whatever the first left", () => {
    const opt = new SGD([param()], { lr: 1 });
    const a = new ExponentialLR(opt, { gamma: 0.5 });
    const b = new CosineAnnealingLR(opt, { tMax: 4 });
    const s = new SequentialLR(opt, { schedulers: [a, b], milestones: [3] });
    const lrs = [opt.lr];
    for (let i = 0; i < 5; i++) {
      s.step();
      lrs.push(opt.lr);
    }
    expect(lrs.slice(0, 4)).toEqual([1, 0.5, 0.25, 1]); // 0.25 → back to 1 at the milestone
    expect(lrs[4]).toBeCloseTo((1 + Math.cos(Math.PI / 4)) / 2, 15);
    expect(s.getLastLr()).toEqual([lrs[5]]);
  });

  it("a group added after the scheduler is not scheduled: step() says so and changes nothing", () => {
    const opt = new SGD([param()], { lr: 1 });
    const s = new StepLR(opt, { stepSize: 1 });
    opt.addParamGroup({ params: [param()], lr: 0.5 });
    expect(() => s.step()).toThrow(/the optimizer has 2 parameter groups, but this scheduler was made for 1/);
    expect(lrsOf(opt)).toEqual([1, 0.5]);
    expect(s.lastEpoch).toBe(0);
  });

  it("an lr that would overflow is never set: the step throws, naming the group, and changes nothing", () => {
    const opt = new SGD([param()], { lr: 1e300 });
    const s = new ExponentialLR(opt, { gamma: 1e10 });
    expect(() => s.step()).toThrow(/ExponentialLR: step 1 would set paramGroups\[0\]\.lr to Infinity/);
    expect(opt.lr).toBe(1e300);
    expect(s.lastEpoch).toBe(0);
  });

  it("OneCycleLR allows totalSteps steps (as PyTorch) and throws on the next, changing nothing", () => {
    const opt = new SGD([param()], { lr: 1, momentum: 0.9 });
    const s = new OneCycleLR(opt, { maxLr: 1, totalSteps: 4 });
    for (let i = 0; i < 4; i++) s.step();
    const lr = opt.lr, mom = opt.paramGroups[0].momentum;
    expect(() => s.step()).toThrow(/OneCycleLR: tried to step 5 times; the cycle has totalSteps 4/);
    expect([opt.lr, opt.paramGroups[0].momentum, s.lastEpoch]).toEqual([lr, mom, 4]);
  });
});

describe("options are checked before anything changes", () => {
  const fresh = () => new SGD([{ params: [param()], lr: 0.1 }, { params: [param()], lr: 0.02, nesterov: true, momentum: 0.9 }], { lr: 0.1 });
  const bad: [string, (o: Optimizer) => unknown, RegExp][] = [
    ["StepLR without stepSize", (o) => new StepLR(o, {} as never), /StepLR: stepSize is required/],
    ["StepLR stepSize 0", (o) => new StepLR(o, { stepSize: 0 }), /StepLR: stepSize must be an integer >= 1, got 0/],
    ["StepLR stepSize 1.5", (o) => new StepLR(o, { stepSize: 1.5 }), /stepSize must be an integer >= 1, got 1\.5/],
    ["StepLR gamma -1", (o) => new StepLR(o, { stepSize: 1, gamma: -1 }), /gamma must be >= 0, got -1/],
    ["StepLR step_size", (o) => new StepLR(o, { step_size: 2 } as never), /StepLR: unknown option "step_size"; expected one of: stepSize, gamma/],
    ["MultiStepLR milestones missing", (o) => new MultiStepLR(o, {} as never), /milestones must be an array/],
    ["MultiStepLR milestone -1", (o) => new MultiStepLR(o, { milestones: [2, -1] }), /milestones\[1\] must be an integer >= 0, got -1/],
    ["ExponentialLR no gamma", (o) => new ExponentialLR(o, {} as never), /ExponentialLR: gamma is required/],
    ["ExponentialLR gamma NaN", (o) => new ExponentialLR(o, { gamma: NaN }), /gamma must be a finite number, got NaN/],
    ["CosineAnnealingLR T_max", (o) => new CosineAnnealingLR(o, { T_max: 10 } as never), /unknown option "T_max"/],
    ["CosineAnnealingLR tMax 0", (o) => new CosineAnnealingLR(o, { tMax: 0 }), /tMax must be an integer >= 1/],
    ["CosineAnnealingLR etaMin -1", (o) => new CosineAnnealingLR(o, { tMax: 3, etaMin: -1 }), /etaMin must be >= 0/],
    ["LinearLR startFactor 0", (o) => new LinearLR(o, { startFactor: 0 }), /startFactor must be in \(0, 1\], got 0/],
    ["LinearLR endFactor 2", (o) => new LinearLR(o, { endFactor: 2 }), /endFactor must be in \[0, 1\], got 2/],
    ["LinearLR totalIters 0", (o) => new LinearLR(o, { totalIters: 0 }), /totalIters must be an integer >= 1/],
    ["OneCycleLR no maxLr", (o) => new OneCycleLR(o, { totalSteps: 10 } as never), /maxLr is required/],
    ["OneCycleLR no length", (o) => new OneCycleLR(o, { maxLr: 1 }), /give totalSteps, or both epochs and stepsPerEpoch/],
    ["OneCycleLR maxLr per group, wrong count", (o) => new OneCycleLR(o, { maxLr: [1, 2, 3], totalSteps: 10 }), /maxLr has 3 values, but the optimizer has 2 parameter groups/],
    ["OneCycleLR pctStart 1.5", (o) => new OneCycleLR(o, { maxLr: 1, totalSteps: 10, pctStart: 1.5 }), /pctStart must be in \[0, 1\]/],
    ["OneCycleLR anneal", (o) => new OneCycleLR(o, { maxLr: 1, totalSteps: 10, annealStrategy: "cosine" as never }), /annealStrategy must be one of "cos", "linear", got "cosine"/],
    ["OneCycleLR divFactor 0", (o) => new OneCycleLR(o, { maxLr: 1, totalSteps: 10, divFactor: 0 }), /divFactor must be > 0/],
    ["OneCycleLR empty phase", (o) => new OneCycleLR(o, { maxLr: 1, totalSteps: 10, pctStart: 0.1 }), /pctStart 0\.1 with totalSteps 10 gives phase 1 of the cycle no length/],
    ["OneCycleLR nesterov to 0", (o) => new OneCycleLR(o, { maxLr: 1, totalSteps: 10, baseMomentum: 0 }), /paramGroups\[1\] uses nesterov momentum, which needs momentum > 0/],
    ["ReduceLROnPlateau factor 1", (o) => new ReduceLROnPlateau(o, { factor: 1 }), /factor must be < 1/],
    ["ReduceLROnPlateau mode", (o) => new ReduceLROnPlateau(o, { mode: "minimum" as never }), /mode must be one of "min", "max"/],
    ["ReduceLROnPlateau thresholdMode", (o) => new ReduceLROnPlateau(o, { thresholdMode: "relative" as never }), /thresholdMode must be one of "rel", "abs"/],
    ["ReduceLROnPlateau minLr per group", (o) => new ReduceLROnPlateau(o, { minLr: [0.1] }), /minLr has 1 values, but the optimizer has 2/],
    ["ReduceLROnPlateau patience -1", (o) => new ReduceLROnPlateau(o, { patience: -1 }), /patience must be an integer >= 0/],
    ["not an optimizer", () => new StepLR({} as never, { stepSize: 1 }), /StepLR: expected an optimizer/],
  ];
  it.each(bad)("%s", (_, make, re) => {
    const opt = fresh();
    const before = JSON.stringify(opt.paramGroups);
    expect(() => make(opt)).toThrow(re);
    expect(JSON.stringify(opt.paramGroups)).toBe(before); // no initialLr, lr or momentum set
  });

  it("SequentialLR: its schedulers and milestones are checked", () => {
    const opt = fresh();
    const a = new StepLR(opt, { stepSize: 1 }), b = new ExponentialLR(opt, { gamma: 0.9 });
    const other = new StepLR(new SGD([param()], { lr: 1 }), { stepSize: 1 });
    const lrs = lrsOf(opt);
    expect(() => new SequentialLR(opt, { schedulers: [a, b], milestones: [] })).toThrow(/2 schedulers need 1 milestone/);
    expect(() => new SequentialLR(opt, { schedulers: [a, b, new LinearLR(opt)], milestones: [5, 3] })).toThrow(/milestones must increase/);
    expect(() => new SequentialLR(opt, { schedulers: [a, other], milestones: [2] })).toThrow(/schedulers\[1\] \(StepLR\) belongs to another optimizer/);
    expect(() => new SequentialLR(opt, { schedulers: [a, new ReduceLROnPlateau(opt) as never], milestones: [2] })).toThrow(/schedulers\[1\] must be an epoch scheduler .*its step needs a metric/);
    expect(() => new SequentialLR(opt, { schedulers: [], milestones: [] })).toThrow(/non-empty array/);
    expect(() => new SequentialLR(opt, { schedulers: [a, a], milestones: [2] })).toThrow(/listed twice/);
    const inner = new SequentialLR(opt, { schedulers: [a, b], milestones: [2] });
    expect(() => new SequentialLR(opt, { schedulers: [inner, b], milestones: [2] })).toThrow(/nesting them is not supported/);
    expect(lrsOf(opt)).toEqual(lrs.map((x, i) => [0.1, 0.02][i] ?? x));
  });

  it("ReduceLROnPlateau.step wants a number", () => {
    const s = new ReduceLROnPlateau(fresh());
    expect(() => s.step("0.5" as never)).toThrow(/expected the epoch's metric \(a number/);
    expect(() => s.step(tensor([1, 2]))).toThrow(/must have one element, got shape \[2\]/);
    expect(s.lastEpoch).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------

describe("state dicts", () => {
  /** Run `k` steps, save (through JSON) optimizer and scheduler, build fresh ones, load, and run on: the lrs must match the uninterrupted run's bit for bit. */
  it.each(CASES.map((c) => [c.name, c] as const))("%s: resumed after half the steps gives the same lrs", (_, c) => {
    const full = run(c);
    const total = c.metrics ? c.metrics.length : c.steps!;
    const k = Math.floor(total / 2);
    const first = run({ ...c, steps: k, metrics: c.metrics?.slice(0, k) });
    const optSd = JSON.parse(JSON.stringify(first.opt.stateDict()));
    const schedSd = JSON.parse(JSON.stringify(first.sched.stateDict())) as SchedulerStateDict;
    const opt = makeOptimizer(c.optimizer, c.lrs);
    const sched = makeScheduler(opt, c.scheduler);
    opt.loadStateDict(optSd);
    sched.loadStateDict(schedSd);
    expect(sched.stateDict()).toEqual(first.sched.stateDict());
    const rest = run(c, sched, opt, k);
    expect(rest.lr).toEqual(full.lr.slice(k));
    expect(rest.momentum).toEqual(full.momentum.slice(k));
  });

  it("ReduceLROnPlateau's infinite best round-trips through JSON (as a string)", () => {
    const opt = new SGD([param()], { lr: 1 });
    const s = new ReduceLROnPlateau(opt, { mode: "max" });
    const sd = s.stateDict();
    expect(sd.best).toBe("-Infinity");
    const t = new ReduceLROnPlateau(opt, { mode: "min" });
    t.loadStateDict(JSON.parse(JSON.stringify(sd)));
    expect(t.best).toBe(-Infinity);
    expect(t.stateDict().options.mode).toBe("max"); // the options come with the state, as in PyTorch
  });

  it("loading checks every field first; on any problem nothing changes and the field is named", () => {
    const opt = new SGD([{ params: [param()], lr: 0.1 }, { params: [param()], lr: 0.2 }], { momentum: 0.9 });
    const s = new OneCycleLR(opt, { maxLr: [1, 2], totalSteps: 10 });
    s.step();
    const good = s.stateDict();
    const before = JSON.stringify([s.stateDict(), opt.stateDict()]);
    const bad: [(sd: Record<string, any>) => unknown, RegExp][] = [
      (() => { const f = (sd: Record<string, any>) => ({ ...sd, type: "StepLR" }); return [f, /the state dict is of a "StepLR", not of a "OneCycleLR"/]; })(),
      [(sd) => { delete sd.lastLr; return sd; }, /lacks "lastLr"/],
      [(sd) => ({ ...sd, extra: 1 }), /unknown key "extra"/],
      [(sd) => ({ ...sd, lastEpoch: 1.5 }), /lastEpoch must be an integer >= -1, got 1\.5/],
      [(sd) => ({ ...sd, baseLrs: [1] }), /baseLrs must be an array of 2 learning rates/],
      [(sd) => ({ ...sd, lastLr: [1, -1] }), /lastLr\[1\] must be >= 0, got -1/],
      [(sd) => ({ ...sd, options: { ...sd.options, totalSteps: 0 } }), /options: totalSteps must be an integer >= 1, got 0/],
      [(sd) => ({ ...sd, options: { ...sd.options, maxLr: [1] } }), /options: maxLr has 1 values, but the optimizer has 2/],
      [(sd) => ({ ...sd, options: { ...sd.options, speed: 1 } }), /options: unknown option "speed"/],
      [() => null, /expected a scheduler state dict object, got null/],
    ];
    for (const [change, re] of bad) {
      const sd = change(JSON.parse(JSON.stringify(good)));
      expect(() => s.loadStateDict(sd as SchedulerStateDict)).toThrow(re);
      expect(() => s.loadStateDict(sd as SchedulerStateDict)).toThrow(/^OneCycleLR\.loadStateDict: /);
      expect(JSON.stringify([s.stateDict(), opt.stateDict()])).toBe(before);
    }
  });

  it("SequentialLR: a bad sub-scheduler state loads nothing (not even the good ones before it)", () => {
    const opt = new SGD([param()], { lr: 1 });
    const a = new StepLR(opt, { stepSize: 2 }), b = new LinearLR(opt, { startFactor: 0.5 });
    const s = new SequentialLR(opt, { schedulers: [a, b], milestones: [3] });
    for (let i = 0; i < 5; i++) s.step();
    const sd = JSON.parse(JSON.stringify(s.stateDict()));
    const opt2 = new SGD([param()], { lr: 1 });
    const a2 = new StepLR(opt2, { stepSize: 2 }), b2 = new LinearLR(opt2, { startFactor: 0.5 });
    const s2 = new SequentialLR(opt2, { schedulers: [a2, b2], milestones: [3] });
    const before = JSON.stringify(s2.stateDict());
    sd.schedulers[1].options.totalIters = -3;
    expect(() => s2.loadStateDict(sd)).toThrow(/SequentialLR\.loadStateDict: schedulers\[1\]: options: totalIters must be an integer >= 1/);
    expect(JSON.stringify(s2.stateDict())).toBe(before);
    sd.schedulers[1].options.totalIters = 5;
    s2.loadStateDict(sd);
    expect(s2.stateDict()).toEqual(s.stateDict());
  });

  it("is JSON-able: a stringify/parse round trip gives an equal object", () => {
    const opt = new Adam([param()], { lr: 0.1 });
    for (const s of [new StepLR(opt, { stepSize: 2 }), new ReduceLROnPlateau(opt)] as Scheduler[]) {
      const sd = s.stateDict();
      expect(JSON.parse(JSON.stringify(sd))).toEqual(sd);
    }
  });
});



