/**
 * The page: the form and the views on the main thread; all the training in a Web Worker running the
 * very same @backprop/core and @backprop/nn, so the page never freezes.
 */
import { readSettings, showRelevant, writeSettings } from "./controls.js";
import { formatLoss, formatPercent, formatStep } from "./format.js";
import { presetButtons, showNote, type PlaygroundPreset } from "./presets.js";
import type { Command, Reply, Snapshot } from "./protocol.js";
import { applyPreset, DEFAULTS, type Comparison } from "./settings.js";
import { BoundaryView } from "./views/boundary.js";
import { drawCurves } from "./views/curves.js";
import { drawDiagnostics } from "./views/diagnostics.js";
import { drawGraph } from "./views/graph.js";
import { WalkthroughView } from "./views/walkthrough.js";

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.querySelector<T>(`[data-testid="${id}"]`);
  if (!el) throw new Error(`index.html has no element with data-testid="${id}"`);
  return el;
};

const form = document.querySelector<HTMLFormElement>("#controls")!;
const boundary = new BoundaryView($<HTMLCanvasElement>("boundary"));
const boundaryB = new BoundaryView($<HTMLCanvasElement>("boundary-b"));
const walkthrough = new WalkthroughView($("walkthrough"), $("walkthrough-caption"));
const note = $("preset-note");

const worker = new Worker(new URL("./worker/index.ts", import.meta.url), { type: "module" });
const send = (c: Command) => worker.postMessage(c);

let preset: PlaygroundPreset | null = null;
let training = false;
/** The training example the graph and the walkthrough show; −1: the one the network gets most wrong. */
let example = -1;
let lastSnapshot: Snapshot | null = null;
/** Counts resets; replies about an older one (still in flight when it happened) are dropped. */
let session = 0;

/** Start over with what the form shows (and the preset's second run, while a comparing preset is on). */
function reset(): void {
  const settings = readSettings(form);
  const compare: Comparison | null = preset?.compare ? { label: preset.compare.label, settings: { ...settings, ...preset.compare.changes } } : null;
  session++;
  document.body.dataset.session = String(session);
  send({ type: "reset", session, settings, compare });
  send({ type: "trace", example });
  if (training) send({ type: "train" });
}

function setTraining(on: boolean): void {
  training = on;
  document.body.dataset.training = String(on);
  $<HTMLButtonElement>("train").disabled = on;
  $<HTMLButtonElement>("pause").disabled = !on;
}

function choosePreset(p: PlaygroundPreset): void {
  preset = p;
  const { settings } = applyPreset(p);
  writeSettings(form, settings);
  showNote(note, p);
  setTraining(false);
  reset();
}

presetButtons($("presets"), choosePreset);
$("preset-close").addEventListener("click", () => {
  preset = null;
  showNote(note, null);
  reset();
});

$("train").addEventListener("click", () => { setTraining(true); send({ type: "train" }); });
$("pause").addEventListener("click", () => { setTraining(false); send({ type: "pause" }); send({ type: "trace", example }); });
$("step").addEventListener("click", () => { setTraining(false); send({ type: "step" }); send({ type: "trace", example }); });
$("reset").addEventListener("click", () => reset());
const speed = $<HTMLSelectElement>("speed");
const sendSpeed = () => send({ type: "speed", stepsPerSecond: speed.value === "max" ? null : Number(speed.value) });
speed.addEventListener("change", sendSpeed);
// Any setting changed: start over with it (the speed is not a setting: it applies as it is).
form.addEventListener("change", (e) => {
  if (e.target === $("speed")) return;
  showRelevant(form);
  reset();
});
form.addEventListener("submit", (e) => e.preventDefault());

// Choosing the example: click a training point, or type its number.
const exampleInput = $<HTMLInputElement>("example");
function trace(i: number): void {
  example = i;
  exampleInput.value = i < 0 ? "" : String(i);
  send({ type: "trace", example });
}
// An empty box: the worst example (again at every trace).
exampleInput.addEventListener("change", () => trace(exampleInput.value.trim() === "" ? -1 : Math.max(0, Math.floor(Number(exampleInput.value) || 0))));
$("boundary").addEventListener("click", (e) => {
  const i = boundary.nearestTrainPoint(e.offsetX, e.offsetY);
  if (i >= 0) trace(i);
});
$("trace").addEventListener("click", () => send({ type: "trace", example }));
$("walk-next").addEventListener("click", () => walkthrough.next());
$("walk-all").addEventListener("click", () => walkthrough.all());

const text = (id: string, value: string) => { $(id).textContent = value; };

function showSnapshot(s: Snapshot): void {
  lastSnapshot = s;
  const [a, b] = s.runs;
  // What a test waits for: the read-outs belong to this reset, and to a running or paused worker.
  const readouts = $("readouts");
  readouts.dataset.session = String(s.session);
  readouts.dataset.training = String(s.training);
  text("status-step", formatStep(s.step));
  text("status-loss", formatLoss(a.trainLoss));
  text("status-loss-b", b ? formatLoss(b.trainLoss) : "");
  text("status-train-acc", formatPercent(a.trainAccuracy));
  text("status-test-acc", formatPercent(a.testAccuracy));
  text("status-dead", formatPercent(a.dead));
  text("status-speed", s.training ? `${Math.round(s.stepsPerSecond)} steps/s · ${boundary.redrawsPerSecond} redraws/s` : "paused");
  $("status-loss-b").closest<HTMLElement>(".readout")!.classList.toggle("inactive", !b);
  $("boundary").dataset.stepsPerSecond = String(Math.round(s.stepsPerSecond));
  boundary.setGrid(s.grid, s.gridSize);
  $("run-b").hidden = !b;
  if (b && s.gridB) {
    text("run-b-label", `Run B: ${b.label}`);
    boundaryB.setGrid(s.gridB, s.gridSize);
  }
  drawCurves($<HTMLCanvasElement>("curve-loss"), $<HTMLCanvasElement>("curve-accuracy"), s);
  drawDiagnostics($<HTMLCanvasElement>("diag-dead"), $<HTMLCanvasElement>("diag-saturation"), $<HTMLCanvasElement>("diag-one-sign"), s);
}

worker.onmessage = (e: MessageEvent<Reply>) => {
  const r = e.data;
  if ("session" in r && r.session !== session) return;
  switch (r.type) {
    case "ready":
      text("status-backend", r.backend);
      break;
    case "points":
      boundary.setPoints(r);
      boundaryB.setPoints(r);
      break;
    case "snapshot":
      showSnapshot(r);
      break;
    case "trace":
      boundary.selected = r.example;
      exampleInput.placeholder = example < 0 ? `worst: ${r.example}` : "";
      if (lastSnapshot) boundary.draw();
      walkthrough.show(r);
      drawGraph($("graph"), r.dot).catch((err: Error) => { $("graph").textContent = `Graphviz failed: ${err.message}`; });
      break;
    case "error":
      setTraining(false);
      text("status-error", r.message);
      break;
  }
};
worker.onerror = (e) => text("status-error", `the training worker failed: ${e.message}`);

writeSettings(form, DEFAULTS);
setTraining(false);
sendSpeed();
reset();
