/**
 * Test scaffolding for the file tests: a fresh empty directory for each test (handed to `use` before
 * it runs), all inside one temporary folder that is removed when the file's tests are done.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeEach } from "vitest";

export function useCaseDirs(prefix: string, use: (dir: string) => void): void {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  let n = 0;
  beforeEach(() => {
    const dir = path.join(root, `case-${n++}`);
    fs.mkdirSync(dir);
    use(dir);
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
}
