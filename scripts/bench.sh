#!/usr/bin/env bash
# The whole benchmark in one go, as the README quotes it: the native host next to bare axum
# (`cargo bench -p mcp-orchestration --bench http`: GET /v1/servers, /v1/clients, /health and a
# draft, POST …/draft/add against its figure before group commit), then the Worker next to a bare
# JS Worker under `wrangler dev` (scripts/bench-worker.sh). Run it on an otherwise idle machine:
# the figures move with the load.
#
#   scripts/bench.sh [SECONDS]      (SECONDS per Worker run, default 10)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

printf '# %s, load average %s\n\n' "$(date -u '+%Y-%m-%d %H:%M UTC')" "$(cut -d' ' -f1-3 /proc/loadavg)"
echo "## native host (cargo bench -p mcp-orchestration --bench http)"
cargo bench -q -p mcp-orchestration --bench http
echo
echo "## edge host (scripts/bench-worker.sh)"
scripts/bench-worker.sh "${1:-10}"
