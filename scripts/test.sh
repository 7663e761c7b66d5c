#!/usr/bin/env bash
# The one test command (README, CI): restore, build, start a throwaway PostgreSQL, run every .NET test on
# SQLite and PostgreSQL, run the @nangohq/node compatibility suite against a real server on both databases,
# run the quick benchmark profile, stop PostgreSQL. Works on a fresh machine: it installs what it needs.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
logs="$(mktemp -d /tmp/tributary-test-logs.XXXXXX)"
started=$(date +%s)
step() { printf '\n== %s (%ss)\n' "$*" "$(( $(date +%s) - started ))"; }

step "restore and build"
dotnet restore Tributary.slnx
dotnet build Tributary.slnx --no-restore -warnaserror

step "start a throwaway PostgreSQL"
pg_dir="$(mktemp -d /tmp/tributary-pg.XXXXXX)"
cleanup() { "$repo/scripts/postgres.sh" stop "$pg_dir" >/dev/null 2>&1 || true; }
trap cleanup EXIT
TRIBUTARY_TEST_POSTGRES="$("$repo/scripts/postgres.sh" start "$pg_dir")"
export TRIBUTARY_TEST_POSTGRES
echo "PostgreSQL at $TRIBUTARY_TEST_POSTGRES"

step "headless Chromium for the browser tests"
# Debian's chromium, driven by PuppeteerSharp (tests/Tributary.Testing/Browser); no browser is ever downloaded.
command -v chromium || (apt-get update && apt-get install -y chromium)

status=0
step ".NET tests (SQLite and PostgreSQL, browser tests in headless Chromium)"
# TRIBUTARY_TEST_LOG_DIR: in-process test servers append their error logs there (server-errors.log).
TRIBUTARY_TEST_LOG_DIR="$logs" dotnet test Tributary.slnx --no-build 2>&1 | tee "$logs/dotnet.log" || status=1

step "@nangohq/node compatibility suite on SQLite"
"$repo/scripts/test-node.sh" 2>&1 | tee "$logs/node-sqlite.log" || status=1

step "@nangohq/node compatibility suite on PostgreSQL"
pg_port="$(cat "$pg_dir/port")"

psql -h 127.0.0.1 -p "$pg_port" -U tributary -d postgres -qc 'CREATE DATABASE node_suite' >/dev/null
TRIBUTARY_DATABASE_URL="Host=127.0.0.1;Port=$pg_port;Username=tributary;Database=node_suite" \
  "$repo/scripts/test-node.sh" 2>&1 | tee "$logs/node-postgres.log" || status=1

if [[ -x "$repo/scripts/bench.sh" ]]; then
  step "benchmark suite, quick profile (checks every figure is produced)"
  TRIBUTARY_BENCH_POSTGRES="$TRIBUTARY_TEST_POSTGRES" "$repo/scripts/bench.sh" --quick 2>&1 | tee "$logs/bench.log" || status=1
fi

step "summary"
passed=0; failed=0
while read -r p f; do passed=$((passed + p)); failed=$((failed + f)); done < <(
  sed -nE 's/.*(Passed|Failed)!.*Failed: +([0-9]+), Passed: +([0-9]+).*/\3 \2/p' "$logs/dotnet.log")
for log in "$logs"/node-*.log; do
  p=$(sed -nE 's/^ℹ pass ([0-9]+)$/\1/p' "$log" | tail -1); f=$(sed -nE 's/^ℹ fail ([0-9]+)$/\1/p' "$log" | tail -1)
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
  [[ -n "$p" ]] || { echo "no node test summary in $log"; status=1; }
done
# The failures by name at the very end, where a truncated CI log still shows them.
failures="$( { grep -hE '^\s+Failed [A-Za-z]' "$logs/dotnet.log" || true; grep -hE '^\s*✖ ' "$logs"/node-*.log || true; } | sort -u | head -20)"
if [[ -n $failures ]]; then
  echo "failed:"; echo "$failures"
  # Each failed .NET test's first error message, and what its servers logged as errors (test servers are quiet).
  while read -r name; do
    echo "-- $name"
    # The whole message (an assertion's expected and actual lines too) and the first frame with a line number.
    awk -v name="Failed $name" '
      index($0, name) && !seen { on = 1; seen = 1; next }
      on && /^  Stack Trace:/ { on = 0; trace = 1; next }
      on && !/^  Error Message:/ && shown < 8 { print; shown++ }
      trace && / in .*:line [0-9]+/ { print; exit }' "$logs/dotnet.log" | cut -c1-600 || true
    if [[ -f "$logs/server-errors.log" ]]; then grep -F "[$name :" "$logs/server-errors.log" | head -3 | cut -c1-1500 || true; fi
  done < <(grep -hE '^\s+Failed [A-Za-z]' "$logs/dotnet.log" | sed -E 's/^\s+Failed //; s/ \[[^]]*\]$//' | sort -u | head -5)
fi
echo "took $(( $(date +%s) - started ))s; logs in $logs"
echo "dashboard screenshots in $repo/artifacts/screenshots"
echo "tests: $passed passed, $failed failed"
[[ $failed -eq 0 && $passed -gt 0 ]] || status=1
exit $status
