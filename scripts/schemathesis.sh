#!/usr/bin/env bash
# Property-based tests of /openapi.json with Schemathesis against the native host: every operation
# of the document is called with generated valid and invalid requests, and each answer is checked
# for a 5xx (not_a_server_error), for a body that does not match the documented schema
# (response_schema_conformance), and for a request that breaks the schema but is accepted
# (negative_data_rejection). Exits non-zero on any finding.
#
#   scripts/schemathesis.sh                    against target/debug/mcp-orchestration
#                                              ($CARGO_TARGET_DIR/debug/… when that is set)
#   MCP_TEST_BIN=path scripts/schemathesis.sh  against another build of the binary
#   scripts/schemathesis.sh --report junit     extra arguments go to `schemathesis run`; reports
#                                              land in schemathesis-report/ (--report-dir with
#                                              an absolute path to change it)
#
# The server runs with a temporary HOME and MCP_ORCHESTRATION_HOME (deploys write client config
# files under HOME: they stay in the temporary directory), a random API key, on a port the system
# picks; it is stopped on every exit path. Schemathesis runs in the temporary directory too, so its
# cache of earlier runs (.schemathesis/) never changes what a run does: each run depends only on the
# seed and the binary. Needs scripts/setup.sh (Schemathesis in .venv/).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

BIN="${MCP_TEST_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/debug/mcp-orchestration}"
SCHEMATHESIS="$ROOT/.venv/bin/schemathesis"
# Test cases per operation and phase (100: about a minute on the 2-core machine, up to twice that
# under load) and the seed of the generated data.
MAX_EXAMPLES="${SCHEMATHESIS_MAX_EXAMPLES:-100}"
SEED="${SCHEMATHESIS_SEED:-20251126}"

log() { printf 'schemathesis: %s\n' "$*" >&2; }

if [[ ! -x "$BIN" ]]; then
    log "no binary at $BIN: run 'cargo build -p mcp-orchestration' (or set MCP_TEST_BIN)"
    exit 2
fi
if [[ ! -x "$SCHEMATHESIS" ]]; then
    log "no $SCHEMATHESIS: run scripts/setup.sh"
    exit 2
fi

work="$(mktemp -d)"
server_log="$work/server.log"
pid=""
st_pid=""

# Stops Schemathesis (if running) and the server, removes the temporary directory.
cleanup() {
    local status=$? p
    for p in "$st_pid" "$pid"; do
        if [[ -n "$p" ]] && kill -0 "$p" 2>/dev/null; then
            kill -TERM "$p" 2>/dev/null || true
            wait "$p" 2>/dev/null || true
        fi
    done
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

api_key="st-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
mkdir -p "$work/home" "$work/state"
HOME="$work/home" MCP_ORCHESTRATION_HOME="$work/state" MCP_ORCHESTRATION_API_KEY="$api_key" \
    RUST_LOG=info "$BIN" serve --host 127.0.0.1 --port 0 \
    </dev/null >"$server_log" 2>&1 &
pid=$!

# The server logs `Listening on http://127.0.0.1:<port>` once bound; then wait for /health.
base=""
deadline=$((SECONDS + 60))
until [[ -n "$base" ]] && curl -sf "$base/health" >/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null || ((SECONDS > deadline)); then
        log "the server did not come up; its log:"
        cat "$server_log" >&2
        exit 1
    fi
    sleep 0.2
    base="$(grep -o 'Listening on http://[0-9.:]*' "$server_log" | head -n1 | cut -d' ' -f3 || true)"
done
log "server up at $base (binary: $BIN)"

# Something to read: signing keys and one published, deployed artifact for
# claude-desktop/default (the ids of the document's examples), so the artifact, history and
# deployed routes answer 200 with a body to check, not only 404.
api() {
    curl -sf -o /dev/null -X "$1" -H "X-API-Key: $api_key" -H 'Content-Type: application/json' \
        -d "$3" "$base$2" || { log "seeding failed: $1 $2"; exit 1; }
}
api POST /v1/keys/initialize '{}'
api POST /v1/config/claude-desktop/default/draft/add \
    '{"server_id": "filesystem", "params": {"path": "/tmp"}}'
api POST /v1/config/claude-desktop/default/publish '{"changelog": "schemathesis seed"}'
api POST /v1/config/claude-desktop/default/deploy '{}'

# --generation-with-security-parameters false: the X-API-Key header alone authenticates; left on,
#   Schemathesis also sends a made-up `Authorization: Bearer …` (the document offers both schemes),
#   which the server rightly answers 401, and most cases never get past authentication.
# --workers 1: one request at a time, so the server's state evolves the same way on every run
#   (and Python 3.11's ast.parse, which Hypothesis calls, is not thread-safe: with 2 workers
#   runs sometimes end in a spurious "AST constructor recursion depth mismatch" error).
# --continue-on-failure: every case of an operation runs, not only those before its first finding.
# It runs in the background so that a SIGTERM/SIGINT to this script stops it at once (the traps
# run during `wait`).
status=0
(
    cd "$work"
    set -x
    "$SCHEMATHESIS" run "$base/openapi.json" \
        --header "X-API-Key: $api_key" \
        --checks not_a_server_error,response_schema_conformance,negative_data_rejection \
        --generation-with-security-parameters false \
        --continue-on-failure \
        --max-examples "$MAX_EXAMPLES" \
        --seed "$SEED" \
        --workers 1 \
        --generation-database none \
        --no-color \
        --report-dir "$ROOT/schemathesis-report" \
        "$@"
) &
st_pid=$!
wait "$st_pid" || status=$?
st_pid=""

if ((status != 0)); then
    log "findings (exit status $status); the server's warnings and errors, if any:"
    grep -E ' (WARN|ERROR) |panicked' "$server_log" | tail -n 20 >&2 || true
fi
exit "$status"
