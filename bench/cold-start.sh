#!/usr/bin/env bash
# Cold starts: the first call to a function at 0 replicas, through the gateway, which holds the call, scales the
# function to 1 and forwards it the moment the new replica's watchdog answers. RUNS (20) rounds, interleaved, each:
#   catservice (fork mode: the watchdog forks `cat`) and hello-java (http mode: a warm JVM behind the watchdog) taken
#   to 0, then one call timed with curl; the gateway's log line gives the phases (scheduling, container start,
#   process ready);
#   the same call against the now warm replica (the baseline: what the call costs without a start);
#   `docker service scale` alone on a service no gateway watches: to its container's start event, and to Swarm's
#   "running" (after the first health check, which is what a gateway waiting for "healthy" would wait for).
# Prints p50 / p90 / p99 / max in ms. Everything is one uniquely named stack on 127.0.0.1, removed at the end.
# usage: bench/cold-start.sh            (RUNS=5 for a quick look)
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-20}
STACK=coldbench$RANDOM
NET=$STACK-fn
WORK=$(mktemp -d)

die() { printf 'cold-start: error: %s\n' "$*" >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
now_ms() { date +%s%3N; }
cleanup() {
  [ -n "${EVENTS:-}" ] && kill "$EVENTS" 2>/dev/null || true
  docker service rm "$STACK-alone" >/dev/null 2>&1 || true
  docker stack rm "$STACK" >/dev/null 2>&1 || true
  for _ in $(seq 60); do docker network inspect "$NET" >/dev/null 2>&1 || break; sleep 0.5; done
  docker network rm "$NET" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

for image in faas/gateway faas/catservice faas/hello-java; do
  docker image inspect "$image" >/dev/null 2>&1 || die "image $image is missing: run scripts/build-images.sh"
done
PORT=$(free_port)

cat > "$WORK/stack.yml" <<YAML
version: "3.8"
x-function: &function
  networks: [functions]
  healthcheck: {interval: 2s, timeout: 10s, retries: 3}
  deploy:
    endpoint_mode: dnsrr
    replicas: 1
    labels: {function: "true", com.openfaas.scale.min: "0"}
    restart_policy: {condition: any, delay: 5s}
    resources: {limits: {memory: 256M}}
services:
  gateway:
    image: faas/gateway
    environment: {functions_network: $NET}
    volumes: ["/var/run/docker.sock:/var/run/docker.sock"]
    ports: [{target: 8080, published: $PORT, protocol: tcp, mode: host}]
    networks: [functions]
    deploy: {endpoint_mode: dnsrr}
  catservice:
    <<: *function
    image: faas/catservice
  hello-java:
    <<: *function
    image: faas/hello-java
networks:
  functions: {name: $NET, driver: overlay, attachable: true}
YAML
docker stack deploy --resolve-image never -c "$WORK/stack.yml" "$STACK" >/dev/null
# The same image as catservice, with no gateway watching: Docker's own share of a start.
docker service create --quiet --detach --no-resolve-image --name "$STACK-alone" --network "$NET" \
  --endpoint-mode dnsrr --replicas 0 --health-interval 2s --health-timeout 10s --health-retries 3 \
  faas/catservice >/dev/null

# The gateway's container log, read straight from this node (docker service logs lags by seconds).
gateway_log() { docker logs "$(docker ps -q --filter "label=com.docker.swarm.service.name=${STACK}_gateway" | head -1)" 2>&1; }
call() { curl -s -o /dev/null -w '%{http_code} %{time_total}\n' --max-time 60 "http://127.0.0.1:$PORT/function/$1" -d 'hello'; }
wait_ok() {
  for _ in $(seq 300); do [ "$(call "$1" | cut -d' ' -f1)" = 200 ] && return 0; sleep 0.2; done
  die "$1 does not answer through the gateway"
}
to_zero() {
  docker service scale -d "$1=0" >/dev/null 2>&1
  for _ in $(seq 300); do [ -z "$(docker ps -q --filter "label=com.docker.swarm.service.name=$1")" ] && break; sleep 0.1; done
  sleep 1 # let the gateway see the service at 0 and the node settle
}
wait_ok catservice
wait_ok hello-java
echo "cold-start: $RUNS rounds (each: catservice, hello-java, docker alone), gateway on 127.0.0.1:$PORT" >&2

: > "$WORK/results"
for round in $(seq "$RUNS"); do
  for fn in catservice hello-java; do
    to_zero "${STACK}_$fn"
    before=$(gateway_log | grep -c "event=cold_start function=$fn " || true)
    read -r code seconds < <(call "$fn")
    [ "$code" = 200 ] || die "$fn answered $code to its first call from zero"
    line=
    for _ in $(seq 50); do # the log line reaches Docker's log a moment after the answer
      lines=$(gateway_log | grep "event=cold_start function=$fn " || true)
      [ "$(grep -c . <<<"$lines")" -gt "$before" ] && { line=$(tail -1 <<<"$lines"); break; }
      sleep 0.1
    done
    phases=$(sed -E 's/.*scheduling_ms=([0-9a-z]+) container_start_ms=([0-9a-z]+) process_ready_ms=([0-9a-z]+).*/\1 \2 \3/' <<<"$line")
    read -r warm_code warm_seconds < <(call "$fn")
    [ "$warm_code" = 200 ] || die "$fn answered $warm_code warm"
    echo "$fn cold $seconds $phases" >> "$WORK/results"
    echo "$fn warm $warm_seconds" >> "$WORK/results"
  done
  # Docker alone: its container's start event, and Swarm's "running" (first health check passed).
  svc="$STACK-alone"
  docker events --filter "label=com.docker.swarm.service.name=$svc" --filter type=container \
    --format '{{.TimeNano}} {{.Action}}' > "$WORK/events" & EVENTS=$!
  sleep 0.3
  t0=$(now_ms)
  docker service scale -d "$svc=1" >/dev/null 2>&1
  for _ in $(seq 600); do
    docker service ps "$svc" --filter desired-state=running --format '{{.CurrentState}}' | grep -q '^Running' && break
    sleep 0.05
  done
  t_running=$(now_ms)
  kill "$EVENTS"; EVENTS=
  started=$(awk '$2 == "start" {print substr($1, 1, 13); exit}' "$WORK/events")
  echo "docker start $(( started - t0 )) $(( t_running - t0 ))" >> "$WORK/results"
  to_zero "$svc"
  printf '.' >&2
done
echo >&2

python3 - "$WORK/results" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1])]
def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]
def show(label, xs):
    if not xs:
        print(f"  {label:<44} (none)"); return
    print(f"  {label:<44} {pct(xs,50):7.0f} {pct(xs,90):7.0f} {pct(xs,99):7.0f} {max(xs):7.0f}   n={len(xs)}")
def num(v):
    return float(v) if v.replace('.', '', 1).isdigit() else None
print(f"{'':46} {'p50':>7} {'p90':>7} {'p99':>7} {'max':>7}   (ms)")
for fn in ("catservice", "hello-java"):
    cold = [r for r in rows if r[0] == fn and r[1] == "cold"]
    warm = [float(r[2]) * 1000 for r in rows if r[0] == fn and r[1] == "warm"]
    print(fn)
    show("first call from 0 replicas", [float(r[2]) * 1000 for r in cold])
    for i, phase in enumerate(("scheduling (call -> container created)", "container start (created -> started)",
                               "process ready (started -> watchdog answers)")):
        show("  " + phase, [v for v in (num(r[3 + i]) for r in cold if len(r) > 5) if v is not None])
    show("same call, warm replica (baseline)", warm)
    c, w = [float(r[2]) * 1000 for r in cold], warm
    if c and w:
        print(f"  {'cold / warm p50':<44} {pct(c,50) / max(pct(w,50), 0.001):7.1f}x")
alone = [r for r in rows if r[0] == "docker"]
print("docker service scale alone (catservice image, no gateway)")
show("to its container's start event", [float(r[2]) for r in alone])
show("to Swarm's running (first health check)", [float(r[3]) for r in alone])
PY
