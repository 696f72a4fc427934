#!/usr/bin/env bash
# Benchmarks the watchdog's fork mode: fprocess=cat, a 100-byte POST (watchdog-post.lua), wrk on 127.0.0.1 at 1 and
# 16 connections. The JVM gets the Dockerfile's flags; each launch mechanism in MECHANISMS is measured in turn.
# The upstream Go watchdog cannot be fetched here, so the baseline measured in the same run is busybox httpd running a
# CGI script that execs cat (one fork per request, like the watchdog). The issue's figures are printed for context.
#   bench/watchdog-fork.sh                       # DURATION=10s VARIANTS="VFORK POSIX_SPAWN"
#   DURATION=5s VARIANTS=VFORK bench/watchdog-fork.sh
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
VARIANTS=${VARIANTS:-VFORK POSIX_SPAWN}
PORT=${PORT:-18180}
BASE_PORT=${BASE_PORT:-18181}
JAR=watchdog/target/watchdog.jar
LUA=bench/watchdog-post.lua
# WATCHDOG_JVM_FLAGS of watchdog/Dockerfile minus the launch mechanism, which is what varies here. (The image also
# loads an AppCDS archive made at build time; the host JVM here runs without one.)
JVM_FLAGS=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -Xss256k -Xmn3m -XX:MaxRAM=256m -XX:-UsePerfData)
REF_1=812 REF_16=1335   # upstream Go classic watchdog on these machines (issue 2, §6)

say() { printf 'watchdog-fork: %s\n' "$*" >&2; }
die() { printf 'watchdog-fork: error: %s\n' "$*" >&2; exit 1; }
command -v wrk >/dev/null || die "wrk is missing: apt-get install wrk"
command -v busybox >/dev/null || die "busybox is missing: apt-get install busybox-static"
[ -f "$JAR" ] || { say "building $JAR"; mvn -B -q -pl watchdog -DskipTests package; }

WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

now_ms() { date +%s%3N; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

# Polls until a POST is answered with 200; prints the milliseconds since $1.
first_answer_ms() {
  local start=$1 url=$2
  for _ in $(seq 2000); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' -m 1 --data-binary x "$url" 2>/dev/null)" = 200 ]; then
      echo $(( $(now_ms) - start )); return 0
    fi
    sleep 0.005
  done
  die "no answer from $url"
}

# wrk_run <connections> <url> [pid]: prints "req/s p50 p99 peak_rss_kb"
wrk_run() {
  local conns=$1 url=$2 pid=${3:-} threads=1 out peak=0 r
  [ "$conns" -gt 1 ] && threads=2
  wrk -t"$threads" -c"$conns" -d"$DURATION" --latency -s "$LUA" "$url" >"$WORK/wrk.out" 2>&1 &
  local wrk_pid=$!
  while kill -0 "$wrk_pid" 2>/dev/null; do
    if [ -n "$pid" ]; then r=$(rss_kb "$pid"); [ "$r" -gt "$peak" ] && peak=$r; fi
    sleep 0.5
  done
  wait "$wrk_pid" || die "wrk failed: $(cat "$WORK/wrk.out")"
  out=$(cat "$WORK/wrk.out")
  if grep -q 'Non-2xx' <<<"$out"; then die "errors under load: $out"; fi
  printf '%s %s %s %s\n' "$(awk '/^Requests\/sec/ {print $2}' <<<"$out")" \
    "$(awk '$1 == "50%" {print $2}' <<<"$out")" "$(awk '$1 == "99%" {print $2}' <<<"$out")" "$peak"
}

declare -A RPS
printf '\n%-22s %10s %9s %9s %10s %10s %10s %11s\n' "server" "conns" "req/s" "p50" "p99" "rss idle" "rss peak" "first ans."
for variant in $VARIANTS; do
  start=$(now_ms)
  fprocess=cat suppress_lock=true bind_address=127.0.0.1 port=$PORT \
    java "${JVM_FLAGS[@]}" -Djdk.lang.Process.launchMechanism="$variant" -jar "$JAR" 2>"$WORK/watchdog.log" &
  pid=$!; PIDS+=("$pid")
  first=$(first_answer_ms "$start" "http://127.0.0.1:$PORT/")
  sleep 1
  idle=$(rss_kb "$pid")
  for c in 1 16; do
    read -r rps p50 p99 peak < <(wrk_run "$c" "http://127.0.0.1:$PORT/" "$pid")
    RPS[$variant,$c]=$rps
    printf '%-22s %10s %9s %9s %10s %9sM %9sM %9sms\n' "watchdog $variant" "$c" "$rps" "$p50" "$p99" \
      "$((idle / 1024))" "$((peak / 1024))" "$first"
  done
  sleep 1
  printf '%-22s %10s %9s %9s %10s %9sM   (after the load)\n' "watchdog $variant" "-" "-" "-" "-" \
    "$(( $(rss_kb "$pid") / 1024 ))"
  kill "$pid"; wait "$pid" 2>/dev/null || true
done

# Baseline: busybox httpd, per request a fork, an exec of the CGI shell and an exec of the same /usr/bin/cat the
# watchdog runs (busybox httpd has no keep-alive: wrk reconnects each time and counts "read" socket errors).
mkdir -p "$WORK/www/cgi-bin"
printf '#!/bin/sh\necho "Content-Type: text/plain"\necho\nexec /usr/bin/cat\n' >"$WORK/www/cgi-bin/cat"
chmod +x "$WORK/www/cgi-bin/cat"
busybox httpd -f -p "127.0.0.1:$BASE_PORT" -h "$WORK/www" &
PIDS+=("$!")
first_answer_ms "$(now_ms)" "http://127.0.0.1:$BASE_PORT/cgi-bin/cat" >/dev/null
for c in 1 16; do
  read -r rps p50 p99 _ < <(wrk_run "$c" "http://127.0.0.1:$BASE_PORT/cgi-bin/cat")
  RPS[busybox,$c]=$rps
  printf '%-22s %10s %9s %9s %10s\n' "busybox httpd + CGI" "$c" "$rps" "$p50" "$p99"
done

echo
for variant in $VARIANTS; do
  for c in 1 16; do
    ref=$REF_1; [ "$c" = 16 ] && ref=$REF_16
    awk -v m="$variant" -v c="$c" -v w="${RPS[$variant,$c]}" -v b="${RPS[busybox,$c]}" -v r="$ref" 'BEGIN {
      printf "watchdog %-14s @%-2s : %.2fx busybox-CGI in this run;  %.2fx the issue'\''s Go watchdog figure (%d req/s, goal 1.1x)\n",
        m, c, w / b, w / r, r }'
  done
done
