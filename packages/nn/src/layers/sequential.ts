import type { Tensor } from "@backprop/core";
import { Module } from "../module.js";

/**
 * Modules applied one after another. They are stored under the field names "0", "1", …, so the
 * parameter names match PyTorch's ("0.weight", "2.bias").
 */
export class Sequential extends Module {
  [index: number]: Module;
  declare readonly length: number;

  constructor(...modules: Module[]) {
    super();
    modules.forEach((m, i) => {
      if (!(m instanceof Module)) throw new Error(`Sequential: argument ${i} is not a Module`);
      this[i] = m;
    });
    // Not enumerable: the module list is found through the numbered fields.
    Object.defineProperty(this, "length", { value: modules.length, enumerable: false });
  }

  forward(x: Tensor): Tensor {
    let h = x;
    for (let i = 0; i < this.length; i++) h = this[i].forward(h);
    return h;
  }

  [Symbol.iterator](): Iterator<Module> {
    let i = 0;
    return { next: () => (i < this.length ? { value: this[i++], done: false } : { value: undefined, done: true }) };
  }
}
