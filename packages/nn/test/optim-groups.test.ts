/**
 * Parameter groups: SGD, Adam and AdamW with groups that set their own options, against PyTorch
 * (reference/torch-optim.ts, made by reference/optim_reference.py: every parameter after every
 * step, and torch's state_dict() at the end), including runs where a OneCycleLR changes the lr and
 * the momentum/beta1 of each group every step (checked to 1e-14; measured: with fixed lrs Adam's and
 * AdamW's parameters are bit-identical to PyTorch's, elsewhere a few units in the last place apart).
 * Then PyTorch's checks of groups, and more.
 */
import { describe, expect, it } from "vitest";
import { tensor, type Tensor } from "@backprop/core";
import { Adam, AdamW, Linear, OneCycleLR, SGD, type Optimizer, type OptimizerStateDict } from "../src/index.js";
import { OPTIMIZER_CASES } from "./reference/torch-optim.js";

interface OptCase {
  name: string;
  type: "SGD" | "Adam" | "AdamW";
  defaults: Record<string, unknown>;
  groups: ({ params: number[] } & Record<string, unknown>)[];
  scheduler?: { type: "OneCycleLR"; options: Record<string, unknown> };
  steps: number;
  init: number[][];
  shapes: number[][];
  grads: (number[] | null)[][];
  expected: { params: number[][][]; stateDict: OptimizerStateDict };
}
const CASES = OPTIMIZER_CASES as OptCase[];

function build(c: OptCase): { params: Tensor[]; opt: Optimizer; sched: OneCycleLR | null } {
  const params = c.init.map((v, i) => tensor(v, { shape: c.shapes[i], dtype: "float64", requiresGrad: true }));
  const groups = c.groups.map(({ params: idx, ...opts }) => ({ params: idx.map((i) => params[i]), ...opts }));
  const Ctor = { SGD, Adam, AdamW }[c.type] as unknown as new (g: unknown, d: unknown) => Optimizer;
  const opt = new Ctor(groups, c.defaults);
  const sched = c.scheduler ? new OneCycleLR(opt, c.scheduler.options as never) : null;
  return { params, opt, sched };
}

function close(got: ArrayLike<number>, want: readonly number[], what: string, tol = 1e-14): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i] - want[i]);
    if (!(err <= tol * Math.max(1, Math.abs(want[i])))) throw new Error(`${what}[${i}]: got ${got[i]}, PyTorch ${want[i]} (error ${err})`);
  }
}

describe("parameter groups against PyTorch 2.13 (float64)", () => {
  it.each(CASES.map((c) => [c.name, c] as const))("%s", (_, c) => {
    const { params, opt, sched } = build(c);
    for (let k = 0; k < c.steps; k++) {
      params.forEach((p, i) => {
        const g = c.grads[k][i];
        p.grad = g === null ? null : tensor(g, { shape: c.shapes[i], dtype: "float64" });
      });
      opt.step();
      sched?.step();
      params.forEach((p, i) => close(p.data, c.expected.params[k][i], `step ${k + 1}, parameter ${i}`));
    }
    // torch's state_dict(), on the keys we write (torch adds foreach, fused, …): the same layout, names and values
    const ours = opt.stateDict();
    const want = c.expected.stateDict;
    expect(ours.param_groups.length).toBe(want.param_groups.length);
    ours.param_groups.forEach((g, i) => {
      expect(Object.keys(g).sort()).toEqual(Object.keys(want.param_groups[i]).sort());
      for (const [key, v] of Object.entries(want.param_groups[i])) {
        if (typeof v === "number") close([g[key] as number], [v], `param_groups[${i}].${key}`);
        else if (Array.isArray(v) && key === "betas") close(g[key] as number[], v as number[], `param_groups[${i}].betas`);
        else expect(g[key], `param_groups[${i}].${key}`).toEqual(v);
      }
    });
    expect(Object.keys(ours.state).sort()).toEqual(Object.keys(want.state).sort());
    for (const [id, entry] of Object.entries(want.state)) {
      expect(Object.keys(ours.state[id]).sort(), `state[${id}]`).toEqual(Object.keys(entry).sort());
      for (const [key, v] of Object.entries(entry)) {
        const got = ours.state[id][key];
        if (typeof v === "number") expect(got, `state[${id}].${key}`).toBe(v);
        else {
          expect((got as { shape: number[] }).shape).toEqual(v.shape);
          close((got as { data: number[] }).data, v.data, `state[${id}].${key}`);
        }
      }
    }
  });

  it("the cases use their groups' options (each case differs from running every parameter with the defaults)", () => {
    for (const c of CASES.filter((x) => !x.scheduler)) {
      const flat = { ...c, groups: [{ params: c.groups.flatMap((g) => g.params) }] };
      const { params, opt } = build(flat);
      for (let k = 0; k < c.steps; k++) {
        params.forEach((p, i) => (p.grad = c.grads[k][i] === null ? null : tensor(c.grads[k][i]!, { shape: c.shapes[i], dtype: "float64" })));
        opt.step();
      }
      const last = c.expected.params[c.steps - 1];
      const differs = params.some((p, i) => Array.from(p.data).some((x, j) => Math.abs(x - last[i][j]) > 1e-6));
      expect(differs, c.name).toBe(true);
    }
  });
});

// ---------------------------------------------------------------------------------------------

const p64 = (v: number[]) => tensor(v, { dtype: "float64", requiresGrad: true });

describe("groups: PyTorch's checks, and more, before anything is built", () => {
  const a = p64([1, 2]), b = p64([3]), c = p64([4, 5, 6]);
  const bad: [string, () => unknown, RegExp][] = [
    ["a tensor in two groups", () => new SGD([{ params: [a, b] }, { params: [c, a] }], { lr: 0.1 }),
      /SGD: a parameter appears in more than one parameter group \(paramGroups\[0\] and paramGroups\[1\], its params\[1\]\)/],
    ["an unknown option in a group", () => new SGD([{ params: [a] }, { params: [b], learningRate: 0.1 } as never], { lr: 0.1 }),
      /SGD: paramGroups\[1\]: unknown option "learningRate"; expected one of: lr, momentum, dampening, weightDecay, nesterov, maximize, params, initialLr/],
    ["PyTorch's option name", () => new Adam([{ params: [a], weight_decay: 0.1 } as never]), /Adam: paramGroups\[0\]: unknown option "weight_decay"/],
    ["a bad lr in group 2", () => new SGD([{ params: [a] }, { params: [b] }, { params: [c], lr: -1 }], { lr: 0.1 }), /SGD: paramGroups\[2\]: lr must be >= 0, got -1/],
    ["bad betas in a group", () => new Adam([{ params: [a] }, { params: [b], betas: [0.9, 1] }]), /Adam: paramGroups\[1\]: betas\[1\] must be in \[0, 1\), got 1/],
    ["nesterov in a group without momentum", () => new SGD([{ params: [a], nesterov: true }], { lr: 0.1 }),
      /SGD: paramGroups\[0\]: nesterov momentum requires momentum > 0 and dampening = 0/],
    ["no lr in a group nor in the defaults", () => new SGD([{ params: [a], lr: 0.1 }, { params: [b] }]),
      /SGD: paramGroups\[1\] has no lr, and the defaults give none/],
    ["tensors and groups mixed", () => new SGD([a, { params: [b] }] as never, { lr: 0.1 }), /SGD: params\[1\] is a parameter group but params\[0\] is not/],
    ["groups and tensors mixed", () => new SGD([{ params: [b] }, a] as never, { lr: 0.1 }), /SGD: params\[1\] is not a parameter group .* but params\[0\] is/],
    ["a Set of tensors in a group", () => new SGD([{ params: new Set([a]) }], { lr: 0.1 }), /paramGroups\[0\]: params must be an ordered collection \(an array\), not a Set/],
    ["a group tensor that does not require grad", () => new SGD([{ params: [a] }, { params: [tensor([1])] }], { lr: 0.1 }),
      /SGD: paramGroups\[1\]: params\[0\] does not require grad/],
    ["only empty groups", () => new SGD([{ params: [] }], { lr: 0.1 }), /SGD: got an empty parameter list/],
    ["a bad default", () => new SGD([{ params: [a] }], { lr: 0.1, momentum: -1 }), /SGD: momentum must be >= 0, got -1/],
  ];
  it.each(bad)("%s", (_, make, re) => {
    expect(make).toThrow(re);
  });

  it("options a group does not set come from the defaults (then PyTorch's defaults); a group's own win", () => {
    const opt = new SGD([{ params: [a] }, { params: [b], lr: 0.5, nesterov: true }], { lr: 0.1, momentum: 0.9 });
    const [g0, g1] = opt.paramGroups;
    expect({ ...g0, params: undefined }).toEqual({ params: undefined, lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, initialLr: undefined });
    expect([g1.lr, g1.momentum, g1.nesterov]).toEqual([0.5, 0.9, true]);
    expect(g0.params).toEqual([a]);
    expect(opt.params).toEqual([a, b]);
    expect(opt.defaults).toEqual({ lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false, maximize: false });
  });

  it("a group's params may be one Tensor or a Module; a repeat inside one group is kept once", () => {
    const lin = new Linear(2, 3, { dtype: "float64" });
    const opt = new AdamW([{ params: lin }, { params: a, lr: 1 }, { params: [b, b] }]);
    expect(opt.paramGroups.map((g) => g.params.length)).toEqual([2, 1, 1]);
    expect(opt.params).toEqual([lin.weight, lin.bias, a, b]);
  });

  it("the live groups: setting an option checks it (with the group's other options) and takes effect at the next step", () => {
    const w = p64([1, 1]);
    const opt = new SGD([{ params: [w], lr: 0.1, momentum: 0.9, nesterov: true }]);
    const g = opt.paramGroups[0];
    expect(() => (g.lr = -0.5)).toThrow(/SGD: paramGroups\[0\]: lr must be >= 0, got -0\.5/);
    expect(() => (g.momentum = 0)).toThrow(/SGD: paramGroups\[0\]: nesterov momentum requires momentum > 0/);
    expect(() => ((g as unknown as Record<string, unknown>).learningRate = 1)).toThrow(TypeError); // a sealed object: a misspelt option never passes silently
    expect([g.lr, g.momentum]).toEqual([0.1, 0.9]);
    g.lr = 0.5;
    g.nesterov = false;
    g.momentum = 0;
    w.grad = tensor([1, -2], { dtype: "float64" });
    opt.step();
    expect(Array.from(w.data)).toEqual([0.5, 2]);
    expect(opt.state.size).toBe(0); // momentum 0: no buffer
  });

  it("opt.lr reads the common lr (throws when the groups differ) and sets every group's", () => {
    const opt = new SGD([{ params: [a], lr: 0.1 }, { params: [b], lr: 0.2 }]);
    expect(() => opt.lr).toThrow(/SGD: the parameter groups have different learning rates \(0\.1, 0\.2\); read opt\.paramGroups\[i\]\.lr/);
    opt.lr = 0.3;
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.3, 0.3]);
    expect(opt.lr).toBe(0.3);
    expect(() => (opt.lr = NaN)).toThrow(/SGD: lr must be a finite number/);
    expect(opt.lr).toBe(0.3);
  });

  it("addParamGroup: the new group trains with its options; its checks change nothing", () => {
    const w = p64([1]), v = p64([1]);
    const opt = new SGD([w], { lr: 0.1, momentum: 0.5 });
    expect(() => opt.addParamGroup({ params: [v, w] })).toThrow(/SGD: a parameter appears in more than one parameter group \(paramGroups\[0\] and paramGroups\[1\]/);
    expect(() => opt.addParamGroup({ params: [v], lr: -1 })).toThrow(/SGD: paramGroups\[1\]: lr must be >= 0/);
    expect(() => opt.addParamGroup([v] as never)).toThrow(/SGD\.addParamGroup: expected a group object/);
    expect(opt.paramGroups.length).toBe(1);
    expect(opt.params).toEqual([w]);
    opt.addParamGroup({ params: [v], lr: 1, momentum: 0 });
    expect(opt.paramGroups.map((g) => [g.lr, g.momentum])).toEqual([[0.1, 0.5], [1, 0]]);
    w.grad = tensor([1], { dtype: "float64" });
    v.grad = tensor([1], { dtype: "float64" });
    opt.step();
    expect([w.data[0], v.data[0]]).toEqual([0.9, 0]);
    expect(opt.params).toEqual([w, v]);
  });

  it("zeroGrad clears every group's gradients", () => {
    const w = p64([1]), v = p64([1]);
    const opt = new Adam([{ params: [w] }, { params: [v] }]);
    w.grad = tensor([1], { dtype: "float64" });
    v.grad = tensor([1], { dtype: "float64" });
    opt.zeroGrad();
    expect([w.grad, v.grad]).toEqual([null, null]);
  });
});
