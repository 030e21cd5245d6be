/**
 * Where an imported model keeps its initializers so that the state dict's keys are their ONNX
 * names. Module finds tensors through fields of modules (module.ts, walk()), and a dotted name is a
 * path of fields, so "0.weight" becomes field "weight" of a small holder module in field "0" of the
 * root. A segment that would clash with what a module already has ("training", "forward", a field
 * of the importer's own), an empty segment, or a name that is both a tensor and the prefix of
 * another ("fc" and "fc.weight") cannot be a path of fields: such a name is flattened into one
 * field of the root, its dots as "_" (with a number added if even that is taken).
 */
import type { Tensor } from "@backprop/core";
import { Module } from "../../module.js";

/** A module that only holds tensors and other holders: one level of dotted initializer names. */
export class OnnxTensors extends Module {
  forward(): never {
    throw new Error("OnnxTensors.forward: this module only holds an imported model's tensors; call the OnnxModule that contains it");
  }

  /** Its tensors' names and shapes, as PyTorch's ParameterDict prints them. */
  override extraRepr(): string {
    return Object.entries(this).flatMap(([k, v]) => (v instanceof Module || k === "training" || !v ? [] : [`${k}: [${(v as Tensor).shape.join(", ")}]`])).join(", ");
  }
}

/** A place for one tensor: `holder[key]` (read it there at each use: Module.to replaces it). */
export interface Slot {
  holder: Module;
  key: string;
}

/**
 * Give each ONNX name a slot under `root`, and put its tensor there. Returns the slots by ONNX
 * name; the state-dict key of each is the path of fields to it.
 */
export function placeTensors(root: Module, tensors: ReadonlyMap<string, Tensor>): Map<string, Slot> {
  const slots = new Map<string, Slot>();
  const taken = (m: object, key: string) => key === "" || key in m;
  const tensorNames = new Set(tensors.keys());
  for (const [name, t] of tensors) {
    const parts = name.split(".");
    let holder: Module = root;
    let ok = !parts.some((p) => p === "") && !(parts.length > 1 && [...tensorNames].some((n) => n !== name && name.startsWith(`${n}.`)));
    for (let i = 0; ok && i < parts.length - 1; i++) {
      const next = (holder as unknown as Record<string, unknown>)[parts[i]];
      if (next instanceof OnnxTensors) holder = next;
      else if (taken(holder, parts[i])) ok = false;
      else {
        const fresh = new OnnxTensors();
        (holder as unknown as Record<string, unknown>)[parts[i]] = fresh;
        holder = fresh;
      }
    }
    let key = parts[parts.length - 1];
    if (!ok || taken(holder, key)) {
      holder = root;
      key = name.replace(/\./g, "_") || "_";
      for (let n = 1; taken(root, key); n++) key = `${name.replace(/\./g, "_")}_${n}`;
    }
    (holder as unknown as Record<string, unknown>)[key] = t;
    slots.set(name, { holder, key });
  }
  return slots;
}
