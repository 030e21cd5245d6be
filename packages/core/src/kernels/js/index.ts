/** The reference backend: readable TypeScript loops, float32 and float64 alike. */
import type { Backend } from "../backend.js";
import { convForward, convInput, convWeight } from "./conv.js";
import { binary, broadcastTo, copy, unary, where } from "./elementwise.js";
import { gemm } from "./gemm.js";
import { copyBlock, gatherAxis, permute, remapAxis } from "./layout.js";
import { adamStep, sgdStep } from "./optim.js";
import { gatherWindows, maxWindows, scatterWindows } from "./pool.js";
import { reduceAxis } from "./reduce.js";
import { fold, unfold } from "./unfold.js";

export const jsBackend: Backend = { name: "js", binary, unary, where, broadcastTo, copy, reduceAxis, gemm, permute, copyBlock, gatherAxis, remapAxis, unfold, fold,
  convForward, convInput, convWeight, maxWindows, gatherWindows, scatterWindows,
  sgdUpdate: sgdStep, adamUpdate: adamStep };
