#!/usr/bin/env bash
# Fills the build context of faas/alertmanager (images/alertmanager/Dockerfile) with Debian's AlertManager 0.25:
#   rootfs/bin/alertmanager, rootfs/bin/amtool, rootfs/usr/share/prometheus/alertmanager (templates and the
#   placeholder UI Debian's build reads from disk), rootfs/etc/alertmanager/alertmanager.yml (the shipped config), libs/.
# Usage: images/alertmanager/prepare.sh <context-dir>   (called by scripts/build-images.sh)
set -euo pipefail
ctx=${1:?usage: prepare.sh <context-dir>}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../debian-binaries.sh"

ensure_package prometheus-alertmanager /usr/bin/prometheus-alertmanager
copy_binary "$ctx" /usr/bin/prometheus-alertmanager alertmanager
copy_binary "$ctx" /usr/bin/amtool amtool
mkdir -p "$ctx/rootfs/usr/share/prometheus" "$ctx/rootfs/etc/alertmanager"
cp -R /usr/share/prometheus/alertmanager "$ctx/rootfs/usr/share/prometheus/alertmanager"
cp "$here/../../prometheus/alertmanager.yml" "$ctx/rootfs/etc/alertmanager/alertmanager.yml"
say "context ready: $ctx ($(/usr/bin/prometheus-alertmanager --version 2>&1 | head -1))"
