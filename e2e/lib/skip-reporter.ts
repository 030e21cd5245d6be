/**
 * Says loudly, under the run's summary, that the browser tests were skipped because Chromium is
 * missing (a quiet "skipped" count is too easy to miss).
 */
import type { Reporter } from "vitest/reporters";
import { chromiumMissing } from "./chromium.js";

export default class BrowserSkipReporter implements Reporter {
  onTestRunEnd(): void {
    const missing = chromiumMissing();
    if (!missing || process.env.CI === "true") return;
    const line = "!".repeat(78);
    console.log(`\n${line}\n!! BROWSER TESTS SKIPPED: ${missing}.\n!! The bundle tests in Chromium and the playground tests did not run.\n${line}\n`);
  }
}
