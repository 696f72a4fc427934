#!/usr/bin/env bash
# The Blueprint FaaS spec's performance targets (docs/blueprint.md), on a stack of its own brought up by
# scripts/up.sh, in one run:
#   0. deploy: a zip with a `bootstrap` (busybox sh exec'ing cat: the cheapest bootstrap, so the platform's own cost
#      shows) through PUT /api/functions/{id}: upload -> deployed, and -> the first successful invoke.
#   1. warm invokes: wrk POSTs {job_id, args} to /api/functions/{id}/invoke and, interleaved in the same run (A B C A
#      B C, ROUNDS rounds), the same body to /function/{id} (the sync path the invoke runs through, without the
#      Blueprint JSON around it) and to the function's own image run alone on 127.0.0.1 (the watchdog forking the
#      bootstrap: the floor no gateway can beat), at 1 and 16 connections: req/s, p50, p99, errors; the ratios.
#   2. 100 concurrent invocations for DURATION: errors must be 0.
#   3. cold starts: COLD times, the function taken to 0 replicas, then one invoke timed (the call is held while a
#      replica starts): p50 / max.
# Spec targets: warm p50 < 50 ms, p99 < 100 ms, >= 1,000 req/s per function (100 minimum), >= 100 concurrent;
# cold start p50 < 500 ms, p99 < 1 s. Prints the gateway's RSS at the end. Everything is removed at the end.
# usage: bench/blueprint.sh     (DURATION=10s ROUNDS=3 COLD=5 to change the runs)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-3}
COLD=${COLD:-5}
STACK=bpbench$RANDOM
WORK=$(mktemp -d)
FN=bpbench
GATEWAY_PORT=$(free_port)
GW=http://127.0.0.1:$GATEWAY_PORT
export FAAS_STACK=$STACK FAAS_SECRETS_DIR=$WORK/secrets GATEWAY_PORT PROMETHEUS_PORT=$(free_port) REGISTRY_PORT=$(free_port)

die() { printf 'blueprint-bench: error: %s\n' "$*" >&2; exit 1; }
say() { printf 'blueprint-bench: %s\n' "$*"; }
now_ms() { date +%s%3N; }
cleanup() {
  docker rm -f "$STACK-alone" >/dev/null 2>&1 || true
  if [ -n "${AUTH:-}" ]; then
    curl -s -o /dev/null -u "$AUTH" -X DELETE "$GW/api/functions/$FN" || true
  fi
  scripts/down.sh --purge >/dev/null 2>&1 || true
  for image in $(docker image ls --format '{{.Repository}}:{{.Tag}}' | grep "faas-fn/$FN:" || true); do
    docker image rm -f "$image" >/dev/null 2>&1 || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

command -v wrk >/dev/null || die "wrk is missing (apt-get install wrk)"
command -v zip >/dev/null || command -v python3 >/dev/null || die "python3 is missing"
docker image inspect faas/gateway faas/watchdog >/dev/null 2>&1 || die "the images are missing: run scripts/build-images.sh"

say "bringing up the stack $STACK (scripts/up.sh)"
FAAS_SKIP_BUILD=1 scripts/up.sh >"$WORK/up.log" 2>&1 || { cat "$WORK/up.log" >&2; die "scripts/up.sh failed"; }
AUTH="admin:$(cat "$WORK/secrets/$STACK/basic-auth-password")"
BASIC="Basic $(printf '%s' "$AUTH" | base64 -w0)"

python3 - "$WORK/fn.zip" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    info = zipfile.ZipInfo("bootstrap")
    info.external_attr = 0o100755 << 16
    z.writestr(info, "#!/bin/sh\nexec cat\n")
PY
CONFIG=$(printf '{"memory_mb":256,"timeout_secs":30,"max_concurrency":1000}' | base64 -w0)
BODY='{"job_id":1,"args":[104,101,108,108,111]}'

say "0. deploy a bootstrap zip"
t0=$(now_ms)
code=$(curl -s -o "$WORK/deploy.json" -w '%{http_code}' -u "$AUTH" -X PUT "$GW/api/functions/$FN" \
  -H 'Content-Type: application/zip' -H "X-Blueprint-Config: $CONFIG" --data-binary @"$WORK/fn.zip")
t1=$(now_ms)
[ "$code" = 200 ] || die "deploy answered $code: $(cat "$WORK/deploy.json")"
for _ in $(seq 200); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' -u "$AUTH" "$GW/api/functions/$FN/invoke" -d "$BODY")" = 200 ] && break
  sleep 0.05
done
t2=$(now_ms)
say "upload -> deployed $((t1 - t0)) ms (its cold_start_ms $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["cold_start_ms"])' "$WORK/deploy.json")), upload -> first successful invoke $((t2 - t0)) ms"

cat > "$WORK/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '$BODY'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "$BASIC"
LUA
measure() { wrk_summary "$1" "$2" "$WORK/post.lua" "$3"; } # measure <conns> <duration> <url>

IMAGE=$(curl -s -u "$AUTH" "$GW/system/function/$FN" | python3 -c 'import json,sys; print(json.load(sys.stdin)["image"])')
ALONE_PORT=$(free_port)
docker run -d --name "$STACK-alone" -p "127.0.0.1:$ALONE_PORT:8080" -e exec_timeout=30s -e write_timeout=31s \
  -e max_inflight=1000 "${IMAGE%@*}" >/dev/null || die "could not run $IMAGE alone"
ALONE=http://127.0.0.1:$ALONE_PORT/
for _ in $(seq 100); do curl -s -o /dev/null "$ALONE" -d "$BODY" && break; sleep 0.1; done

say "warming up (10s of each)"
measure 16 10s "$GW/api/functions/$FN/invoke" >/dev/null
measure 16 10s "$GW/function/$FN" >/dev/null
measure 16 10s "$ALONE" >/dev/null

say "1. warm invokes, $DURATION per round, $ROUNDS rounds interleaved"
printf '%-6s %-6s %-32s %10s %9s %9s %7s\n' conns round path req/s p50_ms p99_ms errors
for conns in 1 16; do
  B=(); S=(); D=()
  for r in $(seq "$ROUNDS"); do
    read -r rps p50 p99 bad <<<"$(measure "$conns" "$DURATION" "$GW/api/functions/$FN/invoke")"
    B+=("$rps"); printf '%-6s %-6s %-32s %10s %9s %9s %7s\n' "$conns" "$r" "/api/functions/$FN/invoke" "$rps" "$p50" "$p99" "$bad"
    read -r rps p50 p99 bad <<<"$(measure "$conns" "$DURATION" "$GW/function/$FN")"
    S+=("$rps"); printf '%-6s %-6s %-32s %10s %9s %9s %7s\n' "$conns" "$r" "/function/$FN" "$rps" "$p50" "$p99" "$bad"
    read -r rps p50 p99 bad <<<"$(measure "$conns" "$DURATION" "$ALONE")"
    D+=("$rps"); printf '%-6s %-6s %-32s %10s %9s %9s %7s\n' "$conns" "$r" "the image alone" "$rps" "$p50" "$p99" "$bad"
  done
  say "$conns connections, medians: invoke $(median "${B[@]}"), sync path $(median "${S[@]}"), the image alone $(median "${D[@]}") req/s; invoke/sync $(ratio "$(median "${B[@]}")" "$(median "${S[@]}")"), invoke/alone $(ratio "$(median "${B[@]}")" "$(median "${D[@]}")")"
done

say "2. 100 concurrent invocations for $DURATION"
read -r rps p50 p99 bad <<<"$(measure 100 "$DURATION" "$GW/api/functions/$FN/invoke")"
say "100 connections: $rps req/s, p50 $p50 ms, p99 $p99 ms, errors $bad"

say "3. cold starts ($COLD), from 0 replicas"
: > "$WORK/cold"
for i in $(seq "$COLD"); do
  curl -s -o /dev/null -u "$AUTH" "$GW/system/scale-function/$FN" -d "{\"serviceName\":\"$FN\",\"replicas\":0}"
  for _ in $(seq 200); do
    [ -z "$(docker ps -q --filter "label=com.docker.swarm.service.name=$FN")" ] && break
    sleep 0.1
  done
  sleep 1
  curl -s -o /dev/null -w '%{time_total}\n' -u "$AUTH" "$GW/api/functions/$FN/invoke" -d "$BODY" >> "$WORK/cold"
done
python3 - "$WORK/cold" <<'PY'
import sys
v = sorted(float(l) * 1000 for l in open(sys.argv[1]) if l.strip())
print(f"cold invoke ms: p50 {v[len(v)//2]:.0f}, max {v[-1]:.0f} ({len(v)} runs): " + " ".join(f"{x:.0f}" for x in v))
PY
say "memory after the run: gateway $(rss_of "${STACK}_gateway")"
