/**
 * Module: the base class of layers, losses and models. Parameters are found through the fields
 * of a module — a Tensor, a Module, or an array of them — so a model is just a class with fields:
 *
 *   class Net extends Module {
 *     fc1 = new Linear(2, 16);
 *     fc2 = new Linear(16, 1);
 *     forward(x: Tensor) { return this.fc2.forward(relu(this.fc1.forward(x))); }
 *   }
 *
 * Names are dotted paths of field names ("fc1.weight"; array elements by index, "layers.0.bias").
 */
import { noGrad, Tensor } from "@backprop/core";
import { loadState, toStateDict, type LoadResult, type StateDict } from "./state.js";

export abstract class Module {
  /** Training mode (dropout active) or evaluation mode; set with train()/eval(). */
  training = true;

  // Method parameter types are bivariant, so subclasses declare their own forward signature.
  abstract forward(...inputs: any[]): any;

  /** Every tensor field, trainable or frozen, with its dotted name (what the state dict holds). */
  namedTensors(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const found = new Set<Tensor>(); // a tensor shared by two fields is listed once, under its first name
    walk(this, "", new Set(), (name, value) => {
      if (value instanceof Tensor && !found.has(value)) {
        found.add(value);
        out.push([name, value]);
      }
    });
    return out;
  }

  /** Parameters (tensors that require grad) with their dotted names. */
  namedParameters(): [string, Tensor][] {
    return this.namedTensors().filter(([, t]) => t.requiresGrad);
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }

  /** This module and every module inside it, with dotted names ("" for this one). */
  namedModules(): [string, Module][] {
    const out: [string, Module][] = [["", this]];
    walk(this, "", new Set(), (name, value) => {
      if (value instanceof Module) out.push([name, value]);
    });
    return out;
  }

  /** Switch training mode on (default) or off, for this module and all inside it. */
  train(mode = true): this {
    if (typeof mode !== "boolean") throw new Error(`train: mode must be a boolean, got ${typeof mode}`);
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Clear every parameter's gradient (sets `.grad` to null, as PyTorch's default). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /** Every tensor field as plain JSON-serialisable data: { [name]: { shape, dtype, data } }. */
  stateDict(): StateDict {
    return toStateDict(this.namedTensors());
  }

  /**
   * Load values saved by stateDict(). Every key, shape and value is checked before any tensor is
   * written, so a bad state dict changes nothing. With strict (default) missing or unexpected keys
   * are errors; otherwise they are returned.
   */
  loadStateDict(sd: StateDict, opts: { strict?: boolean } = {}): LoadResult {
    return noGrad(() => loadState(this.namedTensors(), sd, opts));
  }
}

/** Depth-first over fields: Tensors, Modules and arrays of them. `seen` guards against cycles. */
function walk(obj: object, prefix: string, seen: Set<object>, visit: (name: string, value: Tensor | Module) => void): void {
  if (seen.has(obj)) return;
  seen.add(obj);
  for (const [key, value] of Object.entries(obj)) {
    visitValue(prefix ? `${prefix}.${key}` : key, value, seen, visit);
  }
}

function visitValue(name: string, value: unknown, seen: Set<object>, visit: (name: string, value: Tensor | Module) => void): void {
  if (value instanceof Tensor) {
    visit(name, value);
  } else if (value instanceof Module) {
    if (seen.has(value)) return;
    visit(name, value);
    walk(value, name, seen, visit);
  } else if (Array.isArray(value)) {
    if (seen.has(value)) return; // an array holding itself (or met twice) is walked once
    seen.add(value);
    value.forEach((v, i) => visitValue(`${name}.${i}`, v, seen, visit));
  }
}
