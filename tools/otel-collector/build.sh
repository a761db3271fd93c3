#!/usr/bin/env bash
# Builds the OpenTelemetry Collector's OTLP receiver (./main.go: the collector's otlpreceiver with a
# pipeline that appends every trace request to a file as OTLP/JSON) from Go modules into a cache
# outside the checkout, keyed by the receiver's version; builds only when missing or when this
# module's sources changed. Prints the cache directory on its last line.
#   otel-collector   --http 127.0.0.1:0 --out FILE: prints its address, then writes spans to FILE
#   AGENT_GOVERNOR_CACHE  cache root (default ~/.cache/agent-governor)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
version=$(sed -nE 's/^\s*go.opentelemetry.io\/collector\/receiver\/otlpreceiver (v[0-9.]+).*/\1/p' "$here/go.mod" | head -n1)
root=${AGENT_GOVERNOR_CACHE:-$HOME/.cache/agent-governor}
out="$root/otel-collector-$version"
# A digest of this module's sources is the build's stamp.
stamp=$(cd "$here" && cat go.mod go.sum main.go | sha256sum | cut -c1-16)

complete() {
  [ "$(cat "$out/.complete" 2>/dev/null)" = "$stamp" ] && [ -x "$out/otel-collector" ]
}
if complete; then echo "$out"; exit 0; fi

mkdir -p "$root"
exec 9>"$root/.build-otel-collector-$version.lock"
flock 9
if complete; then echo "$out"; exit 0; fi

tmp="$out.tmp.$$"
rm -rf "$tmp" && mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
echo "building the OpenTelemetry Collector's OTLP receiver $version into $out (first time only)" >&2
start=$(date +%s)
cd "$here"
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$tmp/otel-collector" .
echo "$stamp" > "$tmp/.complete"
rm -rf "$out" && mv "$tmp" "$out"
trap - EXIT
echo "built in $(( $(date +%s) - start ))s" >&2
echo "$out"
