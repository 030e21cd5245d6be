/**
 * Backward walkthrough (`pnpm walkthrough NAME`): builds an example expression (the same ones
 * `pnpm graph` draws) and prints its backward pass one step at a time with explainBackward: each
 * node's rule, the upstream gradient, and what the rule sends to each input.
 * `pnpm walkthrough --list` names the expressions, `--help` lists the flags.
 */
import { explainBackward } from "@backprop/core";
import { parseWalkthroughArgs, walkthroughHelp, type WalkthroughCliOptions } from "./graph/args.js";
import { EXPRESSIONS, listText } from "./graph/expressions.js";
import { cliOptions } from "./shared/flags.js";

function main(options: WalkthroughCliOptions): void {
  if (options.list) {
    console.log(`Expressions (pnpm walkthrough NAME):\n${listText()}`);
    return;
  }
  const name = options.name!;
  const root = EXPRESSIONS[name].build();
  console.log(`${name}: ${EXPRESSIONS[name].summary}\n`);
  process.stdout.write(explainBackward(root, { maxElements: options.maxElements, digits: options.digits }));
}

const options = cliOptions("walkthrough", parseWalkthroughArgs, walkthroughHelp);
if (options) main(options);
