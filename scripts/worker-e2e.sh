#!/usr/bin/env bash
# The edge host for real: builds the Worker, serves it with `wrangler dev` (workerd, Durable Object
# SQLite on disk, no network) with the web console as its assets, runs the black-box suite, the MCP
# SDK client test (tests/mcp/) and the console's browser walk (tests/browser/console.test.mjs)
# against it, then restarts wrangler on the same storage and checks that what was written before
# is still there: a published artifact, an issued token, and token uses that only the usage alarm
# wrote. Stops wrangler (and its workerd) on every exit path.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export WRANGLER_SEND_METRICS=false

work="$(mktemp -d)"
persist="$work/state"
api_key="e2e-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
pgid=""

log() { printf 'worker-e2e: %s\n' "$*" >&2; }

free_port() {
    node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# `json EXPR`: evaluates EXPR on the JSON document read from stdin (bound to `v`), prints it.
json() {
    node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
        const v = JSON.parse(s); const r = eval(process.argv[1]);
        console.log(typeof r === "string" ? r : JSON.stringify(r)); });' "$1"
}

# Starts wrangler dev in its own process group; waits until /health answers.
start() {
    port="$(free_port)"
    base="http://127.0.0.1:$port"
    local log_file="$work/wrangler-$1.log"
    log "starting wrangler dev on $base (log: $log_file)"
    setsid npx wrangler dev --ip 127.0.0.1 --port "$port" --inspector-port "$(free_port)" \
        --persist-to "$persist" --var "MCP_ORCHESTRATION_API_KEY:$api_key" \
        </dev/null >"$log_file" 2>&1 &
    pgid=$!
    local deadline=$((SECONDS + 300))
    until curl -sf "$base/health" >/dev/null; do
        if ! kill -0 "$pgid" 2>/dev/null || ((SECONDS > deadline)); then
            log "wrangler dev did not come up; its log:"
            cat "$log_file" >&2
            return 1
        fi
        sleep 0.5
    done
    log "up in $((SECONDS - started))s"
}

# Stops the process group (node, wrangler, workerd); SIGKILL after 15 s.
stop() {
    [[ -z "$pgid" ]] && return 0
    kill -TERM -- "-$pgid" 2>/dev/null || true
    local deadline=$((SECONDS + 15))
    while kill -0 -- "-$pgid" 2>/dev/null; do
        if ((SECONDS > deadline)); then
            log "wrangler did not stop on SIGTERM; killing its process group"
            kill -KILL -- "-$pgid" 2>/dev/null || true
            sleep 1
            break
        fi
        sleep 0.2
    done
    if pgrep -g "$pgid" >/dev/null; then
        log "processes of wrangler's group are still running:"
        pgrep -a -g "$pgid" >&2
        return 1
    fi
    pgid=""
}

cleanup() {
    local status=$?
    stop || status=1
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT INT TERM

call() { # METHOD PATH [BODY] [extra curl args...]: prints the body, fails on a non-2xx status
    local method="$1" path="$2" body="${3:-}"
    shift $(($# < 3 ? $# : 3))
    local args=(-sS --fail-with-body -X "$method" -H "X-API-Key: $api_key" "$@")
    [[ -n "$body" ]] && args+=(-H 'Content-Type: application/json' --data "$body")
    curl "${args[@]}" "$base$path"
}

started=$SECONDS
log "building the web console (wrangler dev serves web/dist as the Worker's assets)"
npm run --silent build:web
log "building the Worker"
scripts/build-worker.sh >&2
log "built in $((SECONDS - started))s"

started=$SECONDS
start first

log "black-box suite against $base"
# A hang fails here with its own message, not at CI's limit (the suite takes 2-4 minutes).
MCP_TEST_BASE_URL="$base" MCP_TEST_API_KEY="$api_key" MCP_TEST_TARGET=worker \
    timeout --kill-after=30 1200 cargo test -p mcp-orchestration-blackbox \
    || { log "FAILED: the black-box suite against the Worker (exit $?; 124 = over 20 minutes)"; exit 1; }

log "MCP SDK client against $base/mcp"
MCP_TEST_BASE_URL="$base" MCP_TEST_API_KEY="$api_key" MCP_TEST_TARGET=worker \
    npm run --silent test:mcp

log "web console walk in Chromium against $base (the steps that read the client file on disk skip)"
CONSOLE_BASE_URL="$base" CONSOLE_API_KEY="$api_key" node --test tests/browser/console.test.mjs

log "mcp-orchestration sync against $base with a read token"
sync_profile="e2e-sync-$RANDOM"
call POST /v1/keys/initialize >/dev/null 2>&1 || true # 409 when keys exist
call POST "/v1/config/claude-desktop/$sync_profile/draft/add" '{"server_id":"memory"}' >/dev/null
deployed="$(call POST "/v1/config/claude-desktop/$sync_profile/publish" '{}' | json v.artifact_id)"
call POST "/v1/config/claude-desktop/$sync_profile/deploy" '{}' >/dev/null
read_token="$(call POST /v1/tokens '{"name":"e2e-sync","scope":"read"}' | json v.token)"
cargo build -q -p mcp-orchestration
machine="$work/machine"
mkdir -p "$machine/user"
on_machine() {
    env -u XDG_CONFIG_HOME MCP_ORCHESTRATION_HOME="$machine" HOME="$machine/user" \
        MCP_ORCHESTRATION_TOKEN="$read_token" \
        "${CARGO_TARGET_DIR:-$ROOT/target}/debug/mcp-orchestration" "$@"
}
on_machine sync --server "$base" --client claude-desktop --profile "$sync_profile" >&2
synced="$(json 'Object.keys(v.mcpServers).join(",")' <"$machine/user/.config/Claude/claude_desktop_config.json")"
[[ "$synced" == memory ]] || { log "FAILED: sync wrote servers '$synced', not 'memory'"; exit 1; }
on_machine status --client claude-desktop --profile "$sync_profile" --server "$base" >&2 \
    || { log "FAILED: status after a sync is not up-to-date"; exit 1; }
log "ok: artifact $deployed synced from the Worker and up to date"

log "writing state to find after a restart"
profile="e2e-persist-$RANDOM"
call POST /v1/keys/initialize >/dev/null 2>&1 || true # 409 when the suite already made keys
call POST "/v1/config/claude-desktop/$profile/draft/add" '{"server_id":"fetch"}' >/dev/null
artifact="$(call POST "/v1/config/claude-desktop/$profile/publish" '{}' | json v.artifact_id)"
issued="$(call POST /v1/tokens '{"name":"e2e-persist"}')"
token="$(json v.token <<<"$issued")"
token_id="$(json v.token_id <<<"$issued")"
# Two authenticated reads: their uses stay in memory until the usage alarm writes them.
for _ in 1 2; do
    curl -sSf -o /dev/null -H "Authorization: Bearer $token" "$base/v1/clients"
done
sleep 5

stop
log "restarting on the same storage"
started=$SECONDS
start second

got="$(call GET "/v1/config/claude-desktop/$profile" | json v.artifact_id)"
[[ "$got" == "$artifact" ]] || { log "FAILED: published artifact $artifact came back as '$got'"; exit 1; }
uses="$(call GET /v1/tokens | json "v.tokens.find((t) => t.token_id === '$token_id')?.usage_count")"
[[ "$uses" == 2 ]] || { log "FAILED: token $token_id should show 2 uses written by the alarm, shows '$uses'"; exit 1; }
curl -sSf -o /dev/null -H "Authorization: Bearer $token" "$base/v1/clients" \
    || { log "FAILED: the token issued before the restart is refused"; exit 1; }

log "ok: artifact $artifact, token $token_id and its 2 uses survived a restart"
