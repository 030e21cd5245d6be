/**
 * The packages as users get them: packed (`pnpm pack`), unpacked into a project outside the
 * workspace, bundled by esbuild and by Vite at their default settings, and run in Node and in
 * real Chromium. A bundler that drops a module imported for its effect (the tensor methods), Node
 * code or shared-memory kernels in a browser bundle, or a tarball missing what a consumer needs,
 * fails here.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { relative } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPage } from "./lib/chromium.js";
import { esbuildBundle, makeConsumer, runInNode, tarFiles, tarText, viteBundle, type Consumer } from "./lib/consumer.js";
import { serveStatic, type StaticServer } from "./lib/serve.js";
import { describeInChromium } from "./lib/suite.js";
import { readmeBundleKb } from "./lib/readme.js";

type Result = Record<string, any>;

/** Pages declare an empty icon: Chromium's request for /favicon.ico would log a 404 as a console error. */
const NO_ICON = '<link rel="icon" href="data:,">';

let consumer: Consumer;
/** Every browser bundle, by name: the file (for a script) or the site folder (Vite app). */
const bundles: Record<string, { path: string; kind: "script" | "module" | "site" }> = {};

beforeAll(async () => {
  consumer = makeConsumer();
  for (const entry of ["core.js", "nn.js", "interop.js"]) {
    const name = entry.replace(/\.js$/, "");
    bundles[`esbuild ${name}`] = { path: await esbuildBundle(consumer, entry), kind: "script" };
    bundles[`vite-lib ${name}`] = { path: await viteBundle(consumer, entry, "lib"), kind: "module" };
    bundles[`vite-app ${name}`] = { path: await viteBundle(consumer, entry, "app"), kind: "site" };
  }
}, 180_000);

/** What the core entry must report wherever it runs. */
function expectCoreWorks(r: Result): void {
  expect(r.missingMethods).toEqual([]);
  expect(r.sum).toBe(14);               // 1² + 2² + 3²
  expect(r.grad).toEqual([2, 4, 6]);    // d/dx Σx² = 2x
  expect(r.secondDerivative).toBe(12);  // (x³)'' = 6x at 2
  expect(Number.isFinite(r.gram)).toBe(true);
}

/** What the nn entry must report: the training run learned the moons. */
function expectNnTrains(r: Result): void {
  expect(r.lastLoss).toBeLessThan(r.firstLoss / 3);
  expect(r.accuracy).toBeGreaterThan(0.9);
}

/** What the interop entry must report: the model back from ONNX computes the same, the weights keep their names and bits. */
function expectInteropWorks(r: Result): void {
  const keys = ["0.bias", "0.weight", "2.bias", "2.weight", "3.bias", "3.weight"];
  expect(r.onnxBytes).toBeGreaterThan(0);
  expect(r.onnxMaxDiff).toBeLessThan(1e-6);
  expect(r.importedKeys).toEqual(keys);
  expect(r.safetensorsKeys).toEqual(keys);
  expect(r.safetensorsExact).toBe(true);
}

describe("the packed tarballs", () => {
  it("hold README, LICENSE, package.json and dist/ only (no sources, tests or build scripts)", () => {
    for (const tarball of Object.values(consumer.tarballs)) {
      const files = tarFiles(tarball);
      expect(files).toEqual(expect.arrayContaining(["README.md", "LICENSE", "package.json", "dist/index.js", "dist/index.d.ts"]));
      expect(files.filter((f) => !["README.md", "LICENSE", "package.json"].includes(f) && !f.startsWith("dist/"))).toEqual([]);
      expect(files.filter((f) => /\.(ts|map)$/.test(f) && !f.endsWith(".d.ts"))).toEqual([]);
      expect(tarText(tarball, "LICENSE")).toMatch(/MIT License[\s\S]*the backprop authors/);
    }
  });

  it("have publishable metadata: engines, types, exports to dist, the real dependency version", () => {
    for (const [name, tarball] of Object.entries(consumer.tarballs)) {
      const pkg = JSON.parse(tarText(tarball, "package.json"));
      expect(pkg.name).toBe(`@backprop/${name}`);
      expect(pkg.license).toBe("MIT");
      expect(pkg.engines.node).toBe(">=20");
      expect(pkg.types).toBe("./dist/index.d.ts");
      expect(pkg.exports["."]).toEqual({ types: "./dist/index.d.ts", default: "./dist/index.js" });
      const resolved = JSON.stringify([pkg.exports, pkg.imports ?? {}, pkg.types, pkg.dependencies ?? {}]);
      expect(resolved).not.toMatch(/workspace:|\.\/src\/|backprop:dist/);
    }
    const nn = JSON.parse(tarText(consumer.tarballs.nn, "package.json"));
    expect(nn.dependencies["@backprop/core"]).toBe(JSON.parse(tarText(consumer.tarballs.core, "package.json")).version);
  });
});

describe("bundled at default settings, run in Node", () => {
  it("esbuild (browser platform): every method, grad of grad, the wasm gemm on one thread", () => {
    const r = runInNode(bundles["esbuild core"].path);
    expectCoreWorks(r);
    expect(r.backend).toMatchObject({ backend: "wasm", threads: 1, note: "" });
  });

  it("esbuild for Node (--platform=node): the gemm threads come along", async () => {
    const r = runInNode(await esbuildBundle(consumer, "core.js", { platform: "node" }));
    expectCoreWorks(r);
    expect(r.backend).toMatchObject({ backend: "wasm", note: "" });
  });

  it("Vite (library build): core and a training loop", () => {
    expectCoreWorks(runInNode(bundles["vite-lib core"].path));
    expectNnTrains(runInNode(bundles["vite-lib nn"].path));
  });

  it("esbuild: a training loop with @backprop/nn", () => {
    expectNnTrains(runInNode(bundles["esbuild nn"].path));
  });

  it("esbuild and Vite: ONNX out and back in, safetensors both ways", () => {
    expectInteropWorks(runInNode(bundles["esbuild interop"].path));
    expectInteropWorks(runInNode(bundles["vite-lib interop"].path));
  });

  it("without WebAssembly (node --jitless) the js reference runs and backendInfo().note says why", () => {
    const r = runInNode(bundles["esbuild core"].path, ["--jitless"]);
    expectCoreWorks(r);
    expect(r.backend.backend).toBe("js");
    expect(r.backend.note).toMatch(/the "wasm" backend could not load: this runtime has no WebAssembly/);
  });
});

describe("the browser bundles", () => {
  const text = (name: string): string => {
    const b = bundles[name];
    if (b.kind !== "site") return readFileSync(b.path, "utf8");
    const html = readFileSync(`${b.path}/index.html`, "utf8");
    return readFileSync(`${b.path}/${html.match(/src="\.?\/?([^"]+\.js)"/)![1]}`, "utf8");
  };

  it("carry no Node-only code and no shared-memory (Node threads) WebAssembly", () => {
    const sharedKernels = readFileSync(`${consumer.dir}/node_modules/@backprop/core/dist/kernels/wasm/binary-shared.generated.js`, "utf8")
      .match(/"([A-Za-z0-9+/=]{200,})"/g)!.map((s) => s.slice(1, -1)); // whole modules: their first bytes (the types) are the same
    const singleKernels = readFileSync(`${consumer.dir}/node_modules/@backprop/core/dist/kernels/wasm/binary-single.generated.js`, "utf8")
      .match(/"([A-Za-z0-9+/=]{200,})"/g)!.map((s) => s.slice(1, -1));
    expect(sharedKernels).toHaveLength(2);
    for (const k of sharedKernels) expect(singleKernels).not.toContain(k);
    for (const name of Object.keys(bundles)) {
      const code = text(name);
      for (const nodeOnly of ["worker_threads", "getBuiltinModule", '"node:', "'node:"]) expect(code, `${name}: ${nodeOnly}`).not.toContain(nodeOnly);
      for (const kernels of sharedKernels) expect(code, `${name}: shared-memory kernels`).not.toContain(kernels);
      for (const kernels of singleKernels) expect(code, `${name}: the kernels a browser uses`).toContain(kernels);
    }
  });

  it("leave the ONNX schema and protobuf out unless the program exports or imports ONNX", () => {
    // Markers: the ONNX schema is embedded as a serialized descriptor, "\n\nonnx.proto…" in base64;
    // @bufbuild/protobuf's binary reader reports a truncated message as "premature EOF".
    const markers = ["Cgpvbm54LnByb3Rv", "premature EOF"];
    for (const bundler of ["esbuild", "vite-lib", "vite-app"]) {
      for (const m of markers) {
        expect(text(`${bundler} nn`), `${bundler} nn: ${m}`).not.toContain(m);
        expect(text(`${bundler} interop`), `${bundler} interop: ${m}`).toContain(m);
      }
    }
  });

  it("weigh what the README says (core, minified and gzipped)", async () => {
    const min = readFileSync(await esbuildBundle(consumer, "core.js", { minify: true }));
    const kb = gzipSync(min, { level: 9 }).length / 1024;
    writeFileSync(`${consumer.dir}/core-min-gz-kb.txt`, kb.toFixed(1));
    const stated = readmeBundleKb();
    expect(kb, `measured ${kb.toFixed(1)} KB`).toBeGreaterThan(stated * 0.9);
    expect(kb, `measured ${kb.toFixed(1)} KB`).toBeLessThan(stated * 1.1);
  });
});

describeInChromium("the browser bundles in Chromium", (browser) => {
  let server: StaticServer;
  beforeAll(async () => { server = await serveStatic(consumer.dir); });
  afterAll(async () => { await server?.close(); });

  /** A page that loads one bundle (optionally after `before`, a script run first); its report. */
  async function runInPage(name: string, before = ""): Promise<{ result: Result; errors: string[] }> {
    const b = bundles[name];
    let url: string;
    let site: StaticServer | undefined; // a Vite app is served from its own root, as it was built for
    if (b.kind === "site") {
      site = await serveStatic(b.path);
      url = site.url;
    } else {
      const page = `page-${name.replace(/\W+/g, "-")}${before ? "-before" : ""}.html`;
      const tag = b.kind === "module" ? `<script type="module" src="./${relative(consumer.dir, b.path)}"></script>`
                                      : `<script src="./${relative(consumer.dir, b.path)}"></script>`;
      writeFileSync(`${consumer.dir}/${page}`, `<!doctype html><title>${name}</title>${NO_ICON}<script>${before}</script>${tag}\n`);
      url = `${server.url}${page}`;
    }
    const { page, errors } = await openPage(browser(), url);
    try {
      await page.waitForFunction(() => (globalThis as { __backprop?: unknown }).__backprop !== undefined, null, { timeout: 30_000 });
      return { result: await page.evaluate(() => (globalThis as unknown as { __backprop: Result }).__backprop), errors };
    } finally {
      await page.close();
      await site?.close();
    }
  }

  for (const bundler of ["esbuild", "vite-lib", "vite-app"]) {
    it(`${bundler}: core on the wasm backend (one thread), a training loop, ONNX and safetensors, no console errors`, async () => {
      const core = await runInPage(`${bundler} core`);
      expectCoreWorks(core.result);
      expect(core.result.backend).toMatchObject({ backend: "wasm", threads: 1, note: "" });
      const nn = await runInPage(`${bundler} nn`);
      expectNnTrains(nn.result);
      const interop = await runInPage(`${bundler} interop`);
      expectInteropWorks(interop.result);
      expect([...core.errors, ...nn.errors, ...interop.errors]).toEqual([]);
    });
  }

  it("without WebAssembly the page runs the js reference and backendInfo().note says why", async () => {
    const { result, errors } = await runInPage("esbuild core", "delete globalThis.WebAssembly;");
    expectCoreWorks(result);
    expect(result.backend.backend).toBe("js");
    expect(result.backend.note).toMatch(/the "wasm" backend could not load: this runtime has no WebAssembly/);
    expect(errors).toEqual([]);
  });
});
