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

copy_packaged_binary "$ctx" docker-registry /usr/bin/docker-registry registry

ensure_package socat /usr/bin/socat
copy_binary "$ctx" /usr/bin/socat socat

install -m 755 "$here/registry-door" "$ctx/rootfs/bin/registry-door"
mkdir -p "$ctx/rootfs/etc/docker/registry" "$ctx/rootfs/var/lib/registry"
cp "$here/config.yml" "$ctx/rootfs/etc/docker/registry/config.yml"
say "context ready: $ctx (registry $("$ctx/rootfs/bin/registry" --version 2>&1 | awk '{print $NF; exit}'), $(socat -V 2>&1 | sed -n 's/^socat version \([^ ]*\).*/socat \1/p'))"
