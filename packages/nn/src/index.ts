/**
 * @backprop/nn — modules, layers, initializers, losses and optimizers for @backprop/core.
 * Browser-safe: file helpers (save/load) live in "@backprop/nn/node".
 */
export { Module } from "./module.js";
export type { StateDict, TensorState, LoadResult } from "./state.js";
export { Linear } from "./layers/linear.js";
export { Sequential } from "./layers/sequential.js";
export { ReLU, LeakyReLU, Sigmoid, Tanh, Softplus } from "./layers/activations.js";
export { Dropout } from "./layers/dropout.js";
export * as init from "./init.js";
export { calculateGain, type Nonlinearity, type FanMode, type KaimingOptions, type XavierOptions } from "./init.js";
