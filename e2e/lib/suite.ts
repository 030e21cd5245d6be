/**
 * `describeInChromium`: a describe block that runs only where Chromium is installed. Elsewhere it
 * is skipped (and skip-reporter.ts prints a banner under the run's summary), except under CI=true,
 * where a missing browser fails the run: CI must have tested the browser.
 */
import { afterAll, beforeAll, describe, it } from "vitest";
import type { Browser } from "playwright-core";
import { chromiumMissing, launchChromium } from "./chromium.js";

export function describeInChromium(name: string, body: (browser: () => Browser) => void): void {
  const missing = chromiumMissing();
  if (missing && process.env.CI === "true") {
    describe(name, () => {
      it("has a Chromium to run in (required under CI=true)", () => {
        throw new Error(`${missing}; .ci/run installs it with apt-get`);
      });
    });
    return;
  }
  describe.skipIf(missing !== "")(name, () => {
    let browser: Browser | undefined;
    beforeAll(async () => { browser = await launchChromium(); });
    afterAll(async () => { await browser?.close(); });
    body(() => {
      if (!browser) throw new Error("Chromium did not start (see beforeAll)");
      return browser;
    });
  });
}
