# Helpers the bench scripts share: source it (". bench/lib.sh") from the repository root.

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a/b}'; }

# wrk's summary as "req/s p50_ms p99_ms errors" (non-2xx plus socket errors).
# wrk_summary <conns> <duration> <lua script> <url>
wrk_summary() {
  wrk -t1 -c"$1" -d"$2" --latency -s "$3" "$4" 2>&1 | awk '
    /Requests\/sec/ {rps=$2}
    /Non-2xx/ {bad+=$5}
    /Socket errors/ {gsub(",", ""); bad+=$4+$6+$8+$10}
    $1=="50%" {p50=$2} $1=="99%" {p99=$2}
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    END {printf "%.0f %.2f %.2f %d\n", rps, ms(p50), ms(p99), bad+0}'
}

# The memory a service's first container uses now, as docker stats prints it: rss_of <full service name>
rss_of() {
  docker stats --no-stream --format '{{.MemUsage}}' "$(docker ps -q --filter "label=com.docker.swarm.service.name=$1" | head -1)" \
    | cut -d/ -f1
}
