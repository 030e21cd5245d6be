/**
 * Says loudly, under the run's summary, that the browser tests were skipped because Chromium is
 * missing (a quiet "skipped" count is too easy to miss).
 */
import type { Reporter, TestModule } from "vitest/node";
import { chromiumMissing } from "./chromium.js";

export default class BrowserSkipReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const missing = chromiumMissing();
    const browserRan = modules.some((m) => m.project.name === "browser");
    if (!missing || !browserRan || process.env.CI === "true") return;
    const line = "!".repeat(78);
    console.log(`\n${line}\n!! BROWSER TESTS SKIPPED: ${missing}.\n!! The bundle tests in Chromium and the playground tests did not run.\n${line}\n`);
  }
}
