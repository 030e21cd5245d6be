/**
 * Module.toString(): PyTorch's print(model) text (test/reference/modules.ts, printed by PyTorch 2.13
 * from the same models built there), every layer's settings through extraRepr, arrays of modules
 * as ModuleList with repeats folded, backprop's own settings (atZero, atBounds), Python's float
 * repr, Node's inspect, and trees with shared modules and cycles.
 */
import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { setReluAtZero, tensor, zeros, type Tensor } from "@backprop/core";
import * as nn from "../src/index.js";
import {
  BatchNorm1d, Dropout, ELU, Embedding, Flatten, GELU, Hardtanh, Identity, LayerNorm, LeakyReLU, Linear, Module, ReLU,
  ReLU6, Sequential, SiLU, Sigmoid, Softplus, Tanh,
} from "../src/index.js";
import { pyFloat } from "../src/layers/repr.js";
import { FLOAT_REPRS, REPRS } from "./reference/modules.js";

afterEach(() => setReluAtZero("left"));

/**
 * PyTorch's text with its one setting we do not have: Dropout prints `inplace=False` (there is no
 * in-place dropout here). Everything else must be character for character the same.
 */
const ours = (pytorch: string) => pytorch.replaceAll(", inplace=False)", ")");

class Block extends Module {
  fc = new Linear(3, 4);
  act = new ReLU();
  forward(x: Tensor) { return this.act.forward(this.fc.forward(x)); }
}

class Net extends Module {
  emb = new Embedding(10, 2);
  fc1 = new Linear(2, 3);
  layers = [new Linear(3, 3), new Linear(3, 3), new Linear(3, 3, { bias: false }), new Linear(3, 3)];
  block = new Block();
  norm = new LayerNorm(4);
  drop = new Dropout(0.5);
  forward(i: Tensor) {
    let h = this.fc1.forward(this.emb.forward(i));
    for (const l of this.layers) h = l.forward(h);
    return this.drop.forward(this.norm.forward(this.block.forward(h)));
  }
}

class Scaled extends Module {
  inner = new Linear(2, 2);
  override extraRepr() { return "scale=2.0"; }
  forward(x: Tensor) { return this.inner.forward(x).mul(2); }
}

class TwoLines extends Module {
  override extraRepr() { return "a=1\nb=2"; }
  forward(x: Tensor) { return x; }
}

class Holder extends Module {
  leaf = new TwoLines();
  scaled = new Scaled();
  many = [new Tanh(), new Tanh(), new ReLU(), new Tanh(), [new Sigmoid(), new Sigmoid()]];
  forward(x: Tensor) { return x; }
}

describe("toString() is PyTorch's print(model)", () => {
  it("an MLP in a Sequential", () => {
    const mlp = new Sequential(new Linear(2, 32), new ReLU(), new Linear(32, 32), new ReLU(), new Linear(32, 1));
    expect(mlp.toString()).toBe(REPRS.mlp);
    expect(String(mlp)).toBe(REPRS.mlp);
    expect(`${mlp}`).toBe(REPRS.mlp);
  });

  it("every layer class with settings that are not the defaults, and nested Sequentials", () => {
    const zoo = new Sequential(
      new Linear(4, 4, { bias: false }), new ReLU(), new LeakyReLU(0.2), new Sigmoid(), new Tanh(),
      new Softplus({ beta: 2, threshold: 5 }), new ELU(0.5), new GELU({ approximate: "tanh" }), new SiLU(),
      new Hardtanh(-2, 3), new ReLU6(), new Dropout(0.25), new Flatten(), new Identity(),
      new LayerNorm([3, 4], { eps: 1e-3, bias: false }),
      new BatchNorm1d(4, { momentum: null, affine: false, trackRunningStats: false }),
      new Embedding(10, 3, { paddingIdx: 0 }),
      new Sequential(new Linear(1, 1), new Sequential(new Tanh())),
    );
    expect(zoo.toString()).toBe(ours(REPRS.zoo));
    expect(REPRS.zoo).toContain("(11): Dropout(p=0.25, inplace=False)"); // the one difference, still there in PyTorch
  });

  it("each layer with its defaults (and a few settings more)", () => {
    const layers = [
      new Linear(3, 2), new ReLU(), new LeakyReLU(), new Sigmoid(), new Tanh(), new Softplus(), new ELU(), new GELU(),
      new SiLU(), new Hardtanh(), new ReLU6(), new Dropout(), new Flatten(), new Identity(), new LayerNorm(5),
      new BatchNorm1d(5), new Embedding(7, 2), new Sequential(), new Dropout(1e-5), new LayerNorm(3, { eps: 1e-12 }),
      new BatchNorm1d(3, { eps: 0.001, momentum: 0.01, bias: false }), new Embedding(7, 2, { paddingIdx: -1 }),
      new Flatten(0, 2), new LeakyReLU(1e-20), new Hardtanh(-0.5, 1e16),
    ];
    expect(layers.map(String)).toEqual(REPRS.defaults.map(ours));
  });

  it("a custom model: field names, an array of modules as ModuleList (repeats folded), a nested custom module", () => {
    expect(new Net().toString()).toBe(ours(REPRS.custom));
  });

  it("custom settings (extraRepr) before the children, multi-line settings, nested arrays", () => {
    expect(new Holder().toString()).toBe(REPRS.extra);
  });
});

describe("settings PyTorch does not have, in camelCase", () => {
  it("atZero when a ReLU-type module sets its own side; atBounds when Hardtanh/ReLU6 set theirs", () => {
    expect(String(new ReLU({ atZero: "right" }))).toBe("ReLU(atZero='right')");
    expect(String(new ReLU({ atZero: "left" }))).toBe("ReLU(atZero='left')"); // explicit: it ignores the global setting
    setReluAtZero("right");
    expect(String(new ReLU())).toBe("ReLU()"); // follows the global setting, whatever it is
    expect(String(new LeakyReLU(0.2, { atZero: "right" }))).toBe("LeakyReLU(negative_slope=0.2, atZero='right')");
    expect(String(new ELU(1, { atZero: "left" }))).toBe("ELU(alpha=1.0, atZero='left')");
    expect(String(new Hardtanh(-1, 1, { atBounds: "left" }))).toBe("Hardtanh(min_val=-1.0, max_val=1.0, atBounds='left')");
    expect(String(new ReLU6({ atBounds: "right" }))).toBe("ReLU6(atBounds='right')");
    expect(String(new ReLU6({ atBounds: "open" }))).toBe("ReLU6(atBounds='open')");
  });

  it("every Module class the package exports prints its settings (its own extraRepr) or has none to print", () => {
    // Classes without settings, or whose PyTorch counterpart prints none (the losses).
    const none = new Set<unknown>([Sigmoid, Tanh, SiLU, Identity, Sequential, nn.BCEWithLogitsLoss, nn.BCELoss, nn.MSELoss, nn.CrossEntropyLoss]);
    const classes = Object.entries(nn).filter(([, v]) => typeof v === "function" && v.prototype instanceof Module);
    expect(classes.length).toBeGreaterThanOrEqual(22); // 18 layers and 4 loss modules today
    for (const [name, cls] of classes) {
      const own = Object.hasOwn((cls as { prototype: object }).prototype, "extraRepr");
      expect({ name, printsSettings: own }).toEqual({ name, printsSettings: !none.has(cls) });
    }
  });
});

describe("Python's float repr", () => {
  it("pyFloat writes what Python's repr writes", () => {
    for (const [x, text] of FLOAT_REPRS as [number, string][]) expect(pyFloat(x)).toBe(text);
    expect([pyFloat(-0), pyFloat(Infinity), pyFloat(-Infinity), pyFloat(NaN), pyFloat(-1e-5)]).toEqual(["-0.0", "inf", "-inf", "nan", "-1e-05"]);
  });
});

describe("toString(): trees beyond PyTorch's", () => {
  it("Node's console.log and util.inspect print the tree too", () => {
    const m = new Sequential(new Linear(2, 1));
    expect(inspect(m)).toBe(m.toString());
    expect(inspect({ model: m })).toContain("Linear(in_features=2, out_features=1, bias=True)");
  });

  it("a module met twice is printed once, under its first name (as namedModules lists it); cycles end", () => {
    class Child extends Module {
      fc = new Linear(2, 2);
      parent: Module | null = null;
      forward(x: Tensor) { return this.fc.forward(x); }
    }
    class Parent extends Module {
      child = new Child();
      again = this.child;
      self = this;
      loop: unknown[] = [];
      constructor() {
        super();
        this.child.parent = this;
        this.loop.push(this.loop, this.child, new Tanh());
      }
      forward(x: Tensor) { return this.child.forward(x); }
    }
    const p = new Parent();
    expect(p.toString()).toBe("Parent(\n  (child): Child(\n    (fc): Linear(in_features=2, out_features=2, bias=True)\n  )\n  (loop): ModuleList(\n    (2): Tanh()\n  )\n)");
    expect(p.namedModules().map(([n]) => n)).toEqual(["", "child", "child.fc", "loop.2"]);
  });

  it("arrays: tensors and other values are skipped (indices kept, so non-adjacent repeats are not folded); no modules, no line", () => {
    class Mixed extends Module {
      list = [new Tanh(), tensor([1]), new Tanh(), new Tanh(), "text"];
      weights = [zeros([2]), zeros([3])];
      empty: Module[] = [];
      forward(x: Tensor) { return x; }
    }
    expect(new Mixed().toString()).toBe("Mixed(\n  (list): ModuleList(\n    (0): Tanh()\n    (2-3): 2 x Tanh()\n  )\n)");
  });

  it("an anonymous class prints as Module; a module without settings or children as Name()", () => {
    const anon = new (class extends Module { forward(x: Tensor) { return x; } })();
    expect(String(anon)).toBe("Module()");
    expect(String(new Sequential(anon))).toBe("Sequential(\n  (0): Module()\n)");
  });
});
