/**
 * A node's attributes by name, read with the type the ONNX operator spec gives them. Every reader
 * takes the default the spec states, so the op functions (import-ops.ts) read like the spec; an
 * attribute of the wrong type is an error naming the node, the attribute and both types.
 */
import type { AttributeProto, NodeProto, TensorProto } from "onnx-buf";
import { AttributeType as A, codeName } from "./codes.js";

export class Attributes {
  private readonly byName = new Map<string, AttributeProto>();

  constructor(readonly node: NodeProto, private readonly where: string) {
    for (const a of node.attribute) this.byName.set(a.name, a);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  private get(name: string, type: number): AttributeProto | undefined {
    const a = this.byName.get(name);
    if (a && a.type !== type && a.type !== A.UNDEFINED) {
      throw new Error(`${this.where}: attribute "${name}" should be ${codeName(A, type)}, got ${codeName(A, a.type)}`);
    }
    return a;
  }

  int(name: string, fallback: number): number;
  int(name: string): number | undefined;
  int(name: string, fallback?: number): number | undefined {
    const a = this.get(name, A.INT);
    return a ? this.safe(name, a.i) : fallback;
  }

  ints(name: string): number[] | undefined {
    const a = this.get(name, A.INTS);
    return a ? a.ints.map((v) => this.safe(name, v)) : undefined;
  }

  float(name: string, fallback: number): number {
    const a = this.get(name, A.FLOAT);
    return a ? a.f : fallback;
  }

  floats(name: string): number[] | undefined {
    return this.get(name, A.FLOATS)?.floats;
  }

  string(name: string, fallback: string): string {
    const a = this.get(name, A.STRING);
    return a ? new TextDecoder().decode(a.s) : fallback;
  }

  tensor(name: string): TensorProto | undefined {
    return this.get(name, A.TENSOR)?.t;
  }

  private safe(name: string, v: bigint): number {
    const n = Number(v);
    if (!Number.isSafeInteger(n)) throw new Error(`${this.where}: attribute "${name}" holds ${v}, beyond 2^53 − 1`);
    return n;
  }
}
