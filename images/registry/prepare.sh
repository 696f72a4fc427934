#!/usr/bin/env bash
# Fills the build context of faas/registry (images/registry/Dockerfile) with Debian's Docker Registry 2.8 and socat:
#   rootfs/bin/registry (the registry, Debian's /usr/bin/docker-registry), rootfs/bin/socat, rootfs/bin/registry-door
#   (the door script of stack.registry.yml), rootfs/etc/docker/registry/config.yml, rootfs/var/lib/registry, libs/.
# Usage: images/registry/prepare.sh <context-dir>   (called by scripts/build-images.sh)
#
# The registry is taken out of its .deb (apt-get download, kept in .build/debs) rather than installed: the package's
# postinst starts a registry on this machine's port 5000 (through /etc/init.d where there is no systemd), open to
# the network and in the way of the stack's own port. An installed /usr/bin/docker-registry is used as it is.
set -euo pipefail
ctx=${1:?usage: prepare.sh <context-dir>}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../debian-binaries.sh"

# deb_file <package> <file> <dest>: copies <file> (a path inside the package) to <dest>, from the package's .deb.
deb_file() {
  local pkg=$1 file=$2 dest=$3 cache=$here/../../.build/debs version arch deb tmp
  version=$(apt-cache show --no-all-versions "$pkg" 2>/dev/null | sed -n 's/^Version: //p' | head -1)
  if [ -z "$version" ] && [ "$(id -u)" = 0 ]; then
    apt-get update -qq >/dev/null 2>&1 || true
    version=$(apt-cache show --no-all-versions "$pkg" 2>/dev/null | sed -n 's/^Version: //p' | head -1)
  fi
  [ -n "$version" ] || die "apt knows no package $pkg (run 'apt-get update' as root), or install it: apt-get install --no-install-recommends $pkg"
  arch=$(dpkg --print-architecture)
  mkdir -p "$cache"
  deb=$cache/${pkg}_${version/:/%3a}_$arch.deb
  if [ ! -s "$deb" ]; then
    say "downloading $pkg $version with apt-get (not installed: only its $file is used)"
    # As root, apt's download sandbox user cannot write to the cache directory: download as root.
    (cd "$cache" && apt-get download -qq -o APT::Sandbox::User="$(id -un)" "$pkg=$version" >/dev/null) \
      || die "apt-get could not download $pkg $version"
    [ -s "$deb" ] || die "apt-get downloaded $pkg but $deb is not there"
  fi
  tmp=$(mktemp -d)
  dpkg-deb -x "$deb" "$tmp" || { rm -rf "$tmp"; die "dpkg-deb could not unpack $deb"; }
  [ -f "$tmp$file" ] || { rm -rf "$tmp"; die "$deb has no $file"; }
  mkdir -p "$(dirname "$dest")"
  cp "$tmp$file" "$dest"
  rm -rf "$tmp"
}

registry=/usr/bin/docker-registry
if [ ! -x "$registry" ]; then
  registry=$ctx/.docker-registry
  deb_file docker-registry /usr/bin/docker-registry "$registry"
fi
copy_binary "$ctx" "$registry" registry
rm -f "$ctx/.docker-registry"

ensure_package socat /usr/bin/socat
copy_binary "$ctx" /usr/bin/socat socat

install -m 755 "$here/registry-door" "$ctx/rootfs/bin/registry-door"
mkdir -p "$ctx/rootfs/etc/docker/registry" "$ctx/rootfs/var/lib/registry"
cp "$here/config.yml" "$ctx/rootfs/etc/docker/registry/config.yml"
say "context ready: $ctx (registry $("$ctx/rootfs/bin/registry" --version 2>&1 | awk '{print $NF; exit}'), $(socat -V 2>&1 | sed -n 's/^socat version \([^ ]*\).*/socat \1/p'))"
