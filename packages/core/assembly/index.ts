/**
 * The WebAssembly kernels of @backprop/core, compiled by scripts/build-wasm.mjs with AssemblyScript
 * (`--enable simd`). src/kernels/wasm/ loads the module and decides when to call it.
 */
export { gemm, GEMM_SCRATCH_BYTES } from "./gemm";
export { expArray, sigmoidArray } from "./elementwise";

/** First free byte after the module's static data: the JavaScript side manages memory from here. */
export function heapBase(): usize {
  return __heap_base;
}
export { binaryArray, unaryArray, sumColumns } from "./arithmetic";
export { sgdUpdate, adamUpdate } from "./optim";
export { unfold, fold, swapLeading, maxWindows, gatherWindows, scatterWindows } from "./windows";
