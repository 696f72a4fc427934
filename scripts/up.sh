#!/usr/bin/env bash
# Brings faas up on this machine as a Swarm stack and prints how to call it:
#   Docker ready → jars → images → secrets → the stack's registry → images pushed to it → docker stack deploy →
#   wait until the gateway and every function answer → curl lines. Running it again updates the running stack
#   (rebuilt images and edited configs roll out).
#
# Settings (environment):
#   FAAS_STACK        stack name (faas); it prefixes the stack's services, network, configs and secrets
#   GATEWAY_PORT      gateway port on this machine (8080)
#   PROMETHEUS_PORT   Prometheus port on this machine (9090)
#   REGISTRY_PORT     the stack's registry on every node, at 127.0.0.1:<port> only (5000): stack.registry.yml
#   FAAS_HOST         the address of the manager where the gateway and Prometheus publish their ports (127.0.0.1);
#                     set it when DOCKER_HOST is another machine's daemon, e.g. FAAS_HOST=172.29.232.11
#   FAAS_SECRETS_DIR  where the generated admin password is kept ($HOME/.faas): <dir>/<stack>/basic-auth-password
#   FAAS_UP_TIMEOUT   seconds to wait for everything to answer (180)
#   FAAS_SKIP_BUILD   1: deploy the images already built (scripts/build-images.sh) without building again
#   FAAS_CLI_DIR      where the faas CLI is installed (/usr/local/bin as root, else ~/.local/bin)
#   FAAS_GRAFANA      1: add Grafana (stack.grafana.yml, GRAFANA_PORT 3000); its image needs a registry
#   PROMETHEUS_IMAGE, ALERTMANAGER_IMAGE, NATS_IMAGE, GATEWAY_IMAGE, FUNCTIONS_REPO, FUNCTIONS_TAG: set them to use other images
#                     as they are (not pushed to the stack's registry)
#   REGISTRY_IMAGE, REGISTRY_DOOR_IMAGE: the registry's own images (faas/registry); they cannot come from the registry,
#                     so on several nodes every node needs them already (docker save | docker load, or upstream images)
# Options: --show-password prints the stored admin password and exits.
set -euo pipefail
cd "$(dirname "$0")/.."

STACK=${FAAS_STACK:-faas}
GATEWAY_PORT=${GATEWAY_PORT:-8080}
PROMETHEUS_PORT=${PROMETHEUS_PORT:-9090}
REGISTRY_PORT=${REGISTRY_PORT:-5000}
FAAS_HOST=${FAAS_HOST:-127.0.0.1}
SECRETS_DIR=${FAAS_SECRETS_DIR:-$HOME/.faas}/$STACK
PASSWORD_FILE=$SECRETS_DIR/basic-auth-password
TIMEOUT=${FAAS_UP_TIMEOUT:-180}
STARTED=$SECONDS

say() { printf 'up: %s\n' "$*"; }
die() { printf 'up: error: %s\n' "$*" >&2; exit 1; }

[[ $STACK =~ ^[a-z0-9][a-z0-9-]{0,29}$ ]] || die "FAAS_STACK=$STACK: use 1-30 lower-case letters, digits and '-'"
for p in "$GATEWAY_PORT" "$PROMETHEUS_PORT" "$REGISTRY_PORT" "${GRAFANA_PORT:-3000}" "$TIMEOUT"; do
  [[ $p =~ ^[0-9]+$ ]] || die "'$p' is not a number (GATEWAY_PORT, PROMETHEUS_PORT, REGISTRY_PORT, GRAFANA_PORT, FAAS_UP_TIMEOUT)"
done
[ "$GATEWAY_PORT" != "$PROMETHEUS_PORT" ] || die "GATEWAY_PORT and PROMETHEUS_PORT are both $GATEWAY_PORT"
for p in "$GATEWAY_PORT" "$PROMETHEUS_PORT"; do
  [ "$REGISTRY_PORT" != "$p" ] || die "REGISTRY_PORT is $p, the port of the gateway or Prometheus too"
done
[[ $FAAS_HOST =~ ^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$ ]] \
  || die "FAAS_HOST=$FAAS_HOST: use the host name or IPv4 address of the manager that runs the gateway (127.0.0.1 when it is this machine)"

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
PINNED=" " # the variables pin set, and the local images it tagged
pin() { # pin <variable> <local image>: the variable keeps a value the caller set, else the content-tagged image
  local var=$1 image=$2 tag
  if [ -n "${!var:-}" ]; then return; fi
  tag=up-$(image_id "$image" | cut -c8-19)
  docker tag "$image" "${image%%:*}:$tag"
  printf -v "$var" '%s' "${image%%:*}:$tag"
  export "${var?}"
  PINNED+="$var ${image%%:*}:$tag "
}
pin GATEWAY_IMAGE faas/gateway
pin PROMETHEUS_IMAGE faas/prometheus
pin ALERTMANAGER_IMAGE faas/alertmanager
pin NATS_IMAGE faas/nats
# The registry's own images run before there is a registry to pull from: deployed from the local image, not pushed.
pin REGISTRY_IMAGE faas/registry
pin REGISTRY_DOOR_IMAGE faas/registry
PUSH_FUNCTIONS=false
if [ -z "${FUNCTIONS_TAG:-}" ] && [ "${FUNCTIONS_REPO:-faas}" = faas ]; then
  ids=""
  for f in "${FUNCTIONS[@]}"; do ids+=$(image_id "faas/$f"); done
  FUNCTIONS_TAG=up-$(printf '%s' "$ids" | sha256sum | cut -c1-12)
  for f in "${FUNCTIONS[@]}"; do docker tag "faas/$f" "faas/$f:$FUNCTIONS_TAG"; done
  PUSH_FUNCTIONS=true
fi
CONFIG_VERSION=$({ cat prometheus/*.yml prometheus/grafana/*/*.* prometheus/grafana/*/*/*.* images/registry/registry-door 2>/dev/null || true; } \
  | sha256sum | cut -c1-12)
export FAAS_STACK=$STACK GATEWAY_PORT PROMETHEUS_PORT REGISTRY_PORT FUNCTIONS_TAG CONFIG_VERSION

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
  # Only a port of this machine can be looked at here: with FAAS_HOST another machine, Swarm's task error says it.
  if [ "$FAAS_HOST" = 127.0.0.1 ] && listening "$port"; then
    die "port $port is taken on this machine by a program that is not the stack $STACK ($(ss -Hltnp "( sport = :$port )" 2>/dev/null | awk '{print $NF}' | head -1)). Stop it, or choose another port: $var=$((port + 10)) scripts/up.sh"
  fi
}
check_port "$GATEWAY_PORT" gateway GATEWAY_PORT
check_port "$PROMETHEUS_PORT" prometheus PROMETHEUS_PORT
check_port "$REGISTRY_PORT" registry-door REGISTRY_PORT
FILES=(-c stack.yml -c stack.registry.yml)
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

# The Blueprint routes' Bearer key (docs/blueprint.md), kept beside the password.
KEY_FILE=$SECRETS_DIR/blueprint-api-key
if ! secret_exists "${STACK}_blueprint-api-key"; then
  mkdir -p "$SECRETS_DIR" && chmod 700 "$SECRETS_DIR"
  (umask 077 && head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$KEY_FILE")
  docker secret create --label "dev.faas.stack=$STACK" "${STACK}_blueprint-api-key" "$KEY_FILE" >/dev/null
  say "created the secret ${STACK}_blueprint-api-key (the Blueprint routes' Bearer key, in $KEY_FILE)"
fi

# The access key AWS clients sign Lambda Invoke calls with (docs/lambda.md): the gateway's secret holds
# "<key id>:<secret key>", and a credentials file in AWS's format beside the password is for aws and boto3.
AWS_CREDENTIALS=$SECRETS_DIR/lambda-credentials
if ! secret_exists "${STACK}_lambda-access-key"; then
  mkdir -p "$SECRETS_DIR" && chmod 700 "$SECRETS_DIR"
  key_id=AKIA$(head -c 10 /dev/urandom | base32)
  secret_key=$(head -c 30 /dev/urandom | base64)
  (umask 077 && printf '[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$key_id" "$secret_key" >"$AWS_CREDENTIALS")
  printf '%s:%s' "$key_id" "$secret_key" \
    | docker secret create --label "dev.faas.stack=$STACK" "${STACK}_lambda-access-key" - >/dev/null
  say "created the secret ${STACK}_lambda-access-key (the Lambda Invoke API's access key, in $AWS_CREDENTIALS)"
fi

# ---- the stack's tasks ----
services() { docker service ls --filter "label=com.docker.stack.namespace=$STACK" --format '{{.Name}}' "$@"; }

# Task errors that waiting will not cure.
hopeless() { # hopeless [--node <node id>] [service...]: of every service of the stack, on every node, by default
  local s node=()
  if [ "${1:-}" = --node ]; then node=(--filter "node=$2"); shift 2; fi
  # shellcheck disable=SC2046
  [ $# -gt 0 ] || set -- $(services)
  for s in "$@"; do
    # The newest task of each slot (docker service ps lists them first): older errors may be fixed already.
    docker service ps --no-trunc ${node[@]+"${node[@]}"} --format '{{.Name}}|{{.Error}}' "$s" 2>/dev/null \
      | awk -F'|' '!seen[$1]++ {print $2}' \
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

# ---- the stack's registry: every node pulls the stack's images from it, at 127.0.0.1:$REGISTRY_PORT ----
# Deployed on its own first (a deploy of one file without --prune leaves the stack's other services alone; unchanged,
# it changes nothing), so the images can be pushed before the services that run them are deployed. The push is made
# by the Docker daemon, so 127.0.0.1 is the daemon's node, reached through the door on that node.
REGISTRY=127.0.0.1:$REGISTRY_PORT
NODE=$(docker info --format '{{.Swarm.NodeID}}')
bootstrap_hint() { # what to do when a node lacks the registry's own images
  printf '%s' "the registry's own images cannot come from the registry: every node needs REGISTRY_IMAGE=$REGISTRY_IMAGE and REGISTRY_DOOR_IMAGE=$REGISTRY_DOOR_IMAGE already (docker save $REGISTRY_IMAGE | docker load, on each node; scripts/multinode.sh load $REGISTRY_IMAGE), or, where the nodes can pull: REGISTRY_IMAGE=registry:2.8.3 REGISTRY_DOOR_IMAGE=alpine/socat:1.8.0.3 scripts/up.sh"
}
DEPLOYED_AT=$(($(date +%s) - 2))
if [ -z "$(services --filter "name=${STACK}_registry")" ]; then
  say "deploying the stack's registry: ${STACK}_registry, and ${STACK}_registry-door at $REGISTRY on every node"
fi
if ! out=$(docker stack deploy --resolve-image never -c stack.registry.yml "$STACK" 2>&1); then
  printf '%s\n' "$out" >&2
  die "docker stack deploy of stack.registry.yml failed (above). If an earlier stack $STACK is half removed, wait a few seconds and run this again; to start over: FAAS_STACK=$STACK scripts/down.sh"
fi
printf '%s\n' "$out" | sed -n 's/^\(Creating\) /up:   \1 /p'

PUSHED="" # the output of the last push_image
push_image() { # push_image <image> <seconds>: docker push, retried while the registry and this node's door start
  local image=$1 until=$((SECONDS + $2)) fatal
  while ! PUSHED=$(docker push "$image" 2>&1); do
    # Only this node's door matters here: a door that cannot start on another node shows in the wait below.
    fatal=$({ hopeless "${STACK}_registry"; hopeless --node "$NODE" "${STACK}_registry-door"; } | paste -sd ';' -)
    if [ -n "$fatal" ]; then
      diagnose "${STACK}_registry: ${STACK}_registry-door:"
      case "$fatal" in
        *"No such image"*) die "the stack's registry cannot start: $fatal. $(bootstrap_hint)" ;;
        *"port already in use"*) die "the stack's registry cannot start: $fatal. Free port $REGISTRY_PORT on that node or choose another: REGISTRY_PORT=$((REGISTRY_PORT + 10)) scripts/up.sh" ;;
        *) die "the stack's registry cannot start: $fatal. Fix that and run scripts/up.sh again" ;;
      esac
    fi
    if [ $SECONDS -ge "$until" ]; then
      diagnose "${STACK}_registry: ${STACK}_registry-door:"
      die "docker push $image to the stack's registry failed for ${2}s: $(printf '%s\n' "$PUSHED" | tail -1). The daemon pushes through the door on its own node (${STACK}_registry-door, port $REGISTRY_PORT) to ${STACK}_registry: their tasks and logs are above. Fix that and run scripts/up.sh again"
    fi
    sleep 2
  done
}
WAIT_PUSH=$TIMEOUT # the first push waits for the registry to start; the others only ride out a hiccup
to_registry() { # to_registry <variable>: pushes the local image it names, then names the registry's copy by digest
  local var=$1 image digest
  image=$REGISTRY/${!var}
  docker tag "${!var}" "$image"
  push_image "$image" "$WAIT_PUSH"
  WAIT_PUSH=30
  digest=$(printf '%s\n' "$PUSHED" | sed -n 's/^.*: digest: \(sha256:[0-9a-f]\{64\}\) size: .*/\1/p' | tail -1)
  [ -n "$digest" ] || die "docker push $image printed no digest: $(printf '%s\n' "$PUSHED" | tail -1)"
  # By digest: what runs is what was pushed here, whatever is pushed under that tag later.
  printf -v "$var" '%s@%s' "$image" "$digest"
  export "${var?}"
}
to_push=()
for var in GATEWAY_IMAGE PROMETHEUS_IMAGE ALERTMANAGER_IMAGE NATS_IMAGE; do
  case "$PINNED" in *" $var "*) to_push+=("$var") ;; esac
done
if [ ${#to_push[@]} -gt 0 ] || $PUSH_FUNCTIONS; then
  say "pushing the images to the stack's registry ($REGISTRY on the daemon's node), so every node can pull them"
  for var in ${to_push[@]+"${to_push[@]}"}; do to_registry "$var"; done
  if $PUSH_FUNCTIONS; then
    for f in "${FUNCTIONS[@]}"; do
      docker tag "faas/$f:$FUNCTIONS_TAG" "$REGISTRY/faas/$f:$FUNCTIONS_TAG"
      push_image "$REGISTRY/faas/$f:$FUNCTIONS_TAG" "$WAIT_PUSH"
      WAIT_PUSH=30
    done
    export FUNCTIONS_REPO=$REGISTRY/faas
  fi
fi

# ---- deploy ----
if [ "$existing" -gt 0 ]; then
  say "updating the stack $STACK ($existing services running); services no longer in the stack files are removed"
else
  say "deploying the stack $STACK"
fi
if ! out=$(docker stack deploy --prune --resolve-image never "${FILES[@]}" "$STACK" 2>&1); then
  printf '%s\n' "$out" >&2
  die "docker stack deploy failed (above). If an earlier stack $STACK is half removed, wait a few seconds and run this again; to start over: FAAS_STACK=$STACK scripts/down.sh"
fi
printf '%s\n' "$out" | sed -n 's/^\(Creating\|Removing\) /up:   \1 /p'
updated=$(printf '%s\n' "$out" | grep -c '^Updating service' || true)
[ "$updated" = 0 ] || say "  $updated services updated (Swarm replaces the tasks of those whose settings or images changed)"

# ---- wait until it all answers ----
GW=http://$FAAS_HOST:$GATEWAY_PORT
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
  [ "$(http_code "http://$FAAS_HOST:$PROMETHEUS_PORT/-/ready")" = 200 ] || echo "prometheus(/-/ready)"
  for f in $(services --filter label=function=true); do
    f=${f#"${STACK}_"}
    code=$(http_code "$GW/function/$f" -d 0)
    case "$code" in 404|429|502|503|504|000) echo "$f(HTTP $code)" ;; esac
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
    hint=""
    if printf '%s\n' "$fatal" | tr ';' '\n' | grep -q "^${STACK}_registry\(-door\)\?: No such image"; then
      hint=" $(bootstrap_hint)."
    elif printf '%s\n' "$fatal" | grep -qF "No such image: $REGISTRY/"; then
      hint=" A node could not pull from the stack's registry: see the door on that node (docker service ps ${STACK}_registry-door) and ${STACK}_registry."
    fi
    die "the stack $STACK is deployed but cannot work: $fatal.$hint Fix that and run scripts/up.sh again (or remove it: FAAS_STACK=$STACK scripts/down.sh)"
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

# Tidy what earlier runs left: configs of older versions, and content tags no service uses any more (the local
# images, and their copies tagged for this stack's registry; the registry itself keeps what was pushed to it).
for c in $(docker config ls --filter "label=com.docker.stack.namespace=$STACK" --format '{{.Name}}'); do
  [[ $c == *"_$CONFIG_VERSION" ]] || docker config rm "$c" >/dev/null 2>&1 || true
done
in_use=" $(docker service ls --format '{{.Image}}' | tr '\n' ' ') $GATEWAY_IMAGE $PROMETHEUS_IMAGE $ALERTMANAGER_IMAGE $NATS_IMAGE"
in_use+=" $REGISTRY_IMAGE $REGISTRY_DOOR_IMAGE $PINNED "
for ref in $(docker image ls --format '{{.Repository}}:{{.Tag}}' \
             | grep -E "^(faas|127\.0\.0\.1:$REGISTRY_PORT/faas)/[^:]+:up-"); do
  case "$in_use" in *" $ref "*|*" $ref@"*) ;; *)
    [[ $ref == *":$FUNCTIONS_TAG" ]] || docker image rm "$ref" >/dev/null 2>&1 || true ;;
  esac
done

# ---- the faas CLI (cli/): next to the user's other tools ----
if [ "$(id -u)" = 0 ]; then CLI_DIR=${FAAS_CLI_DIR:-/usr/local/bin}; else CLI_DIR=${FAAS_CLI_DIR:-$HOME/.local/bin}; fi
CLI=""
if [ -f cli/target/faas.jar ]; then
  mkdir -p "$CLI_DIR/faas-cli"
  # Copied then renamed: a faas running meanwhile keeps reading the jar it opened.
  cp cli/target/faas.jar "$CLI_DIR/faas-cli/faas.jar.$$" && mv -f "$CLI_DIR/faas-cli/faas.jar.$$" "$CLI_DIR/faas-cli/faas.jar"
  cp cli/faas "$CLI_DIR/faas-cli/faas.$$" && mv -f "$CLI_DIR/faas-cli/faas.$$" "$CLI_DIR/faas-cli/faas"
  ln -sfn faas-cli/faas "$CLI_DIR/faas"
  CLI=$CLI_DIR/faas
else
  say "warning: the faas CLI is not built (cli/target/faas.jar is missing: mvn -B -DskipTests package); not installed"
fi

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

  Prometheus: http://$FAAS_HOST:$PROMETHEUS_PORT (alerts: http://$FAAS_HOST:$PROMETHEUS_PORT/alerts)
  Blueprint:  curl -H "Authorization: Bearer \$(cat $KEY_FILE)" $GW/api/functions/<id>   (docs/blueprint.md)
  Lambda:     AWS_SHARED_CREDENTIALS_FILE=$AWS_CREDENTIALS AWS_REGION=us-east-1 aws lambda invoke --endpoint-url $GW \\
                --function-name hello-lambda-shell --cli-binary-format raw-in-base64-out --payload '{"hi":1}' out.json   (docs/lambda.md)
  Registry:   $REGISTRY on every node, from the node itself only (docker tag x $REGISTRY/you/x:1 && docker push $REGISTRY/you/x:1)
  Services:   docker stack services $STACK
MSG
if [ -n "$CLI" ]; then
  cat <<MSG
  CLI:        $CLI   (docs/cli.md)
                $CLI login -g $GW -u admin --password-stdin < $PASSWORD_FILE
                $CLI new hello --lang python3 -g $GW -f hello.yml && $CLI up -f hello.yml
MSG
fi
cat <<MSG
  Remove:     FAAS_STACK=$STACK scripts/down.sh   (--purge also removes the secrets, the stored password and the registry's images)
MSG
