#!/usr/bin/env bash
# Builds the real control-plane binaries (kube-apiserver, kube-controller-manager, kubectl, etcd)
# from Go modules into a cache outside the checkout, keyed by version; builds only when missing.
# Prints the cache directory on its last line.
#   AGENT_GOVERNOR_CACHE  cache root (default ~/.cache/agent-governor)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
k8s=$(sed -nE 's/^\s*k8s.io\/kubernetes (v[0-9.]+).*/\1/p' "$here/go.mod" | head -n1)
etcd=$(sed -nE 's/^(require )?\s*go.etcd.io\/etcd\/server\/v3 (v[0-9.]+).*/\2/p' "$here/go.mod" | head -n1)
root=${AGENT_GOVERNOR_CACHE:-$HOME/.cache/agent-governor}
out="$root/k8s-$k8s-etcd-$etcd"
bins=(kube-apiserver kube-controller-manager kubectl etcd)

complete() { [ -f "$out/.complete" ] && for b in "${bins[@]}"; do [ -x "$out/$b" ] || return 1; done; }
if complete; then echo "$out"; exit 0; fi

mkdir -p "$root"
exec 9>"$root/.build-$k8s.lock"
flock 9
if complete; then echo "$out"; exit 0; fi

minor=${k8s#v1.}; minor=${minor%%.*}
pkg=k8s.io/component-base/version
ldflags="-s -w -X $pkg.gitVersion=$k8s -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
ldflags="$ldflags -X k8s.io/client-go/pkg/version.gitVersion=$k8s -X k8s.io/client-go/pkg/version.gitMajor=1 -X k8s.io/client-go/pkg/version.gitMinor=$minor"
tmp="$out.tmp.$$"
rm -rf "$tmp" && mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
echo "building Kubernetes $k8s and etcd $etcd into $out (first time only; takes a while)" >&2
start=$(date +%s)
cd "$here"
CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$tmp/" \
  k8s.io/kubernetes/cmd/kube-apiserver \
  k8s.io/kubernetes/cmd/kube-controller-manager \
  k8s.io/kubernetes/cmd/kubectl \
  ./etcd
touch "$tmp/.complete"
rm -rf "$out" && mv "$tmp" "$out"
trap - EXIT
echo "built in $(( $(date +%s) - start ))s" >&2
echo "$out"
