#!/usr/bin/env bash
# Installs the tools the project builds and tests with, and only those that are missing or at the
# wrong version; a second run with everything present takes about a second.
#
#   scripts/setup.sh           the wasm32 target, wasm-bindgen-cli (the Worker and the npm package),
#                              worker-build, the npm packages (wrangler, playwright-core, esbuild,
#                              typescript, preact, axe-core), Debian's Chromium for the browser
#                              tests and Schemathesis (in .venv/) for scripts/schemathesis.sh
#   scripts/setup.sh console   only what `npm run build:web` needs: the wasm32 target,
#                              wasm-bindgen-cli and the npm packages
#
# Works on a fresh machine of the project's kind (Rust toolchain, Node.js 20 + npm, Debian; network
# limited to crates.io, npm, PyPI and Debian): nothing is downloaded outside those registries.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# The worker-build CLI, pinned to the `worker` crate version in Cargo.lock's family.
WORKER_BUILD_VERSION=0.8.7
# Schemathesis (PyPI), which scripts/schemathesis.sh runs against /openapi.json; installed into a
# virtualenv under the repo so the system Python stays clean.
SCHEMATHESIS_VERSION=4.32.5
VENV="$ROOT/.venv"

log() { printf 'setup: %s\n' "$*" >&2; }

# The version of `$1` recorded in Cargo.lock (first match).
locked_version() {
    awk -v name="$1" '$0 == "name = \"" name "\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

ensure_wasm_target() {
    if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
        return
    fi
    log "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
}

# `cargo install` of a pinned version; `--locked` first (the crate's own lock file), and if that
# lock names a version the registry no longer offers (yanked), resolve afresh within the same
# crate version.
cargo_install_pinned() {
    local krate="$1" version="$2" out
    out="$(mktemp)"
    log "installing $krate $version (builds from source, a few minutes)"
    if ! cargo install "$krate" --version "$version" --locked 2>&1 | tee "$out" >&2; then
        if grep -q 'failed to select a version' "$out"; then
            log "$krate's lock file names a version the registry no longer has; resolving afresh"
            cargo install "$krate" --version "$version"
        else
            rm -f "$out"
            return 1
        fi
    fi
    rm -f "$out"
}

ensure_wasm_bindgen() {
    local want have=""
    want="$(locked_version wasm-bindgen)"
    if [[ -z "$want" ]]; then
        log "Cargo.lock has no wasm-bindgen entry; run 'cargo generate-lockfile' first"
        return 1
    fi
    if command -v wasm-bindgen >/dev/null; then
        have="$(wasm-bindgen --version | awk '{print $NF}')"
    fi
    if [[ "$have" == "$want" ]]; then
        return
    fi
    cargo_install_pinned wasm-bindgen-cli "$want"
}

ensure_worker_build() {
    local have=""
    if command -v worker-build >/dev/null; then
        have="$(worker-build --version 2>/dev/null | awk '{print $NF}')"
    fi
    if [[ "$have" == "$WORKER_BUILD_VERSION" ]]; then
        return
    fi
    cargo_install_pinned worker-build "$WORKER_BUILD_VERSION"
}

ensure_node_modules() {
    # npm ci rewrites node_modules/.package-lock.json, so it is newer than package-lock.json
    # after every successful install.
    if [[ -f node_modules/.package-lock.json && ! package-lock.json -nt node_modules/.package-lock.json ]]; then
        return
    fi
    log "installing npm packages (npm ci)"
    npm ci --no-audit --no-fund
}

# Debian's Chromium, which tests/browser drives through playwright-core (Playwright's own browser
# downloads are not reachable here).
ensure_chromium() {
    if [[ -x /usr/bin/chromium ]]; then
        return
    fi
    log "installing Debian's chromium"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
}

# Schemathesis in .venv/, created with `python3 -m venv` (Debian's python3 needs python3-venv
# for that, installed if missing).
ensure_schemathesis() {
    local have=""
    if [[ -x "$VENV/bin/python" ]]; then
        have="$("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("schemathesis"))' 2>/dev/null || true)"
    fi
    if [[ "$have" == "$SCHEMATHESIS_VERSION" ]]; then
        return
    fi
    # A missing .venv, or one whose Python is gone (e.g. the system's was upgraded): (re)create it.
    if ! "$VENV/bin/python" -m pip --version >/dev/null 2>&1; then
        log "creating a Python virtualenv in .venv"
        rm -rf "$VENV"
        if ! python3 -m venv "$VENV"; then
            log "python3 -m venv failed; installing Debian's python3-venv"
            rm -rf "$VENV"
            DEBIAN_FRONTEND=noninteractive apt-get update -qq
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
            python3 -m venv "$VENV"
        fi
    fi
    log "installing schemathesis $SCHEMATHESIS_VERSION into .venv"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
        "schemathesis==$SCHEMATHESIS_VERSION"
}

main() {
    if [[ "${1:-}" == console ]]; then
        ensure_wasm_target
        ensure_wasm_bindgen
        ensure_node_modules
        log "ready to build the console"
        return
    fi
    ensure_wasm_target
    ensure_wasm_bindgen
    ensure_worker_build
    ensure_node_modules
    ensure_chromium
    ensure_schemathesis
    log "ready"
}

main "$@"
