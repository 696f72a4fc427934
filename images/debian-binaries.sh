#!/usr/bin/env bash
# Shared by the images/*/prepare.sh scripts (sourced, not run; they set $here to their own directory):
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

# deb_file <package> <file> <dest>: copies <file> (a path inside the package) to <dest>, from the package's .deb
# (apt-get download, kept in .build/debs), for packages whose installing would start a service on this machine.
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

# copy_packaged_binary <ctx> <package> <file> <name>: copy_binary of <file> as installed, else from the package's
# .deb (deb_file), without installing it.
copy_packaged_binary() {
  local ctx=$1 pkg=$2 file=$3 name=$4 src=$3
  if [ ! -x "$src" ]; then
    src=$ctx/.$name.deb-binary
    deb_file "$pkg" "$file" "$src"
  fi
  copy_binary "$ctx" "$src" "$name"
  rm -f "$ctx/.$name.deb-binary"
}
