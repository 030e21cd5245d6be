/**
 * The training worker: the page's commands in, points, snapshots and traces out. It trains in time
 * slices of a few milliseconds and yields between them, so a Pause or a Reset is handled within one
 * slice, and it posts a snapshot about every SNAPSHOT_MS (the boundary grid transferred, not copied).
 */
import { backendInfo } from "@backprop/core";
import { formatBackend } from "../format.js";
import type { Command, Reply, Trace } from "../protocol.js";
import { Session } from "./session.js";
import { traceExample } from "./trace.js";

/** Training time per slice: long enough to amortise the yield, short enough to stay responsive. */
const SLICE_MS = 12;
/** Time between snapshots: about 16 a second. */
const SNAPSHOT_MS = 60;

const scope = self as unknown as {
  postMessage(message: Reply, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent<Command>) => void) | null;
};

let session: Session | null = null;
let training = false;
let lastSnapshot = 0;
/** The speed limit (null: none), and the steps it allows but not yet taken. */
let limit: number | null = null;
let allowance = 0;
let lastTick = 0;

function post(message: Reply, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

function snapshot(): void {
  if (!session) return;
  const s = session.snapshot(training);
  lastSnapshot = performance.now();
  post(s, s.gridB ? [s.grid.buffer, s.gridB.buffer] : [s.grid.buffer]);
}

// A MessageChannel yields to the event loop without setTimeout's 4 ms clamp on nested timers.
const tick = new MessageChannel();
tick.port1.onmessage = () => {
  if (!training || !session) return;
  const now = performance.now();
  if (limit === null) session.trainFor(SLICE_MS);
  else {
    // Slowed down (to watch the boundary form): take the steps the elapsed time allows.
    allowance = Math.min(allowance + ((now - lastTick) * limit) / 1000, limit); // at most a second's worth
    const end = now + SLICE_MS;
    while (allowance >= 1 && performance.now() < end) { session.trainStep(); allowance--; }
  }
  lastTick = now;
  if (performance.now() - lastSnapshot >= SNAPSHOT_MS) snapshot();
  if (limit === null) tick.port2.postMessage(null);
  else setTimeout(() => tick.port2.postMessage(null), 5); // nothing to do until time passes
};

function trace(example: number): Trace {
  const s = session!;
  const n = s.data.trainLabels.length;
  const i = example < 0 ? s.main.worstExample() : Math.min(Math.floor(example), n - 1);
  const input: [number, number] = [s.data.xTrain.data[2 * i], s.data.xTrain.data[2 * i + 1]];
  const target = s.data.trainLabels[i];
  const state = s.main.model.stateDict();
  const t = traceExample(s.settings, state, input, target);
  return {
    type: "trace", session: s.id, example: i, step: s.step, settings: s.settings,
    point: [s.data.trainPoints[2 * i], s.data.trainPoints[2 * i + 1]], input, target,
    dot: t.dot, blocks: t.blocks, steps: t.steps, state,
  };
}

scope.onmessage = (e) => {
  const c = e.data;
  try {
    switch (c.type) {
      case "reset":
        session = new Session(c.settings, c.compare, c.session);
        post(session.points());
        snapshot();
        break;
      case "train":
        if (!training) {
          training = true;
          lastTick = performance.now();
          allowance = 1; // the first step at once
          tick.port2.postMessage(null);
        }
        break;
      case "speed":
        limit = c.stepsPerSecond;
        break;
      case "pause":
        training = false;
        snapshot();
        break;
      case "step":
        training = false;
        session?.trainStep();
        snapshot();
        break;
      case "trace":
        if (session) post(trace(c.example));
        break;
    }
  } catch (err) {
    training = false;
    post({ type: "error", message: (err as Error).message });
  }
};

post({ type: "ready", backend: formatBackend(backendInfo()) });
