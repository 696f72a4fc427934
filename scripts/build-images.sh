#!/usr/bin/env bash
# Builds every image of the project locally, with no registry, from jars that `mvn package` made:
#   faas/jre:17          the scratch Java base (only when missing, or with --rebuild-base)
#   faas/watchdog        watchdog/Dockerfile      (base + watchdog)
#   faas/gateway         gateway/Dockerfile
#   faas/<name>          images/<name>/Dockerfile (a prepare.sh beside it may fill its build context first)
#   faas/<name>          sample-functions/<name>/Dockerfile (FROM faas/watchdog)
#   faas/template-<name> templates/<name>/Dockerfile with its skeleton handler (function/), or for a template whose
#                        function/ is the whole context (dockerfile) function/Dockerfile: each template as
#                        `faas new` copies it must build. After images/*: python3 and node start FROM faas/python3
#                        and faas/node.
# Every Dockerfile takes its base as a build ARG, so online users can build the same files on upstream images.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'build-images: %s\n' "$*"; }
die() { printf 'build-images: error: %s\n' "$*" >&2; exit 1; }

build() { # build <tag> <context> [dockerfile]
  local tag=$1 ctx=$2 file=${3:-$2/Dockerfile} log
  log=$(mktemp)
  if docker build -q -f "$file" -t "$tag" "$ctx" >"$log" 2>&1; then
    say "built $tag"
  else
    cat "$log" >&2; rm -f "$log"; die "docker build of $tag failed (context $ctx)"
  fi
  rm -f "$log"
}

if [ "${1:-}" = --rebuild-base ] || ! docker image inspect faas/jre:17 >/dev/null 2>&1; then
  scripts/build-base-image.sh
fi

for jar in watchdog/target/watchdog.jar gateway/target/gateway.jar; do
  [ -f "$jar" ] || die "$jar is missing: run 'mvn -DskipTests package' first"
done
build faas/watchdog watchdog
build faas/gateway gateway

for dir in images/*/; do
  name=$(basename "$dir")
  [ "$name" = base ] && continue
  [ -f "$dir/Dockerfile" ] || continue
  if [ -x "$dir/prepare.sh" ]; then
    ctx=.build/$name
    rm -rf "$ctx" && mkdir -p "$ctx"
    "$dir/prepare.sh" "$ctx"
    build "faas/$name" "$ctx" "$dir/Dockerfile"
  else
    build "faas/$name" "$dir"
  fi
done

for dir in sample-functions/*/; do
  [ -f "$dir/Dockerfile" ] || continue
  build "faas/$(basename "$dir")" "$dir"
done
# The templates as users copy them must build too, not only the sample functions made from them.
for dir in templates/*/; do
  name=$(basename "$dir")
  if [ -f "$dir/Dockerfile" ]; then
    build "faas/template-$name" "$dir"
  elif [ -f "$dir/function/Dockerfile" ]; then
    build "faas/template-$name" "$dir/function"
  fi
done
