#!/usr/bin/env bash
# Fills the build context of faas/java-builder (images/java-builder/Dockerfile), the builder stage of Java functions
# made with templates/java-http: jdk/ (a runtime with javac, jlink'd from this machine's JDK; the base image has no
# compiler) and template/ (the template's server sources, compiled with each function's handler).
# The jlink output is cached under .build/cache/ per JDK version (it takes ~20 s on a busy machine).
# Usage: images/java-builder/prepare.sh <context-dir>   (called by scripts/build-images.sh)
set -euo pipefail
ctx=${1:?usage: prepare.sh <context-dir>}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
say() { printf 'java-builder: %s\n' "$*"; }
die() { printf 'java-builder: error: %s\n' "$*" >&2; exit 1; }

JAVA_HOME=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac || command -v java)")")")}
[ -x "$JAVA_HOME/bin/jlink" ] && [ -f "$JAVA_HOME/jmods/jdk.compiler.jmod" ] \
  || die "no jlink/jmods under $JAVA_HOME: run scripts/build-base-image.sh first (it installs them) or set JAVA_HOME"
version=$("$JAVA_HOME/bin/java" -version 2>&1 | awk -F'"' 'NR == 1 {print $2}')
cache="$root/.build/cache/javac-$version"
if [ ! -x "$cache/bin/javac" ]; then
  say "jlink a compiler runtime ($version)"
  rm -rf "$cache" && mkdir -p "$(dirname "$cache")"
  "$JAVA_HOME/bin/jlink" --add-modules java.base,java.logging,jdk.compiler,jdk.httpserver \
    --strip-debug --no-man-pages --no-header-files --output "$cache"
fi
cp -a "$cache" "$ctx/jdk"
cp -R "$root/templates/java-http/template" "$ctx/template"
say "context ready: $ctx"
