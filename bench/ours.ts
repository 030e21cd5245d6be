/**
 * Our side of the bench: which kernel backends of @backprop/core exist in this build, and how to
 * run a piece of work on one of them. Each available configuration becomes one table column:
 *
 *   "backprop js"        the readable reference backend (always there)
 *   "backprop wasm"      the WebAssembly SIMD backend, pinned to one thread
 *   "backprop wasm ×2"   the same with two threads, if core exports setThreads(n)
 *
 * Availability is found out at run time (setBackend throws for an unknown name), so the bench
 * runs unchanged before and after a backend lands; absent ones are listed in the table footer.
 */
import * as core from "@backprop/core";

/**
 * The part of @backprop/core this file uses. Functions take it as a parameter (default: the real
 * module) so the tests can exercise the thread logic with a stand-in before setThreads exists.
 */
export type CoreApi = Pick<typeof core, "setBackend" | "getBackend">;

export interface OurConfig {
  /** Column label, e.g. "backprop wasm ×2". */
  label: string;
  backend: string;
  /** Threads for setThreads, when core has it (wasm only). */
  threads?: number;
}

export interface OurConfigs {
  configs: OurConfig[];
  /** Human-readable reasons for configurations that are not measured. */
  skipped: string[];
}

/** The optional thread control of the wasm backend; looked up by name, it may not be exported. */
function threadControl(api: CoreApi): { set: (n: number) => void; get?: () => number } | null {
  const c = api as unknown as Record<string, unknown>;
  if (!("setThreads" in api) || typeof c.setThreads !== "function") return null;
  return {
    set: c.setThreads as (n: number) => void,
    ...(typeof c.getThreads === "function" && { get: c.getThreads as () => number }),
  };
}

/** Whether `setBackend(name)` works; the current backend is put back either way. */
function tryBackend(api: CoreApi, name: string): string | null {
  const prev = api.getBackend();
  try {
    api.setBackend(name);
    return null;
  } catch (e) {
    return (e as Error).message;
  } finally {
    api.setBackend(prev);
  }
}

/**
 * The configurations to measure, in column order. `candidates` are backend names to try ("js"
 * first: it is the reference every other side is checked against).
 */
export function detectConfigs(candidates: readonly string[] = ["js", "wasm"], api: CoreApi = core): OurConfigs {
  const configs: OurConfig[] = [], skipped: string[] = [];
  const threads = threadControl(api);
  for (const name of candidates) {
    const err = tryBackend(api, name);
    if (err) {
      skipped.push(`backprop ${name}: not available in this build (${err})`);
      continue;
    }
    if (name !== "wasm") {
      configs.push({ label: `backprop ${name}`, backend: name });
      continue;
    }
    // Pin the plain wasm column to one thread, whatever the backend's default is.
    configs.push({ label: "backprop wasm", backend: name, ...(threads && { threads: 1 }) });
    if (!threads) {
      skipped.push("backprop wasm ×2: @backprop/core does not export setThreads(n), so the two-thread wasm column is not measured");
      continue;
    }
    const err2 = tryThreads(api, name, 2);
    if (err2) skipped.push(`backprop wasm ×2: setThreads(2) failed (${err2})`);
    else configs.push({ label: "backprop wasm ×2", backend: name, threads: 2 });
  }
  return { configs, skipped };
}

function tryThreads(api: CoreApi, backend: string, n: number): string | null {
  try {
    withConfig({ label: "", backend, threads: n }, () => {}, api);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Switch to `cfg` (backend, then threads); returns the function that restores the previous state. */
export function enterConfig(cfg: OurConfig, api: CoreApi = core): () => void {
  const prevBackend = api.getBackend();
  const threads = cfg.threads === undefined ? null : threadControl(api);
  // Without getThreads, 1 is the safe value to go back to: it is what every other column assumes.
  const prevThreads = threads?.get?.() ?? 1;
  api.setBackend(cfg.backend);
  try {
    threads?.set(cfg.threads!);
  } catch (e) {
    api.setBackend(prevBackend);
    throw e;
  }
  return () => {
    // Threads first: they belong to cfg's backend, which is still current here.
    if (threads) threads.set(prevThreads);
    api.setBackend(prevBackend);
  };
}

/** Run `fn` with `cfg` current, restoring the previous backend (and thread count) afterwards. */
export function withConfig<T>(cfg: OurConfig, fn: () => T, api: CoreApi = core): T {
  const restore = enterConfig(cfg, api);
  try {
    return fn();
  } finally {
    restore();
  }
}

/**
 * What `cfg` really runs, from core's backendInfo() when it exports one (threads, FMA), checked
 * against what was asked for; just the backend name otherwise.
 */
export function describeConfig(cfg: OurConfig, api: CoreApi = core): string {
  const info = (api as unknown as Record<string, unknown>).backendInfo;
  if (typeof info !== "function") return cfg.backend;
  const got = withConfig(cfg, () => info() as { backend: string; threads: number; fma: boolean }, api);
  if (got.backend !== cfg.backend || (cfg.threads !== undefined && got.threads !== cfg.threads)) {
    throw new Error(`${cfg.label}: asked for ${cfg.backend} on ${cfg.threads ?? "default"} thread(s), backendInfo() says ${JSON.stringify(got)}`);
  }
  return `${got.backend}${got.backend === "js" ? "" : ` (${got.threads} thread${got.threads > 1 ? "s" : ""}${got.fma ? ", FMA" : ", no FMA"})`}`;
}
