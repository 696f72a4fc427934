#!/usr/bin/env bash
# Removes the stack scripts/up.sh made (FAAS_STACK, default faas): its services (the stack's registry and its doors
# too), networks and configs, and waits until they are gone so the next scripts/up.sh starts clean. The volumes
# (<stack>_registry-data, the images pushed to the registry; <stack>_nats-data, the queued calls) are kept, like the
# secrets.
#   --purge   also remove its secrets (<stack>_basic-auth-user, <stack>_basic-auth-password,
#             <stack>_blueprint-api-key, <stack>_lambda-access-key), the stored password and keys, the volumes
#             (queued calls not yet run are lost) and the images its gateway built from code, and untag this
#             daemon's copies tagged for the stack's registry; the next scripts/up.sh then makes a new password and key and pushes every image again
set -euo pipefail
cd "$(dirname "$0")/.."

STACK=${FAAS_STACK:-faas}
SECRETS_DIR=${FAAS_SECRETS_DIR:-$HOME/.faas}/$STACK

say() { printf 'down: %s\n' "$*"; }
die() { printf 'down: error: %s\n' "$*" >&2; exit 1; }

purge=false
case "${1:-}" in
  --purge) purge=true ;;
  "") ;;
  *) die "unknown argument '$1' (the only option is --purge; the stack name is FAAS_STACK)" ;;
esac
[[ $STACK =~ ^[a-z0-9][a-z0-9-]{0,29}$ ]] || die "FAAS_STACK=$STACK is not a stack name scripts/up.sh makes"
timeout 10 docker info >/dev/null 2>&1 || die "Docker does not answer; start it with scripts/docker-ready.sh"

left() { # what of the stack is still there, one line each
  docker service ls -q --filter "label=com.docker.stack.namespace=$STACK"
  docker network ls -q --filter "label=com.docker.stack.namespace=$STACK"
}

# The port of the stack's registry, while its door still says it: --purge untags the local copies tagged for it.
registry_port=$(docker service inspect --format '{{range .Endpoint.Ports}}{{.PublishedPort}}{{end}}' \
  "${STACK}_registry-door" 2>/dev/null || true)

if [ -n "$(left)" ] || [ -n "$(docker config ls -q --filter "label=com.docker.stack.namespace=$STACK")" ]; then
  say "removing the stack $STACK"
  docker stack rm "$STACK" >/dev/null 2>&1 || true
  for _ in $(seq 1 60); do
    [ -z "$(left)" ] && break
    # The CLI cannot remove the network while tasks are still stopping: remove it once they are gone.
    if [ -z "$(docker service ls -q --filter "label=com.docker.stack.namespace=$STACK")" ]; then
      docker network ls -q --filter "label=com.docker.stack.namespace=$STACK" | xargs -r docker network rm >/dev/null 2>&1 || true
      docker config ls -q --filter "label=com.docker.stack.namespace=$STACK" | xargs -r docker config rm >/dev/null 2>&1 || true
    fi
    sleep 1
  done
  if [ -n "$(left)" ]; then
    die "the stack $STACK is not gone after 60s: $(docker network ls --filter "label=com.docker.stack.namespace=$STACK" --format '{{.Name}}') may still have containers attached (functions deployed through the API stay: remove them with docker service rm, then run this again)"
  fi
else
  say "no stack $STACK is running"
fi

if $purge; then
  for s in "${STACK}_basic-auth-user" "${STACK}_basic-auth-password" "${STACK}_blueprint-api-key" \
      "${STACK}_lambda-access-key"; do
    if docker secret inspect "$s" >/dev/null 2>&1; then
      docker secret rm "$s" >/dev/null && say "removed the secret $s"
    fi
  done
  rm -f "$SECRETS_DIR/basic-auth-password" "$SECRETS_DIR/blueprint-api-key" "$SECRETS_DIR/lambda-credentials"
  rmdir "$SECRETS_DIR" 2>/dev/null || true
  # On the node of this daemon (the registry and NATS run on a manager; with several, each one they ran on has a copy).
  for volume in "${STACK}_registry-data" "${STACK}_nats-data"; do
    docker volume inspect "$volume" >/dev/null 2>&1 || continue
    # The service's container may still be going away: retry for a while.
    for _ in $(seq 1 30); do
      docker volume rm "$volume" >/dev/null 2>&1 && break
      sleep 1
    done
    if docker volume inspect "$volume" >/dev/null 2>&1; then
      die "the volume $volume is still in use after 30s: $(docker ps -a --filter "volume=$volume" --format '{{.Names}}' | paste -sd ' ' -); remove those containers, then run this again"
    fi
    say "removed the volume $volume"
  done
  # The registry is gone with its volume: the tags for it on this daemon (pushed images, built functions) only
  # take room in `docker images` now. Untagging keeps every image another tag still names.
  # The images its gateway built from code (labelled with the stack's functions network).
  docker image ls -q --filter "label=dev.faas.built-for=${STACK}_functions" | sort -u | xargs -r docker image rm -f \
    >/dev/null 2>&1 || true
  if [[ $registry_port =~ ^[0-9]+$ ]]; then
    docker image ls --format '{{.Repository}}:{{.Tag}}' | grep "^127\.0\.0\.1:$registry_port/" \
      | xargs -r docker image rm >/dev/null 2>&1 || true
  fi
else
  for volume in "${STACK}_registry-data" "${STACK}_nats-data"; do
    if docker volume inspect "$volume" >/dev/null 2>&1; then
      say "kept the volume $volume (${volume##*_}: the registry's images, or the queued calls; --purge removes it)"
    fi
  done
fi
say "done"
