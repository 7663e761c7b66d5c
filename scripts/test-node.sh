#!/usr/bin/env bash
# Runs the @nangohq/node compatibility suite (tests/node) against a freshly started Tributary server.
#
#   scripts/test-node.sh                          # whole suite
#   scripts/test-node.sh suites/records.test.js   # extra arguments go to `node --test`
#
# Needs a built server (dotnet build) plus node and npm. Environment:
#   TRIBUTARY_DLL           path of tributary.dll (default: artifacts/bin/Tributary.Cli/debug/tributary.dll)
#   TRIBUTARY_DATABASE_URL  passed through to the server, to run the same suite on PostgreSQL
#   TRIBUTARY_URL_PREFIXED  passed through to the suite: a server mounted under a path prefix
#   TRIBUTARY_KEEP_TMP=1    keep the temporary folder (config, data, server.log) afterwards
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
node_dir="$repo/tests/node"
dll="${TRIBUTARY_DLL:-$repo/artifacts/bin/Tributary.Cli/debug/tributary.dll}"
startup_timeout_s=60

say() { echo "test-node: $*" >&2; }

for tool in node npm dotnet; do
    command -v "$tool" >/dev/null 2>&1 || { say "'$tool' is not on PATH"; exit 2; }
done
if [[ ! -f "$dll" ]]; then
    say "$dll not found; build the server first: dotnet build $repo/Tributary.slnx"
    exit 2
fi

# 1. Dependencies, from the lockfile only; reinstalled when node_modules is missing or the lock changed.
lock_sum="$(sha256sum "$node_dir/package-lock.json" | cut -d' ' -f1)"
stamp="$node_dir/node_modules/.tributary-lock.sha256"
if [[ ! -d "$node_dir/node_modules" || ! -f "$stamp" || "$(cat "$stamp")" != "$lock_sum" ]]; then
    say "installing tests/node dependencies (npm ci)"
    (cd "$node_dir" && npm ci --no-audit --no-fund)
    echo "$lock_sum" >"$stamp"
fi

# 2. Fixture config, a free port and a fresh secret key.
work="$(mktemp -d "${TMPDIR:-/tmp}/tributary-node.XXXXXX")"
mkdir -p "$work/data"
# node-fake-oauth: the provider of suites/proxy.test.js, whose fake (node:http, started by that suite on a port of
# its own) is named per connection through connection_config.fake_host.
cat >"$work/tributary.yaml" <<'YAML'
providers:
  node-fake-oauth:
    auth_mode: OAUTH2
    authorization_url: http://${connectionConfig.fake_host}/oauth/authorize
    token_url: http://${connectionConfig.fake_host}/oauth/token
    proxy:
      base_url: http://${connectionConfig.fake_host}/api

integrations:
  node-demo:
    provider: sample-data
    syncs:
      contacts:
        function: sample-data
        models: [Contact, Company]
        frequency: every 1h
        auto_start: true
      deals:
        function: sample-data
        models: [Deal]
        frequency: every 1h
        auto_start: false
YAML

port="$(node -e '
const server = require("node:net").createServer();
server.listen(0, "127.0.0.1", () => { console.log(server.address().port); server.close(); });')"
secret="$(node -e 'console.log(require("node:crypto").randomUUID())')"
url="http://127.0.0.1:$port"

server_pid=""
# shellcheck disable=SC2317  # invoked through the EXIT trap
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        for _ in $(seq 1 100); do
            kill -0 "$server_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if [[ $status -ne 0 && -s "$work/server.log" ]]; then
        say "last lines of the server log:"
        tail -n 60 "$work/server.log" >&2 || true
    fi
    if [[ -n "${TRIBUTARY_KEEP_TMP:-}" ]]; then
        say "kept $work"
    else
        rm -rf "$work"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# 3. Start the server and wait for GET /health to answer 200.
if [[ -n "${TRIBUTARY_DATABASE_URL:-}" ]]; then
    export TRIBUTARY_DATABASE_URL
    say "database: TRIBUTARY_DATABASE_URL (PostgreSQL)"
fi
say "starting $dll on $url"
TRIBUTARY_SECRET_KEY="$secret" dotnet "$dll" serve --port "$port" --data-dir "$work/data" \
    --config "$work/tributary.yaml" >"$work/server.log" 2>&1 &
server_pid=$!

health() {
    node -e '
fetch(process.argv[1], { signal: AbortSignal.timeout(2000) })
    .then((res) => process.exit(res.status === 200 ? 0 : 1), () => process.exit(1));' "$url/health"
}
deadline=$((SECONDS + startup_timeout_s))
until health; do
    if ! kill -0 "$server_pid" 2>/dev/null; then
        wait "$server_pid" && code=0 || code=$?
        server_pid=""
        say "the server exited (code $code) before answering GET /health"
        exit 1
    fi
    if ((SECONDS >= deadline)); then
        say "GET $url/health did not answer 200 within ${startup_timeout_s}s"
        exit 1
    fi
    sleep 0.5
done
say "server is up"

# 4. The suite; its exit status is the script's.
set +e
(
    cd "$node_dir" &&
        TRIBUTARY_URL="$url" TRIBUTARY_SECRET_KEY="$secret" npm test -- "$@"
)
status=$?
set -e
exit "$status"
