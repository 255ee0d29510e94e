#!/usr/bin/env bash
# Builds the Cloudflare Worker bundle into host-worker/build/ (index.js, the wasm and its JS glue).
# wrangler.toml runs it as its [build] command; scripts/setup.sh installs what it needs.
#
# worker-build would download wasm-bindgen and wasm-opt from the web, which these machines cannot
# reach: it gets the installed wasm-bindgen CLI (same version as the crate, checked by setup.sh),
# and its wasm-opt is off (host-worker/Cargo.toml, [package.metadata.wasm-pack.profile.release]):
# this script runs binaryen's from the npm packages afterwards.
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
worker-build --release "$@"

# Then wasm-opt -Oz (binaryen from the npm packages; worker-build's own would be a download): about
# 9% off the gzipped bundle, for some 45 s. The result is kept beside the build, keyed by the
# SHA-256 of wasm-bindgen's output, so a rebuild that changed nothing (wrangler dev runs this
# script each time it starts) copies it back instead of optimising again.
wasm="build/index_bg.wasm"
wasm_opt="$ROOT/node_modules/.bin/wasm-opt"
if [[ ! -x "$wasm_opt" ]]; then
    echo "build-worker: $wasm_opt is missing; run scripts/setup.sh" >&2
    exit 1
fi
key="$(sha256sum "$wasm" | cut -c1-64)"
kept="build/.optimised-$key.wasm"
if [[ ! -f "$kept" ]]; then
    rm -f build/.optimised-*.wasm
    # wasm-bindgen's catch wrappers use exception handling (`try_table`), which the module's
    # target_features section does not list.
    "$wasm_opt" -Oz --enable-exception-handling "$wasm" -o "$kept.tmp"
    mv "$kept.tmp" "$kept"
fi
cp "$kept" "$wasm"
