/**
 * Graph pictures (`pnpm graph NAME`): builds an example expression, runs backward through it with
 * traceBackward and draws the graph that toDot describes with a real Graphviz (WebAssembly):
 * one node per tensor showing its op, shape, value and gradient. `pnpm graph --list` names the
 * expressions, `pnpm graph --help` lists the flags. The pieces:
 *   graph/expressions.ts  the named expressions (micrograd, neuron, mlp, softmax)
 *   graph/render.ts       expression → DOT (toDot) → SVG (Graphviz) → PNG (resvg)
 *   graph/args.ts         the expression name and the flags
 */
import { graphHelp, parseGraphArgs, type GraphOptions } from "./graph/args.js";
import { EXPRESSIONS, listText } from "./graph/expressions.js";
import { cliOptions } from "./shared/flags.js";
import { outputDir, shownPath } from "./shared/paths.js";

async function main(options: GraphOptions): Promise<void> {
  if (options.list) {
    console.log(`Expressions (pnpm graph NAME):\n${listText()}`);
    return;
  }
  const name = options.name!;
  // Loaded only to draw (Graphviz and the figure code take a moment), so --list, --help and
  // mistakes answer at once.
  const { expressionDot, graphvizVersion, writeGraph } = await import("./graph/render.js");
  const outDir = outputDir(options.out);
  const files = await writeGraph(outDir, name, expressionDot(name, options));
  console.log(`${name}: ${EXPRESSIONS[name].summary}`);
  console.log(`graph drawn with Graphviz ${await graphvizVersion()}: ${shownPath(files.png)}`);
  console.log(`  (also ${shownPath(files.svg)} and the DOT text ${shownPath(files.dot)})`);
}

const options = cliOptions("graph", parseGraphArgs, graphHelp);
if (options) await main(options);
