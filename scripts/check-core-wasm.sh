#!/usr/bin/env bash
# Checks that the core builds for wasm32-unknown-unknown and that no native code leaked into it.
#
# The core is an rlib, and a wasm rlib has no import section to look at: unresolved symbols only
# become imports when something is linked. So this links the core the way it ships, inside the
# Worker (scripts/build-worker.sh, which calls nearly all of the core through api::handle), and
# lists the imports of the linked module before wasm-bindgen rewrites them. A linked wasm32 module
# turns every symbol nothing defines (a C library, an `extern "C"` declaration, a libc call) into
# an import from the module "env"; wasm-bindgen's own imports come from its two placeholder
# modules. Any other import module fails the check, naming the symbols.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

echo "check-core-wasm: cargo build -p mcp-orchestration-core --target wasm32-unknown-unknown --release" >&2
cargo build -p mcp-orchestration-core --target wasm32-unknown-unknown --release

echo "check-core-wasm: linking it into the Worker" >&2
scripts/build-worker.sh >&2

target_dir="$(cargo metadata --format-version 1 --no-deps | node -e \
    'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')"
wasm="$target_dir/wasm32-unknown-unknown/release/mcp_orchestration_worker.wasm"

node scripts/wasm-imports.mjs check-core-wasm "$wasm"
