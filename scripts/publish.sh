#!/usr/bin/env bash
# Builds the installable forms of `tributary` into artifacts/publish/ (or $1):
#   nupkg/Tributary.Cli.<version>.nupkg     the .NET tool:  dotnet tool install -g Tributary.Cli --add-source artifacts/publish/nupkg
#   nupkg/Tributary.Client.<version>.nupkg  the .NET client library
#   linux-x64/tributary, linux-arm64/tributary   self-contained single-file binaries (no .NET needed on the machine),
#                                            ReadyToRun-compiled so that short commands start fast.
# RIDS="linux-x64" scripts/publish.sh builds only the listed runtimes.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/artifacts/publish}
rids=${RIDS:-linux-x64 linux-arm64}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

mkdir -p "$out/nupkg"
dotnet pack "$root/src/Tributary.Cli/Tributary.Cli.csproj" -c Release -o "$out/nupkg" -warnaserror >&2
dotnet pack "$root/src/Tributary.Client/Tributary.Client.csproj" -c Release -o "$out/nupkg" -warnaserror >&2

for rid in $rids; do
  dotnet publish "$root/src/Tributary.Cli/Tributary.Cli.csproj" -c Release -r "$rid" --self-contained \
    -p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true -p:PublishReadyToRun=true \
    -p:DebugType=none -warnaserror -o "$out/$rid" >&2
done

ls -la "$out"/nupkg/*.nupkg
for rid in $rids; do ls -la "$out/$rid/tributary"; done
