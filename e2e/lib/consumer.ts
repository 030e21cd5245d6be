/**
 * A consumer project made from the packages as they would be published: `pnpm pack` of
 * @backprop/core and @backprop/nn, unpacked into a fresh folder's node_modules (outside the
 * workspace, so nothing resolves to the source), beside the entry files of e2e/consumer/. Bundlers
 * then build those entries at their default settings.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const PACKAGES = ["core", "nn"] as const;

export interface Consumer {
  /** The project folder: node_modules/@backprop/{core,nn} and the entries (core.js, nn.js, …). */
  dir: string;
  /** The packed tarball of each package. */
  tarballs: Record<(typeof PACKAGES)[number], string>;
}

const run = (cmd: string, args: string[], cwd: string): string => execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: "pipe" });

/** Build both packages' dist/, pack them and unpack them into a new consumer project. */
export function makeConsumer(): Consumer {
  const dir = mkdtempSync(join(tmpdir(), "backprop-consumer-"));
  run("pnpm", ["--filter", "@backprop/core", "--filter", "@backprop/nn", "run", "build"], ROOT);
  const packs = join(dir, "tarballs");
  const tarballs = {} as Consumer["tarballs"];
  for (const name of PACKAGES) {
    run("pnpm", ["pack", "--pack-destination", packs], join(ROOT, "packages", name));
    const file = readdirSync(packs).find((f) => f.startsWith(`backprop-${name}-`))!;
    tarballs[name] = join(packs, file);
    const into = join(dir, "node_modules", "@backprop", name);
    mkdirSync(into, { recursive: true });
    run("tar", ["-xzf", tarballs[name], "-C", into, "--strip-components=1"], dir);
  }
  // The packages' other dependencies come as the registry would give them: the workspace's copy.
  for (const name of PACKAGES) {
    const pkg = JSON.parse(readFileSync(join(ROOT, "packages", name, "package.json"), "utf8"));
    for (const dep of Object.keys(pkg.dependencies ?? {}).filter((d) => !d.startsWith("@backprop/"))) {
      cpSync(realpathSync(join(ROOT, "packages", name, "node_modules", dep)), join(dir, "node_modules", dep), { recursive: true, dereference: true });
    }
  }
  cpSync(join(ROOT, "e2e", "consumer"), dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  return { dir, tarballs };
}

/** esbuild at its defaults (browser platform, an IIFE), or for Node; returns the bundle's path. */
export async function esbuildBundle(consumer: Consumer, entry: string, opts: { platform?: "node"; minify?: boolean } = {}): Promise<string> {
  const { build } = await import("esbuild");
  const tag = [opts.platform ?? "default", opts.minify ? "min" : ""].filter(Boolean).join("-");
  const outfile = join(consumer.dir, "out", `esbuild-${tag}`, entry.replace(/\.js$/, opts.platform ? ".mjs" : ".js"));
  await build({
    entryPoints: [join(consumer.dir, entry)], bundle: true, outfile, logLevel: "silent", absWorkingDir: consumer.dir,
    ...(opts.platform && { platform: opts.platform, format: "esm" as const }),
    ...(opts.minify && { minify: true }),
  });
  return outfile;
}

/**
 * Vite at its defaults: an app (an index.html loading the entry; returns the site's folder) or a
 * library (returns the ES module's path).
 */
export async function viteBundle(consumer: Consumer, entry: string, kind: "app" | "lib"): Promise<string> {
  const { build } = await import("vite");
  const name = entry.replace(/\.js$/, "");
  const root = join(consumer.dir, `vite-${kind}-${name}`);
  mkdirSync(root, { recursive: true });
  cpSync(join(consumer.dir, entry), join(root, entry));
  cpSync(join(consumer.dir, "report.js"), join(root, "report.js"));
  const outDir = join(root, "dist");
  if (kind === "app") {
    writeFileSync(join(root, "index.html"), `<!doctype html><title>${name}</title><link rel="icon" href="data:,"><script type="module" src="./${entry}"></script>\n`);
    await build({ root, configFile: false, logLevel: "silent", build: { outDir } });
    return outDir;
  }
  await build({
    root, configFile: false, logLevel: "silent",
    build: { outDir, lib: { entry: join(root, entry), formats: ["es"], fileName: name } },
  });
  return join(outDir, `${name}.js`);
}

/** Run a bundle in Node (optionally with flags) and parse the JSON it reports. */
export function runInNode(file: string, nodeFlags: string[] = []): Record<string, any> {
  const out = execFileSync(process.execPath, [...nodeFlags, file], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  return JSON.parse(out.trim().split("\n").at(-1)!);
}

/** The files in a tarball, relative to its package folder. */
export function tarFiles(tarball: string): string[] {
  return run("tar", ["-tzf", tarball], ROOT).split("\n").filter((f) => f && !f.endsWith("/")).map((f) => f.replace(/^package\//, ""));
}

/** One file of a tarball as text. */
export function tarText(tarball: string, file: string): string {
  return run("tar", ["-xzOf", tarball, `package/${file}`], ROOT);
}
