/** The six lessons' playground presets, in order (one per lesson of TEACHING.md). Browser-safe. */
import { PRESET as saturation } from "./1-saturation.js";
import { PRESET as softplus } from "./2-softplus.js";
import { PRESET as zigzag } from "./3-zigzag.js";
import { PRESET as deadRelu } from "./4-dead-relu.js";
import { PRESET as subgradient } from "./5-subgradient.js";
import { PRESET as zoo } from "./6-zoo.js";
import type { PlaygroundPreset } from "./preset.js";

export type { PlaygroundPreset, PlaygroundSettings } from "./preset.js";

export const PRESETS: readonly PlaygroundPreset[] = [saturation, softplus, zigzag, deadRelu, subgradient, zoo];
