/**
 * The playground (examples/playground) in real Chromium: built with Vite as `pnpm --filter
 * @backprop/playground build` builds it, served by a plain static server, and driven through the
 * hooks of shared/API.md ("Playground hooks"). Each test saves a screenshot under out/playground/.
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { build } from "vite";
import { afterAll, beforeAll, expect, it } from "vitest";
import { PRESETS } from "../examples/lessons/notes/index.js";
import { traceExample } from "../examples/playground/src/worker/trace.js";
import { formatNumber } from "../packages/core/src/viz/labels.js";
import type { TraceStep } from "../examples/playground/src/protocol.js";
import type { Settings } from "../examples/playground/src/settings.js";
import { openPage } from "./lib/chromium.js";
import { serveStatic, type StaticServer } from "./lib/serve.js";
import { describeInChromium } from "./lib/suite.js";

const ROOT = resolve(import.meta.dirname, "..");
const APP = join(ROOT, "examples/playground");
const SITE = join(ROOT, "out/playground-site");
const SHOTS = join(ROOT, "out/playground");

describeInChromium("the playground", (browser: () => Browser) => {
  let server: StaticServer;
  const pages: Page[] = [];

  beforeAll(async () => {
    await build({ root: APP, configFile: join(APP, "vite.config.ts"), logLevel: "warn", build: { outDir: SITE, emptyOutDir: true } });
    server = await serveStatic(SITE);
    mkdirSync(SHOTS, { recursive: true });
  }, 180_000);
  afterAll(async () => {
    for (const p of pages) await p.close();
    await server?.close();
  });

  /** A fresh page, ready: the worker has reported its backend and drawn the first snapshot. */
  async function open(): Promise<{ page: Page; errors: string[] }> {
    const opened = await openPage(browser(), server.url);
    pages.push(opened.page);
    await opened.page.waitForFunction(() => {
      const backend = document.querySelector('[data-testid="status-backend"]')?.textContent ?? "";
      const loss = document.querySelector('[data-testid="status-loss"]')?.textContent ?? "";
      return backend !== "loading…" && loss !== "";
    }, null, { timeout: 30_000 });
    return opened;
  }

  /** Wait until the read-outs show the latest reset (and, with `paused`, a paused worker). */
  const settled = (page: Page, paused = false) => page.waitForFunction((paused) => {
    const r = document.querySelector<HTMLElement>('[data-testid="readouts"]')!.dataset;
    return r.session === document.body.dataset.session && (!paused || r.training === "false");
  }, paused);
  const pause = async (page: Page) => {
    await click(page, "pause");
    await settled(page, true);
  };
  const read = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`).textContent().then((t) => t ?? "");
  const percent = async (page: Page, id: string) => {
    const text = await read(page, id);
    expect(text, id).toMatch(/^\d+\.\d%$/);
    return Number.parseFloat(text);
  };
  const decimal = async (page: Page, id: string) => {
    const text = await read(page, id);
    expect(text, id).toMatch(/^-?\d+\.\d{4}$/);
    return Number(text);
  };
  const step = async (page: Page) => {
    const text = await read(page, "status-step");
    expect(text).toMatch(/^\d+$/);
    return Number(text);
  };
  const click = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`).click();
  const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  it("with the defaults: wasm backend, ≥ 2,000 steps and ≥ 10 redraws a second over 10 s, moons ≥ 95% test accuracy within 20 s, no console errors", async () => {
    const { page, errors } = await open();
    expect(await read(page, "status-backend")).toMatch(/^wasm/);
    expect(await read(page, "status-loss-b")).toBe(""); // no second run without a comparing preset
    expect(await page.locator('[data-testid="dataset"]').inputValue()).toBe("moons");
    const canvas = page.locator('[data-testid="boundary"]');
    const frames = async () => Number(await canvas.getAttribute("data-frames"));

    const frames0 = await frames();
    await click(page, "train");
    const start = Date.now();
    let at10s: { steps: number; frames: number; seconds: number } | null = null;
    let reached: number | null = null;
    while (Date.now() - start < 20_000 && (at10s === null || reached === null)) {
      await page.waitForTimeout(200);
      const seconds = (Date.now() - start) / 1000;
      if (reached === null && (await percent(page, "status-test-acc")) >= 95) reached = seconds;
      if (at10s === null && seconds >= 10) at10s = { steps: await step(page), frames: (await frames()) - frames0, seconds };
    }
    const rate = Number(await canvas.getAttribute("data-steps-per-second"));
    const redraws = Number(await canvas.getAttribute("data-redraws-per-second"));
    await click(page, "pause");
    await shot(page, "moons");
    console.log(`playground, defaults: ${at10s?.steps} steps and ${at10s?.frames} boundary redraws in ${at10s?.seconds.toFixed(1)} s ` +
      `(${rate} steps/s, ${redraws} redraws/s at the end); ≥ 95% test accuracy after ${reached?.toFixed(1)} s`);

    expect(reached, "seconds to 95% test accuracy").not.toBeNull();
    expect(at10s!.steps).toBeGreaterThanOrEqual(2000);
    expect(at10s!.frames / at10s!.seconds).toBeGreaterThanOrEqual(10);
    expect(redraws).toBeGreaterThanOrEqual(10);
    expect(errors).toEqual([]);
  });

  it("the built site works from a sub-path of any static server", async () => {
    const parent = await serveStatic(join(ROOT, "out"));
    try {
      const { page, errors } = await openPage(browser(), `${parent.url}playground-site/`);
      pages.push(page);
      await page.waitForFunction(() => document.querySelector('[data-testid="status-loss"]')?.textContent !== "", null, { timeout: 30_000 });
      expect(await read(page, "status-backend")).toMatch(/^wasm/);
      await shot(page, "sub-path");
      expect(errors).toEqual([]);
    } finally {
      await parent.close();
    }
  });

  it("lesson 1 preset: the sigmoid+MSE run stalls from its confidently wrong start while the fused one falls", async () => {
    const { page, errors } = await open();
    await click(page, "preset-1");
    await settled(page);
    expect(await page.locator('[data-testid="loss"]').inputValue()).toBe("mse");
    const mse0 = await decimal(page, "status-loss");
    const fused0 = await decimal(page, "status-loss-b");
    await click(page, "train");
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="status-step"]')?.textContent) >= 300);
    await pause(page);
    const mse1 = await decimal(page, "status-loss");
    const fused1 = await decimal(page, "status-loss-b");
    await shot(page, "lesson1-saturation");
    // The page as it opens on a screen (examples/img/playground.png is a copy of this one).
    await page.screenshot({ path: join(SHOTS, "overview.png") });
    console.log(`lesson 1 preset after ${await step(page)} steps: mse ${mse0} → ${mse1}, fused ${fused0} → ${fused1}`);

    // The figures examples/README.md quotes (section 8, lesson 1).
    expect(fused0).toBeCloseTo(10.03, 2);              // z₀ = −20: half the points cost about 20
    expect(fused1).toBeLessThan(0.01);                 // the fused run learns within a few hundred steps…
    expect(mse0).toBe(0.4975);                         // …while MSE sits near 0.5 (half the points wrong, p ≈ 0)
    expect(mse1).toBe(mse0);                           // and does not move
    expect(await percent(page, "status-train-acc")).toBeLessThan(60);
    expect(errors).toEqual([]);
  });

  it("lesson 4 preset: at lr 4 the dead units rise", async () => {
    const { page, errors } = await open();
    await click(page, "preset-4");
    await settled(page);
    expect(await page.locator('[data-testid="lr"]').inputValue()).toBe("4");
    const dead0 = await percent(page, "status-dead");
    await click(page, "train");
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="status-step"]')?.textContent) >= 200);
    await pause(page);
    const dead1 = await percent(page, "status-dead");
    await shot(page, "lesson4-dead-relu");
    console.log(`lesson 4 preset: dead ${dead0}% → ${dead1}% after ${await step(page)} steps`);
    // The figures examples/README.md quotes (section 8, lesson 4): from 5.5% to about 75%.
    expect(dead0).toBe(5.5);
    expect(dead1).toBeGreaterThan(60);
    expect(dead1).toBeLessThan(90);
    expect(errors).toEqual([]);
  });

  it("lesson 5 preset: relu′(0) left and right train to the very same loss on float data", async () => {
    const { page, errors } = await open();
    await click(page, "preset-5");
    await settled(page);
    expect(await page.locator('[data-testid="relu-at-zero"]').inputValue()).toBe("left");
    const start = await decimal(page, "status-loss");
    await click(page, "train");
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="status-step"]')?.textContent) >= 100);
    await pause(page);
    await shot(page, "lesson5-subgradient");
    const [left, right] = [await read(page, "status-loss"), await read(page, "status-loss-b")];
    expect(right).toBe(left);
    expect(Number(left)).toBeLessThan(start / 5);
    expect(errors).toEqual([]);
  });

  it("lesson 6 preset: hardtanh falls below 0.1 while sigmoid stays on the plateau; then GELU, picked in the select, trains and cannot die", async () => {
    const { page, errors } = await open();
    await click(page, "preset-6");
    await settled(page);
    const note = page.locator('[data-testid="preset-note"]');
    await expect.poll(() => note.getAttribute("data-lesson")).toBe("6");
    expect(await note.textContent()).toContain(PRESETS[5].claim);
    expect(await page.locator('[data-testid="activation"]').inputValue()).toBe("sigmoid");
    expect(await read(page, "run-b-label")).toBe("Run B: hardtanh");
    await click(page, "train");
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="status-step"]')?.textContent) >= 300);
    await pause(page);
    const [sigmoid, hardtanh] = [await decimal(page, "status-loss"), await decimal(page, "status-loss-b")];
    await shot(page, "lesson6-zoo");
    console.log(`lesson 6 preset after ${await step(page)} steps: sigmoid ${sigmoid}, hardtanh ${hardtanh}`);
    // The lesson's numbers (examples/lessons/6-zoo.md): hardtanh reaches 0.1 after 128 steps, sigmoid sits at
    // a straight line's loss, 0.24, for all of its 1000.
    expect(hardtanh).toBeLessThan(0.1);
    expect(sigmoid).toBeGreaterThan(0.2);

    // A new activation from the select: run A starts over with it, from the same weights (run B stays hardtanh).
    await page.locator('[data-testid="activation"]').selectOption("gelu");
    await settled(page);
    expect(await step(page)).toBe(0);
    await click(page, "train");
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="status-step"]')?.textContent) >= 400);
    await pause(page);
    await shot(page, "lesson6-gelu");
    expect(await decimal(page, "status-loss")).toBeLessThan(0.1); // the lesson: 352 steps
    expect(await read(page, "status-dead")).toBe("0.0%"); // GELU's slope is nonzero everywhere
    // The step-through traces the GELU network: its op and its backward rule, by name.
    const walk = page.locator('[data-testid="walkthrough"]');
    const paused = await step(page);
    await expect.poll(async () => JSON.parse((await walk.getAttribute("data-example")) ?? "{}").step).toBe(paused);
    const steps = JSON.parse((await walk.getAttribute("data-trace"))!) as TraceStep[];
    expect(steps.map((s) => s.op)).toEqual(["bceWithLogits", "linear", "gelu", "linear", "gelu", "linear"]);
    await click(page, "walk-all");
    expect(await walk.textContent()).toContain("∂L/∂z2 = ∂L/∂out · (Φ(z2) + z2 · φ(z2)) = [1, 16]");
    expect(errors).toEqual([]);
  });

  it("every preset sets its lesson's controls and shows the lesson's own claim", async () => {
    const { page, errors } = await open();
    for (const p of PRESETS) {
      await click(page, `preset-${p.lesson}`);
      await settled(page);
      const note = page.locator('[data-testid="preset-note"]');
      await expect.poll(() => note.getAttribute("data-lesson")).toBe(String(p.lesson));
      expect(await note.textContent()).toContain(p.claim);
      expect(await note.textContent()).toContain(p.watch);
      const ids: Partial<Record<keyof Settings, string>> = { dataset: "dataset", activation: "activation", loss: "loss", init: "init", lr: "lr", depth: "depth", width: "width" };
      for (const [key, id] of Object.entries(ids) as [keyof Settings, string][]) {
        const want = p.settings[key];
        if (want !== undefined) expect(await page.locator(`[data-testid="${id}"]`).inputValue(), `${id} of preset ${p.lesson}`).toBe(String(want));
      }
      expect(await read(page, "status-loss-b") !== "", `loss B of preset ${p.lesson}`).toBe(p.compare !== undefined);
      // A second of training, for the picture.
      await click(page, "train");
      await page.waitForTimeout(1000);
      await pause(page);
      await shot(page, `preset-${p.lesson}`);
    }
    expect(errors).toEqual([]);
  });

  it("the graph and the walkthrough show traceBackward of the page's own network and example", async () => {
    const { page, errors } = await open();
    await click(page, "train");
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="status-step"]')?.textContent) >= 500);
    await pause(page);
    const walk = page.locator('[data-testid="walkthrough"]');
    // The trace sent after the pause carries the paused step.
    const paused = await step(page);
    await expect.poll(async () => JSON.parse((await walk.getAttribute("data-example")) ?? "{}").step).toBe(paused);
    await expect.poll(() => page.locator('[data-testid="graph"] svg').count()).toBe(1);
    for (let i = 0; i < 3; i++) await click(page, "walk-next");
    await shot(page, "walkthrough");

    const steps = JSON.parse((await walk.getAttribute("data-trace"))!) as TraceStep[];
    const settings = JSON.parse((await walk.getAttribute("data-settings"))!) as Settings;
    const state = JSON.parse((await walk.getAttribute("data-state"))!);
    const example = JSON.parse((await walk.getAttribute("data-example"))!) as { input: [number, number]; target: number };

    // Independently of any code: the loss node's rule sends σ(z) − t to the logit, and every
    // node's upstream gradient is the sum of what the earlier steps sent it.
    expect(steps[0].op).toBe("bceWithLogits");
    expect(steps[0].upstream).toEqual([1]);
    const z = steps[0].inputs[0].value[0];
    expect(steps[0].inputGrads[0]![0]).toBeCloseTo(1 / (1 + Math.exp(-z)) - example.target, 6);
    const received = new Map<string, number[]>();
    for (const s of steps) {
      if (s !== steps[0]) {
        const got = received.get(s.output.name)!;
        expect(got, `gradient into ${s.output.name}`).toBeDefined();
        s.upstream.forEach((u, k) => expect(u).toBeCloseTo(got[k], 5));
      }
      s.inputs.forEach((x, j) => {
        const g = s.inputGrads[j];
        if (g) received.set(x.name, (received.get(x.name) ?? g.map(() => 0)).map((v, k) => v + g[k]));
      });
    }

    // The same network and example traced here, in Node: the same numbers and the same text.
    const mine = traceExample(settings, state, example.input, example.target);
    expect(mine.steps.map((s) => [s.op, s.rule, s.output.name])).toEqual(steps.map((s) => [s.op, s.rule, s.output.name]));
    mine.steps.forEach((s, i) => {
      s.upstream.forEach((v, k) => expect(steps[i].upstream[k]).toBeCloseTo(v, 6));
      s.inputGrads.forEach((g, j) => g?.forEach((v, k) => expect(steps[i].inputGrads[j]![k]).toBeCloseTo(v, 6)));
    });
    const shown = (await walk.textContent())!;
    expect(shown.trim()).toBe(mine.blocks.slice(0, 4).join("\n\n").trim());
    // The step-through teaches the arithmetic: the loss's rule in the tensors' names, then with the
    // logit's numbers put in, then σ(z) − t; no rule letters.
    const sig = 1 / (1 + Math.exp(-z));
    expect(shown).toContain(`\n  ∂L/∂z = ∂L/∂out · (σ(z) − t) = 1 × (${formatNumber(sig)} − ${example.target}) = ${formatNumber(steps[0].inputGrads[0]![0])}\n`);
    expect(shown).toContain("∂L/∂out = ∂L/∂loss = 1, the seed");
    expect(shown).not.toMatch(/\bd[zxWt] = g/);
    expect(await walk.getAttribute("data-shown")).toBe("3");
    const svg = (await page.locator('[data-testid="graph"] svg').textContent()) ?? "";
    for (const name of ["loss", "W1", "x"]) expect(svg).toContain(name);
    expect(errors).toEqual([]);
  });
});
