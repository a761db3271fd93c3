#!/usr/bin/env bash
# Builds the GitOps tool chain from Go modules into a cache outside the checkout, keyed by helm's
# version; builds only when missing or when this module's sources changed. Prints the cache
# directory on its last line.
#   helm           helm.sh/helm/v3/cmd/helm, with the version and Kubernetes capabilities set as
#                  helm's own Makefile sets them
#   kstatus        ./kstatus: sigs.k8s.io/cli-utils' kstatus on objects read from stdin
#   argocd-health  ./argocd-health: Argo CD Lua health checks in gopher-lua
#   dockerfile-check  ./dockerfile-check (a module of its own): the `docker build --check` rules
#   AGENT_GOVERNOR_CACHE  cache root (default ~/.cache/agent-governor)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
helm=$(sed -nE 's/^\s*helm.sh\/helm\/v3 (v[0-9.]+).*/\1/p' "$here/go.mod" | head -n1)
k8s_minor=$(sed -nE 's/^\s*k8s.io\/client-go v0\.([0-9]+)\..*/\1/p' "$here/go.mod" | head -n1)
root=${AGENT_GOVERNOR_CACHE:-$HOME/.cache/agent-governor}
out="$root/helm-$helm"
bins=(helm kstatus argocd-health dockerfile-check)
# The small commands change with this module: a digest of its sources is the build's stamp.
stamp=$(cd "$here" && cat $(find . -name go.mod -o -name go.sum -o -name '*.go' | LC_ALL=C sort) | sha256sum | cut -c1-16)

complete() {
  [ "$(cat "$out/.complete" 2>/dev/null)" = "$stamp" ] || return 1
  for b in "${bins[@]}"; do [ -x "$out/$b" ] || return 1; done
}
if complete; then echo "$out"; exit 0; fi

mkdir -p "$root"
exec 9>"$root/.build-helm-$helm.lock"
flock 9
if complete; then echo "$out"; exit 0; fi

pkg=helm.sh/helm/v3
ldflags="-s -w -X $pkg/internal/version.version=$helm -X $pkg/internal/version.gitTreeState=clean"
for p in pkg/lint/rules pkg/chartutil; do
  ldflags="$ldflags -X $pkg/$p.k8sVersionMajor=1 -X $pkg/$p.k8sVersionMinor=$k8s_minor"
done
tmp="$out.tmp.$$"
rm -rf "$tmp" && mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
echo "building helm $helm, kstatus, argocd-health and dockerfile-check into $out (first time only)" >&2
start=$(date +%s)
cd "$here"
CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$tmp/" $pkg/cmd/helm ./kstatus ./argocd-health
(cd dockerfile-check && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$tmp/" .)
echo "$stamp" > "$tmp/.complete"
rm -rf "$out" && mv "$tmp" "$out"
trap - EXIT
echo "built in $(( $(date +%s) - start ))s" >&2
echo "$out"
