#!/usr/bin/env bash
# Fills the build context of faas/prometheus (images/prometheus/Dockerfile) with Debian's prometheus 2.42:
#   rootfs/bin/prometheus, rootfs/bin/promtool, rootfs/usr/share/prometheus (the web UI templates Debian's build
#   reads from disk), rootfs/etc/prometheus/prometheus.yml (a default config, overridden by the stack's), libs/.
# Usage: images/prometheus/prepare.sh <context-dir>   (called by scripts/build-images.sh)
set -euo pipefail
ctx=${1:?usage: prepare.sh <context-dir>}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../debian-binaries.sh"

ensure_package prometheus /usr/bin/prometheus
copy_binary "$ctx" /usr/bin/prometheus prometheus
copy_binary "$ctx" /usr/bin/promtool promtool
mkdir -p "$ctx/rootfs/usr/share" "$ctx/rootfs/etc/prometheus"
cp -R /usr/share/prometheus "$ctx/rootfs/usr/share/prometheus"
rm -rf "$ctx/rootfs/usr/share/prometheus/alertmanager"   # belongs to the alertmanager package
cp "$here/../../prometheus/prometheus.yml" "$ctx/rootfs/etc/prometheus/prometheus.yml"
cp "$here/../../prometheus/alert.rules.yml" "$ctx/rootfs/etc/prometheus/alert.rules.yml"
say "context ready: $ctx ($(/usr/bin/prometheus --version 2>&1 | head -1))"
