#!/usr/bin/env bash
# The watchdog's fork mode against peers measured in the same run, interleaved: fprocess=cat, a 100-byte POST
# (watchdog-post.lua), wrk on 127.0.0.1 at 1 and 16 connections, ROUNDS rounds of DURATION per server and connection
# count (A B C A B C ...), medians and ranges. The JVM is warmed with WARMUP of load first and runs with the image's
# flags and an AppCDS archive recorded here, as in the image. Peers:
#   spawn floor   hyperfine -N 'cat /dev/null': one fork+exec+wait of the same cat, no HTTP; req/s at 1 connection
#                 cannot beat 1/(its mean), so "of floor" is how much of a call is the spawn itself
#   busybox CGI   busybox httpd running a CGI shell script that execs cat: the classic CGI design, no keep-alive
#                 (wrk reconnects for every call) and two programs exec'd per call (sh, then cat)
#   classic       the OpenFaaS classic watchdog (Go), when CLASSIC_WATCHDOG names its binary: it cannot be fetched
#                 here, so it is measured only where one was built
# Every row prints CPU per call (the server and the children it reaped, from /proc/<pid>/stat) and RSS idle before
# the row and at its peak under load.
#   bench/watchdog-fork.sh                               # ROUNDS=3 DURATION=10s WARMUP=25s
#   ROUNDS=2 DURATION=5s CLASSIC_WATCHDOG=/path/fwatchdog bench/watchdog-fork.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
# EXTRA=jdk also measures the watchdog starting processes the JDK's way (spawn=jdk), for the difference
EXTRA=${EXTRA:-}
WARMUP=${WARMUP:-25s}
JAR=watchdog/target/watchdog.jar
LUA=bench/watchdog-post.lua
# watchdog/Dockerfile's WATCHDOG_JVM_FLAGS, read from the Dockerfile so the two cannot drift apart.
read -r -a JVM_FLAGS <<<"$(sed -n 's/^ENV WATCHDOG_JVM_FLAGS="\([^"]*\)".*/\1/p' watchdog/Dockerfile)"
[ "${#JVM_FLAGS[@]}" -gt 0 ] || { echo "watchdog-fork: cannot read WATCHDOG_JVM_FLAGS from watchdog/Dockerfile" >&2; exit 1; }
# JNA's native part where the build unpacked it (the image has it in /opt/faas/jna)
case "$(uname -m)" in aarch64) JNA_ARCH=linux-aarch64 ;; *) JNA_ARCH=linux-x86-64 ;; esac
JVM_FLAGS+=(-Djna.boot.library.path="$PWD/watchdog/target/native/com/sun/jna/$JNA_ARCH")

say() { printf 'watchdog-fork: %s\n' "$*" >&2; }
die() { printf 'watchdog-fork: error: %s\n' "$*" >&2; exit 1; }
for tool in wrk hyperfine busybox curl; do
  command -v "$tool" >/dev/null || die "$tool is missing: apt-get install wrk hyperfine busybox-static curl"
done
[ -f "$JAR" ] || { say "building $JAR"; mvn -B -q -pl watchdog -am -DskipTests package; }
[ -z "${CLASSIC_WATCHDOG:-}" ] || [ -x "$CLASSIC_WATCHDOG" ] || die "CLASSIC_WATCHDOG=$CLASSIC_WATCHDOG is not executable"

WORK=$(mktemp -d)
PIDS=()
CGROUPS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; wait 2>/dev/null
  for g in "${CGROUPS[@]:-}"; do [ -n "$g" ] && rmdir "$g" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
# CPU is counted per server in a cgroup of its own (cgroup v1 cpuacct or v2), which holds the server and every
# process it starts, reaped or not (busybox httpd never waits for its children, so /proc/<pid>/stat misses them).
CG_ROOT=
for root in /sys/fs/cgroup/cpuacct /sys/fs/cgroup; do
  if [ -f "$root/cpuacct.usage" ] || [ -f "$root/cgroup.controllers" ]; then
    mkdir -p "$root/faas-bench-$$" 2>/dev/null && CG_ROOT=$root && break
  fi
done
[ -n "$CG_ROOT" ] || die "cannot create a cgroup to count CPU in (run as root, with cgroupfs writable)"
rmdir "$CG_ROOT/faas-bench-$$"
# in_cgroup <name> <command...> &: runs the command in the cgroup <name>, which new_cgroup made
new_cgroup() { mkdir -p "$CG_ROOT/faas-bench-$$-$1"; CGROUPS+=("$CG_ROOT/faas-bench-$$-$1"); }
in_cgroup() {
  local dir="$CG_ROOT/faas-bench-$$-$1"; shift
  exec sh -c 'echo $$ > "$1/cgroup.procs" && shift && exec "$@"' in_cgroup "$dir" "$@"
}
# cpu_us <name>: microseconds of CPU the cgroup used so far
cpu_us() {
  local dir="$CG_ROOT/faas-bench-$$-$1"
  if [ -f "$dir/cpuacct.usage" ]; then echo $(( $(cat "$dir/cpuacct.usage") / 1000 ))
  else awk '$1 == "usage_usec" {print $2}' "$dir/cpu.stat"; fi
}

await() { # await <url> <log>
  for _ in $(seq 400); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' -m 1 --data-binary x "$1" 2>/dev/null)" = 200 ] && return 0
    sleep 0.05
  done
  die "no answer from $1: $(tail -5 "$2" 2>/dev/null)"
}

# measure <name> <conns> <url> <pid>: one wrk run; appends "name conns rps p50 p99 cpu_us_per_call idle_kb peak_kb"
measure() {
  local name=$1 conns=$2 url=$3 pid=$4 threads=1 peak=0 r idle cpu0 cpu1 out errors
  [ "$conns" -gt 1 ] && threads=2
  sleep 1
  idle=$(rss_kb "$pid"); cpu0=$(cpu_us "$name")
  wrk -t"$threads" -c"$conns" -d"$DURATION" --latency -s "$LUA" "$url" >"$WORK/wrk.out" 2>&1 &
  local wrk_pid=$!
  while kill -0 "$wrk_pid" 2>/dev/null; do
    r=$(rss_kb "$pid"); [ "$r" -gt "$peak" ] && peak=$r
    sleep 0.25
  done
  wait "$wrk_pid" || die "wrk failed: $(cat "$WORK/wrk.out")"
  sleep 0.2 # children of the last calls reaped
  cpu1=$(cpu_us "$name")
  out=$(cat "$WORK/wrk.out")
  grep -q 'Non-2xx' <<<"$out" && die "$name answered errors under load: $out"
  errors=$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' <<<"$out")
  # busybox httpd closes every connection, which wrk counts as read errors; others must have none
  [ "$name" != busybox ] && [ "${errors:-0}" -gt 0 ] && die "$name: socket errors under load: $out"
  awk -v n="$name" -v c="$conns" -v t0="$cpu0" -v t1="$cpu1" -v idle="$idle" -v peak="$peak" '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec/ {rps = $2} /requests in/ {calls = $1} $1 == "50%" {p50 = ms($2)} $1 == "99%" {p99 = ms($2)}
    END {printf "%s %s %.0f %.2f %.2f %.0f %d %d\n", n, c, rps, p50, p99, (t1 - t0) / calls, idle, peak}' \
    <<<"$out" >>"$WORK/rows"
  tail -1 "$WORK/rows" | awk '{printf "  %-10s %3s conn  %7s req/s  p50 %6s ms  p99 %7s ms  %5s us CPU/call  RSS %3d -> %3d MiB\n",
    $1, $2, $3, $4, $5, $6, $7 / 1024, $8 / 1024}' >&2
}

# the watchdog, with a class-data archive recorded the way the image's build records it
CDS_PORT=$(free_port)
fprocess=cat suppress_lock=true bind_address=127.0.0.1 port=$CDS_PORT metrics_port=0 \
  java -XX:ArchiveClassesAtExit="$WORK/watchdog.jsa" "${JVM_FLAGS[@]}" -Xlog:cds=off -Xlog:cds+dynamic=off \
  -jar "$JAR" >"$WORK/cds.log" 2>&1 &
await "http://127.0.0.1:$CDS_PORT/" "$WORK/cds.log"; kill -TERM $!; wait $! 2>/dev/null || true
CDS=(); [ -f "$WORK/watchdog.jsa" ] && CDS=(-XX:SharedArchiveFile="$WORK/watchdog.jsa")
declare -A URL PID
SERVERS=
# start_watchdog <name> <spawn setting>
start_watchdog() {
  local port; port=$(free_port); new_cgroup "$1"
  fprocess=cat suppress_lock=true bind_address=127.0.0.1 port=$port metrics_port=0 spawn=$2 \
    in_cgroup "$1" java "${CDS[@]}" "${JVM_FLAGS[@]}" -jar "$JAR" 2>"$WORK/$1.log" &
  PID[$1]=$!; PIDS+=("${PID[$1]}"); URL[$1]="http://127.0.0.1:$port/"; SERVERS+=" $1"
  await "${URL[$1]}" "$WORK/$1.log"
  grep -q "spawn=$2" "$WORK/$1.log" || die "$1 did not start processes with spawn=$2: $(cat "$WORK/$1.log")"
}
start_watchdog watchdog posix
for extra in $EXTRA; do start_watchdog "watchdog-$extra" "$extra"; done

mkdir -p "$WORK/www/cgi-bin"
printf '#!/bin/sh\necho "Content-Type: text/plain"\necho\nexec cat\n' >"$WORK/www/cgi-bin/cat"
chmod +x "$WORK/www/cgi-bin/cat"
BB_PORT=$(free_port); new_cgroup busybox
in_cgroup busybox busybox httpd -f -p "127.0.0.1:$BB_PORT" -h "$WORK/www" &
PID[busybox]=$!; PIDS+=("${PID[busybox]}"); URL[busybox]="http://127.0.0.1:$BB_PORT/cgi-bin/cat"; SERVERS+=" busybox"
await "${URL[busybox]}" /dev/null

if [ -n "${CLASSIC_WATCHDOG:-}" ]; then
  CL_PORT=$(free_port); new_cgroup classic
  # its metrics port is fixed at 8081; healthcheck_interval=1 lets SIGTERM end it in a second
  fprocess=cat suppress_lock=true port=$CL_PORT healthcheck_interval=1 in_cgroup classic "$CLASSIC_WATCHDOG" 2>"$WORK/classic.log" &
  PID[classic]=$!; PIDS+=("${PID[classic]}"); URL[classic]="http://127.0.0.1:$CL_PORT/"; SERVERS+=" classic"
  await "${URL[classic]}" "$WORK/classic.log"
fi

say "warming the JVM: $WARMUP of load; JVM flags: ${JVM_FLAGS[*]}"
for s in $SERVERS; do
  case $s in watchdog*) wrk -t2 -c16 -d"$WARMUP" -s "$LUA" "${URL[$s]}" >/dev/null ;; esac
done
say "load before: $(uptime | sed 's/.*load/load/')"
for round in $(seq "$ROUNDS"); do
  say "round $round of $ROUNDS"
  # the spawn floor: mean seconds per fork+exec+wait of cat
  hyperfine -N --style none --warmup 200 --runs 3000 --export-json "$WORK/floor.json" 'cat /dev/null' >/dev/null 2>&1
  python3 -c 'import json,sys; m=json.load(open(sys.argv[1]))["results"][0]["mean"]; print("floor 1 %.0f 0 0 0 0 0" % (1/m))' \
    "$WORK/floor.json" >>"$WORK/rows"
  for c in 1 16; do
    for s in $SERVERS; do measure "$s" "$c" "${URL[$s]}" "${PID[$s]}"; done
  done
done
say "load after: $(uptime | sed 's/.*load/load/')"

# medians and ranges over the rounds, and ratios of medians
python3 - "$WORK/rows" "$SERVERS" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
servers = sys.argv[2].split()
def col(name, conns, i):
    return [float(r[i]) for r in rows if r[0] == name and r[1] == str(conns)]
def med(name, conns, i):
    v = col(name, conns, i)
    return statistics.median(v) if v else None
floor = med("floor", 1, 2)
names = {"watchdog": "our watchdog, fork", "watchdog-jdk": "ours with spawn=jdk", "busybox": "busybox httpd + CGI",
         "classic": "classic Go watchdog"}
print("\n%-22s %5s %18s %8s %8s %9s %9s %9s" % ("server", "conns", "req/s (range)", "p50 ms", "p99 ms",
      "CPU/call", "RSS idle", "RSS load"))
for c in (1, 16):
    for s in servers:
        rps = col(s, c, 2)
        print("%-22s %5d %7.0f (%4.0f-%4.0f) %8.2f %8.2f %7.0fus %8.0fM %8.0fM" % (names[s], c, statistics.median(rps),
              min(rps), max(rps), med(s, c, 3), med(s, c, 4), med(s, c, 5), med(s, c, 6) / 1024, med(s, c, 7) / 1024))
print("%-22s %5d %7.0f          spawns/s (%.3f ms a spawn)" % ("spawn floor", 1, floor, 1000 / floor))
print()
for c in (1, 16):
    wd = med("watchdog", c, 2)
    line = "@%-2d our watchdog: %.2fx busybox CGI" % (c, wd / med("busybox", c, 2))
    if "watchdog-jdk" in servers:
        line += ", %.2fx spawn=jdk" % (wd / med("watchdog-jdk", c, 2))
    if "classic" in servers:
        line += ", %.2fx the classic watchdog (goal 1.1x)" % (wd / med("classic", c, 2))
    if c == 1:
        line += ", %.2f of the spawn floor (goal 0.8)" % (wd / floor)
    print(line)
PY
