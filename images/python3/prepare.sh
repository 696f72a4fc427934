#!/usr/bin/env bash
# Fills the build context of faas/python3 (images/python3/Dockerfile) with Debian's Python 3.11:
#   rootfs/usr/bin/python3.11 (+ python3, python links), rootfs/usr/lib/python3.11 (the standard library of the
#   packages libpython3.11-minimal and libpython3.11-stdlib), libs/ (what the binary and its extension modules link).
# Usage: images/python3/prepare.sh <context-dir>   (called by scripts/build-images.sh)
#
# Always Debian's /usr/bin/python3.11, never a pyenv or other python first in PATH. Left out to keep it small: the
# test suite, pydoc's topics, venv, the curses/readline/dbm/nis/crypt modules (their libraries, no terminal in a
# function) and the _test*/xx* modules. The byte code is compiled once in the image (the Dockerfile), not here.
set -euo pipefail
ctx=${1:?usage: prepare.sh <context-dir>}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=images/debian-binaries.sh
. "$here/../debian-binaries.sh"

python=/usr/bin/python3.11
stdlib=/usr/lib/python3.11
ensure_package python3.11 "$python"
ensure_package libpython3.11-stdlib "$stdlib/http/server.py"

# copy_libraries <ctx> <file>: the libraries <file> links against, to <ctx>/libs/<absolute path> (as copy_binary).
copy_libraries() {
  local ctx=$1 file=$2 lib
  for lib in $(ldd "$file" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'); do
    mkdir -p "$ctx/libs$(dirname "$lib")"
    cp -L "$lib" "$ctx/libs$lib"
  done
}

copy_binary "$ctx" "$python" python3.11
mkdir -p "$ctx/rootfs/usr/bin"
mv "$ctx/rootfs/bin/python3.11" "$ctx/rootfs/usr/bin/python3.11"
rmdir "$ctx/rootfs/bin"
ln -s python3.11 "$ctx/rootfs/usr/bin/python3"
ln -s python3.11 "$ctx/rootfs/usr/bin/python"

# The packages' own file lists, so whatever else this machine installed into /usr/lib/python3.11 stays out.
skip='^/usr/lib/python3\.11/(test|idlelib|tkinter|turtledemo|ensurepip|lib2to3|pydoc_data|venv|__phello__|distutils)(/|$)'
skip+='|^/usr/lib/python3\.11/(sitecustomize|turtle)\.py$'
skip+='|/lib-dynload/(_test[^/]*|xx[^/]*|_xx[^/]*|_ctypes_test|_curses[^/]*|readline|_dbm|nis|_crypt|ossaudiodev)\.cpython'
count=0
while read -r file; do
  [ -f "$file" ] || [ -L "$file" ] || continue
  mkdir -p "$ctx/rootfs$(dirname "$file")"
  cp -P -p "$file" "$ctx/rootfs$file"
  case $file in *.so) copy_libraries "$ctx" "$file" ;; esac
  count=$((count + 1))
done < <(dpkg -L libpython3.11-minimal libpython3.11-stdlib | grep '^/usr/lib/python3\.11/' | grep -Ev "$skip" | sort -u)
[ -f "$ctx/rootfs$stdlib/json/__init__.py" ] || die "the standard library copy has no json package"

say "context ready: $ctx ($("$python" --version), $count files, $(du -sh "$ctx" | cut -f1))"
