/**
 * @backprop/nn — modules, layers, initializers, losses and optimizers for @backprop/core.
 * Browser-safe: file helpers (save/load) live in "@backprop/nn/node".
 */
export { Module, type SummaryOptions } from "./module.js";
export type { StateDict, TensorState, LoadResult } from "./state.js";
export { toSafetensors, fromSafetensors } from "./interop/safetensors.js";
export { exportOnnx, type ExportOnnxOptions } from "./interop/onnx/export.js";
export { importOnnx } from "./interop/onnx/import.js";
export { OnnxModule, type OnnxInput } from "./interop/onnx/onnx-module.js";
export { OnnxTensors } from "./interop/onnx/tensor-holders.js";
export { Linear } from "./layers/linear.js";
export { Sequential } from "./layers/sequential.js";
export { ReLU, LeakyReLU, Sigmoid, Tanh, Softplus, ELU, GELU, SiLU, Hardtanh, ReLU6 } from "./layers/activations.js";
export { Dropout } from "./layers/dropout.js";
export { Flatten, Identity } from "./layers/shape.js";
export { LayerNorm, BatchNorm1d, BatchNorm2d, type LayerNormOptions, type BatchNormOptions } from "./layers/norm.js";
export { Embedding, type EmbeddingOptions } from "./layers/embedding.js";
export { Conv2d, type Conv2dLayerOptions } from "./layers/conv.js";
export { MaxPool2d, AvgPool2d, type MaxPool2dLayerOptions, type AvgPool2dLayerOptions } from "./layers/pool.js";
export * as init from "./init.js";
export { calculateGain, type Nonlinearity, type FanMode, type KaimingOptions, type XavierOptions } from "./init.js";
export { bceWithLogits, type BCEWithLogitsOptions } from "./losses/bce-with-logits.js";
export { bce, type BCEOptions } from "./losses/bce.js";
export { mse, type MSEOptions } from "./losses/mse.js";
export { crossEntropy, type CrossEntropyOptions, type ClassIndices } from "./losses/cross-entropy.js";
export { BCEWithLogitsLoss, BCELoss, MSELoss, CrossEntropyLoss } from "./losses/modules.js";
export type { Reduction, ReductionOptions } from "./losses/reduction.js";
export { Optimizer, type ParamsInput, type ParamGroup, type ParamGroupInput, type OptimizerStateDict } from "./optim/optimizer.js";
export { SGD, type SGDOptions, type SGDState, type SGDParamGroup } from "./optim/sgd.js";
export { Adam, AdamW, type AdamOptions, type AdamWOptions, type AdamState, type AdamParamGroup } from "./optim/adam.js";
export { Scheduler, LRScheduler, type SchedulerStateDict } from "./sched/base.js";
export { StepLR, MultiStepLR, ExponentialLR, type StepLROptions, type MultiStepLROptions, type ExponentialLROptions } from "./sched/step.js";
export { CosineAnnealingLR, type CosineAnnealingLROptions } from "./sched/cosine.js";
export { LinearLR, type LinearLROptions } from "./sched/linear.js";
export { OneCycleLR, type OneCycleLROptions } from "./sched/one-cycle.js";
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from "./sched/plateau.js";
export { SequentialLR, type SequentialLROptions } from "./sched/sequential.js";
export { clipGradNorm, type ClipGradNormOptions } from "./optim/clip.js";
export {
  moons, circles, spirals, xor, blobs, trainTestSplit,
  type Dataset, type BlobsDataset, type Split, type MoonsOptions, type CirclesOptions, type SpiralsOptions,
  type XorOptions, type BlobsOptions, type SplitOptions,
} from "./data/datasets.js";
export { DataLoader, batches, type Batch, type LoaderOptions } from "./data/loader.js";
export {
  deadUnits, saturation, signAgreement, updateAngle,
  type DeadUnits, type SignAgreement, type SaturationKind, type ClampBounds,
} from "./diagnostics/measures.js";
export {
  Diagnostics, formatReport,
  type DiagnosticsOptions, type DiagnosticsReport, type EpochReport, type DeadReport, type SaturationReport,
  type SignAgreementReport, type UpdateAngleReport, type ReluKind,
} from "./diagnostics/monitor.js";
