#!/usr/bin/env bash
# Brings faas up on this machine and prints how to call it.
# Docker ready → jars → images → catservice running on 127.0.0.1:${FAAS_PORT:-8081}.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${FAAS_PORT:-8081}
NAME=faas-catservice

say() { printf 'up: %s\n' "$*"; }
die() { printf 'up: error: %s\n' "$*" >&2; exit 1; }

scripts/docker-ready.sh
say "building jars (mvn package)"
mvn -B -q -DskipTests package
scripts/build-images.sh

if docker container inspect "$NAME" >/dev/null 2>&1; then
  say "replacing the running $NAME"
  docker rm -f "$NAME" >/dev/null
fi
if (exec 3<>/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null; then
  die "port $PORT on 127.0.0.1 is taken; free it or choose another: FAAS_PORT=8091 $0"
fi
docker run -d --name "$NAME" --label dev.faas.up=true --restart unless-stopped \
  -p "127.0.0.1:$PORT:8080" faas/catservice >/dev/null

for _ in $(seq 1 50); do
  if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/_/health")" = 200 ]; then
    cat <<MSG
up: catservice is running.

  curl -s http://127.0.0.1:$PORT/ -d 'hello faas'

Stop it with: docker rm -f $NAME
MSG
    exit 0
  fi
  sleep 0.2
done
docker logs --tail 20 "$NAME" >&2 || true
die "catservice did not become healthy within 10 s (logs above)"
