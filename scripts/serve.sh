#!/usr/bin/env bash
# Builds the web console and runs the server with it, from a fresh clone:
#
#   scripts/serve.sh [serve options...]     e.g. scripts/serve.sh --port 9000
#
# Installs what the console's build needs if missing (scripts/setup.sh console: the wasm32 target,
# wasm-bindgen-cli, the npm packages), builds the npm package into core/pkg (`npm run build:wasm`,
# quick when the core has not changed) and the console into web/dist (`npm run build:web`), then
# builds the release binary,
# which embeds web/dist, and starts `mcp-orchestration serve`. Open the URL it prints.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

scripts/setup.sh console
npm run --silent build:wasm
npm run --silent build:web
exec cargo run --release -p mcp-orchestration -- serve "$@"
