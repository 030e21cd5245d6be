/** The reference backend: readable TypeScript loops, float32 and float64 alike. */
import type { Backend } from "../backend.js";
import { binary, broadcastTo, copy, unary, where } from "./elementwise.js";
import { gemm } from "./gemm.js";
import { copyBlock, gatherAxis, permute } from "./layout.js";
import { adamStep, sgdStep } from "./optim.js";
import { reduceAxis } from "./reduce.js";

export const jsBackend: Backend = { name: "js", binary, unary, where, broadcastTo, copy, reduceAxis, gemm, permute, copyBlock, gatherAxis,
  sgdUpdate: sgdStep, adamUpdate: adamStep };
