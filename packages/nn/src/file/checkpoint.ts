/**
 * Checkpoints: everything a training run needs to continue exactly where it stopped, in one file.
 *
 *   await saveCheckpoint("run.ckpt.json", { model, optimizer, scheduler, step });
 *   …                                       // a new process: build model, optimizer, scheduler as before
 *   const { step } = await loadCheckpoint("run.ckpt.json", { model, optimizer, scheduler });
 *
 * The file is one JSON object:
 *
 *   { format: "backprop-checkpoint", version: 1, step,
 *     model:     the module's state dict { [name]: { shape, dtype, data } },
 *     optimizer: { type: "SGD" | "Adam" | "AdamW", state: the optimizer's state dict },
 *     scheduler: the scheduler's state dict (it names its type), or null,
 *     rng:       core's getRngState() — so dropout masks and shuffled batches continue as they would have }
 *
 * Non-finite numbers in tensors are written as "NaN", "Infinity", "-Infinity" (as `save` does).
 * It is written atomically (file/atomic.ts: a temporary file, fsync, rename; never a torn file;
 * a missing directory is named plainly), and refused at once when its tensors are too many for
 * one JSON text (file/limit.ts).
 *
 * Loading reads and parses the whole file, then checks every part against its target — the model's
 * keys, shapes and values, the optimizer's type, groups, options and state, the scheduler's type
 * and fields, the generator state — before it restores any of them: a bad or mismatched file
 * changes nothing, and the error names the path and the part. A checkpoint with a scheduler's
 * state must be loaded with a scheduler (and one without, without), so a schedule is never
 * silently dropped or restarted.
 */
import { readFileSync, statSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { getRngState, quote, setRngState, Tensor, type RngState } from "@backprop/core";
import { checkPath } from "./args.js";
import { Module } from "../module.js";
import { Optimizer, PREPARE_LOAD, type OptimizerStateDict } from "../optim/optimizer.js";
import { Scheduler, type SchedulerStateDict } from "../sched/base.js";
import type { StateDict } from "../state.js";
import { at, checkDirectory, checkDirectorySync, message, writeAtomic, writeAtomicSync } from "./atomic.js";
import { BINARY_FORMAT_HINT, jsonSizeProblem, MAX_JSON_CHARS } from "./limit.js";
import { removeOrphans } from "./temp.js";

const FORMAT = "backprop-checkpoint";
const VERSION = 1;

/** What saveCheckpoint writes. */
export interface CheckpointParts {
  model: Module;
  optimizer: Optimizer;
  /** Optional; it must be made on `optimizer`. */
  scheduler?: Scheduler;
  /** The training step (or epoch) count to resume from: an integer ≥ 0. */
  step: number;
}

/** What loadCheckpoint restores into: the same kinds of objects, built as for the saved run. */
export interface CheckpointTargets {
  model: Module;
  optimizer: Optimizer;
  /** Required exactly when the checkpoint holds a scheduler's state. */
  scheduler?: Scheduler;
}

/** The file's content (see the file comment). */
export interface Checkpoint {
  format: typeof FORMAT;
  version: typeof VERSION;
  step: number;
  model: StateDict;
  optimizer: { type: string; state: OptimizerStateDict };
  scheduler: SchedulerStateDict | null;
  rng: RngState;
}

const SAVE_KEYS = ["model", "optimizer", "scheduler", "step"];
const LOAD_KEYS = ["model", "optimizer", "scheduler"];
const FILE_KEYS = ["format", "version", "step", "model", "optimizer", "scheduler", "rng"];

const kind = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "an array" : typeof v === "object" ? "an object" : typeof v);

/** The parts, checked: known keys, the right kinds, the scheduler on this optimizer. */
function checkParts(op: string, parts: unknown, keys: readonly string[]): CheckpointTargets & { step?: number } {
  const shape = keys.includes("step") ? "{ model, optimizer, scheduler?, step }" : "{ model, optimizer, scheduler? }";
  if (parts === null || typeof parts !== "object" || Array.isArray(parts)) throw new Error(`${op}: expected ${shape}, got ${kind(parts)}`);
  for (const k of Object.keys(parts)) if (!keys.includes(k)) throw new Error(`${op}: unknown key ${quote(k)}; expected ${shape}`);
  const p = parts as Record<string, unknown>;
  if (!(p.model instanceof Module)) throw new Error(`${op}: model must be a Module, got ${kind(p.model)}`);
  if (!(p.optimizer instanceof Optimizer)) throw new Error(`${op}: optimizer must be an optimizer (SGD, Adam, AdamW), got ${kind(p.optimizer)}`);
  if (p.scheduler !== undefined) {
    if (!(p.scheduler instanceof Scheduler)) throw new Error(`${op}: scheduler must be a scheduler (StepLR, …), got ${kind(p.scheduler)}`);
    if (p.scheduler.optimizer !== p.optimizer) throw new Error(`${op}: the scheduler (${p.scheduler.name}) was made on another optimizer than the one given`);
  }
  if (keys.includes("step") && (!Number.isSafeInteger(p.step) || (p.step as number) < 0)) {
    throw new Error(`${op}: step must be an integer >= 0, got ${quote(p.step)}`);
  }
  return p as unknown as CheckpointTargets & { step?: number };
}

/** Every tensor the file will hold, named, for the size check. */
function tensorsOf(parts: CheckpointParts): [string, Tensor][] {
  const out: [string, Tensor][] = parts.model.namedTensors().map(([n, t]) => [`model.${n}`, t]);
  let i = 0;
  for (const s of parts.optimizer.state.values()) {
    for (const [k, v] of Object.entries(s)) if (v instanceof Tensor) out.push([`optimizer.state.${i}.${k}`, v]);
    i++;
  }
  return out;
}

function serialize(op: string, parts: CheckpointParts, path: string): string {
  const tooLarge = jsonSizeProblem(op, tensorsOf(parts));
  if (tooLarge !== null) throw new Error(tooLarge);
  const content: Checkpoint = {
    format: FORMAT,
    version: VERSION,
    step: parts.step,
    model: parts.model.stateDict(),
    optimizer: { type: parts.optimizer.name, state: parts.optimizer.stateDict() },
    scheduler: parts.scheduler ? parts.scheduler.stateDict() : null,
    rng: getRngState(),
  };
  try {
    return JSON.stringify(content, (_key, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v));
  } catch (e) {
    const hint = e instanceof RangeError && /string length/i.test(e.message) ? `; ${BINARY_FORMAT_HINT}` : "";
    throw new Error(`${op}: could not serialise the checkpoint for ${at(path)} (nothing was written): ${message(e)}${hint}`, { cause: e });
  }
}

/**
 * Write a checkpoint of a training run to `path` — the model's, optimizer's and (optional)
 * scheduler's states, `step`, and the random generator's state — as one JSON file, atomically
 * (see the file comment). Everything is checked first; nothing is written on any error.
 */
export async function saveCheckpoint(path: string, parts: CheckpointParts): Promise<void> {
  const op = "saveCheckpoint";
  checkPath(op, path);
  const p = checkParts(op, parts, SAVE_KEYS) as CheckpointParts;
  await checkDirectory(op, path);
  await writeAtomic(op, path, serialize(op, p, path));
}

/** saveCheckpoint, synchronously. */
export function saveCheckpointSync(path: string, parts: CheckpointParts): void {
  const op = "saveCheckpointSync";
  checkPath(op, path);
  const p = checkParts(op, parts, SAVE_KEYS) as CheckpointParts;
  checkDirectorySync(op, path);
  writeAtomicSync(op, path, serialize(op, p, path));
}

// ---------------------------------------------------------------------------------------------
// Loading

function checkFileSize(op: string, bytes: number, path: string): void {
  if (bytes - 3 <= MAX_JSON_CHARS) return;
  throw new Error(`${op}: ${at(path)} is ${Math.round(bytes / 1e6)} MB, more than one JSON text can hold (the JavaScript string limit); nothing was changed`);
}

/** "NaN", "Infinity", "-Infinity" back to numbers in a tensor entry's data. */
function reviveData(entry: unknown): void {
  const data = entry !== null && typeof entry === "object" ? (entry as { data?: unknown }).data : undefined;
  if (!Array.isArray(data)) return;
  for (let i = 0; i < data.length; i++) {
    if (data[i] === "NaN" || data[i] === "Infinity" || data[i] === "-Infinity") data[i] = Number(data[i]);
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** Parse and check the file's outline (not yet against the targets). */
function parse(op: string, text: string, path: string): Checkpoint {
  const where = `${op}: ${at(path)}`;
  let c: unknown;
  try {
    c = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw new Error(`${where} is not valid JSON (${message(e)}); nothing was changed`, { cause: e });
  }
  if (!isRecord(c) || c.format !== FORMAT) {
    const hint = isRecord(c) && c.format === undefined ? " (a file written by save() holds a model's state dict only: load it with load())" : "";
    throw new Error(`${where} is not a checkpoint (no format "${FORMAT}")${hint}; nothing was changed`);
  }
  if (c.version !== VERSION) {
    throw new Error(`${where}: checkpoint version ${quote(c.version)} is not one this version of @backprop/nn reads (it reads version ${VERSION}); nothing was changed`);
  }
  const missing = FILE_KEYS.filter((k) => !(k in c));
  if (missing.length) throw new Error(`${where}: the checkpoint lacks ${missing.map((k) => quote(k)).join(", ")}; nothing was changed`);
  const extra = Object.keys(c).find((k) => !FILE_KEYS.includes(k));
  if (extra !== undefined) throw new Error(`${where}: the checkpoint has an unknown key ${quote(extra)}; nothing was changed`);
  if (!Number.isSafeInteger(c.step) || (c.step as number) < 0) throw new Error(`${where}: step must be an integer >= 0, got ${quote(c.step)}; nothing was changed`);
  if (!isRecord(c.model)) throw new Error(`${where}: model must be a state dict object, got ${kind(c.model)}; nothing was changed`);
  for (const entry of Object.values(c.model)) reviveData(entry);
  const o = c.optimizer;
  if (!isRecord(o) || typeof o.type !== "string" || !isRecord(o.state)) {
    throw new Error(`${where}: optimizer must be an object { type, state }; nothing was changed`);
  }
  const state = (o.state as Record<string, unknown>).state;
  if (isRecord(state)) for (const entry of Object.values(state)) if (isRecord(entry)) Object.values(entry).forEach(reviveData);
  return c as unknown as Checkpoint;
}

/** Check every part against its target, then restore them all (see the file comment). */
function restore(op: string, c: Checkpoint, t: CheckpointTargets, path: string): { step: number } {
  const where = `${op}: ${at(path)}`;
  if (c.optimizer.type !== t.optimizer.name) {
    throw new Error(`${where}: the checkpoint holds the state of ${quote(c.optimizer.type)}, but the optimizer given is ${quote(t.optimizer.name)}; nothing was changed`);
  }
  const loadOptimizer = t.optimizer[PREPARE_LOAD](c.optimizer.state, `${where}: optimizer`);
  let loadScheduler: (() => void) | null = null;
  if (c.scheduler !== null && t.scheduler === undefined) {
    const type = isRecord(c.scheduler) ? quote(c.scheduler.type) : "a scheduler";
    throw new Error(`${where}: the checkpoint holds the state of a ${type} scheduler; pass it as { scheduler } so the schedule continues; nothing was changed`);
  }
  if (t.scheduler !== undefined) {
    if (c.scheduler === null) throw new Error(`${where}: the checkpoint holds no scheduler state, but a ${t.scheduler.name} was given; nothing was changed`);
    loadScheduler = t.scheduler[PREPARE_LOAD](c.scheduler, `${where}: scheduler`);
  }
  const rng = getRngState();
  try {
    setRngState(c.rng); // checks every field first; throws before changing the generator
  } catch (e) {
    throw new Error(`${where}: rng: ${message(e)}; nothing was changed`, { cause: e });
  }
  try {
    t.model.loadStateDict(c.model); // checks every key, shape and value before writing any
  } catch (e) {
    setRngState(rng);
    throw new Error(`${where}: model: ${message(e)}`, { cause: e });
  }
  loadOptimizer(); // checked above: cannot fail
  loadScheduler?.();
  return { step: c.step };
}

/**
 * Restore a checkpoint written by saveCheckpoint into `model`, `optimizer` and (when the
 * checkpoint has one) `scheduler` — objects built as for the saved run — and the random
 * generator; returns `{ step }`. Every part is checked against its target before any is restored:
 * on any problem nothing changes and the error names the path and the part.
 */
export async function loadCheckpoint(path: string, targets: CheckpointTargets): Promise<{ step: number }> {
  const op = "loadCheckpoint";
  checkPath(op, path);
  const t = checkParts(op, targets, LOAD_KEYS);
  removeOrphans(path);
  let text: string;
  try {
    checkFileSize(op, (await stat(path)).size, path);
    text = await readFile(path, "utf8");
  } catch (e) {
    if (e instanceof Error && e.message.startsWith(`${op}: `)) throw e;
    throw new Error(`${op}: could not read ${at(path)}: ${message(e)}`, { cause: e });
  }
  return restore(op, parse(op, text, path), t, path);
}

/** loadCheckpoint, synchronously. */
export function loadCheckpointSync(path: string, targets: CheckpointTargets): { step: number } {
  const op = "loadCheckpointSync";
  checkPath(op, path);
  const t = checkParts(op, targets, LOAD_KEYS);
  removeOrphans(path);
  let text: string;
  try {
    checkFileSize(op, statSync(path).size, path);
    text = readFileSync(path, "utf8");
  } catch (e) {
    if (e instanceof Error && e.message.startsWith(`${op}: `)) throw e;
    throw new Error(`${op}: could not read ${at(path)}: ${message(e)}`, { cause: e });
  }
  return restore(op, parse(op, text, path), t, path);
}
