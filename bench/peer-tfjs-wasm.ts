/**
 * The TF.js WASM peer: @tensorflow/tfjs-backend-wasm (XNNPACK kernels, SIMD build) registered into
 * the same TF.js instance as the CPU peer, pinned to ONE thread so it compares with our
 * single-thread wasm column. The workloads themselves are the backend-agnostic builders of
 * peer-tfjs.ts, run with tfEnter(tf, "wasm").
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Tf } from "./peer-tfjs.js";

export interface TfWasmInfo {
  /** The .wasm binary TF.js chose (SIMD, threaded or plain), from its feature flags. */
  binary: string;
  simd: boolean;
  threads: number;
}

/**
 * Directory of the backend's .wasm files as a file path ending in "/": on Node, setWasmPaths
 * takes a path prefix that it reads with fs, not a URL.
 */
export function tfWasmDir(): string {
  const main = createRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm");
  const dir = dirname(main);
  if (!existsSync(join(dir, "tfjs-backend-wasm-simd.wasm"))) throw new Error(`TF.js WASM: no .wasm files next to ${main}`);
  return dir + "/";
}

/**
 * Register and initialise TF.js's "wasm" backend, then switch back to whatever backend was
 * current. The thread count must be set before the backend initialises.
 */
export async function loadTfWasm(tf: Tf): Promise<TfWasmInfo> {
  const prev = tf.getBackend();
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  wasm.setWasmPaths(tfWasmDir());
  wasm.setThreadsCount(1);
  const { log, warn, info } = console;
  console.log = console.warn = console.info = () => {}; // initialisation chatter
  try {
    if (!(await tf.setBackend("wasm"))) throw new Error("TF.js WASM backend failed to initialise");
    tf.scalar(0).dispose();
  } finally {
    console.log = log; console.warn = warn; console.info = info;
  }
  const simd = tf.env().getBool("WASM_HAS_SIMD_SUPPORT");
  const threaded = tf.env().getBool("WASM_HAS_MULTITHREAD_SUPPORT");
  const threads = threaded ? wasm.getThreadsCount() : 1;
  if (threads !== 1) throw new Error(`TF.js WASM runs ${threads} threads, expected 1`);
  const binary = `tfjs-backend-wasm${threaded ? "-threaded" : ""}${simd ? "-simd" : ""}.wasm`;
  if (prev) await tf.setBackend(prev);
  return { binary, simd, threads };
}
