#!/usr/bin/env bash
# Prints the size of the Worker bundle (the wasm and its JS shim, raw and gzipped) and fails when
# the gzipped total reaches the budget of 1 MiB. Rebuilds the bundle (scripts/build-worker.sh)
# unless it is newer than every source it comes from.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

BUDGET=$((1024 * 1024))
build=host-worker/build
wasm=$build/index_bg.wasm
js=$build/index.js

stale() {
    [[ ! -f $wasm || ! -f $js ]] && return 0
    [[ -n "$(find core host-worker/src host-worker/Cargo.toml Cargo.toml Cargo.lock -newer "$wasm" -type f -print -quit)" ]]
}

if stale; then
    echo "worker-size: building the bundle" >&2
    scripts/build-worker.sh >&2
fi

raw() { wc -c <"$1"; }
gz() { gzip -9 -c "$1" | wc -c; }
kib() { awk -v b="$1" 'BEGIN { printf "%.1f KiB", b / 1024 }'; }

wasm_raw=$(raw "$wasm") wasm_gz=$(gz "$wasm") js_raw=$(raw "$js") js_gz=$(gz "$js")
total_gz=$((wasm_gz + js_gz))

printf '%-42s %12s %12s\n' "" "raw" "gzip -9"
printf '%-42s %12s %12s\n' "wasm ($wasm)" "$(kib "$wasm_raw")" "$(kib "$wasm_gz")"
printf '%-42s %12s %12s\n' "JS shim ($js)" "$(kib "$js_raw")" "$(kib "$js_gz")"
printf '%-42s %12s %12s\n' "total" "$(kib $((wasm_raw + js_raw)))" "$(kib "$total_gz")"

if ((total_gz >= BUDGET)); then
    echo "worker-size: FAILED: the gzipped bundle is $total_gz bytes, at or over the budget of $BUDGET" >&2
    exit 1
fi
echo "worker-size: ok: $total_gz of $BUDGET bytes gzipped ($((100 * total_gz / BUDGET))% of the budget)"
