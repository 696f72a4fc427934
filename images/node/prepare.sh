#!/usr/bin/env bash
# Fills the build context of faas/node (images/node/Dockerfile) with this machine's Debian-packaged Node.js:
#   rootfs/usr/bin/node (+ nodejs link), libs/ (the libraries ldd names for it).
# Usage: images/node/prepare.sh <context-dir>   (called by scripts/build-images.sh)
#
# Debian's nodejs package, or a nodesource build installed the same way (one large binary), both copied through ldd.
# No npm: nothing can be downloaded offline. The copy is stripped when `strip` (binutils) is there: nodesource's
# binary keeps its debug information (98 MB, 86 MB stripped).
set -euo pipefail
ctx=${1:?usage: prepare.sh <context-dir>}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=images/debian-binaries.sh
. "$here/../debian-binaries.sh"

node=/usr/bin/node
ensure_package nodejs "$node"

copy_binary "$ctx" "$node" node
mkdir -p "$ctx/rootfs/usr/bin"
mv "$ctx/rootfs/bin/node" "$ctx/rootfs/usr/bin/node"
rmdir "$ctx/rootfs/bin"
ln -s node "$ctx/rootfs/usr/bin/nodejs"
if command -v strip >/dev/null; then
  strip --strip-all "$ctx/rootfs/usr/bin/node"
fi
"$ctx/rootfs/usr/bin/node" -e 'require("http")' || die "the copy of $node does not run"

say "context ready: $ctx (node $("$node" --version), $(du -sh "$ctx" | cut -f1))"
