#!/usr/bin/env bash
# Shared by images/prometheus/prepare.sh and images/alertmanager/prepare.sh (sourced, not run):
# puts binaries from a Debian package, and every library they link against, into a Docker build context.
# Debian's Prometheus and AlertManager are Go programs that need only libc, so they run on the scratch base.

me="images/$(basename "$(dirname "$0")")/prepare.sh"
say() { printf '%s: %s\n' "$me" "$*"; }
die() { printf '%s: error: %s\n' "$me" "$*" >&2; exit 1; }

# ensure_package <package> <file>: installs <package> with apt-get when <file> is missing (root only).
ensure_package() {
  local pkg=$1 file=$2
  [ -e "$file" ] && return 0
  [ "$(id -u)" = 0 ] || die "$file is missing: install it with 'sudo apt-get install --no-install-recommends $pkg' or run as root"
  say "installing $pkg with apt-get"
  # --no-install-recommends: the packages recommend exporters and a web UI build we do not ship.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null 2>&1 \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null; } \
    || die "apt-get could not install $pkg"
  [ -e "$file" ] || die "$pkg is installed but $file is not there"
}

# copy_binary <ctx> <source> <name>: copies the binary to <ctx>/rootfs/bin/<name> and its libraries to
# <ctx>/libs/<absolute path>; the Dockerfile installs a library only where the base image lacks it, so a base with
# its own libc keeps it.
copy_binary() {
  local ctx=$1 src=$2 name=$3 lib
  mkdir -p "$ctx/rootfs/bin" "$ctx/libs"
  cp -L "$src" "$ctx/rootfs/bin/$name"
  for lib in $(ldd "$src" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'); do
    mkdir -p "$ctx/libs$(dirname "$lib")"
    cp -L "$lib" "$ctx/libs$lib"
  done
}
