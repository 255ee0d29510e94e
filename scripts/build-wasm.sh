#!/usr/bin/env bash
# Builds the npm package `mcp-orchestration-core` into core/pkg/ (`npm run build:wasm`): the core
# with its `wasm` feature, compiled to one WebAssembly module that every entry point shares.
#
#   core/pkg/mcp_orchestration_core_bg.wasm   the core (the only .wasm)
#   core/pkg/web.js        wasm-bindgen's `web` glue (ESM; exports `default` init and `initSync`)
#   core/pkg/node.cjs      wasm-bindgen's `nodejs` glue (CommonJS; reads the .wasm with fs)
#   core/pkg/node.js       Node's ESM entry: web.js instantiated synchronously from the file
#   core/pkg/browser.js    browsers' and bundlers' entry: web.js, fetched with top-level await
#   core/pkg/index.d.ts    the declarations generated from the Rust types (core/npm/index.d.ts),
#                          and index.d.cts (the same, for `require`) and web.d.ts
#   core/pkg/package.json  core/npm/package.template.json with the workspace's version
#   core/pkg/README.md     core/npm/README.md
#
# The two glues come from two runs of wasm-bindgen over the same module; the script checks that
# they wrote the same .wasm. scripts/setup.sh installs wasm-bindgen at the version in Cargo.lock.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

NAME=mcp_orchestration_core
PKG="$ROOT/core/pkg"
log() { printf 'build-wasm: %s\n' "$*" >&2; }

want="$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
have="$(wasm-bindgen --version 2>/dev/null | awk '{print $NF}')" || true
if [[ "$have" != "$want" ]]; then
    log "wasm-bindgen ${have:-(not installed)} does not match the library's $want; run scripts/setup.sh"
    exit 1
fi

# Size over speed, as for the Worker (scripts/build-worker.sh), and smaller still: fat LTO, one
# codegen unit, opt-level "z". Set here, not in the workspace's [profile.release] that the native
# host shares. `cargo rustc --crate-type cdylib` links the library as a wasm module for this build
# only, so the crate stays a plain rlib for the hosts that depend on it.
export CARGO_PROFILE_RELEASE_OPT_LEVEL="${CARGO_PROFILE_RELEASE_OPT_LEVEL:-z}"
export CARGO_PROFILE_RELEASE_LTO="${CARGO_PROFILE_RELEASE_LTO:-fat}"
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS="${CARGO_PROFILE_RELEASE_CODEGEN_UNITS:-1}"
log "cargo rustc -p mcp-orchestration-core --features wasm (wasm32-unknown-unknown, cdylib)"
cargo rustc -p mcp-orchestration-core --lib --release --target wasm32-unknown-unknown \
    --features wasm --crate-type cdylib

target_dir="$(cargo metadata --format-version 1 --no-deps | node -e \
    'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')"
version="$(cargo metadata --format-version 1 --no-deps | node -e \
    'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).packages.find(p=>p.name==="mcp-orchestration-core").version))')"
wasm="$target_dir/wasm32-unknown-unknown/release/$NAME.wasm"

# Like scripts/check-core-wasm.sh for the Worker: a linked module imports whatever nothing
# defined from "env" (a C library, a libc call); only wasm-bindgen's own imports may remain.
node scripts/wasm-imports.mjs build-wasm "$wasm"

stage="$target_dir/npm-stage"
rm -rf "$stage"
for t in web nodejs; do
    wasm-bindgen --target "$t" --out-dir "$stage/$t" --out-name "$NAME" --no-typescript \
        --remove-name-section --remove-producers-section "$wasm"
done
if ! cmp -s "$stage/web/${NAME}_bg.wasm" "$stage/nodejs/${NAME}_bg.wasm"; then
    log "FAILED: the web and nodejs targets wrote different .wasm files; they cannot share one"
    exit 1
fi

rm -rf "$PKG"
mkdir -p "$PKG"
cp "$stage/web/${NAME}_bg.wasm" "$PKG/"
cp "$stage/web/$NAME.js" "$PKG/web.js"
cp "$stage/nodejs/$NAME.js" "$PKG/node.cjs"

# The functions web.js exports (all but its two loaders), for the entries that re-export them.
exports="$(sed -n 's/^export function \([A-Za-z0-9_]*\)(.*/\1/p' "$PKG/web.js" | grep -vx initSync | paste -sd, - | sed 's/,/, /g')"
if [[ -z "$exports" ]]; then
    log "FAILED: found no exported functions in web.js"
    exit 1
fi

cat >"$PKG/node.js" <<JS
// Node.js (ESM): the WebAssembly beside this file, read and instantiated synchronously.
import { readFileSync } from "node:fs";
import { initSync } from "./web.js";

initSync({ module: readFileSync(new URL("./${NAME}_bg.wasm", import.meta.url)) });

export { $exports } from "./web.js";
JS

cat >"$PKG/browser.js" <<JS
// Browsers and bundlers (ESM): the WebAssembly beside this file, fetched and instantiated before
// the module finishes loading (top-level await). Bundlers see the \`new URL(..., import.meta.url)\`
// and ship the .wasm as an asset.
import init from "./web.js";

await init({ module_or_path: new URL("./${NAME}_bg.wasm", import.meta.url) });

export { $exports } from "./web.js";
JS

cp core/npm/index.d.ts "$PKG/index.d.ts"
cp core/npm/index.d.ts "$PKG/index.d.cts"
cp core/npm/web.d.ts "$PKG/web.d.ts"
cp core/npm/README.md "$PKG/README.md"
node -e '
const fs = require("fs");
const [template, out, version] = process.argv.slice(1);
const pkg = JSON.parse(fs.readFileSync(template, "utf8"));
const ordered = { name: pkg.name, version, ...pkg };
fs.writeFileSync(out, JSON.stringify(ordered, null, 2) + "\n");
' core/npm/package.template.json "$PKG/package.json" "$version"

log "core/pkg: mcp-orchestration-core@$version ($(wc -c <"$PKG/${NAME}_bg.wasm") bytes of wasm)"
