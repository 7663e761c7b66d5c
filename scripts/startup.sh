#!/usr/bin/env bash
# Measures the start-up of an installed `tributary` (README "Install", docs/benchmarks.md):
#   scripts/startup.sh [TRIBUTARY]      default: artifacts/publish/linux-x64/tributary (scripts/publish.sh builds it)
# Prints the median and max of 15 `tributary --version` runs (after 2 warm-ups), then the time from starting
# `tributary serve` on a fresh SQLite data folder (no tributary.yaml) to its first 200 from /health, median of 3.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/artifacts/publish/linux-x64/tributary}
[[ -x $bin ]] || { echo "startup.sh: no executable '$bin' (run scripts/publish.sh)" >&2; exit 2; }

ms() { echo $(( ($2 - $1) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

for _ in 1 2; do "$bin" --version >/dev/null; done
times=()
for _ in $(seq 15); do
  t0=$(date +%s%N); "$bin" --version >/dev/null; t1=$(date +%s%N)
  times+=("$(ms "$t0" "$t1")")
done
version=$("$bin" --version)
echo "--version ($version): median $(printf '%s\n' "${times[@]}" | median) ms, max $(printf '%s\n' "${times[@]}" | sort -n | tail -1) ms"

serve_times=()
for _ in 1 2 3; do
  work=$(mktemp -d /tmp/tributary-startup.XXXXXX)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  t0=$(date +%s%N)
  (cd "$work" && exec "$bin" serve --port "$port" --data-dir "$work/data" >"$work/serve.log" 2>&1) &
  pid=$!
  deadline=$(( t0 + 30000000000 ))
  until curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1; do
    if (( $(date +%s%N) > deadline )) || ! kill -0 "$pid" 2>/dev/null; then
      echo "startup.sh: serve did not answer /health within 30 s" >&2; cat "$work/serve.log" >&2; kill "$pid" 2>/dev/null || true; exit 1
    fi
    sleep 0.01
  done
  t1=$(date +%s%N)
  serve_times+=("$(ms "$t0" "$t1")")
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  rm -rf "$work"
done
echo "serve → /health 200 (fresh SQLite): median $(printf '%s\n' "${serve_times[@]}" | median) ms, runs ${serve_times[*]} ms"
