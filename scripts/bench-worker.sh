#!/usr/bin/env bash
# The Worker's speed under `wrangler dev`: GET /v1/servers (answered at the edge, no Durable Object
# hop) against a bare JS Worker that returns the same bytes, both served by `wrangler dev` on this
# machine and loaded by scripts/load.mjs with 16 keep-alive connections. Prints req/s and p50/p99
# for both, the ratio, and whether the Worker is within 1.5x of bare (the goal; the script fails
# otherwise). Builds the Worker first (scripts/build-worker.sh). Stops both wranglers on exit.
#
#   scripts/bench-worker.sh [SECONDS]      (default 10 per run)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export WRANGLER_SEND_METRICS=false
SECONDS_PER_RUN="${1:-10}"
CONNECTIONS=16
GOAL=1.5

work="$(mktemp -d)"
api_key="bench-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
groups=()

log() { printf 'bench-worker: %s\n' "$*" >&2; }

free_port() {
    node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

cleanup() {
    local status=$?
    for g in "${groups[@]}"; do
        kill -TERM -- "-$g" 2>/dev/null || true
    done
    sleep 1
    for g in "${groups[@]}"; do
        kill -KILL -- "-$g" 2>/dev/null || true
    done
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT INT TERM

# `serve NAME DIR ARGS...`: wrangler dev for DIR/wrangler.toml on a free port in its own process group; sets
# $base once /health answers (the bare Worker answers every path).
serve() {
    local name="$1" dir="$2"
    shift 2
    local port
    port="$(free_port)"
    base="http://127.0.0.1:$port"
    setsid "$ROOT/node_modules/.bin/wrangler" dev --config "$dir/wrangler.toml" --ip 127.0.0.1 \
        --port "$port" --inspector-port "$(free_port)" --persist-to "$work/state-$name" "$@" \
        </dev/null >"$work/$name.log" 2>&1 &
    groups+=("$!")
    local deadline=$((SECONDS + 300))
    until curl -sf -o /dev/null "$base/health"; do
        if ((SECONDS > deadline)); then
            log "$name did not come up; its log:"
            cat "$work/$name.log" >&2
            return 1
        fi
        sleep 0.5
    done
}

log "building the Worker"
scripts/build-worker.sh >&2

serve worker "$ROOT" --var "MCP_ORCHESTRATION_API_KEY:$api_key"
worker_base="$base"
curl -sf -H "X-API-Key: $api_key" -o "$work/servers.json" "$worker_base/v1/servers"

# The bare Worker: the same bytes and content type, nothing else.
mkdir -p "$work/bare"
node -e '
const fs = require("fs");
const body = fs.readFileSync(process.argv[1], "utf8");
fs.writeFileSync(process.argv[2], `const BODY = ${JSON.stringify(body)};
export default { fetch() { return new Response(BODY, { headers: { "content-type": "application/json" } }); } };
`);' "$work/servers.json" "$work/bare/index.js"
cat >"$work/bare/wrangler.toml" <<TOML
name = "bare"
main = "index.js"
compatibility_date = "2026-04-01"
TOML
serve bare "$work/bare"
bare_base="$base"

measure() { # URL: one JSON line from scripts/load.mjs
    node scripts/load.mjs "$1" "$CONNECTIONS" "$SECONDS_PER_RUN" "X-API-Key:$api_key"
}
field() { node -e 'console.log(JSON.parse(process.argv[1])[process.argv[2]])' "$1" "$2"; }

log "GET /v1/servers, $CONNECTIONS connections, ${SECONDS_PER_RUN}s each"
worker="$(measure "$worker_base/v1/servers")"
bare="$(measure "$bare_base/v1/servers")"

printf '%-34s %10s %10s %10s %8s %8s\n' "GET /v1/servers ($(field "$worker" bytes) B)" "req/s" "p50 ms" "p99 ms" "errors" ""
printf '%-34s %10s %10s %10s %8s\n' "mcp-orchestration Worker" "$(field "$worker" rps)" "$(field "$worker" p50_ms)" "$(field "$worker" p99_ms)" "$(field "$worker" errors)"
printf '%-34s %10s %10s %10s %8s\n' "bare JS Worker, same bytes" "$(field "$bare" rps)" "$(field "$bare" p50_ms)" "$(field "$bare" p99_ms)" "$(field "$bare" errors)"
ratio="$(node -e 'const [w, b] = process.argv.slice(1).map(JSON.parse); console.log((b.rps / w.rps).toFixed(2))' "$worker" "$bare")"
printf '%-34s %10s\n' "bare / Worker (req/s)" "${ratio}x"
if node -e 'process.exit(Number(process.argv[1]) <= Number(process.argv[2]) ? 0 : 1)' "$ratio" "$GOAL"; then
    log "ok: the Worker is within ${GOAL}x of a bare JS Worker"
else
    log "FAILED: the Worker is ${ratio}x slower than a bare JS Worker (goal: within ${GOAL}x)"
    exit 1
fi
[[ "$(field "$worker" errors)" == 0 && "$(field "$bare" errors)" == 0 ]] || { log "FAILED: errors under load"; exit 1; }
