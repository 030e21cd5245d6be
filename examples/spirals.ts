/**
 * Spirals (`pnpm spirals`): three interleaved spiral arms, a checkpoint, and a resumed run.
 *
 *   data:  spirals(1500, { classes: 3, noise: 0.03 }), a seeded 1200 / 300 train/test split
 *   model: Sequential(Linear(2, 64), ReLU, Linear(64, 64), ReLU, Linear(64, 3)) in float64
 *   loss:  crossEntropy; optimizer: AdamW with OneCycleLR (peak lr 0.02), minibatches of 64
 *
 * After half the epochs the run saves a checkpoint (out/spirals/checkpoint.json) and goes on. Then a
 * second run starts from nothing — data, model, optimizer and scheduler built afresh from the seed,
 * as a new process would — loads the checkpoint and trains the second half again: every epoch's
 * loss and every final parameter must equal the uninterrupted run's, bit for bit. Prints the test
 * accuracy (the target: at least 95%) and draws the decision regions into out/spirals/.
 * `pnpm spirals --help` lists the flags. The pieces:
 *   spirals/args.ts   flags, defaults, --help
 *   spirals/train.ts  setup, the training loop, the checkpoint and the resumed run
 *   spirals/plot.ts   the vega-lite figure
 */
import { mkdir } from "node:fs/promises";
import { basename, join } from "node:path";
import { writeFigure } from "./shared/figure.js";
import { cliOptions } from "./shared/flags.js";
import { outputDir, shownPath } from "./shared/paths.js";
import { helpText, parseSpiralsArgs, type SpiralsOptions } from "./spirals/args.js";
import { regionsSpec } from "./spirals/plot.js";
import { logged, predictRegions, trainSpirals } from "./spirals/train.js";

/** The test-accuracy target of the issue that asked for this example. */
export const TARGET_ACCURACY = 0.95;

const pct = (v: number): string => `${(100 * v).toFixed(2)}%`;

async function main(opts: SpiralsOptions): Promise<void> {
  const outDir = outputDir(opts.out);
  await mkdir(outDir, { recursive: true });
  const checkpoint = join(outDir, "checkpoint.json");
  const nTest = Math.ceil(0.2 * opts.points - 1e-9);
  const batches = Math.ceil((opts.points - nTest) / opts.batchSize);
  const w = opts.width;

  console.log(`spirals: 3 classes, ${opts.points} points (noise ${opts.noise}), ${opts.points - nTest} to train on, ${nTest} held out; float64`);
  const result = await trainSpirals(opts, checkpoint, {
    onSetup: ({ model }) => {
      console.log(`model: ${String(model)}`);
      console.log(`crossEntropy, AdamW with OneCycleLR (peak lr ${opts.lr}), ${opts.epochs} epochs of ${batches} batches of ${opts.batchSize}\n`);
      console.log("epoch     last lr     loss    train     test");
    },
    onEpoch: (r) => {
      const line = `${String(r.epoch).padStart(5)}  ${r.lr.toExponential(3).padStart(10)}  ${r.loss.toFixed(4)}  ${pct(r.trainAccuracy).padStart(7)}  ${pct(r.testAccuracy).padStart(7)}`;
      console.log(r.checkpoint ? `${line}   checkpoint saved: ${shownPath(checkpoint)}` : line);
    },
  });

  const r = result.resume;
  console.log(`\nResumed: data, model, AdamW and OneCycleLR built afresh from seed ${opts.seed}, as a new process would,`);
  console.log(`then loadCheckpoint(${shownPath(checkpoint)}) → step ${r.step}. Epochs ${r.step + 1}–${opts.epochs} again:`);
  console.log("epoch  loss without a break    loss resumed");
  r.resumedLosses.forEach((loss, i) => {
    const epoch = r.step + 1 + i;
    if (logged(epoch, opts.epochs)) console.log(`${String(epoch).padStart(5)}  ${String(r.uninterruptedLosses[i]).padEnd(21)}  ${String(loss)}`);
  });
  const same = r.lossesEqual && r.parametersEqual;
  console.log(same
    ? `the resumed run repeats the uninterrupted one bit for bit: all ${r.resumedLosses.length} epoch losses and all ${r.parameterCount.toLocaleString("en-US")} parameters`
    : `the resumed run DIFFERS from the uninterrupted one (losses equal: ${r.lossesEqual}, parameters equal: ${r.parametersEqual})`);

  const verdict = result.testAccuracy >= TARGET_ACCURACY ? "met" : "NOT met";
  console.log(`\ntest accuracy ${pct(result.testAccuracy)} on ${nTest} held-out points (target ≥ 95%: ${verdict}); train ${pct(result.trainAccuracy)}`);
  console.log(`trained in ${(result.ms / 1000).toFixed(1)} s; the resumed half in ${(r.ms / 1000).toFixed(1)} s`);

  const { data, model } = result.run;
  const files = await writeFigure(outDir, "regions", regionsSpec({
    regions: predictRegions(model),
    train: { x: data.xTrain, y: data.yTrain },
    test: { x: data.xTest, y: data.yTest },
    title: `Three spirals: the decision regions of an MLP 2-${w}-${w}-3 after ${opts.epochs} epochs`,
    subtitle: `test accuracy ${pct(result.testAccuracy)} · circles = train, triangles = test · paler = less sure`,
  }));
  console.log(`picture in ${shownPath(outDir)}: ${files.map((f) => basename(f)).join(", ")}`);
}

const options = cliOptions("spirals", parseSpiralsArgs, helpText);
if (options) await main(options);
