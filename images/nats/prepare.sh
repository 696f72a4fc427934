#!/usr/bin/env bash
# Fills the build context of faas/nats (images/nats/Dockerfile) with Debian's NATS server 2.9:
#   rootfs/bin/nats-server, rootfs/etc/nats/nats.conf (JetStream on, file store in /data), libs/.
# Usage: images/nats/prepare.sh <context-dir>   (called by scripts/build-images.sh)
#
# Taken out of its .deb rather than installed: installing the package would start a NATS server on this machine.
# An installed /usr/sbin/nats-server is used as it is.
set -euo pipefail
ctx=${1:?usage: prepare.sh <context-dir>}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../debian-binaries.sh"

copy_packaged_binary "$ctx" nats-server /usr/sbin/nats-server nats-server
mkdir -p "$ctx/rootfs/etc/nats" "$ctx/rootfs/data"
cp "$here/nats.conf" "$ctx/rootfs/etc/nats/nats.conf"
say "context ready: $ctx ($("$ctx/rootfs/bin/nats-server" --version 2>&1 | head -1))"
