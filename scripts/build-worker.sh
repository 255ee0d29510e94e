#!/usr/bin/env bash
# Builds the Cloudflare Worker bundle into host-worker/build/ (index.js, the wasm and its JS glue).
# wrangler.toml runs it as its [build] command; scripts/setup.sh installs what it needs.
#
# worker-build would download wasm-bindgen and wasm-opt from the web, which these machines cannot
# reach: it gets the installed wasm-bindgen CLI (same version as the crate, checked by setup.sh),
# and wasm-opt is off (host-worker/Cargo.toml, [package.metadata.wasm-pack.profile.release]).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WASM_BINDGEN_BIN="$(command -v wasm-bindgen)" || {
    echo "build-worker: wasm-bindgen is not installed; run scripts/setup.sh" >&2
    exit 1
}
export WASM_BINDGEN_BIN
# esbuild from the project's node_modules, not a download of worker-build's own.
if [[ -x "$ROOT/node_modules/.bin/esbuild" ]]; then
    export ESBUILD_BIN="$ROOT/node_modules/.bin/esbuild"
fi

# Size over speed for the edge bundle (Workers limit compressed scripts; cold starts grow with size):
# fat LTO, one codegen unit and opt-level "s". Set here rather than in the workspace's
# [profile.release], which the native host shares. Symbols are not stripped: that would also drop
# the `target_features` section wasm-bindgen reads to know which wasm features it may use.
export CARGO_PROFILE_RELEASE_OPT_LEVEL="${CARGO_PROFILE_RELEASE_OPT_LEVEL:-s}"
export CARGO_PROFILE_RELEASE_LTO="${CARGO_PROFILE_RELEASE_LTO:-fat}"
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS="${CARGO_PROFILE_RELEASE_CODEGEN_UNITS:-1}"

cd "$ROOT/host-worker"
exec worker-build --release "$@"
