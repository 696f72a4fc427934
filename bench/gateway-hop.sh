#!/usr/bin/env bash
# What the gateway hop costs, against the same function called directly and through nginx (Debian's, keep-alive
# upstream) as the peer proxy, interleaved in one run: ROUNDS rounds of DURATION at each of CONNS connections,
# direct, gateway, nginx in turn; medians and ranges. 100-byte POSTs.
#
# Every path is the same kind of network path: wrk runs in the network namespace of a client container on the
# functions' overlay (nsenter: the host itself never sends to an overlay address), so each call crosses the overlay
# from the client to its target; no docker-proxy (host-mode ports) is in any path. nginx runs in a peer container's
# namespace, likewise on the overlay, and proxies to the function's overlay address.
# The function: bench/upstream/EchoServer (a blocking keep-alive echo server, as fast as a warm function gets) in
# faas/jre:17. CPU per call is the proxy's own (its container's cgroup; nginx's own cgroup); RSS idle before the
# runs and at the peak under load. The gateway is warmed with WARMUP (30s) of load first: its JIT needs 20-30 s of
# CPU under load before the cost per call settles.
# usage: bench/gateway-hop.sh            (ROUNDS=3 DURATION=8s CONNS="1 16" WARMUP=30s)
#        PERF=/tmp/gw.data bench/gateway-hop.sh   also records a system-wide perf profile (perf record -a -g) of
#        the last round's gateway run at the most connections; perf report --sort comm,dso reads it
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-8s}
WARMUP=${WARMUP:-30s}
CONNS=${CONNS:-1 16}
STACK=gwbench$RANDOM
NET=$STACK-fn
WORK=$(mktemp -d)
ECHO_IMAGE=faas/gwbench-echo:$STACK
NGINX_PID=
CG=

die() { printf 'gateway-hop: error: %s\n' "$*" >&2; exit 1; }
say() { printf 'gateway-hop: %s\n' "$*" >&2; }
cleanup() {
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null; wait 2>/dev/null || true
  [ -n "$CG" ] && rmdir "$CG" 2>/dev/null || true
  docker stack rm "$STACK" >/dev/null 2>&1 || true
  for _ in $(seq 60); do docker network inspect "$NET" >/dev/null 2>&1 || break; sleep 0.5; done
  # Swarm sometimes keeps the network past the wait (seen on 2026-11-30): remove it outright.
  docker network rm "$NET" >/dev/null 2>&1 || true
  docker image rm -f "$ECHO_IMAGE" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

for tool in wrk nginx nsenter; do command -v $tool >/dev/null || die "$tool is missing (apt-get install wrk nginx-light util-linux)"; done
for image in faas/gateway faas/jre:17; do
  docker image inspect "$image" >/dev/null 2>&1 || die "image $image is missing: run scripts/build-images.sh"
done
CG_ROOT=/sys/fs/cgroup/cpuacct
[ -f "$CG_ROOT/cpuacct.usage" ] || die "this script counts CPU with cgroup v1 cpuacct ($CG_ROOT), which this host lacks"

mkdir -p "$WORK/echo"
javac --release 17 -d "$WORK/echo" bench/upstream/EchoServer.java
printf 'FROM faas/jre:17\nCOPY *.class /app/\nEXPOSE 8080\nCMD ["java", "-XX:+UseSerialGC", "-cp", "/app", "EchoServer", "0.0.0.0", "8080"]\n' \
  > "$WORK/echo/Dockerfile"
docker build -q -t "$ECHO_IMAGE" "$WORK/echo" >/dev/null 2>&1 || die "could not build the echo function image"

cat > "$WORK/stack.yml" <<YML
version: "3.8"
services:
  gateway:
    image: faas/gateway
    environment: {functions_network: $NET}
    volumes: ["/var/run/docker.sock:/var/run/docker.sock"]
    networks: [functions]
  echo:
    image: $ECHO_IMAGE
    networks: [functions]
    deploy: {replicas: 1, endpoint_mode: dnsrr, labels: {function: "true"}}
  client:
    image: faas/jre:17
    command: ["sleep", "1000000"]
    networks: [functions]
    deploy: {endpoint_mode: dnsrr}
  peer:
    image: faas/jre:17
    command: ["sleep", "1000000"]
    networks: [functions]
    deploy: {endpoint_mode: dnsrr}
networks:
  functions: {driver: overlay, attachable: true, name: $NET}
YML
docker stack deploy --resolve-image never -c "$WORK/stack.yml" "$STACK" >/dev/null

container_of() { # the running container of a service, once there is one
  local id
  for _ in $(seq 240); do
    id=$(docker ps -q --filter "label=com.docker.swarm.service.name=${STACK}_$1" | head -1)
    [ -n "$id" ] && { docker inspect -f '{{.Id}}' "$id"; return 0; }
    sleep 0.25
  done
  die "service $1 has no running container after 60 s"
}
ip_of() { docker inspect -f "{{(index .NetworkSettings.Networks \"$NET\").IPAddress}}" "$1"; }
pid_of() { docker inspect -f '{{.State.Pid}}' "$1"; }
GW_C=$(container_of gateway); ECHO_C=$(container_of echo); CLIENT_C=$(container_of client); PEER_C=$(container_of peer)
GW_IP=$(ip_of "$GW_C"); ECHO_IP=$(ip_of "$ECHO_C"); PEER_IP=$(ip_of "$PEER_C")
CLIENT_PID=$(pid_of "$CLIENT_C"); GW_PID=$(pid_of "$GW_C") # the gateway's java is its container's PID 1
in_client() { nsenter -t "$CLIENT_PID" -n "$@"; }

# nginx, the host's binary in the peer container's network namespace, in a cgroup of its own for its CPU
mkdir -p "$WORK/nginx"
cat > "$WORK/nginx/nginx.conf" <<NGINX
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx; proxy_temp_path $WORK/nginx;
  fastcgi_temp_path $WORK/nginx; uwsgi_temp_path $WORK/nginx; scgi_temp_path $WORK/nginx;
  upstream fn { server $ECHO_IP:8080; keepalive 64; }
  server {
    listen 8080;
    location / { proxy_pass http://fn; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
NGINX
CG=$CG_ROOT/faas-gwbench-$$; mkdir -p "$CG"
sh -c 'echo $$ > "$1/cgroup.procs" && exec nsenter -t "$2" -n nginx -g "daemon off;" -c "$3"' nginx "$CG" \
  "$(pid_of "$PEER_C")" "$WORK/nginx/nginx.conf" &
NGINX_PID=$!

wait_200() { # wait_200 <url>: from the client's namespace
  for _ in $(seq 240); do
    [ "$(in_client curl -s -o /dev/null -w '%{http_code}' -d x "$1" || true)" = 200 ] && return 0
    sleep 0.25
  done
  die "$1 did not answer 200 within 60 s"
}
DIRECT=http://$ECHO_IP:8080/
GATEWAY=http://$GW_IP:8080/function/echo
NGINX=http://$PEER_IP:8080/
wait_200 "$DIRECT"; wait_200 "$GATEWAY"; wait_200 "$NGINX"

GW_CG=$(ls -d "$CG_ROOT"/docker/"$GW_C" 2>/dev/null || true)
[ -n "$GW_CG" ] || GW_CG=$(find "$CG_ROOT" -maxdepth 3 -type d -name "*$GW_C*" | head -1)
[ -n "$GW_CG" ] || die "cannot find the gateway container's cpuacct cgroup"
ECHO_CG=$(find "$CG_ROOT" -maxdepth 3 -type d -name "*$ECHO_C*" | head -1)
cpu_us() { echo $(( $(cat "$1/cpuacct.usage") / 1000 )); }
rss_kb() { # the process's RSS, or the sum of nginx's master and workers
  if [ "$1" = nginx ]; then
    local total=0 p
    for p in $(cat "$CG/cgroup.procs"); do total=$(( total + $(awk '/^VmRSS/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0) )); done
    echo "$total"
  else awk '/^VmRSS/ {print $2}' "/proc/$GW_PID/status"; fi
}

# measure <path> <url> <conns> <cgroup of the proxy (or of the function, direct)> <rss of: gateway|nginx|->
measure() {
  local path=$1 url=$2 c=$3 cg=$4 who=$5 threads=1 idle=0 peak=0 r cpu0 cpu1 out
  [ "$c" -gt 1 ] && threads=2
  [ "$who" != - ] && idle=$(rss_kb "$who")
  cpu0=$(cpu_us "$cg")
  in_client wrk -t"$threads" -c"$c" -d"$DURATION" --latency -s bench/watchdog-post.lua "$url" >"$WORK/wrk.out" 2>&1 &
  local wrk_pid=$!
  if [ -n "${PERF:-}" ] && [ "$path" = gateway ] && [ "$round" = "$ROUNDS" ] && [ "$c" = "${CONNS##* }" ]; then
    perf record -q -a -g -F 499 -o "$PERF" -- sleep "$(( ${DURATION%s} - 2 ))" >/dev/null 2>&1 &
  fi
  while kill -0 "$wrk_pid" 2>/dev/null; do
    if [ "$who" != - ]; then r=$(rss_kb "$who"); [ "$r" -gt "$peak" ] && peak=$r; fi
    sleep 0.25
  done
  wait "$wrk_pid" || die "wrk failed: $(cat "$WORK/wrk.out")"
  cpu1=$(cpu_us "$cg")
  out=$(cat "$WORK/wrk.out")
  grep -q 'Non-2xx\|Socket errors' <<<"$out" && die "$path: errors under load: $out"
  awk -v n="$path" -v c="$c" -v t0="$cpu0" -v t1="$cpu1" -v idle="$idle" -v peak="$peak" '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec/ {rps = $2} /requests in/ {calls = $1} $1 == "50%" {p50 = ms($2)} $1 == "99%" {p99 = ms($2)}
    END {printf "%s %s %.0f %.3f %.3f %.1f %d %d\n", n, c, rps, p50, p99, (t1 - t0) / calls, idle, peak}' \
    <<<"$out" >>"$WORK/rows"
  tail -1 "$WORK/rows" | awk '{printf "  %-8s %3s conn  %7s req/s  p50 %6s ms  p99 %7s ms  %6s us CPU/call\n", $1, $2, $3, $4, $5, $6}' >&2
}

say "warming the gateway and nginx: $WARMUP of load each"
in_client wrk -t2 -c16 -d"$WARMUP" -s bench/watchdog-post.lua "$GATEWAY" >/dev/null
in_client wrk -t2 -c16 -d5s -s bench/watchdog-post.lua "$NGINX" >/dev/null
in_client wrk -t2 -c16 -d5s -s bench/watchdog-post.lua "$DIRECT" >/dev/null
say "load before: $(uptime | sed 's/.*load/load/')"
for round in $(seq "$ROUNDS"); do
  say "round $round of $ROUNDS"
  for c in $CONNS; do
    measure direct "$DIRECT" "$c" "$ECHO_CG" -
    measure gateway "$GATEWAY" "$c" "$GW_CG" gateway
    measure nginx "$NGINX" "$c" "$CG" nginx
  done
done
say "load after: $(uptime | sed 's/.*load/load/')"

python3 - "$WORK/rows" "$CONNS" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
def col(p, c, i): return [float(r[i]) for r in rows if r[0] == p and r[1] == c]
def med(p, c, i): return statistics.median(col(p, c, i))
print("\n%-8s %5s %20s %8s %8s %9s %9s %9s" % ("path", "conns", "req/s (range)", "p50 ms", "p99 ms", "CPU/call",
      "RSS idle", "RSS load"))
for c in sys.argv[2].split():
    for p in ("direct", "gateway", "nginx"):
        rps = col(p, c, 2)
        rss = "%8.0fM %8.0fM" % (med(p, c, 6) / 1024, med(p, c, 7) / 1024) if p != "direct" else "%9s %9s" % ("-", "-")
        cpu = "%7.1fus" % med(p, c, 5) if p != "direct" else "%7.1fus" % med(p, c, 5) + "*"
        print("%-8s %5s %8.0f (%5.0f-%5.0f) %8.3f %8.3f %9s %s" % (p, c, statistics.median(rps), min(rps), max(rps),
              med(p, c, 3), med(p, c, 4), cpu, rss))
print("(* direct: the function's own CPU per call; for the proxies, the proxy's alone)\n")
for c in sys.argv[2].split():
    d, g, n = med("direct", c, 2), med("gateway", c, 2), med("nginx", c, 2)
    print("@%-2s gateway %.2f of direct (goal 0.8), nginx %.2f of direct, gateway %.2fx nginx;"
          " added p50: gateway %.3f ms, nginx %.3f ms" % (c, g / d, n / d, g / n,
          med("gateway", c, 3) - med("direct", c, 3), med("nginx", c, 3) - med("direct", c, 3)))
PY
