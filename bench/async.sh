#!/usr/bin/env bash
# Queued calls against synchronous calls of the same function (faas/catservice: the watchdog forking `cat`), on a
# stack of their own brought up by scripts/up.sh (its NATS with JetStream on a volume), in one run:
#   1. accepts: wrk POSTs 100 bytes to /async-function/catservice, then to /function/catservice, ROUNDS times
#      interleaved (A B A B ...), each after the queue has drained; req/s, p50, p99 of each and the ratio.
#      A 202 means stored on NATS's disk; the call itself runs later, so the two rows measure different work: what a
#      caller waits for.
#   2. end to end at a steady RATE (calls/s) for STEADY seconds: each tick sends one queued call with a callback and
#      one synchronous call; the callback receiver (a fork-mode script, e2e/src/test/resources/async-probe/www/record)
#      logs the kernel's uptime when it arrives, the sender logs it when it sends: accept → callback p50/p90/p99
#      against the synchronous call's own time.
# Prints the gateway's and NATS's RSS at the end. Everything is removed at the end (also on failure or Ctrl-C).
# usage: bench/async.sh        (DURATION=5s CONNS=16 ROUNDS=3 RATE=20 STEADY=20 to change the runs)
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-5s}
CONNS=${CONNS:-16}
ROUNDS=${ROUNDS:-3}
RATE=${RATE:-20}
STEADY=${STEADY:-20}
STACK=asyncbench$RANDOM
WORK=$(mktemp -d)
PROBE=faas-test/async-probe:$STACK
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
GATEWAY_PORT=$(free_port)
GW=http://127.0.0.1:$GATEWAY_PORT
export FAAS_STACK=$STACK FAAS_SECRETS_DIR=$WORK/secrets GATEWAY_PORT PROMETHEUS_PORT=$(free_port) REGISTRY_PORT=$(free_port)

die() { printf 'async-bench: error: %s\n' "$*" >&2; exit 1; }
say() { printf 'async-bench: %s\n' "$*"; }
cleanup() {
  if [ -f "$WORK/secrets/$STACK/basic-auth-password" ]; then
    for f in async-recorder; do
      curl -s -o /dev/null -u "admin:$(cat "$WORK/secrets/$STACK/basic-auth-password")" -X DELETE \
        "$GW/system/functions" -d "{\"functionName\":\"$f\"}" || true
    done
  fi
  scripts/down.sh --purge >/dev/null 2>&1 || true
  docker image rm -f "$PROBE" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

command -v wrk >/dev/null || die "wrk is missing (apt-get install wrk)"
docker image inspect faas/gateway faas/nats faas/catservice faas/watchdog >/dev/null 2>&1 \
  || die "the images are missing: run scripts/build-images.sh"

say "bringing up the stack $STACK (scripts/up.sh)"
FAAS_SKIP_BUILD=1 scripts/up.sh >"$WORK/up.log" 2>&1 || { cat "$WORK/up.log" >&2; die "scripts/up.sh failed"; }
PASSWORD=$(cat "$WORK/secrets/$STACK/basic-auth-password")
docker build -q -t "$PROBE" e2e/src/test/resources/async-probe >/dev/null 2>&1 || die "could not build the probe image"
curl -sf -o /dev/null -u "admin:$PASSWORD" "$GW/system/functions" -d "{\"service\":\"async-recorder\",\"image\":\"$PROBE\",\"labels\":{\"com.openfaas.scale.max\":\"1\"},\"envVars\":{\"mode\":\"fork\",\"fprocess\":\"/www/record\"}}" \
  || die "could not deploy the callback receiver"
for _ in $(seq 120); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$GW/function/async-recorder")" = 200 ] && break
  sleep 0.5
done

queue_idle() { # no queued or running call of catservice
  curl -s -u "admin:$PASSWORD" "$GW/system/queue" | python3 -c '
import json, sys
q = json.load(sys.stdin)
print("yes" if all(f["queued"] == 0 and f["running"] == 0 for f in q["functions"]) else "no")'
}
drain() {
  for _ in $(seq 600); do [ "$(queue_idle)" = yes ] && return; sleep 1; done
  die "the queue did not drain in 10 minutes"
}

printf 'x%.0s' $(seq 100) > "$WORK/body"
cat > "$WORK/post.lua" <<LUA
wrk.method = "POST"
wrk.body = "$(cat "$WORK/body")"
LUA
# wrk's summary as "req/s p50_ms p99_ms non2xx"
measure() {
  wrk -t1 -c"$CONNS" -d"$DURATION" --latency -s "$WORK/post.lua" "$1" 2>&1 | awk '
    /Requests\/sec/ {rps=$2}
    /Non-2xx/ {bad=$5}
    $1=="50%" {p50=$2} $1=="99%" {p99=$2}
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    END {printf "%.0f %.2f %.2f %d\n", rps, ms(p50), ms(p99), bad+0}'
}

say "warming up (10s of each)"
DURATION=10s measure "$GW/async-function/catservice" >/dev/null; drain
DURATION=10s measure "$GW/function/catservice" >/dev/null

say "1. accepted calls per second, $CONNS connections, $DURATION per round, $ROUNDS rounds interleaved"
printf '%-6s %-28s %10s %9s %9s %8s\n' round path req/s p50_ms p99_ms non-2xx
declare -a A S
for r in $(seq "$ROUNDS"); do
  drain
  read -r rps p50 p99 bad <<<"$(measure "$GW/async-function/catservice")"
  A+=("$rps"); printf '%-6s %-28s %10s %9s %9s %8s\n' "$r" "/async-function (202)" "$rps" "$p50" "$p99" "$bad"
  drain
  read -r rps p50 p99 bad <<<"$(measure "$GW/function/catservice")"
  S+=("$rps"); printf '%-6s %-28s %10s %9s %9s %8s\n' "$r" "/function (200)" "$rps" "$p50" "$p99" "$bad"
done
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
say "median accepts/s $(median "${A[@]}") vs sync calls/s $(median "${S[@]}"): ratio $(awk -v a="$(median "${A[@]}")" -v s="$(median "${S[@]}")" 'BEGIN {printf "%.2f", a/s}')"
drain

say "2. end to end at $RATE calls/s for ${STEADY}s: accept → callback, against the synchronous call"
uptime_now() { cut -d' ' -f1 /proc/uptime; }
: > "$WORK/sent"; : > "$WORK/sync"
interval=$(awk -v r="$RATE" 'BEGIN {printf "%.4f", 1/r}')
n=$((RATE * STEADY))
for i in $(seq "$n"); do
  id=bench-$STACK-$i
  printf '%s %s\n' "$id" "$(uptime_now)" >> "$WORK/sent"
  curl -s -o /dev/null -H "X-Call-Id: $id" -H "X-Callback-Url: http://gateway:8080/function/async-recorder" \
    "$GW/async-function/catservice" --data-binary @"$WORK/body" &
  curl -s -o /dev/null -w '%{time_total}\n' "$GW/function/catservice" --data-binary @"$WORK/body" >> "$WORK/sync" &
  sleep "$interval"
done
wait
for _ in $(seq 120); do
  got=$(curl -s "$GW/function/async-recorder" | grep -c "^bench-$STACK-" || true)
  [ "$got" -ge "$n" ] && break
  sleep 1
done
curl -s "$GW/function/async-recorder" > "$WORK/callbacks"
python3 - "$WORK/sent" "$WORK/callbacks" "$WORK/sync" "$n" <<'PY'
import sys
sent = dict(l.split()[:2] for l in open(sys.argv[1]) if l.strip())
arrived = {}
for l in open(sys.argv[2]):
    f = l.split()
    if len(f) >= 4 and f[0] in sent:
        arrived.setdefault(f[0], float(f[3]))
e2e = sorted((arrived[i] - float(sent[i])) * 1000 for i in arrived)
sync = sorted(float(l) * 1000 for l in open(sys.argv[3]) if l.strip())
def p(v, q): return v[min(len(v) - 1, int(q * len(v)))] if v else float("nan")
print(f"{'':24} {'p50_ms':>8} {'p90_ms':>8} {'p99_ms':>8} {'calls':>6}")
print(f"{'accept -> callback':24} {p(e2e,.5):8.0f} {p(e2e,.9):8.0f} {p(e2e,.99):8.0f} {len(e2e):6d}")
print(f"{'sync call (curl)':24} {p(sync,.5):8.0f} {p(sync,.9):8.0f} {p(sync,.99):8.0f} {len(sync):6d}")
print(f"callbacks arrived: {len(arrived)} of {sys.argv[4]} (uptime has 10 ms steps)")
PY
rss() { docker stats --no-stream --format '{{.MemUsage}}' "$(docker ps -q --filter "label=com.docker.swarm.service.name=${STACK}_$1" | head -1)" | cut -d/ -f1; }
say "memory after the run: gateway $(rss gateway), nats $(rss nats)"
