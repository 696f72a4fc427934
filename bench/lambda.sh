#!/usr/bin/env bash
# AWS Lambda on faas (docs/lambda.md), on a stack of its own brought up by scripts/up.sh, in one run. One handler,
# sample-functions/hello-lambda-java's example.Hello (a RequestHandler<Map, Map>), three ways:
#   lambda      mode=lambda: AWS's runtime interface client asks the watchdog's Runtime API for each event
#   http        mode=http: the same handler behind a plain HTTP server (example.HttpTwin, the same serializer)
# called as
#   invoke      POST /2015-03-31/functions/lambda/invocations (the Invoke API; basic auth, as wrk cannot sign)
#   /function   POST /function/<name> (the sync path; the Invoke API runs through it)
# at 1 and 16 connections, ROUNDS rounds interleaved (A B C A B C), after a warm-up of each: req/s, p50, p99, errors
# and the ratios lambda/http (goal >= 0.8) and invoke/function. At 16 connections also the two ways to run calls of
# one function side by side: 2 replicas of one runtime each, and 1 replica of lambda_runtimes=2. Then COLD cold
# starts from 0 replicas of lambda and http, and every replica's memory.
# usage: bench/lambda.sh     (DURATION=10s ROUNDS=3 COLD=5 to change the runs)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-3}
COLD=${COLD:-5}
STACK=lbench$RANDOM
WORK=$(mktemp -d)
GATEWAY_PORT=$(free_port)
GW=http://127.0.0.1:$GATEWAY_PORT
export FAAS_STACK=$STACK FAAS_SECRETS_DIR=$WORK/secrets GATEWAY_PORT PROMETHEUS_PORT=$(free_port) REGISTRY_PORT=$(free_port)
JVM="java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss256k -XX:MaxRAM=256m -XX:-UsePerfData -cp /var/task:/var/runtime/lib/*"
FUNCTIONS=(lambda http lambda-r2 lambda-x2)

die() { printf 'lambda-bench: error: %s\n' "$*" >&2; exit 1; }
say() { printf 'lambda-bench: %s\n' "$*"; }
api() { curl -s -o "$WORK/api.out" -w '%{http_code}' -u "$AUTH" "$@"; }
cleanup() {
  if [ -n "${AUTH:-}" ]; then
    for f in "${FUNCTIONS[@]}"; do api -X DELETE "$GW/system/functions" -d "{\"functionName\":\"$f\"}" >/dev/null || true; done
  fi
  scripts/down.sh --purge >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

command -v wrk >/dev/null || die "wrk is missing (apt-get install wrk)"
docker image inspect faas/gateway faas/hello-lambda-java >/dev/null 2>&1 || die "the images are missing: run scripts/build-images.sh"

say "bringing up the stack $STACK (scripts/up.sh)"
FAAS_SKIP_BUILD=1 scripts/up.sh >"$WORK/up.log" 2>&1 || { cat "$WORK/up.log" >&2; die "scripts/up.sh failed"; }
AUTH="admin:$(cat "$WORK/secrets/$STACK/basic-auth-password")"
BASIC="Basic $(printf '%s' "$AUTH" | base64 -w0)"

deploy() { # deploy <name> <replicas> <env json>: no scale.min label, so the cold runs may take it to 0
  local code
  code=$(api -X POST "$GW/system/functions" -d "{\"service\":\"$1\",\"image\":\"faas/hello-lambda-java\",
    \"labels\":{\"com.openfaas.scale.max\":\"$2\"},
    \"limits\":{\"memory\":\"256m\"},\"envVars\":$3}")
  [ "$2" = 1 ] || code=$code$(api "$GW/system/scale-function/$1" -d "{\"serviceName\":\"$1\",\"replicas\":$2}")
  [[ "$code" =~ ^(2..)+$ ]] || die "deploy $1 answered $code: $(cat "$WORK/api.out")"
}
deploy lambda 1 '{"AWS_LAMBDA_FUNCTION_NAME":"lambda"}'
deploy http 1 "{\"mode\":\"http\",\"upstream_url\":\"http://127.0.0.1:5000\",\"fprocess\":\"$JVM example.HttpTwin\"}"
deploy lambda-r2 2 '{"AWS_LAMBDA_FUNCTION_NAME":"lambda-r2"}'
deploy lambda-x2 1 '{"AWS_LAMBDA_FUNCTION_NAME":"lambda-x2","lambda_runtimes":"2"}'
BODY='{"name":"bench"}'
for f in "${FUNCTIONS[@]}"; do
  for _ in $(seq 600); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$GW/function/$f" -d "$BODY")" = 200 ] && continue 2
    sleep 0.1
  done
  die "$f did not answer 200 within 60s"
done

cat > "$WORK/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '$BODY'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "$BASIC"
LUA
INVOKE=$GW/2015-03-31/functions/lambda/invocations
[ "$(curl -s -o "$WORK/invoke.out" -w '%{http_code}' -H "Authorization: $BASIC" "$INVOKE" -d "$BODY")" = 200 ] \
  || die "the Invoke API answered: $(cat "$WORK/invoke.out")"
measure() { wrk_summary "$1" "$2" "$WORK/post.lua" "$3"; }
replicas() { curl -s -u "$AUTH" "$GW/system/function/$1" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("availableReplicas"))'; }

say "warming up (10s of each)"
for url in "$INVOKE" "$GW/function/lambda" "$GW/function/http" "$GW/function/lambda-r2" "$GW/function/lambda-x2"; do
  measure 16 10s "$url" >/dev/null
done

say "warm calls, $DURATION per round, $ROUNDS rounds interleaved"
printf '%-6s %-6s %-40s %10s %9s %9s %7s\n' conns round path req/s p50_ms p99_ms errors
row() { # row <conns> <round> <key> <label> <url>: prints the row; keeps its req/s in $WORK/rps-<conns>-<key>
  local rps p50 p99 bad
  read -r rps p50 p99 bad <<<"$(measure "$1" "$DURATION" "$5")"
  if [ "$rps" = 0 ]; then # say why: wrk's own output, and what the function answers now
    wrk -t1 -c"$1" -d2s -s "$WORK/post.lua" "$5" 2>&1 | sed 's/^/  wrk: /'
    curl -s -m 10 -i "$5" -d "$BODY" | head -12 | sed 's/^/  curl: /'
  fi
  printf '%-6s %-6s %-40s %10s %9s %9s %7s\n' "$1" "$2" "$4" "$rps" "$p50" "$p99" "$bad"
  echo "$rps" >>"$WORK/rps-$1-$3"
}
med() { median $(cat "$WORK/rps-$1-$2"); }
for conns in 1 16; do
  for r in $(seq "$ROUNDS"); do
    row "$conns" "$r" invoke "invoke lambda (Invoke API)" "$INVOKE"
    row "$conns" "$r" lambda "/function/lambda (mode=lambda)" "$GW/function/lambda"
    row "$conns" "$r" http "/function/http (same handler, mode=http)" "$GW/function/http"
    if [ "$conns" = 16 ]; then
      row "$conns" "$r" r2 "/function/lambda-r2 (2 replicas)" "$GW/function/lambda-r2"
      row "$conns" "$r" x2 "/function/lambda-x2 (lambda_runtimes=2)" "$GW/function/lambda-x2"
    fi
  done
  mi=$(med "$conns" invoke); ml=$(med "$conns" lambda); mh=$(med "$conns" http)
  line="$conns connections, medians: invoke $mi, /function lambda $ml, http $mh req/s; lambda/http $(ratio "$ml" "$mh"), invoke/function $(ratio "$mi" "$ml")"
  if [ "$conns" = 16 ]; then
    line="$line; 2 replicas $(med 16 r2), lambda_runtimes=2 $(med 16 x2) req/s"
  fi
  say "$line"
done

say "cold starts ($COLD each), from 0 replicas"
cold() { # cold <function>: one call timed after scaling to 0
  api "$GW/system/scale-function/$1" -d "{\"serviceName\":\"$1\",\"replicas\":0}" >/dev/null
  for _ in $(seq 200); do
    [ -z "$(docker ps -q --filter "label=com.docker.swarm.service.name=$1")" ] && break
    sleep 0.1
  done
  sleep 1
  [ "$(replicas "$1")" = 0 ] || die "$1 did not go to 0 replicas"
  curl -s -o "$WORK/cold.out" -w '%{http_code} %{time_total}\n' "$GW/function/$1" -d "$BODY" >"$WORK/cold.line"
  [ "$(cut -d' ' -f1 "$WORK/cold.line")" = 200 ] || die "the cold call of $1 answered $(cat "$WORK/cold.line"): $(cat "$WORK/cold.out")"
  cut -d' ' -f2 "$WORK/cold.line"
}
for f in lambda http; do
  : >"$WORK/cold-$f"
  for _ in $(seq "$COLD"); do cold "$f" >>"$WORK/cold-$f"; done
  python3 - "$WORK/cold-$f" "$f" <<'PY'
import sys
v = sorted(float(l) * 1000 for l in open(sys.argv[1]) if l.strip())
print(f"lambda-bench: cold call of {sys.argv[2]}, ms: p50 {v[len(v)//2]:.0f}, max {v[-1]:.0f} ({len(v)} runs): "
      + " ".join(f"{x:.0f}" for x in v))
PY
done
say "memory after the run: lambda $(rss_of lambda), http $(rss_of http), lambda-x2 $(rss_of lambda-x2), gateway $(rss_of "${STACK}_gateway")"
