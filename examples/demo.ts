/**
 * The demo (`pnpm demo`): a small ReLU network learns to separate two moons.
 *
 *   Sequential(Linear(2, 32), ReLU, Linear(32, 32), ReLU, Linear(32, 1))
 *   loss: bceWithLogits (sigmoid + binary cross-entropy in one stable graph node)
 *   optimizer: SGD with momentum, full batch
 *
 * It prints the train and held-out test accuracy and draws the decision boundary and the loss
 * curve into out/demo/ (SVG and PNG). `pnpm demo --help` lists the flags. The pieces:
 *   demo/args.ts      flags, defaults, --help
 *   demo/train.ts     data, model, training loop, accuracy
 *   demo/progress.ts  the progress bar
 *   demo/plot.ts      the vega-lite figures
 *   shared/flags.ts   the small flag parser (shared with mnist.ts)
 */
import { basename } from "node:path";
import { helpText, parseDemoArgs, type DemoOptions } from "./demo/args.js";
import { decisionBoundarySpec, lossSpec } from "./demo/plot.js";
import { writeFigure } from "./shared/figure.js";
import { createProgress, progressMode } from "./demo/progress.js";
import { probabilityGrid, train } from "./demo/train.js";
import { cliOptions } from "./shared/flags.js";
import { outputDir, shownPath } from "./shared/paths.js";

const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;

async function main(options: DemoOptions): Promise<void> {
  const { dataset, width, depth, steps, lr, momentum } = options;
  const arch = ["2", ...Array<number>(depth).fill(width), "1"].join("-");
  console.log(`${dataset}: ${options.points} points (noise ${options.noise}), an MLP ${arch} with ReLU, SGD lr ${lr} momentum ${momentum}, ${steps} steps`);

  const progress = createProgress(steps, progressMode(options.quiet));
  const result = train(options, (step, loss) => progress.update(step, loss));
  progress.stop();

  console.log(`train accuracy ${pct(result.trainAccuracy)} (${result.train.y.size} points)   test accuracy ${pct(result.testAccuracy)} (${result.test.y.size} held-out points)`);
  console.log(`final loss ${result.losses[result.losses.length - 1].toFixed(4)}, trained in ${(result.ms / 1000).toFixed(1)} s`);

  const outDir = outputDir(options.out);
  const grid = probabilityGrid(result.model, [result.train.x, result.test.x]);
  const title = `${dataset}: decision boundary of a ${arch} ReLU network`;
  const subtitle = `${steps} steps · train ${pct(result.trainAccuracy)} · test ${pct(result.testAccuracy)} · circles = train, triangles = test`;
  const files = [
    ...(await writeFigure(outDir, "decision-boundary", decisionBoundarySpec({ grid, train: result.train, test: result.test, title, subtitle }))),
    ...(await writeFigure(outDir, "loss", lossSpec(result.losses, `${dataset}: training loss (bceWithLogits)`))),
  ];
  console.log(`pictures in ${shownPath(outDir)}: ${files.map((f) => basename(f)).join(", ")}`);
}

const options = cliOptions("demo", parseDemoArgs, helpText);
if (options) await main(options);
