/** The settings and the lesson presets: what one click on preset-N puts into the form. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLAIM as claim1 } from "../../lessons/1-saturation.js";
import { CLAIM as claim4 } from "../../lessons/4-dead-relu.js";
import { CLAIM as claim6, ZOO } from "../../lessons/6-zoo.js";
import { PRESETS } from "../src/presets.js";
import { ACTIVATIONS, applyPreset, checkSettings, DEFAULTS, LOSSES, type Settings } from "../src/settings.js";

describe("the presets", () => {
  it("are the six lessons, in order, each with its lesson's claim", () => {
    expect(PRESETS.map((p) => p.lesson)).toEqual([1, 2, 3, 4, 5, 6]);
    // The very strings the lesson scripts print first (they import them from the same notes modules).
    expect(PRESETS[0].claim).toBe(claim1);
    expect(PRESETS[3].claim).toBe(claim4);
    expect(PRESETS[5].claim).toBe(claim6);
    for (const p of PRESETS) expect(p.watch.length).toBeGreaterThan(200);
  });

  it("set the defaults overridden by the preset, and every setting is valid", () => {
    for (const p of PRESETS) {
      const { settings, compare } = applyPreset(p);
      expect(settings).toEqual({ ...DEFAULTS, ...p.settings });
      expect(() => checkSettings(settings)).not.toThrow();
      if (compare) expect(() => checkSettings(compare.settings)).not.toThrow();
    }
  });

  it("a comparing preset's run B differs from run A in the compared settings only", () => {
    const compared = PRESETS.filter((p) => p.compare);
    expect(compared.map((p) => p.lesson)).toEqual([1, 3, 5, 6]);
    for (const p of compared) {
      const { settings, compare } = applyPreset(p);
      const changed = (Object.keys(settings) as (keyof Settings)[]).filter((k) => settings[k] !== compare!.settings[k]);
      expect(changed).toEqual(Object.keys(p.compare!.changes));
    }
  });

  it("lesson 1 compares sigmoid+MSE with the fused loss from lesson 1's confidently wrong start", () => {
    const { settings, compare } = applyPreset(PRESETS[0]);
    expect([settings.loss, compare!.settings.loss]).toEqual(["mse", "bce-fused"]);
    expect(settings.outputBias).toBe(-20);
  });

  it("lesson 6 is the zoo lesson's training run: sigmoid against hardtanh, full batch, from the same weights", () => {
    const { settings, compare } = applyPreset(PRESETS[5]);
    expect([settings.activation, compare!.settings.activation]).toEqual(["sigmoid", "hardtanh"]);
    expect(settings).toMatchObject({ dataset: "moons", points: 200, depth: 2, width: 16, lr: 0.5, momentum: 0, batchSize: 160, centre: false, init: "default", seed: 0 });
  });
});

describe("the activation select", () => {
  it("offers the ten of lesson 6's zoo, by the option values of shared/API.md", () => {
    expect(ACTIVATIONS).toEqual(["relu", "leakyRelu", "tanh", "sigmoid", "softplus", "elu", "gelu", "silu", "hardtanh", "relu6"]);
    expect([...ACTIVATIONS].sort()).toEqual([...ZOO].sort());
    const html = readFileSync(join(import.meta.dirname, "../index.html"), "utf8");
    const select = html.slice(html.indexOf('data-testid="activation"'), html.indexOf("</select>", html.indexOf('data-testid="activation"')));
    expect([...select.matchAll(/<option value="([^"]+)"/g)].map((m) => m[1])).toEqual([...ACTIVATIONS]);
    expect(() => checkSettings({ ...DEFAULTS, activation: "swish" as Settings["activation"] })).toThrow(/activation must be one of relu, leakyRelu, tanh, sigmoid, softplus, elu, gelu, silu, hardtanh, relu6, got swish/);
  });
});

describe("checkSettings", () => {
  it("names the setting that is out of range", () => {
    expect(() => checkSettings({ ...DEFAULTS, width: 0 })).toThrow(/width must be a whole number from 1/);
    expect(() => checkSettings({ ...DEFAULTS, lr: Number.NaN })).toThrow(/lr must be a number/);
    expect(() => checkSettings({ ...DEFAULTS, loss: "hinge" as Settings["loss"] })).toThrow(/loss must be one of bce-fused, mse, bce/);
    expect(LOSSES).toEqual(["bce-fused", "mse", "bce"]);
  });
});
