"""
Reference values for the optimizer and scheduler tests (packages/nn/test/optim-groups.test.ts,
optim-state.test.ts, sched.test.ts), computed by PyTorch itself.

    pip install torch
    python3 packages/nn/test/reference/optim_reference.py > packages/nn/test/reference/torch-optim.ts

writes the TypeScript constants the tests import (torch-optim.ts is its output, committed as is; its
first line names the PyTorch version it ran with). Everything is float64; numbers are written with
repr (the shortest text that reads back to the same float64).

SCHEDULER_CASES: each scheduler with several option sets on an optimizer with two parameter groups
(lrs 0.1 and 0.02 unless a case says otherwise): every group's lr right after the constructor and
after each step() (and the momentum or beta1 a cycling OneCycleLR sets; ReduceLROnPlateau is given
the case's metrics), then a few fields of the scheduler's state_dict() at the end. A case may scale
the lrs from outside before some steps ("scaleLrAt"), to show which schedulers are chainable (they
continue from the changed lr) and which are not.

OPTIMIZER_CASES: SGD, Adam and AdamW with parameter groups that set different options (and one
parameter with no gradient at some steps), the gradients used (so the TypeScript test feeds the same
numbers), every parameter after each step, and the optimizer's state_dict() at the end (the keys the
TypeScript optimizers write). Two cases run a OneCycleLR on the optimizer, so the updates use the
lrs and momenta/betas the scheduler sets.
"""
import json
import math
import sys

import torch
from torch.optim import SGD, Adam, AdamW
from torch.optim import lr_scheduler as S

torch.set_default_dtype(torch.float64)

TORCH_NAMES = {"tMax": "T_max"}


def snake(key):
    if key in TORCH_NAMES:
        return TORCH_NAMES[key]
    return "".join("_" + c.lower() if c.isupper() else c for c in key)


def torch_kwargs(options):
    return {snake(k): v for k, v in options.items()}


def num(v):
    v = float(v)
    if v != v:
        return "NaN"
    if v in (math.inf, -math.inf):
        return "Infinity" if v > 0 else "-Infinity"
    return v


def make_optimizer(spec, lrs):
    groups = [{"params": [torch.nn.Parameter(torch.zeros(1))], "lr": lr} for lr in lrs]
    kind = spec.get("type", "SGD")
    opts = {k: v for k, v in spec.items() if k != "type"}
    cls = {"SGD": SGD, "Adam": Adam, "AdamW": AdamW}[kind]
    return cls(groups, **torch_kwargs(opts))


def make_scheduler(opt, spec):
    kind, options = spec["type"], dict(spec.get("options", {}))
    if kind == "SequentialLR":
        subs = [make_scheduler(opt, s) for s in options["schedulers"]]
        return S.SequentialLR(opt, subs, options["milestones"])
    cls = getattr(S, kind)
    return cls(opt, **torch_kwargs(options))


def momenta(opt):
    out = []
    for g in opt.param_groups:
        out.append(g["betas"][0] if "betas" in g else g.get("momentum", 0))
    return out


STATE_FIELDS = {
    "last_epoch": "lastEpoch",
    "base_lrs": "baseLrs",
    "_last_lr": "lastLr",
    "best": "best",
    "num_bad_epochs": "numBadEpochs",
    "cooldown_counter": "cooldownCounter",
}


def run_scheduler_case(case):
    lrs = case.get("lrs", [0.1, 0.02])
    opt = make_optimizer(case.get("optimizer", {"type": "SGD", "momentum": 0.9}), lrs)
    sched = make_scheduler(opt, case["scheduler"])
    plateau = case["scheduler"]["type"] == "ReduceLROnPlateau"
    lr_rows = [[num(g["lr"]) for g in opt.param_groups]]
    last_rows = [[num(v) for v in sched.get_last_lr()]]
    mom_rows = [[num(v) for v in momenta(opt)]]
    scale = {int(k): v for k, v in case.get("scaleLrAt", {}).items()}
    steps = len(case["metrics"]) if plateau else case["steps"]
    for k in range(1, steps + 1):
        opt.step()
        if k in scale:
            for g in opt.param_groups:
                g["lr"] = g["lr"] * scale[k]
        if plateau:
            sched.step(case["metrics"][k - 1])
        else:
            sched.step()
        lr_rows.append([num(g["lr"]) for g in opt.param_groups])
        last_rows.append([num(v) for v in sched.get_last_lr()])
        mom_rows.append([num(v) for v in momenta(opt)])
    sd = sched.state_dict()
    state = {}
    for key, ours in STATE_FIELDS.items():
        if key in sd:
            v = sd[key]
            state[ours] = [num(x) for x in v] if isinstance(v, list) else num(v)
    out = dict(case)
    out["expected"] = {"lr": lr_rows, "lastLr": last_rows, "momentum": mom_rows, "state": state}
    return out


SGD_M = {"type": "SGD", "momentum": 0.9}
ADAM = {"type": "Adam", "betas": [0.9, 0.999]}

SCHEDULER_CASES = [
    # StepLR: lr·gamma at every multiple of stepSize (chainable form: the current lr is multiplied)
    {"name": "StepLR stepSize 3 (gamma default 0.1)", "scheduler": {"type": "StepLR", "options": {"stepSize": 3}}, "steps": 10},
    {"name": "StepLR stepSize 2 gamma 0.5", "scheduler": {"type": "StepLR", "options": {"stepSize": 2, "gamma": 0.5}}, "steps": 9},
    {"name": "StepLR stepSize 1 gamma 0.9, lr halved from outside before step 4 (chainable)",
     "scheduler": {"type": "StepLR", "options": {"stepSize": 1, "gamma": 0.9}}, "steps": 8, "scaleLrAt": {"4": 0.5}},
    # MultiStepLR: a repeated milestone multiplies by gamma² there (PyTorch's Counter)
    {"name": "MultiStepLR milestones [2, 5, 9] gamma 0.1", "scheduler": {"type": "MultiStepLR", "options": {"milestones": [2, 5, 9], "gamma": 0.1}}, "steps": 12},
    {"name": "MultiStepLR milestones [3, 3, 7] gamma 0.5 (3 twice)", "scheduler": {"type": "MultiStepLR", "options": {"milestones": [3, 3, 7], "gamma": 0.5}}, "steps": 9},
    {"name": "MultiStepLR milestones [6, 2] gamma 0.3 (unsorted)", "scheduler": {"type": "MultiStepLR", "options": {"milestones": [6, 2], "gamma": 0.3}}, "steps": 8},
    # ExponentialLR
    {"name": "ExponentialLR gamma 0.9", "scheduler": {"type": "ExponentialLR", "options": {"gamma": 0.9}}, "steps": 12},
    {"name": "ExponentialLR gamma 0.5, lr doubled from outside before step 3", "scheduler": {"type": "ExponentialLR", "options": {"gamma": 0.5}}, "steps": 6, "scaleLrAt": {"3": 2.0}},
    # CosineAnnealingLR: PyTorch's recursive (chainable) form, continued past tMax (the lr rises again)
    {"name": "CosineAnnealingLR tMax 10", "scheduler": {"type": "CosineAnnealingLR", "options": {"tMax": 10}}, "steps": 10},
    {"name": "CosineAnnealingLR tMax 10 etaMin 0.001", "scheduler": {"type": "CosineAnnealingLR", "options": {"tMax": 10, "etaMin": 0.001}}, "steps": 12},
    {"name": "CosineAnnealingLR tMax 4 etaMin 0.005, 3 half-periods (rises after tMax)", "scheduler": {"type": "CosineAnnealingLR", "options": {"tMax": 4, "etaMin": 0.005}}, "steps": 17},
    {"name": "CosineAnnealingLR tMax 8, lr halved from outside before step 3 (recursive form differs from the closed form)",
     "scheduler": {"type": "CosineAnnealingLR", "options": {"tMax": 8}}, "steps": 10, "scaleLrAt": {"3": 0.5}},
    # LinearLR
    {"name": "LinearLR defaults (1/3 → 1 over 5)", "scheduler": {"type": "LinearLR", "options": {}}, "steps": 8},
    {"name": "LinearLR warm-up 0.1 → 1 over 4", "scheduler": {"type": "LinearLR", "options": {"startFactor": 0.1, "endFactor": 1.0, "totalIters": 4}}, "steps": 7},
    {"name": "LinearLR decay 1 → 0.2 over 6", "scheduler": {"type": "LinearLR", "options": {"startFactor": 1.0, "endFactor": 0.2, "totalIters": 6}}, "steps": 9},
    {"name": "LinearLR 0.5 → 0 over 3 (to zero)", "scheduler": {"type": "LinearLR", "options": {"startFactor": 0.5, "endFactor": 0.0, "totalIters": 3}}, "steps": 5},
    # OneCycleLR
    {"name": "OneCycleLR maxLr 0.5 totalSteps 20, defaults (cos, pctStart 0.3, divFactor 25, finalDivFactor 1e4, momentum 0.85–0.95)",
     "scheduler": {"type": "OneCycleLR", "options": {"maxLr": 0.5, "totalSteps": 20}}, "steps": 20},
    {"name": "OneCycleLR maxLr per group, linear, threePhase, pctStart 0.25",
     "scheduler": {"type": "OneCycleLR", "options": {"maxLr": [0.5, 0.1], "totalSteps": 16, "annealStrategy": "linear", "threePhase": True, "pctStart": 0.25}}, "steps": 16},
    {"name": "OneCycleLR epochs 3 × stepsPerEpoch 5, no momentum cycling, divFactor 10, finalDivFactor 100",
     "scheduler": {"type": "OneCycleLR", "options": {"maxLr": 0.3, "epochs": 3, "stepsPerEpoch": 5, "cycleMomentum": False, "divFactor": 10.0, "finalDivFactor": 100.0}}, "steps": 15},
    {"name": "OneCycleLR on Adam: beta1 cycled between 0.8 and 0.9, cos, threePhase",
     "optimizer": ADAM, "scheduler": {"type": "OneCycleLR", "options": {"maxLr": 0.01, "totalSteps": 12, "baseMomentum": 0.8, "maxMomentum": 0.9, "threePhase": True}}, "steps": 12},
    {"name": "OneCycleLR on plain SGD (momentum 0): cycling sets momentum from 0.95",
     "optimizer": {"type": "SGD"}, "scheduler": {"type": "OneCycleLR", "options": {"maxLr": 1.0, "totalSteps": 10, "pctStart": 0.5}}, "steps": 10},
    # ReduceLROnPlateau
    {"name": "ReduceLROnPlateau defaults (min, factor 0.1, patience 10, rel 1e-4)", "scheduler": {"type": "ReduceLROnPlateau", "options": {}},
     "metrics": [1.0, 0.9, 0.8] + [0.79995] * 12 + [0.5] + [0.6] * 12},
    {"name": "ReduceLROnPlateau min, factor 0.5, patience 2, threshold 0.1 rel", "scheduler": {"type": "ReduceLROnPlateau", "options": {"factor": 0.5, "patience": 2, "threshold": 0.1}},
     "metrics": [10.0, 9.5, 8.9, 8.5, 8.2, 8.0, 7.0, 6.95, 6.9, 6.85, 6.8, 6.0, 5.0]},
    {"name": "ReduceLROnPlateau max, abs threshold 0.05, patience 1, cooldown 2", "scheduler": {"type": "ReduceLROnPlateau", "options": {"mode": "max", "factor": 0.5, "patience": 1, "threshold": 0.05, "thresholdMode": "abs", "cooldown": 2}},
     "metrics": [0.5, 0.52, 0.56, 0.57, 0.58, 0.59, 0.6, 0.6, 0.7, 0.7, 0.7, 0.7, 0.71, 0.72]},
    {"name": "ReduceLROnPlateau min, abs threshold 0.5, patience 0, cooldown 1", "scheduler": {"type": "ReduceLROnPlateau", "options": {"factor": 0.3, "patience": 0, "threshold": 0.5, "thresholdMode": "abs", "cooldown": 1}},
     "metrics": [5.0, 4.8, 4.0, 3.9, 3.9, 2.0, 2.1, 2.2, 2.3]},
    {"name": "ReduceLROnPlateau max rel, minLr per group", "scheduler": {"type": "ReduceLROnPlateau", "options": {"mode": "max", "factor": 0.1, "patience": 0, "minLr": [0.0005, 0.001]}},
     "metrics": [1.0, 1.0, 0.9, 0.8, 0.7, 0.6]},
    {"name": "ReduceLROnPlateau eps 0.02: a change smaller than eps is skipped", "scheduler": {"type": "ReduceLROnPlateau", "options": {"factor": 0.5, "patience": 0, "eps": 0.02}},
     "metrics": [1.0, 2.0, 3.0, 4.0]},
    # SequentialLR (each sub-scheduler built on the same optimizer first, as PyTorch wants)
    {"name": "SequentialLR LinearLR warm-up (0.1, 4 steps) then CosineAnnealingLR (tMax 10, etaMin 0.001) at 4",
     "scheduler": {"type": "SequentialLR", "options": {"schedulers": [
         {"type": "LinearLR", "options": {"startFactor": 0.1, "totalIters": 4}},
         {"type": "CosineAnnealingLR", "options": {"tMax": 10, "etaMin": 0.001}}], "milestones": [4]}}, "steps": 16},
    {"name": "SequentialLR ExponentialLR 0.9 then StepLR (2, 0.5) at 3",
     "scheduler": {"type": "SequentialLR", "options": {"schedulers": [
         {"type": "ExponentialLR", "options": {"gamma": 0.9}},
         {"type": "StepLR", "options": {"stepSize": 2, "gamma": 0.5}}], "milestones": [3]}}, "steps": 9},
    {"name": "SequentialLR three: LinearLR, ExponentialLR 0.8, MultiStepLR at 3 and 6",
     "scheduler": {"type": "SequentialLR", "options": {"schedulers": [
         {"type": "LinearLR", "options": {"startFactor": 0.25, "totalIters": 3}},
         {"type": "ExponentialLR", "options": {"gamma": 0.8}},
         {"type": "MultiStepLR", "options": {"milestones": [2, 4], "gamma": 0.1}}], "milestones": [3, 6]}}, "steps": 12},
    {"name": "SequentialLR StepLR then OneCycleLR at 2 (no closed form: get_lr at epoch 0)",
     "scheduler": {"type": "SequentialLR", "options": {"schedulers": [
         {"type": "StepLR", "options": {"stepSize": 1, "gamma": 0.5}},
         {"type": "OneCycleLR", "options": {"maxLr": 0.4, "totalSteps": 8, "cycleMomentum": False}}], "milestones": [2]}}, "steps": 10},
]


def grad_at(k, i, shape, salt):
    n = 1
    for d in shape:
        n *= d
    vals = [math.sin(1.3 * k + 0.7 * j + 0.2 + salt) * (j + 1) * (1 if k % 2 == 0 else 0.3) + 0.05 * k - 0.02 * i for j in range(n)]
    return torch.tensor(vals).reshape(shape)


SHAPES = [[2, 3], [3], [4], [2, 2]]
INIT = [
    [[0.5, -1.25, 2.0], [0.125, -0.75, 0.3]],
    [1.0, -0.5, 0.25],
    [-2.0, 0.7, 0.1, 1.5],
    [[0.2, -0.4], [0.9, -1.1]],
]


def run_optimizer_case(case):
    params = [torch.nn.Parameter(torch.tensor(v)) for v in INIT]
    groups = []
    for g in case["groups"]:
        opts = {k: v for k, v in g.items() if k != "params"}
        groups.append({"params": [params[i] for i in g["params"]], **torch_kwargs(opts)})
    cls = {"SGD": SGD, "Adam": Adam, "AdamW": AdamW}[case["type"]]
    opt = cls(groups, **torch_kwargs(case.get("defaults", {})))
    sched = make_scheduler(opt, case["scheduler"]) if "scheduler" in case else None
    skip = {int(k): v for k, v in case.get("noGradAt", {}).items()}
    grads, rows = [], []
    for k in range(case["steps"]):
        gk = []
        for i, p in enumerate(params):
            if i in skip.get(k, []):
                p.grad = None
                gk.append(None)
            else:
                p.grad = grad_at(k, i, SHAPES[i], 0.1 * i)
                gk.append([num(x) for x in p.grad.flatten().tolist()])
        opt.step()
        if sched is not None:
            sched.step()
        grads.append(gk)
        rows.append([[num(x) for x in p.detach().flatten().tolist()] for p in params])
    sd = opt.state_dict()
    ours = {"lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize", "betas", "eps", "amsgrad", "initial_lr", "params"}
    state = {}
    for idx, entry in sd["state"].items():
        e = {}
        for key, v in entry.items():
            if key == "step":
                e[key] = int(v.item())
            elif v is not None:
                e[key] = {"shape": list(v.shape), "dtype": "float64", "data": [num(x) for x in v.flatten().tolist()]}
        state[str(idx)] = e
    groups_out = []
    for g in sd["param_groups"]:
        out = {}
        for key, v in g.items():
            if key in ours:
                out[key] = list(v) if isinstance(v, tuple) else (num(v) if isinstance(v, float) else v)
        groups_out.append(out)
    out = dict(case)
    out["init"] = [[num(x) for x in torch.tensor(v).flatten().tolist()] for v in INIT]
    out["shapes"] = SHAPES
    out["grads"] = grads
    out["expected"] = {"params": rows, "stateDict": {"state": state, "param_groups": groups_out}}
    return out


OPTIMIZER_CASES = [
    {"name": "SGD: groups with their own lr, momentum, nesterov, weight decay, dampening, maximize",
     "type": "SGD", "defaults": {"lr": 0.05, "momentum": 0.9},
     "groups": [
         {"params": [0]},
         {"params": [1, 2], "lr": 0.1, "nesterov": True, "weightDecay": 0.01},
         {"params": [3], "momentum": 0.5, "dampening": 0.25, "maximize": True},
     ],
     "steps": 6, "noGradAt": {"2": [2], "3": [2]}},
    {"name": "SGD: no momentum in one group, momentum in the other",
     "type": "SGD", "defaults": {"lr": 0.1},
     "groups": [{"params": [0, 1], "momentum": 0.0, "weightDecay": 0.1}, {"params": [2, 3], "momentum": 0.8}],
     "steps": 4},
    {"name": "Adam: groups with their own lr, betas, eps, amsgrad, weight decay; a parameter skipped twice",
     "type": "Adam", "defaults": {"lr": 0.01},
     "groups": [
         {"params": [0, 3]},
         {"params": [1], "betas": [0.8, 0.9], "amsgrad": True, "weightDecay": 0.05},
         {"params": [2], "lr": 0.003, "eps": 1e-6, "maximize": True},
     ],
     "steps": 6, "noGradAt": {"1": [3], "4": [3]}},
    {"name": "AdamW: per-group weight decay (default 1e-2) and amsgrad",
     "type": "AdamW", "defaults": {"lr": 0.02},
     "groups": [{"params": [0, 1]}, {"params": [2, 3], "weightDecay": 0.2, "amsgrad": True, "betas": [0.7, 0.6]}],
     "steps": 5},
    {"name": "SGD with momentum under OneCycleLR: lr and momentum change every step",
     "type": "SGD", "defaults": {"lr": 0.1, "momentum": 0.9},
     "groups": [{"params": [0, 1]}, {"params": [2, 3], "lr": 0.05}],
     "scheduler": {"type": "OneCycleLR", "options": {"maxLr": [0.4, 0.2], "totalSteps": 8}}, "steps": 8},
    {"name": "Adam under OneCycleLR: lr and beta1 change every step",
     "type": "Adam", "defaults": {"lr": 0.01},
     "groups": [{"params": [0, 1, 2, 3]}],
     "scheduler": {"type": "OneCycleLR", "options": {"maxLr": 0.05, "totalSteps": 7, "threePhase": True}}, "steps": 7},
]


def ts_const(name, value):
    return f"export const {name}: unknown = {json.dumps(value, ensure_ascii=False)};\n"


def main():
    sched = [run_scheduler_case(c) for c in SCHEDULER_CASES]
    optim = [run_optimizer_case(c) for c in OPTIMIZER_CASES]
    sys.stdout.write(f"// Made by packages/nn/test/reference/optim_reference.py with torch {torch.__version__}; do not edit.\n")
    sys.stdout.write("/* eslint-disable */\n")
    sys.stdout.write(ts_const("SCHEDULER_CASES", sched))
    sys.stdout.write(ts_const("OPTIMIZER_CASES", optim))


if __name__ == "__main__":
    main()
