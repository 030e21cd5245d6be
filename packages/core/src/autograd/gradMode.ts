/**
 * Grad mode: whether ops record the graph. Off inside `noGrad`, and while backward runs
 * (unless `createGraph` asks for differentiable gradients).
 */
let enabled = true;

export function isGradEnabled(): boolean {
  return enabled;
}

/** Run `fn` with recording switched on or off, restoring the previous mode afterwards. */
export function withGradMode<T>(on: boolean, fn: () => T): T {
  const before = enabled;
  enabled = on;
  try {
    return fn();
  } finally {
    enabled = before;
  }
}

/** Run `fn` without recording a graph and return its result (synchronous functions only). */
export function noGrad<T>(fn: () => T): T {
  if (typeof fn !== "function") throw new Error(`noGrad: expected a function, got ${typeof fn}`);
  return withGradMode(false, fn);
}
