#!/usr/bin/env bash
# Builds the web console (web/) into web/dist/ (`npm run build:web`), which the native binary
# embeds and the Worker serves as static assets:
#
#   web/dist/index.html                       the page (revalidated on every load)
#   web/dist/assets/console-<hash>.js         the app: Preact + web/src, one ES module
#   web/dist/assets/console-<hash>.css        its styles
#   web/dist/assets/mcp_orchestration_core_bg-<hash>.wasm   the core (the npm package's wasm)
#
# Builds the npm package into core/pkg/ first when it is missing (scripts/build-wasm.sh), and
# type-checks web/src with `tsc --noEmit` (strict) before bundling.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
log() { printf 'build-web: %s\n' "$*" >&2; }

if [[ ! -d node_modules/preact || ! -d node_modules/esbuild || ! -d node_modules/typescript ]]; then
    log "the npm packages are missing: run 'npm ci' (or scripts/setup.sh) first"
    exit 1
fi
if [[ ! -f core/pkg/web.js || ! -f core/pkg/mcp_orchestration_core_bg.wasm ]]; then
    log "core/pkg is missing: building the npm package first"
    scripts/build-wasm.sh
fi

log "tsc --noEmit -p web/tsconfig.json"
node node_modules/typescript/bin/tsc --noEmit -p web/tsconfig.json
node web/build.mjs
