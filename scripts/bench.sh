#!/usr/bin/env bash
# The benchmark suite of issue 5 (bench/Tributary.Bench), against SQLite and a throwaway PostgreSQL, on loopback.
#
#   scripts/bench.sh --quick               every figure is produced (exit 1 when one is missing); part of the tests
#   scripts/bench.sh --full --write-docs   the issue's sizes; regenerates docs/benchmarks.md (takes long on 2 cores)
#
# Everything else is passed to the bench: --medium, --database sqlite|postgres|both, --postgres-url CONN, --keep.
# The quick profile builds Debug (what the test command already built); medium and full build Release.
# TRIBUTARY_BENCH_POSTGRES names a running PostgreSQL to use instead of starting one (the bench works in a
# database of its own there and drops it); BENCH_ARTIFACTS overrides the build output folder (default: artifacts/).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
profile=quick
database=both
given_url=${TRIBUTARY_BENCH_POSTGRES:-}
keep=
args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) profile=quick ;;
    --medium) profile=medium ;;
    --full) profile=full ;;
    --database) database=$2; args+=("$1" "$2"); shift 2; continue ;;
    --postgres-url) given_url=$2; shift 2; continue ;;
    --keep) keep=1; args+=("$1") ;;
    *) args+=("$1") ;;
  esac
  shift
done

configuration=Debug
if [[ $profile != quick ]]; then configuration=Release; fi
config_dir=${configuration,,}
artifacts=${BENCH_ARTIFACTS:-$root/artifacts}
work=$(mktemp -d /tmp/tributary-bench.XXXXXX)
# The PostgreSQL cluster runs as the postgres user when we are root: it must be able to reach its folder.
chmod 755 "$work"
pg_pid=

cleanup() {
  if [[ -n $pg_pid ]]; then wait "$pg_pid" 2>/dev/null || true; fi
  if [[ -n $keep && -d $work/run ]]; then
    # The bench's files and server logs survive; a cluster this script started does not (use --postgres-url for that).
    mv "$work/run" "$work.kept"
    echo "bench.sh: kept $work.kept" >&2
  fi
  if [[ -d $work/pg ]]; then "$root/scripts/postgres.sh" stop "$work/pg" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# Start PostgreSQL while the build runs: initdb takes seconds we need not wait for twice.
if [[ $database != sqlite && -z $given_url ]]; then
  "$root/scripts/postgres.sh" start "$work/pg" >"$work/pg.url" 2>"$work/pg.log" &
  pg_pid=$!
fi

# Build output goes to stderr: stdout carries only the figures' JSON lines.
# The server under test is the bench host: the `tributary` command line plus the bench functions, which a
# production `tributary serve` does not register.
dotnet build "$root/bench/Tributary.Bench.Host" -c "$configuration" -p:ArtifactsPath="$artifacts" -nologo -v:q >&2
dotnet build "$root/bench/Tributary.Bench" -c "$configuration" -p:ArtifactsPath="$artifacts" -nologo -v:q >&2

# B16 drives Nango's Node client (bench/node, lockfile committed): installed once, when node and npm are here.
# Without them B16 is reported missing with the reason, as any figure whose step failed.
if [[ ! -d $root/bench/node/node_modules ]] && command -v node >/dev/null && command -v npm >/dev/null; then
  (cd "$root/bench/node" && npm ci --no-audit --no-fund >&2)
fi

url=$given_url
if [[ -n $pg_pid ]]; then
  if ! wait "$pg_pid"; then
    cat "$work/pg.log" >&2
    exit 1
  fi
  pg_pid=
  url=$(tail -n 1 "$work/pg.url")
fi

bench_args=("--$profile" --tributary "$artifacts/bin/Tributary.Bench.Host/$config_dir/tributary-bench-host.dll" --repo "$root" --work-dir "$work/run")
if [[ -n $url ]]; then bench_args+=(--postgres-url "$url"); fi
command_line="scripts/bench.sh --$profile"
if [[ ${#args[@]} -gt 0 ]]; then command_line+=" ${args[*]}"; fi

dotnet "$artifacts/bin/Tributary.Bench/$config_dir/tributary-bench.dll" "${bench_args[@]}" "${args[@]}" --command "$command_line"
