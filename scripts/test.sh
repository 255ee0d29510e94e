#!/usr/bin/env bash
# The whole test run, as CI runs it: installs what is missing (scripts/setup.sh), then lints,
# runs every test suite (Schemathesis on /openapi.json, the /docs page in Debian's Chromium and
# the MCP server through the official MCP TypeScript SDK too), builds and tests the npm package,
# and checks the edge host for real under `wrangler dev`.
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

step "build the native binary for the black-box suite"
cargo build -p mcp-orchestration

step "tests: core, both hosts, black-box suite against the native binary"
cargo test --workspace

step "property-based tests of /openapi.json (Schemathesis) against the native binary"
scripts/schemathesis.sh

step "docs page in a real browser (Chromium)"
npm run --silent test:browser

step "MCP server through the official MCP TypeScript SDK: stdio and the native server's /mcp"
npm run --silent test:mcp

step "npm package: build core/pkg, then pack, install and test it (Node import/require, esbuild + Chromium, tsc)"
npm run --silent build:wasm
npm run --silent test:npm

if [[ -z "${SKIP_WORKER:-}" ]]; then
    step "edge host: build, black-box suite and MCP SDK test under wrangler dev, persistence across a restart"
    scripts/worker-e2e.sh

    step "edge host: bundle size"
    scripts/worker-size.sh
fi

step "all checks passed"
