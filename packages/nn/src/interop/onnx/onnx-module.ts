/**
 * OnnxModule: an imported ONNX graph as a Module. Its initializers are its tensors, under their
 * ONNX names (tensor-holders.ts), so stateDict(), parameters(), an optimizer and loadStateDict work
 * on it as on any model; forward() runs the graph's nodes in order with backprop's ops
 * (import-ops.ts), so the result has a graph for backward.
 *
 * The graph itself lives in a private field, which Module's field walk does not see.
 */
import { quote, Tensor } from "@backprop/core";
import type { GraphProto, NodeProto } from "onnx-buf";
import { Module } from "../../module.js";
import { Attributes } from "./attributes.js";
import { OPS } from "./import-ops.js";
import { OpContext } from "./op-context.js";
import type { Slot } from "./tensor-holders.js";

/** A graph input: its name and declared shape (a string or null for a dynamic dimension). */
export interface OnnxInput {
  name: string;
  shape: (number | string | null)[] | null;
}

/** What the importer hands the module: the checked graph and where each initializer sits. */
export interface OnnxProgram {
  graph: GraphProto;
  opset: number;
  inputs: OnnxInput[];
  outputs: string[];
  slots: Map<string, Slot>;
  /** Constant nodes' values, computed once at import (node index → value). */
  constants: Map<number, Tensor>;
}

export class OnnxModule extends Module {
  readonly #program: OnnxProgram;
  readonly #attrs: Attributes[];

  /** Built by importOnnx(bytes). */
  constructor(program: OnnxProgram) {
    super();
    this.#program = program;
    this.#attrs = program.graph.node.map((n, i) => new Attributes(n, describe(n, i)));
  }

  /** The graph inputs forward() takes, in order, with their declared shapes. */
  get inputNames(): string[] {
    return this.#program.inputs.map((i) => i.name);
  }

  get outputNames(): string[] {
    return this.#program.outputs.slice();
  }

  /** The ONNX name → state-dict key of each initializer (they differ only where a name had to be flattened). */
  stateKeys(): Map<string, string> {
    const paths = new Map<Module, string>(this.namedModules().map(([p, m]) => [m, p]));
    return new Map([...this.#program.slots].map(([name, { holder, key }]) => {
      const p = paths.get(holder);
      return [name, p ? `${p}.${key}` : key];
    }));
  }

  /** One tensor per graph input; one tensor back, or an array when the graph has several outputs. */
  forward(...inputs: Tensor[]): Tensor | Tensor[] {
    const { graph, inputs: declared, slots, constants, opset } = this.#program;
    if (inputs.length !== declared.length) {
      throw new Error(`OnnxModule.forward: the graph takes ${declared.length} input${declared.length === 1 ? "" : "s"} (${declared.map((d) => d.name).join(", ")}), got ${inputs.length}`);
    }
    const values = new Map<string, Tensor>();
    declared.forEach((d, i) => values.set(d.name, checkInput(d, inputs[i])));
    for (const [name, { holder, key }] of slots) {
      if (!values.has(name)) values.set(name, (holder as unknown as Record<string, Tensor>)[key]);
    }
    graph.node.forEach((node, index) => {
      const constant = constants.get(index);
      if (constant) {
        values.set(node.output[0], constant);
        return;
      }
      const where = describe(node, index);
      const args = node.input.map((name) => (name === "" ? undefined : values.get(name)));
      let out: Tensor | Tensor[];
      try {
        out = OPS[node.opType].run(new OpContext(node, where, args, this.#attrs[index], opset));
      } catch (e) {
        const message = (e as Error).message;
        throw new Error(message.startsWith(where) ? `OnnxModule.forward: ${message}` : `OnnxModule.forward: ${where}: ${message}`);
      }
      const list = Array.isArray(out) ? out : [out];
      node.output.forEach((name, i) => {
        if (name !== "" && list[i]) values.set(name, list[i]);
      });
    });
    const results = this.#program.outputs.map((name) => {
      const t = values.get(name);
      if (!t) throw new Error(`OnnxModule.forward: the graph output ${quote(name)} is not computed by any node`);
      return t;
    });
    return results.length === 1 ? results[0] : results;
  }

  /** Inputs and outputs with their shapes, the opset, and how many nodes of each op type. */
  override extraRepr(): string {
    const { graph, inputs, outputs, opset } = this.#program;
    const counts = new Map<string, number>();
    for (const n of graph.node) counts.set(n.opType, (counts.get(n.opType) ?? 0) + 1);
    const shape = (s: OnnxInput["shape"]) => (s ? `[${s.map((d) => d ?? "?").join(", ")}]` : "[?]");
    return [
      `inputs: ${inputs.map((i) => `${i.name} ${shape(i.shape)}`).join(", ")}`,
      `outputs: ${outputs.join(", ")}`,
      `opset: ${opset}, ${graph.node.length} nodes: ${[...counts].map(([op, n]) => (n > 1 ? `${op} ×${n}` : op)).join(", ")}`,
    ].join("\n");
  }
}

/** `node "name" (index i, OpType)`: how messages point at a node. */
export function describe(node: NodeProto, index: number): string {
  return `node ${quote(node.name || node.output[0] || "(unnamed)")} (index ${index}, ${node.opType})`;
}

/** x checked against the input's declared rank and fixed dimensions. */
function checkInput(d: OnnxInput, x: unknown): Tensor {
  if (!(x instanceof Tensor)) throw new Error(`OnnxModule.forward: input ${quote(d.name)} must be a Tensor, got ${quote(x)}`);
  if (!d.shape) return x;
  const expected = `[${d.shape.map((s) => s ?? "?").join(", ")}]`;
  if (x.ndim !== d.shape.length || d.shape.some((s, i) => typeof s === "number" && s !== x.shape[i])) {
    throw new Error(`OnnxModule.forward: input ${quote(d.name)} must have shape ${expected} (rank ${d.shape.length}; names are free dimensions), got [${x.shape.join(", ")}]`);
  }
  return x;
}
