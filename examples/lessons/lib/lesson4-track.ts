/**
 * Lesson 4's bookkeeping, unit by unit: when each hidden unit was dead, when its incoming weights
 * last changed, and from that which units came back and which are beyond recovery.
 *
 * Two words, kept apart on purpose:
 * - dead this step: the unit was positive for no input of the step's forward (the whole training
 *   set: the runs are full batch). That is what `Diagnostics.endEpoch()` reports.
 * - beyond recovery: dead at every step from some step d to the end of training, AND its incoming
 *   weights (its row of the Linear weight and its bias) bit-identical from d to the end.
 * A unit dead this step can come back (revive) if something else changes its pre-activation z =
 * w·x + b: its own w and b cannot (their gradient is exactly 0 while it is dead, and plain SGD
 * moves a weight only by −lr·gradient), so only its inputs x can. Layer 1's inputs are the data,
 * which never change: a layer-1 unit dead on every point stays dead. Layer 2's inputs are layer 1's
 * outputs, which move as layer 1 learns, so a layer-2 unit can come back.
 */

/** The incoming weights of one Linear layer: its weight [units, inputs] and bias [units]. */
export interface Incoming {
  weight: { data: ArrayLike<number> };
  bias: { data: ArrayLike<number> } | null;
  units: number;
}

export interface UnitHistory {
  /** dead[k][u]: unit u was dead on the forward of step k + 1 (after k updates). */
  dead: Uint8Array[];
  /** changed[k][u]: the update of step k + 1 changed unit u's incoming weights (some bit of them). */
  changed: Uint8Array[];
}

/** Records, step by step, which units were dead and whose incoming weights changed. */
export class UnitTracker {
  readonly history: UnitHistory = { dead: [], changed: [] };
  private before: Float64Array;
  private beforeBias: Float64Array;

  constructor(private readonly layer: Incoming) {
    this.before = Float64Array.from(layer.weight.data);
    this.beforeBias = Float64Array.from(layer.bias?.data ?? []);
  }

  /** The units dead on this step's forward (indices, e.g. Diagnostics' `dead[i].units`). */
  recordDead(units: readonly number[]): void {
    const dead = new Uint8Array(this.layer.units);
    for (const u of units) dead[u] = 1;
    this.history.dead.push(dead);
  }

  /** After the optimizer's step: which units' weights differ from before it, bit for bit. */
  recordUpdate(): void {
    const { units } = this.layer;
    const w = this.layer.weight.data;
    const b = this.layer.bias?.data ?? [];
    const inputs = w.length / units;
    const changed = new Uint8Array(units);
    for (let u = 0; u < units; u++) {
      for (let i = u * inputs; i < (u + 1) * inputs && !changed[u]; i++) if (!Object.is(w[i], this.before[i])) changed[u] = 1;
      if (b.length > 0 && !Object.is(b[u], this.beforeBias[u])) changed[u] = 1;
    }
    this.before = Float64Array.from(w);
    this.beforeBias = Float64Array.from(b);
    this.history.changed.push(changed);
  }
}

export interface UnitSummary {
  /** Units dead on the last recorded forward. */
  deadAtEnd: number[];
  /** Of those: dead at every step from `since[u]` on, with incoming weights unchanged from then to the end. */
  beyondRecovery: number[];
  /** since[u]: the first step (0-based forward index) of u's final dead streak, or −1 if alive at the end. */
  since: number[];
  /** Units that were dead on some step and positive on a later one. */
  revived: number[];
  /** Dead units whose weights changed during a dead streak: impossible for ReLU under plain SGD (0 for ReLU, checked by the tests). */
  movedWhileDead: number[];
}

/**
 * The unit-level facts of a history. A unit dead on the forward of step k gets a zero gradient on
 * step k, so the update of step k leaves it alone; its weights are unchanged through its dead streak
 * from d to the end exactly when no update from step d on changed them.
 */
export function summarise({ dead, changed }: UnitHistory): UnitSummary {
  const steps = dead.length;
  const units = steps > 0 ? dead[0].length : 0;
  const out: UnitSummary = { deadAtEnd: [], beyondRecovery: [], since: [], revived: [], movedWhileDead: [] };
  for (let u = 0; u < units; u++) {
    let since = -1;
    if (steps > 0 && dead[steps - 1][u]) {
      since = steps - 1;
      while (since > 0 && dead[since - 1][u]) since--;
      out.deadAtEnd.push(u);
      let frozen = true;
      for (let k = since; k < changed.length; k++) if (changed[k][u]) frozen = false;
      if (frozen) out.beyondRecovery.push(u);
    }
    out.since.push(since);
    let wasDead = false;
    let revived = false;
    let moved = false;
    for (let k = 0; k < steps; k++) {
      if (dead[k][u]) {
        wasDead = true;
        if (k < changed.length && changed[k][u]) moved = true;
      } else if (wasDead) revived = true;
    }
    if (revived) out.revived.push(u);
    if (moved) out.movedWhileDead.push(u);
  }
  return out;
}

/** The dead and alive spells of each unit, run-length encoded for a raster picture. */
export interface Spell {
  unit: number;
  /** First and one-past-last forward index (0 = the start, before any update). */
  from: number;
  to: number;
  state: "alive" | "dead, comes back" | "beyond recovery";
}

export function spells(history: UnitHistory, summary: UnitSummary): Spell[] {
  const { dead } = history;
  const steps = dead.length;
  const units = steps > 0 ? dead[0].length : 0;
  const out: Spell[] = [];
  const beyond = new Set(summary.beyondRecovery);
  for (let u = 0; u < units; u++) {
    let from = 0;
    for (let k = 1; k <= steps; k++) {
      if (k === steps || dead[k][u] !== dead[from][u]) {
        const state = !dead[from][u] ? "alive" : beyond.has(u) && k === steps ? "beyond recovery" : "dead, comes back";
        out.push({ unit: u, from, to: k, state });
        from = k;
      }
    }
  }
  return out;
}
