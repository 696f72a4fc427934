#!/usr/bin/env bash
# Brings faas up on this machine as a Swarm stack and prints how to call it:
#   Docker ready → jars → images → secrets → docker stack deploy → wait until the gateway and every function
#   answer → curl lines. Running it again updates the running stack (rebuilt images and edited configs roll out).
#
# Settings (environment):
#   FAAS_STACK        stack name (faas); it prefixes the stack's services, network, configs and secrets
#   GATEWAY_PORT      gateway port on this machine (8080)
#   PROMETHEUS_PORT   Prometheus port on this machine (9090)
#   FAAS_SECRETS_DIR  where the generated admin password is kept ($HOME/.faas): <dir>/<stack>/basic-auth-password
#   FAAS_UP_TIMEOUT   seconds to wait for everything to answer (180)
#   FAAS_SKIP_BUILD   1: deploy the images already built (scripts/build-images.sh) without building again
#   FAAS_GRAFANA      1: add Grafana (stack.grafana.yml, GRAFANA_PORT 3000); its image needs a registry
#   PROMETHEUS_IMAGE, ALERTMANAGER_IMAGE, GATEWAY_IMAGE, FUNCTIONS_TAG: set them to use other images as they are
# Options: --show-password prints the stored admin password and exits.
set -euo pipefail
cd "$(dirname "$0")/.."

STACK=${FAAS_STACK:-faas}
GATEWAY_PORT=${GATEWAY_PORT:-8080}
PROMETHEUS_PORT=${PROMETHEUS_PORT:-9090}
SECRETS_DIR=${FAAS_SECRETS_DIR:-$HOME/.faas}/$STACK
PASSWORD_FILE=$SECRETS_DIR/basic-auth-password
TIMEOUT=${FAAS_UP_TIMEOUT:-180}
STARTED=$SECONDS

say() { printf 'up: %s\n' "$*"; }
die() { printf 'up: error: %s\n' "$*" >&2; exit 1; }

[[ $STACK =~ ^[a-z0-9][a-z0-9-]{0,29}$ ]] || die "FAAS_STACK=$STACK: use 1-30 lower-case letters, digits and '-'"
for p in "$GATEWAY_PORT" "$PROMETHEUS_PORT" "${GRAFANA_PORT:-3000}" "$TIMEOUT"; do
  [[ $p =~ ^[0-9]+$ ]] || die "'$p' is not a number (GATEWAY_PORT, PROMETHEUS_PORT, GRAFANA_PORT, FAAS_UP_TIMEOUT)"
done
[ "$GATEWAY_PORT" != "$PROMETHEUS_PORT" ] || die "GATEWAY_PORT and PROMETHEUS_PORT are both $GATEWAY_PORT"

if [ "${1:-}" = --show-password ]; then
  [ -r "$PASSWORD_FILE" ] || die "no stored password for stack $STACK in $PASSWORD_FILE"
  cat "$PASSWORD_FILE"; echo
  exit 0
fi
[ $# -eq 0 ] || die "unknown argument '$1' (the only option is --show-password; settings are environment variables)"

scripts/docker-ready.sh || die "Docker is not ready (the message above says why); fix that and run scripts/up.sh again"

# ---- images ----
if [ "${FAAS_SKIP_BUILD:-0}" = 1 ]; then
  say "FAAS_SKIP_BUILD=1: deploying the images already built"
else
  say "building jars (mvn package)"
  mvn -B -q -DskipTests package || die "the build failed (above); fix it and run scripts/up.sh again"
  scripts/build-images.sh || die "building the images failed (above)"
fi

# The function images stack.yml deploys: image: ${FUNCTIONS_REPO:-faas}/<name>:${FUNCTIONS_TAG:-latest}
mapfile -t FUNCTIONS < <(sed -n 's/^ *image: \${FUNCTIONS_REPO:-faas}\/\([^:]*\):.*/\1/p' stack.yml)
[ ${#FUNCTIONS[@]} -gt 0 ] || die "stack.yml names no function image (\${FUNCTIONS_REPO:-faas}/<name>:\${FUNCTIONS_TAG:-latest})"

image_id() { docker image inspect --format '{{.Id}}' "$1" 2>/dev/null || die "image $1 is missing: run scripts/up.sh without FAAS_SKIP_BUILD=1 (or scripts/build-images.sh)"; }

# A tag made from the image's content: when an image is rebuilt its tag changes, so a re-deploy rolls the service
# over to it (the same name, e.g. :latest, would leave the old containers running).
pin() { # pin <variable> <local image>: the variable keeps a value the caller set, else the content-tagged image
  local var=$1 image=$2 tag
  if [ -n "${!var:-}" ]; then return; fi
  tag=up-$(image_id "$image" | cut -c8-19)
  docker tag "$image" "${image%%:*}:$tag"
  printf -v "$var" '%s' "${image%%:*}:$tag"
  export "${var?}"
}
pin GATEWAY_IMAGE faas/gateway
pin PROMETHEUS_IMAGE faas/prometheus
pin ALERTMANAGER_IMAGE faas/alertmanager
if [ -z "${FUNCTIONS_TAG:-}" ] && [ "${FUNCTIONS_REPO:-faas}" = faas ]; then
  ids=""
  for f in "${FUNCTIONS[@]}"; do ids+=$(image_id "faas/$f"); done
  FUNCTIONS_TAG=up-$(printf '%s' "$ids" | sha256sum | cut -c1-12)
  for f in "${FUNCTIONS[@]}"; do docker tag "faas/$f" "faas/$f:$FUNCTIONS_TAG"; done
fi
CONFIG_VERSION=$(cat prometheus/*.yml prometheus/grafana/*/*.* prometheus/grafana/*/*/*.* 2>/dev/null | sha256sum | cut -c1-12)
export FAAS_STACK=$STACK GATEWAY_PORT PROMETHEUS_PORT FUNCTIONS_TAG CONFIG_VERSION

# ---- the stack as it is now ----
# An earlier version of this script ran catservice as a plain container.
if docker container inspect faas-catservice >/dev/null 2>&1 \
   && [ "$(docker container inspect --format '{{index .Config.Labels "dev.faas.up"}}' faas-catservice)" = true ]; then
  say "removing the container faas-catservice left by an earlier version of this script"
  docker rm -f faas-catservice >/dev/null
fi

existing=$(docker service ls --filter "label=com.docker.stack.namespace=$STACK" --format '{{.Name}}' | wc -l)

# Who publishes a port: the swarm service that does, or "".
publisher() {
  local ids
  ids=$(docker service ls -q)
  [ -n "$ids" ] || return 0
  # shellcheck disable=SC2086
  docker service inspect --format '{{.Spec.Name}}{{range .Endpoint.Spec.Ports}} {{.PublishedPort}}{{end}}' $ids 2>/dev/null \
    | awk -v p="$1" '{for (i = 2; i <= NF; i++) if ($i == p) {print $1; exit}}'
}
listening() { ss -Hltn "( sport = :$1 )" 2>/dev/null | grep -q . || (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

check_port() { # check_port <port> <our service> <variable>
  local port=$1 ours=$STACK\_$2 var=$3 owner
  owner=$(publisher "$port")
  if [ "$owner" = "$ours" ]; then return; fi
  if [ -n "$owner" ]; then
    local remove="docker service rm $owner"
    [[ $owner == *_* ]] && remove="FAAS_STACK=${owner%%_*} scripts/down.sh"
    die "port $port is published by the service $owner of another stack. Remove it ($remove) or choose another port: $var=$((port + 10)) scripts/up.sh"
  fi
  if listening "$port"; then
    die "port $port is taken on this machine by a program that is not the stack $STACK ($(ss -Hltnp "( sport = :$port )" 2>/dev/null | awk '{print $NF}' | head -1)). Stop it, or choose another port: $var=$((port + 10)) scripts/up.sh"
  fi
}
check_port "$GATEWAY_PORT" gateway GATEWAY_PORT
check_port "$PROMETHEUS_PORT" prometheus PROMETHEUS_PORT
FILES=(-c stack.yml)
if [ "${FAAS_GRAFANA:-0}" = 1 ]; then
  check_port "${GRAFANA_PORT:-3000}" grafana GRAFANA_PORT
  FILES+=(-c stack.grafana.yml)
fi

# ---- secrets (kept when the stack is removed, so the password survives a re-deploy) ----
secret_exists() { docker secret inspect "$1" >/dev/null 2>&1; }
if ! secret_exists "${STACK}_basic-auth-user"; then
  printf admin | docker secret create --label "dev.faas.stack=$STACK" "${STACK}_basic-auth-user" - >/dev/null
fi
NEW_PASSWORD=""
if ! secret_exists "${STACK}_basic-auth-password"; then
  mkdir -p "$SECRETS_DIR" && chmod 700 "$SECRETS_DIR"
  NEW_PASSWORD=$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')
  (umask 077 && printf '%s' "$NEW_PASSWORD" >"$PASSWORD_FILE")
  printf '%s' "$NEW_PASSWORD" | docker secret create --label "dev.faas.stack=$STACK" "${STACK}_basic-auth-password" - >/dev/null
  say "created the secrets ${STACK}_basic-auth-user (admin) and ${STACK}_basic-auth-password"
elif [ -r "$PASSWORD_FILE" ]; then
  say "the secret ${STACK}_basic-auth-password exists; its password is in $PASSWORD_FILE (scripts/up.sh --show-password)"
else
  say "warning: the secret ${STACK}_basic-auth-password exists but its password is not in $PASSWORD_FILE; if you lost it: FAAS_STACK=$STACK scripts/down.sh --purge, then run this again"
fi

# ---- deploy ----
if [ "$existing" -gt 0 ]; then
  say "updating the stack $STACK ($existing services running); services no longer in the stack files are removed"
else
  say "deploying the stack $STACK"
fi
DEPLOYED_AT=$(($(date +%s) - 2))
if ! out=$(docker stack deploy --prune --resolve-image never "${FILES[@]}" "$STACK" 2>&1); then
  printf '%s\n' "$out" >&2
  die "docker stack deploy failed (above). If an earlier stack $STACK is half removed, wait a few seconds and run this again; to start over: FAAS_STACK=$STACK scripts/down.sh"
fi
printf '%s\n' "$out" | sed -n 's/^\(Creating\|Removing\) /up:   \1 /p'
updated=$(printf '%s\n' "$out" | grep -c '^Updating service' || true)
[ "$updated" = 0 ] || say "  $updated services updated (Swarm replaces the tasks of those whose settings or images changed)"

# ---- wait until it all answers ----
GW=http://127.0.0.1:$GATEWAY_PORT
services() { docker service ls --filter "label=com.docker.stack.namespace=$STACK" --format '{{.Name}}' "$@"; }
http_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@" || true; }

# What is not ready yet, one word per item; empty when everything answers.
not_ready() {
  local s replicas state started f code
  # One call for every service's replicas, one for every update status: this loop runs each second on a busy node.
  while read -r s replicas; do
    [ "${replicas%%/*}" = "${replicas##*/}" ] || echo "$s($replicas)"
  done < <(docker service ls --filter "label=com.docker.stack.namespace=$STACK" --format '{{.Name}} {{.Replicas}}' \
           | sed 's/ (.*//')
  # shellcheck disable=SC2046
  while read -r s state started; do
    case "$state" in
      updating|rollback_started) echo "$s(updating)" ;;
      rollback_completed|rollback_paused|paused)
        # Only a rollback of this deploy counts; an older one left its service running what it ran before.
        if [ "$(date -d "$started" +%s 2>/dev/null || echo 0)" -ge "$DEPLOYED_AT" ]; then echo "$s(rolled-back)"; fi ;;
    esac
  done < <(docker service inspect --format \
      '{{.Spec.Name}} {{if .UpdateStatus}}{{.UpdateStatus.State}} {{json .UpdateStatus.StartedAt}}{{end}}' \
      $(services) 2>/dev/null | tr -d '"')
  [ "$(http_code "$GW/healthz")" = 200 ] || { echo "gateway(/healthz)"; return; }
  [ "$(http_code "http://127.0.0.1:$PROMETHEUS_PORT/-/ready")" = 200 ] || echo "prometheus(/-/ready)"
  for f in $(services --filter label=function=true); do
    f=${f#"${STACK}_"}
    code=$(http_code "$GW/function/$f" -d 0)
    case "$code" in 404|429|502|503|504|000) echo "$f(HTTP $code)" ;; esac
  done
}

# Task errors that waiting will not cure.
hopeless() {
  local s
  for s in $(services); do
    # The newest task of each slot (docker service ps lists them first): older errors may be fixed already.
    docker service ps --no-trunc --format '{{.Name}}|{{.Error}}' "$s" 2>/dev/null | awk -F'|' '!seen[$1]++ {print $2}' \
      | grep -m1 -E 'No such image|host-mode port already in use|secret not found|config not found' \
      | sed "s/^/$s: /" || true
  done
}

diagnose() { # diagnose <what is pending>: tasks and logs of each service named there
  local s
  for s in $(services); do
    case " $* " in *" $s("*|*" $s:"*|*" ${s#"${STACK}_"}("*) ;; *) continue ;; esac
    printf '\n--- docker service ps --no-trunc %s\n' "$s" >&2
    docker service ps --no-trunc --format '{{.Name}} {{.CurrentState}} {{.Error}}' "$s" 2>&1 | head -4 >&2
    printf -- '--- docker service logs --tail 10 %s\n' "$s" >&2
    timeout 10 docker service logs --no-trunc --tail 10 "$s" 2>&1 | tail -10 >&2 || true
  done
}

say "waiting for the gateway, Prometheus and every function to answer (at most ${TIMEOUT}s)"
# Everything must answer on two checks in a row: right after an update the old tasks still answer until Swarm
# starts replacing them.
deadline=$((SECONDS + TIMEOUT)); last_report=$SECONDS; pending=""; passes=0
while :; do
  pending=$(not_ready | tr '\n' ' ')
  if [ -z "$pending" ]; then
    passes=$((passes + 1))
    [ $passes -ge 2 ] && break
    sleep 2; continue
  fi
  passes=0
  rolled_back=$(printf '%s\n' $pending | sed -n 's/(rolled-back)$//p' | tr '\n' ' ')
  if [ -n "$rolled_back" ]; then
    diagnose "$pending"
    die "the update of ${rolled_back}failed and Swarm rolled it back: those services run what they ran before (why: the task errors above). Fix the cause and run scripts/up.sh again"
  fi
  fatal=$(hopeless | paste -sd ';' -)
  if [ -n "$fatal" ]; then
    diagnose "$pending ${fatal%%:*}:"
    die "the stack $STACK is deployed but cannot work: $fatal. Fix that and run scripts/up.sh again (or remove it: FAAS_STACK=$STACK scripts/down.sh)"
  fi
  if [ $SECONDS -ge $deadline ]; then
    diagnose "$pending"
    die "after ${TIMEOUT}s these are still not answering: $pending(details above). The stack $STACK is deployed but NOT working; fix the cause and run scripts/up.sh again, or remove it: FAAS_STACK=$STACK scripts/down.sh"
  fi
  if [ $((SECONDS - last_report)) -ge 15 ]; then say "still waiting for: $pending"; last_report=$SECONDS; fi
  sleep 1
done

# The password on file must be the one the gateway has.
if [ -r "$PASSWORD_FILE" ] && [ "$(http_code -u "admin:$(cat "$PASSWORD_FILE")" "$GW/system/functions")" != 200 ]; then
  say "warning: the password in $PASSWORD_FILE is not the gateway's (GET /system/functions was refused); to make a new one: FAAS_STACK=$STACK scripts/down.sh --purge, then run this again"
fi

# Tidy what earlier runs left: configs of older versions, and content tags no service uses any more.
for c in $(docker config ls --filter "label=com.docker.stack.namespace=$STACK" --format '{{.Name}}'); do
  [[ $c == *"_$CONFIG_VERSION" ]] || docker config rm "$c" >/dev/null 2>&1 || true
done
in_use=" $(docker service ls --format '{{.Image}}' | tr '\n' ' ') $GATEWAY_IMAGE $PROMETHEUS_IMAGE $ALERTMANAGER_IMAGE "
for ref in $(docker image ls --format '{{.Repository}}:{{.Tag}}' 'faas/*' | grep ':up-'); do
  case "$in_use" in *" $ref "*|*" $ref@"*) ;; *)
    [[ $ref == *":$FUNCTIONS_TAG" ]] || docker image rm "$ref" >/dev/null 2>&1 || true ;;
  esac
done

# ---- how to call it ----
ALEXA='{"session":{"sessionId":"s1","application":{"applicationId":"a1"}},"request":{"type":"IntentRequest","intent":{"name":"HostnameIntent"}}}'
say "the stack $STACK is up in $((SECONDS - STARTED))s: $(services --filter label=function=true | wc -l) functions answer at $GW"
if [ -n "$NEW_PASSWORD" ]; then
  cat <<MSG

  The gateway's admin password (shown this once; kept in $PASSWORD_FILE):
    $NEW_PASSWORD
MSG
fi
cat <<MSG

  curl -s $GW/function/catservice -d 'hello faas'
  curl -s $GW/ -H 'X-Function: wordcount' -d 'one two three'
  curl -s $GW/ -H 'Content-Type: application/json' -d '$ALEXA'
  curl -s $GW/metrics | grep '^gateway_function_invocation_total'
  curl -s -u admin:"\$(cat $PASSWORD_FILE)" $GW/system/functions

  Prometheus: http://127.0.0.1:$PROMETHEUS_PORT (alerts: http://127.0.0.1:$PROMETHEUS_PORT/alerts)
  Services:   docker stack services $STACK
  Remove:     FAAS_STACK=$STACK scripts/down.sh   (--purge also removes the secrets and the stored password)
MSG
