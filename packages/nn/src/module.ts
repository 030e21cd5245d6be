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
 *
 * `String(model)` (and `console.log(model)` in Node) prints the tree as PyTorch's `print(model)`
 * does: each module's class name and settings (its `extraRepr()`), then its children by field name.
 * `model.summary([batch, features])` runs one forward pass on zeros and tabulates every module's
 * output shape and parameter count.
 */
import { getRngState, noGrad, quote, setRngState, Tensor, zeros, type DType } from "@backprop/core";
import { loadState, toStateDict, type LoadResult, type StateDict } from "./state.js";

/** Tensors that keep their dtype under `Module.to(dtype)` (counters, as PyTorch's int64 buffers). */
const countBuffers = new WeakSet<Tensor>();

/**
 * Mark `t` as a counter: `Module.to(dtype)` leaves it as it is, as PyTorch's `.to(dtype)` leaves
 * integer buffers (BatchNorm1d's num_batches_tracked, a float64 here) alone. Returns `t`.
 */
export function countBuffer(t: Tensor): Tensor {
  countBuffers.add(t);
  return t;
}

export interface SummaryOptions {
  /** dtype of the zeros fed in (default: the dtype of the module's first floating tensor, else float32). */
  dtype?: DType;
}

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

  /**
   * Convert every tensor of this module and the modules inside it (parameters, frozen tensors and
   * buffers such as running statistics; their `.grad` too) to `dtype`, and return `this`.
   *
   * A tensor's dtype is fixed here, so each tensor that changes dtype is REPLACED in its field by a
   * new leaf tensor with the converted values and the same `requiresGrad` and `name` (PyTorch keeps
   * its Parameter objects and swaps their data). A tensor shared by two fields (tied weights) becomes
   * one new tensor in both; tensors already of `dtype`, and counters (BatchNorm1d's
   * num_batches_tracked, kept as float64 as PyTorch keeps it int64), are left as they are.
   * Consequences: an optimizer built before `to` holds the OLD tensors and would no longer train the
   * model — convert the model first, then create the optimizer (PyTorch's advice for `.to()` too);
   * and references kept outside fields and arrays of fields (a Map, a closure) are not updated.
   */
  to(dtype: DType): this {
    if (dtype !== "float32" && dtype !== "float64") throw new Error(`Module.to: dtype must be "float32" or "float64", got ${quote(dtype)}`);
    const converted = new Map<Tensor, Tensor>();
    const convert = (t: Tensor): Tensor => {
      if (t.dtype === dtype || countBuffers.has(t)) return t;
      let c = converted.get(t);
      if (!c) {
        c = new Tensor(castData(t.data, dtype), t.shape.slice(), { requiresGrad: t.requiresGrad, name: t.name });
        if (t.grad) c.grad = new Tensor(castData(t.grad.data, dtype), t.shape.slice());
        converted.set(t, c);
      }
      return c;
    };
    const seenArrays = new Set<unknown[]>();
    const fix = (holder: Record<string | number, unknown>, key: string | number, value: unknown): void => {
      if (value instanceof Tensor) {
        const c = convert(value);
        if (c !== value) holder[key] = c;
      } else if (Array.isArray(value) && !seenArrays.has(value)) {
        seenArrays.add(value);
        value.forEach((v, i) => fix(value as unknown as Record<number, unknown>, i, v));
      }
    };
    for (const [, m] of this.namedModules()) {
      for (const [key, value] of Object.entries(m)) fix(m as unknown as Record<string, unknown>, key, value);
    }
    return this;
  }

  /**
   * This module's own settings for its line in `toString()`, as PyTorch's `extra_repr`: e.g.
   * Linear gives "in_features=2, out_features=32, bias=True". Empty by default; override it in a
   * module with settings. Settings PyTorch has are written as PyTorch writes them (snake_case
   * names, `1.0`, `True`, `'none'`); backprop's own ones (`atZero`, `atBounds`) in camelCase.
   */
  extraRepr(): string {
    return "";
  }

  /**
   * The module tree as PyTorch prints it:
   *
   *   Sequential(
   *     (0): Linear(in_features=2, out_features=32, bias=True)
   *     (1): ReLU()
   *     (2): Linear(in_features=32, out_features=1, bias=True)
   *   )
   *
   * Children are the module fields in field order (each module once, as namedModules lists them);
   * an array of modules prints as PyTorch's ModuleList, consecutive identical entries folded into
   * `(0-2): 3 x Linear(…)`. Tensor fields are not shown (see summary() for the counts).
   */
  toString(): string {
    return repr(this, new Set<object>([this]));
  }

  /** Node's console.log / util.inspect show the tree too, as Python's print(model). */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  /**
   * A table of every module (as namedModules lists them) with the shape of its output for an input
   * of `inputShape` (an array of shapes for a forward that takes several inputs), and the number of
   * values in its own tensors (not its children's); then the totals. The forward pass runs once, on
   * zeros, under noGrad and in eval mode (each module's training flag is restored afterwards), and
   * the random generator's state is put back, so it changes no parameter, no running statistic, no
   * gradient and no later random draw. Example
   * (`new Sequential(new Linear(2, 32), new ReLU(), new Linear(32, 1)).summary([64, 2])`):
   *
   *   Layer   Type        Output shape  Param #
   *   =========================================
   *   (root)  Sequential  [64, 1]             0
   *   0       Linear      [64, 32]           96
   *   1       ReLU        [64, 32]            0
   *   2       Linear      [64, 1]            33
   *   =========================================
   *   Input shape: [64, 2] (float32)
   *   Trainable params: 129
   *   Non-trainable params: 0
   *   Total params: 129
   *
   * A module called k > 1 times shows "×k" after its output shape (and every distinct shape, split
   * by " | "); one never called shows "—". Non-trainable params are tensors that do not require
   * grad: frozen parameters and buffers (BatchNorm1d's running statistics and its one-value counter),
   * as Keras counts them; Total is every value in the state dict.
   */
  summary(inputShape: readonly number[] | readonly (readonly number[])[], opts: SummaryOptions = {}): string {
    const shapes = checkSummaryShapes(inputShape);
    if (opts === null || typeof opts !== "object") throw new Error("summary: options must be an object");
    for (const k of Object.keys(opts)) if (k !== "dtype") throw new Error(`summary: unknown option ${quote(k)}; expected: dtype`);
    const tensors = this.namedTensors();
    const dtype = opts.dtype ?? tensors.find(([, t]) => !countBuffers.has(t))?.[1].dtype ?? "float32";
    if (dtype !== "float32" && dtype !== "float64") throw new Error(`summary: dtype must be "float32" or "float64", got ${quote(dtype)}`);

    const modules = this.namedModules();
    const calls = new Map<Module, unknown[]>(modules.map(([, m]) => [m, []]));
    const flags = modules.map(([, m]) => m.training);
    const own = modules.map(([, m]) => Object.hasOwn(m, "forward"));
    const originals = modules.map(([, m]) => m.forward);
    const rng = getRngState();
    try {
      modules.forEach(([, m], i) => {
        const original = originals[i];
        m.forward = function (this: Module, ...args: unknown[]) {
          const out = original.apply(this, args);
          calls.get(m)!.push(out);
          return out;
        };
      });
      this.train(false);
      const inputs = shapes.map((s) => zeros(s, { dtype }));
      try {
        noGrad(() => this.forward(...inputs));
      } catch (e) {
        throw new Error(`summary: the forward pass on zeros of shape ${shapes.map(fmt).join(", ")} (${dtype}) failed: ${(e as Error).message}`);
      }
    } finally {
      setRngState(rng); // a module that draws random numbers even in eval mode leaves no trace either
      modules.forEach(([, m], i) => {
        if (own[i]) m.forward = originals[i];
        else delete (m as { forward?: unknown }).forward;
        m.training = flags[i];
      });
    }

    // Each tensor counts for the module that holds it: the longest module path its name starts with.
    const paths = new Map(modules.map(([p], i) => [p, i]));
    const counts = modules.map(() => 0);
    let trainable = 0, frozen = 0;
    for (const [name, t] of tensors) {
      let p = name;
      do p = p.includes(".") ? p.slice(0, p.lastIndexOf(".")) : ""; while (p !== "" && !paths.has(p));
      counts[paths.get(p)!] += t.size;
      if (t.requiresGrad) trainable += t.size;
      else frozen += t.size;
    }

    const rows = modules.map(([path, m], i) => [path === "" ? "(root)" : path, className(m), outputText(calls.get(m)!), group(counts[i])]);
    const header = ["Layer", "Type", "Output shape", "Param #"];
    const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
    const line = (r: string[]) => r.map((v, c) => (c === 3 ? v.padStart(widths[c]) : v.padEnd(widths[c]))).join("  ").trimEnd();
    const rule = "=".repeat(widths.reduce((a, w) => a + w, 0) + 2 * (widths.length - 1));
    return [
      line(header), rule, ...rows.map(line), rule,
      `Input shape: ${shapes.map(fmt).join(", ")} (${dtype})`,
      `Trainable params: ${group(trainable)}`,
      `Non-trainable params: ${group(frozen)}`,
      `Total params: ${group(trainable + frozen)}`,
    ].join("\n");
  }
}

function castData(data: Float32Array | Float64Array, dtype: DType): Float32Array | Float64Array {
  return dtype === "float64" ? Float64Array.from(data) : Float32Array.from(data);
}

const fmt = (shape: readonly number[]) => `[${shape.join(", ")}]`;

/** 1234567 → "1,234,567" (no locale involved). */
function group(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

function className(m: Module): string {
  return m.constructor.name || "Module";
}

function checkSummaryShapes(inputShape: unknown): number[][] {
  const isShape = (s: unknown): s is number[] => Array.isArray(s) && s.every((d) => Number.isInteger(d) && d >= 0);
  if (isShape(inputShape)) return [inputShape.slice()];
  if (Array.isArray(inputShape) && inputShape.length > 0 && inputShape.every(isShape)) return inputShape.map((s: number[]) => s.slice());
  throw new Error(`summary: inputShape must be a shape (an array of non-negative integers, e.g. [64, 2]) or a non-empty array of shapes, got ${quote(inputShape)}`);
}

/** What one module returned, over all its calls. */
function outputText(outs: unknown[]): string {
  if (outs.length === 0) return "—";
  const describe = (o: unknown): string =>
    o instanceof Tensor ? fmt(o.shape)
      : Array.isArray(o) ? `(${o.map(describe).join(", ")})`
      : o === null ? "null" : typeof o;
  const distinct = [...new Set(outs.map(describe))];
  return distinct.join(" | ") + (outs.length > 1 ? ` ×${outs.length}` : "");
}

/** PyTorch's _addindent: every line after the first indented by n spaces. */
function indent(s: string, n: number): string {
  const lines = s.split("\n");
  return lines.length === 1 ? s : [lines[0], ...lines.slice(1).map((l) => " ".repeat(n) + l)].join("\n");
}

/** PyTorch's Module.__repr__; `seen` mirrors walk(), so the tree shows exactly namedModules(). */
function repr(m: Module, seen: Set<object>): string {
  const extra = m.extraRepr();
  const extraLines = extra ? extra.split("\n") : [];
  const childLines: string[] = [];
  for (const [key, value] of Object.entries(m)) {
    const s = childRepr(value, seen);
    if (s !== null) childLines.push(`(${key}): ${indent(s, 2)}`);
  }
  const lines = [...extraLines, ...childLines];
  let main = `${className(m)}(`;
  if (lines.length) {
    main += extraLines.length === 1 && !childLines.length ? extraLines[0] : `\n  ${lines.join("\n  ")}\n`;
  }
  return `${main})`;
}

/** A field's text in the tree, or null when it holds no module not already shown. */
function childRepr(value: unknown, seen: Set<object>): string | null {
  if (value instanceof Module) {
    if (seen.has(value)) return null;
    seen.add(value);
    return repr(value, seen);
  }
  if (!Array.isArray(value) || seen.has(value)) return null;
  seen.add(value);
  // PyTorch's ModuleList.__repr__: consecutive identical entries folded into "(i-j): n x text".
  const items: [number, string][] = [];
  value.forEach((v, i) => {
    const s = childRepr(v, seen);
    if (s !== null) items.push([i, s]);
  });
  if (!items.length) return null;
  const blocks: { start: number; end: number; text: string }[] = [];
  for (const [i, text] of items) {
    const last = blocks[blocks.length - 1];
    if (last && last.text === text && last.end === i - 1) last.end = i;
    else blocks.push({ start: i, end: i, text });
  }
  const lines = blocks.map(({ start, end, text }) =>
    indent(start === end ? `(${start}): ${text}` : `(${start}-${end}): ${end - start + 1} x ${text}`, 2));
  return `ModuleList(\n  ${lines.join("\n  ")}\n)`;
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
