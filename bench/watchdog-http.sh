#!/usr/bin/env bash
# Benchmarks the watchdog's http mode: the watchdog starts a minimal keep-alive echo server (bench/upstream/
# EchoServer.java, a thread per connection on blocking sockets) as its warm process and proxies to it. wrk on
# 127.0.0.1, a 100-byte POST (watchdog-post.lua), at 1 and 16 connections. In each round the echo server alone (the
# ceiling) and the watchdog in front of it are measured back to back, so their ratio is comparable under the load
# other work puts on the machine; the issue's of-watchdog figures are printed for context. The path users get is
# measured the same way: the shipped java-http template's server with its sample handler, alone and behind a second
# watchdog, with the template's JVM flags.
#   bench/watchdog-http.sh                 # DURATION=5s ROUNDS=3
#   DURATION=10s ROUNDS=5 bench/watchdog-http.sh
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-5s}
ROUNDS=${ROUNDS:-3}
PORT=${PORT:-18280}
UPSTREAM_PORT=${UPSTREAM_PORT:-18281}
JAR=watchdog/target/watchdog.jar
LUA=bench/watchdog-post.lua
# WATCHDOG_JVM_FLAGS of watchdog/Dockerfile (the image also loads an AppCDS archive; the host JVM runs without one).
JVM_FLAGS=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -Xss256k -Xmn3m -XX:MaxRAM=256m -XX:-UsePerfData)
# of-watchdog 0.9.15 in http mode before a Go echo server, and that server alone (issue 6), idle machine.
OF_1=3567 OF_16=8751 GO_1=13144 GO_16=54440

say() { printf 'watchdog-http: %s\n' "$*" >&2; }
die() { printf 'watchdog-http: error: %s\n' "$*" >&2; exit 1; }
command -v wrk >/dev/null || die "wrk is missing: apt-get install wrk"
[ -f "$JAR" ] || { say "building $JAR"; mvn -B -q -pl watchdog -DskipTests package; }

WORK=$(mktemp -d)
WD=
WD2=
cleanup() { for p in $WD $WD2; do kill "$p" 2>/dev/null; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

# Compiled once, so the warm process starts like a deployed one (no source launcher in the measured process).
javac -d "$WORK/classes" bench/upstream/EchoServer.java
javac -d "$WORK/template" $(find templates/java-http/template templates/java-http/function -name '*.java')
TEMPLATE_JVM=$(sed -n 's/^fprocess: java \(.*\) -cp .*/\1/p' templates/java-http/template.yml)
TEMPLATE_PORT=$((PORT + 2)); TEMPLATE_UPSTREAM=$((PORT + 3))

mode=http upstream_url="http://127.0.0.1:$UPSTREAM_PORT" suppress_lock=true bind_address=127.0.0.1 port=$PORT \
  fprocess="java -XX:+UseSerialGC -Xss256k -XX:-UsePerfData -cp $WORK/classes EchoServer 127.0.0.1 $UPSTREAM_PORT" \
  java "${JVM_FLAGS[@]}" -jar "$JAR" 2>"$WORK/watchdog.log" &
WD=$!
mode=http upstream_url="http://127.0.0.1:$TEMPLATE_UPSTREAM" suppress_lock=true bind_address=127.0.0.1 \
  port=$TEMPLATE_PORT metrics_port=0 function_port=$TEMPLATE_UPSTREAM \
  fprocess="java $TEMPLATE_JVM -cp $WORK/template dev.faas.template.FunctionServer" \
  java "${JVM_FLAGS[@]}" -jar "$JAR" 2>"$WORK/template-watchdog.log" &
WD2=$!
for port in $PORT $TEMPLATE_PORT; do
  for _ in $(seq 200); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$port/_/ready)" = 200 ] && break
    sleep 0.05
  done
  [ "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$port/_/ready)" = 200 ] || die "not ready: $(cat "$WORK"/*.log)"
done
idle=$(rss_kb "$WD")

# wrk_run <connections> <url>: prints "req/s p50 p99 peak_rss_kb_of_watchdog"
wrk_run() {
  local conns=$1 url=$2 threads=1 out peak=0 r
  [ "$conns" -gt 1 ] && threads=2
  wrk -t"$threads" -c"$conns" -d"$DURATION" --latency -s "$LUA" "$url" >"$WORK/wrk.out" 2>&1 &
  local wrk_pid=$!
  while kill -0 "$wrk_pid" 2>/dev/null; do
    r=$(rss_kb "$WD"); [ "$r" -gt "$peak" ] && peak=$r
    sleep 0.5
  done
  wait "$wrk_pid" || die "wrk failed: $(cat "$WORK/wrk.out")"
  out=$(cat "$WORK/wrk.out")
  if grep -q 'Non-2xx\|Socket errors' <<<"$out"; then die "errors under load: $out"; fi
  printf '%s %s %s %s\n' "$(awk '/^Requests\/sec/ {print $2}' <<<"$out")" \
    "$(awk '$1 == "50%" {print $2}' <<<"$out")" "$(awk '$1 == "99%" {print $2}' <<<"$out")" "$peak"
}

# warm the JITs before measuring
wrk -t1 -c4 -d3s -s "$LUA" "http://127.0.0.1:$PORT/" >/dev/null
wrk -t2 -c16 -d10s -s "$LUA" "http://127.0.0.1:$TEMPLATE_PORT/" >/dev/null

printf 'load before: %s\n' "$(uptime | sed 's/.*load/load/')"
printf '\n%-6s %-16s %6s %10s %9s %9s %9s %8s\n' round server conns req/s p50 p99 "rss peak" "ratio*"
for round in $(seq "$ROUNDS"); do
  for c in 1 16; do
    read -r up_rps up_p50 up_p99 _ < <(wrk_run "$c" "http://127.0.0.1:$UPSTREAM_PORT/")
    read -r wd_rps wd_p50 wd_p99 wd_peak < <(wrk_run "$c" "http://127.0.0.1:$PORT/")
    printf '%-6s %-16s %6s %10s %9s %9s\n' "$round" "echo alone" "$c" "$up_rps" "$up_p50" "$up_p99"
    printf '%-6s %-16s %6s %10s %9s %9s %8sM %8s\n' "$round" "watchdog http" "$c" "$wd_rps" "$wd_p50" "$wd_p99" \
      "$((wd_peak / 1024))" "$(awk -v a="$wd_rps" -v b="$up_rps" 'BEGIN {printf "%.2f", a / b}')"
    echo "$c $up_rps $wd_rps" >>"$WORK/rounds"
    read -r t_rps t_p50 t_p99 _ < <(wrk_run "$c" "http://127.0.0.1:$TEMPLATE_UPSTREAM/")
    read -r tw_rps tw_p50 tw_p99 _ < <(wrk_run "$c" "http://127.0.0.1:$TEMPLATE_PORT/")
    printf '%-6s %-16s %6s %10s %9s %9s %9s %8s\n' "$round" "java-http alone" "$c" "$t_rps" "$t_p50" "$t_p99" "" \
      "$(awk -v a="$t_rps" -v b="$up_rps" 'BEGIN {printf "%.2f", a / b}')"
    printf '%-6s %-16s %6s %10s %9s %9s %9s %8s\n' "$round" "watchdog+java" "$c" "$tw_rps" "$tw_p50" "$tw_p99" "" \
      "$(awk -v a="$tw_rps" -v b="$wd_rps" 'BEGIN {printf "%.2f", a / b}')"
    echo "$c $t_rps $tw_rps" >>"$WORK/template-rounds"
  done
done
# medians over the rounds: req/s of each, and of the per-round ratio
for c in 1 16; do
  awk -v c="$c" '$1 == c {up[++n] = $2; wd[n] = $3; r[n] = $3 / $2}
    function median(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
    END { printf "median of %d rounds @%-2s: echo alone %.0f req/s, watchdog http %.0f req/s, ratio %.2f\n", n, c, median(up, n), median(wd, n), median(r, n) }' "$WORK/rounds"
done
echo "(* ratio: watchdog http to echo alone; java-http alone to echo alone; watchdog+java to watchdog http)"
for c in 1 16; do
  paste -d' ' "$WORK/rounds" "$WORK/template-rounds" | awk -v c="$c" '$1 == c {e[++n] = $2; w[n] = $3; t[n] = $5; tw[n] = $6}
    function median(a, n,   i, j, x) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { x = a[i]; a[i] = a[j]; a[j] = x }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
    END { printf "median of %d rounds @%-2s: java-http template alone %.0f req/s (%.2f of the echo server), behind the watchdog %.0f (%.2f of the watchdog before echo)\n", n, c, median(t, n), median(t, n) / median(e, n), median(tw, n), median(tw, n) / median(w, n) }'
done
printf 'load after: %s\n' "$(uptime | sed 's/.*load/load/')"
printf 'watchdog RSS idle after start: %sM, after the runs: %sM\n' "$((idle / 1024))" "$(( $(rss_kb "$WD") / 1024 ))"
awk -v a="$OF_1" -v b="$GO_1" -v c="$OF_16" -v d="$GO_16" 'BEGIN {
  printf "issue 6, idle machine: of-watchdog http %d req/s @1 (%.2f of its echo server), %d @16 (%.2f);\n", a, a / b, c, c / d
  printf "goal 1.5x: >= %d @1, >= %d @16 (as ratios to the upstream alone: >= %.2f, >= %.2f)\n", a * 1.5, c * 1.5, 1.5 * a / b, 1.5 * c / d }'
