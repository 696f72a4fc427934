#!/bin/sh
cat >/dev/null
meminfo() { awk -v k="$1:" '$1 == k {print $2 * 1024}' /proc/meminfo; }
model=$(awk -F': *' '$1 ~ /^model name/ {print $2; exit}' /proc/cpuinfo)
echo "hostname: $(hostname)"
echo "cpus: $(grep -c '^processor' /proc/cpuinfo)"
echo "cpu_model: ${model:-unknown}"
echo "memory_total_bytes: $(meminfo MemTotal)"
echo "memory_available_bytes: $(meminfo MemAvailable)"
echo "uptime_seconds: $(awk '{printf "%d", $1}' /proc/uptime)"
