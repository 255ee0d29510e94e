#!/usr/bin/env bash
# The whole test run, as CI runs it: installs what is missing (scripts/setup.sh), then lints,
# builds the npm package and the web console, runs every test suite (Schemathesis on /openapi.json,
# the /docs page and the console in Debian's Chromium and the MCP server through the official MCP
# TypeScript SDK too), tests the npm package, and checks the edge host for real under `wrangler dev`
# (the console's walk included).
#
#   scripts/test.sh           everything
#   SKIP_WORKER=1 scripts/test.sh   everything but the black-box run under wrangler dev
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
start=$SECONDS

step() { printf '\n==> %s (%ss)\n' "$*" "$((SECONDS - start))"; }

step "setup: toolchain, wasm-bindgen-cli, worker-build, npm packages, chromium, schemathesis"
scripts/setup.sh

step "format"
cargo fmt --all --check

step "clippy (native targets)"
cargo clippy --workspace --all-targets -- -D warnings

step "clippy (the worker, for wasm32)"
cargo clippy -p mcp-orchestration-worker --target wasm32-unknown-unknown -- -D warnings

step "clippy (the core's npm exports, for wasm32)"
cargo clippy -p mcp-orchestration-core --features wasm --target wasm32-unknown-unknown -- -D warnings

step "core builds for wasm32-unknown-unknown with no IO imports"
scripts/check-core-wasm.sh

step "npm package and web console: build core/pkg, then type-check and bundle web/ into web/dist"
npm run --silent build:wasm
npm run --silent build:web

step "build the native binary for the black-box suite"
cargo build -p mcp-orchestration

step "tests: core, both hosts, black-box suite against the native binary"
cargo test --workspace

step "property-based tests of /openapi.json (Schemathesis) against the native binary"
scripts/schemathesis.sh

step "docs page and web console in a real browser (Chromium): the console's walk, axe-core, screenshots in target/console-screenshots"
npm run --silent test:browser

step "MCP server through the official MCP TypeScript SDK: stdio and the native server's /mcp"
npm run --silent test:mcp

step "npm package: pack, install and test it (Node import/require, esbuild + Chromium, tsc)"
npm run --silent test:npm

if [[ -z "${SKIP_WORKER:-}" ]]; then
    step "edge host: build, black-box suite and MCP SDK test under wrangler dev, persistence across a restart"
    scripts/worker-e2e.sh

    step "edge host: bundle size"
    scripts/worker-size.sh
fi

step "all checks passed"
