// Preloaded (NODE_OPTIONS=--import) to run a command on Node 20 with WebAssembly relaxed SIMD,
// which Node 22+ has by default; Node 20 refuses the flag itself in NODE_OPTIONS.
import { setFlagsFromString } from "node:v8";
setFlagsFromString("--experimental-wasm-relaxed-simd");
