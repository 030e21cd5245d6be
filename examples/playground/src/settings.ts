/**
 * The playground's settings: their defaults and what a preset does to them. Pure data, shared by
 * the page (the form) and the worker (the training run).
 */
import type { PlaygroundPreset, PlaygroundSettings } from "../../lessons/notes/index.js";

export type Settings = PlaygroundSettings;

/** The option values of each select (fixed in shared/API.md, "Playground hooks"). */
export const DATASETS = ["moons", "circles", "spirals", "xor", "blobs"] as const;
export const ACTIVATIONS = ["relu", "leakyRelu", "tanh", "sigmoid", "softplus", "elu", "gelu", "silu", "hardtanh", "relu6"] as const;
export const RELU_SIDES = ["left", "right"] as const;
export const LOSSES = ["bce-fused", "mse", "bce"] as const;
export const INITS = ["default", "he", "xavier", "bad"] as const;

/** What the page opens with: moons, an MLP 2-16-16-1 with ReLU, the fused loss, SGD with momentum. */
export const DEFAULTS: Readonly<Settings> = {
  dataset: "moons",
  noise: 0.1,
  points: 500,
  depth: 2,
  width: 16,
  activation: "relu",
  reluAtZero: "left",
  beta: 1,
  loss: "bce-fused",
  init: "default",
  lr: 0.1,
  momentum: 0.9,
  batchSize: 32,
  centre: true,
  seed: 0,
  outputBias: null,
};

/** The second run of a comparing preset: the same settings with a few changed, and its name. */
export interface Comparison {
  label: string;
  settings: Settings;
}

/** A preset's settings (the defaults, overridden by the preset) and its second run, if any. */
export function applyPreset(preset: PlaygroundPreset): { settings: Settings; compare: Comparison | null } {
  const settings: Settings = { ...DEFAULTS, ...preset.settings };
  const compare = preset.compare ? { label: preset.compare.label, settings: { ...settings, ...preset.compare.changes } } : null;
  return { settings, compare };
}

/** Numbers in range and whole where they must be; throws with the setting's name otherwise. */
export function checkSettings(s: Settings): Settings {
  const whole = (name: keyof Settings, lo: number, hi: number) => {
    const v = s[name] as number;
    if (!Number.isInteger(v) || v < lo || v > hi) throw new Error(`${name} must be a whole number from ${lo} to ${hi}, got ${v}`);
  };
  const real = (name: keyof Settings, lo: number, hi: number) => {
    const v = s[name] as number;
    if (!Number.isFinite(v) || v < lo || v > hi) throw new Error(`${name} must be a number from ${lo} to ${hi}, got ${v}`);
  };
  whole("points", 20, 5000);
  whole("depth", 0, 6);
  whole("width", 1, 128);
  whole("batchSize", 1, 5000);
  whole("seed", 0, 2 ** 31 - 1);
  real("noise", 0, 2);
  real("beta", 0.1, 100);
  real("lr", 1e-6, 20);
  real("momentum", 0, 0.999);
  if (s.outputBias !== null) real("outputBias", -100, 100);
  const oneOf = (name: keyof Settings, values: readonly string[]) => {
    if (!values.includes(s[name] as string)) throw new Error(`${name} must be one of ${values.join(", ")}, got ${String(s[name])}`);
  };
  oneOf("dataset", DATASETS);
  oneOf("activation", ACTIVATIONS);
  oneOf("reluAtZero", RELU_SIDES);
  oneOf("loss", LOSSES);
  oneOf("init", INITS);
  return s;
}
