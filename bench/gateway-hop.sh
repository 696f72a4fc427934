#!/usr/bin/env bash
# What the gateway hop costs: wrk -> gateway -> function against wrk -> the same function directly, both published
# on 127.0.0.1 (swarm `mode: host`), at 1 and 16 connections, 100-byte POSTs. Upstreams: faas/catservice (watchdog
# forking `cat` per request) and a warm stand-in: a tiny JDK HttpServer in faas/jre:17 that reads the body and answers
# 100 bytes on keep-alive connections (busybox httpd would close every connection, which measures reconnects).
# Prints req/s, p50, p99, the ratios, the added latency and the gateway's RSS under load.
# Everything it deploys is one uniquely named stack, removed at the end (also on failure or Ctrl-C).
# The gateway is warmed with WARMUP (30s) of load first: its JIT needs about 20-30 s of CPU under load before the
# per-call cost settles (measured: ~500 us of gateway CPU per call in the first 8 s, ~80 us from 25 s on), and a
# shorter warm-up measures the compiler rather than the hop.
# usage: bench/gateway-hop.sh            (DURATION=8s CONNS="1 16" WARMUP=30s to change the runs)
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-8s}
WARMUP=${WARMUP:-30s}
CONNS=${CONNS:-1 16}
STACK=gwbench$RANDOM
NET=$STACK-fn
WORK=$(mktemp -d)
WARM_IMAGE=faas/gwbench-warm:$STACK

die() { printf 'gateway-hop: error: %s\n' "$*" >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
cleanup() {
  docker stack rm "$STACK" >/dev/null 2>&1 || true
  for _ in $(seq 60); do docker network inspect "$NET" >/dev/null 2>&1 || break; sleep 0.5; done
  # Swarm sometimes keeps the network past the wait (seen on 2026-11-30): remove it outright.
  docker network rm "$NET" >/dev/null 2>&1 || true
  docker image rm -f "$WARM_IMAGE" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

command -v wrk >/dev/null || die "wrk is missing (apt-get install wrk)"
for image in faas/gateway faas/catservice faas/jre:17; do
  docker image inspect "$image" >/dev/null 2>&1 || die "image $image is missing: run scripts/build-images.sh"
done

# The warm upstream: compiled here, run by the base image's JRE.
mkdir -p "$WORK/warm"
cat > "$WORK/warm/Warm.java" <<'JAVA'
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
public class Warm {
    public static void main(String[] a) throws Exception {
        byte[] out = "x".repeat(100).getBytes();
        HttpServer s = HttpServer.create(new InetSocketAddress(8080), 256);
        s.setExecutor(Executors.newFixedThreadPool(16));
        s.createContext("/", e -> { e.getRequestBody().readAllBytes(); e.sendResponseHeaders(200, out.length);
            e.getResponseBody().write(out); e.close(); });
        s.start();
    }
}
JAVA
javac --release 17 -d "$WORK/warm" "$WORK/warm/Warm.java"
printf 'FROM faas/jre:17\nCOPY Warm.class /app/\nEXPOSE 8080\nCMD ["java", "-Dsun.net.httpserver.nodelay=true", "-XX:+UseSerialGC", "-cp", "/app", "Warm"]\n' > "$WORK/warm/Dockerfile"
docker build -q -t "$WARM_IMAGE" "$WORK/warm" >/dev/null 2>&1 || die "could not build the warm upstream image"

GW=$(free_port); CAT=$(free_port); WARM=$(free_port)
cat > "$WORK/stack.yml" <<YML
version: "3.8"
services:
  gateway:
    image: faas/gateway
    environment: {functions_network: $NET}
    volumes: ["/var/run/docker.sock:/var/run/docker.sock"]
    ports: [{target: 8080, published: $GW, protocol: tcp, mode: host}]
    networks: [functions]
  cat:
    image: faas/catservice
    ports: [{target: 8080, published: $CAT, protocol: tcp, mode: host}]
    networks: [functions]
    deploy: {replicas: 1, endpoint_mode: dnsrr, labels: {function: "true"}}
  warm:
    image: $WARM_IMAGE
    ports: [{target: 8080, published: $WARM, protocol: tcp, mode: host}]
    networks: [functions]
    deploy: {replicas: 1, endpoint_mode: dnsrr, labels: {function: "true"}}
networks:
  functions: {driver: overlay, attachable: true, name: $NET}
YML
docker stack deploy --resolve-image never -c "$WORK/stack.yml" "$STACK" >/dev/null

wait_200() { # wait_200 <url> [curl args]
  local url=$1; shift
  for _ in $(seq 240); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$@" "$url" || true)" = 200 ] && return 0
    sleep 0.25
  done
  die "$url did not answer 200 within 60 s"
}
wait_200 "http://127.0.0.1:$GW/function/cat" -d x
wait_200 "http://127.0.0.1:$GW/function/warm"
wait_200 "http://127.0.0.1:$CAT/" -d x
wait_200 "http://127.0.0.1:$WARM/"

head -c 100 /dev/zero | tr '\0' 'a' > "$WORK/body"
cat > "$WORK/post.lua" <<LUA
wrk.method = "POST"
wrk.body = "$(cat "$WORK/body")"
wrk.headers["Content-Type"] = "text/plain"
LUA
GW_CONTAINER=$(docker ps -q --filter "label=com.docker.swarm.service.name=${STACK}_gateway" | head -1)

# run <url> <conns> <lua|-> -> "rps p50ms p99ms"
run() {
  local url=$1 c=$2 script=$3 out
  local args=(-t 1 -c "$c" -d "$DURATION" --latency)
  [ "$script" != - ] && args+=(-s "$script")
  out=$(wrk "${args[@]}" "$url")
  awk '
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    /Requests\/sec/ {rps=$2} $1=="50%" {p50=ms($2)} $1=="99%" {p99=ms($2)}
    /Non-2xx/ {bad=$NF}
    END {printf "%.0f %.3f %.3f %s\n", rps, p50, p99, (bad==""?0:bad)}' <<<"$out"
}
# The gateway's java is its container's PID 1.
rss_mb() { awk '/^VmRSS/ {printf "%.0f", $2/1024}' "/proc/$(docker inspect -f '{{.State.Pid}}' "$GW_CONTAINER")/status"; }

printf '%-8s %5s | %9s %8s %8s | %9s %8s %8s | %6s %9s %7s\n' upstream conns \
  "gw req/s" "gw p50" "gw p99" "dir req/s" "dir p50" "dir p99" "ratio" "added p50" "gw RSS"
for target in cat warm; do
  if [ $target = cat ]; then gw_url=http://127.0.0.1:$GW/function/cat; dir_url=http://127.0.0.1:$CAT/; lua=$WORK/post.lua
  else gw_url=http://127.0.0.1:$GW/function/warm; dir_url=http://127.0.0.1:$WARM/; lua=$WORK/post.lua; fi
  DURATION=$WARMUP run "$gw_url" 16 "$lua" >/dev/null   # warm the JIT and the pools
  DURATION=3s run "$dir_url" 4 "$lua" >/dev/null
  for c in $CONNS; do
    ( sleep 2; rss_mb > "$WORK/rss" ) &
    read -r g_rps g_p50 g_p99 g_bad < <(run "$gw_url" "$c" "$lua")
    wait
    read -r d_rps d_p50 d_p99 d_bad < <(run "$dir_url" "$c" "$lua")
    [ "$g_bad" = 0 ] && [ "$d_bad" = 0 ] || echo "warning: non-2xx answers (gateway $g_bad, direct $d_bad)" >&2
    printf '%-8s %5s | %9s %6sms %6sms | %9s %6sms %6sms | %5.0f%% %7sms %5sMB\n' "$target" "$c" \
      "$g_rps" "$g_p50" "$g_p99" "$d_rps" "$d_p50" "$d_p99" \
      "$(awk -v a="$g_rps" -v b="$d_rps" 'BEGIN{print 100*a/b}')" \
      "$(awk -v a="$g_p50" -v b="$d_p50" 'BEGIN{printf "%.3f", a-b}')" "$(cat "$WORK/rss")"
  done
done
echo "(wrk, the gateway and the functions share this machine's $(nproc) cores; compare ratios from one run)"
