#!/usr/bin/env bash
# Makes Docker ready for faas: installs Debian's docker.io when docker is missing, starts dockerd when it does not
# answer, and initialises a single-node swarm when the engine is not in one. Idempotent: run it as often as you like.
#
# The swarm gets its own address pool, and that pool gets a host blackhole route: the host must never send traffic to
# an overlay address (it would leave the machine through the default route). With the route, a mistaken request
# fails at once; containers on the overlay still reach each other.
set -euo pipefail

POOL=${FAAS_ADDR_POOL:-10.231.0.0/16}
DOCKERD_LOG=${FAAS_DOCKERD_LOG:-/var/log/faas-dockerd.log}

say() { printf 'docker-ready: %s\n' "$*"; }
die() { printf 'docker-ready: error: %s\n' "$*" >&2; exit 1; }

need_root() {
  [ "$(id -u)" = 0 ] || die "$1 needs root. Run this script as root (sudo $0), or do it yourself: $2"
}

engine_answers() { timeout 5 docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

install_docker() {
  if command -v dockerd >/dev/null 2>&1 && command -v docker >/dev/null 2>&1; then return; fi
  need_root "Installing Docker" "install Docker Engine (https://docs.docker.com/engine/install/)"
  [ -r /etc/os-release ] && . /etc/os-release
  case " ${ID:-} ${ID_LIKE:-} " in
    *" debian "*|*" ubuntu "*) ;;
    *) die "cannot install Docker on '${ID:-unknown OS}': install Docker Engine yourself, then run this again" ;;
  esac
  say "installing docker.io with apt-get (dockerd is missing)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq docker.io >/dev/null
}

start_dockerd() {
  if engine_answers; then return; fi
  if [ -S /var/run/docker.sock ] && pgrep -x dockerd >/dev/null 2>&1; then
    say "dockerd is running but not answering yet; waiting"
  else
    need_root "Starting dockerd" "start the Docker daemon (systemctl start docker)"
    say "starting dockerd (log: $DOCKERD_LOG)"
    rm -f /var/run/docker.pid
    # setsid: dockerd must outlive this script and the terminal that ran it.
    # DOCKER_SERVICE_PREFER_OFFLINE_IMAGE: no registry pull attempt at each task start (there is no outside registry
    # here). With it a node never pulls at all, so this one-node engine runs only images it has: scripts/up.sh tags
    # the stack registry's copies here too, and the gateway pulls a deployed image onto the manager first. A node
    # that must pull from the stack's registry runs without it (scripts/multinode.sh's nodes do).
    DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 setsid nohup dockerd >"$DOCKERD_LOG" 2>&1 < /dev/null &
  fi
  for _ in $(seq 1 120); do
    if engine_answers; then return; fi
    sleep 0.5
  done
  tail -n 20 "$DOCKERD_LOG" >&2 2>/dev/null || true
  die "dockerd did not answer within 60 s; see $DOCKERD_LOG"
}

advertise_address() {
  # The address of the interface on the default route; swarm refuses to pick one when there are several.
  ip -4 route get 1.1.1.1 2>/dev/null | awk '{for (i = 1; i < NF; i++) if ($i == "src") { print $(i + 1); exit }}'
}

init_swarm() {
  local state
  state=$(docker info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null || echo unknown)
  case "$state" in
    active) return ;;
    pending|error|locked)
      die "this engine's swarm is '$state'. Leave it (docker swarm leave --force) and run this again" ;;
  esac
  local addr
  addr=$(advertise_address)
  [ -n "$addr" ] || addr=127.0.0.1
  say "initialising a single-node swarm (advertise $addr, address pool $POOL)"
  docker swarm init --advertise-addr "$addr" --default-addr-pool "$POOL" >/dev/null
}

blackhole_pool() {
  # The pool a swarm was made with is fixed; guard the one it actually uses.
  local pool
  pool=$(docker info --format '{{range .Swarm.Cluster.DefaultAddrPool}}{{.}} {{end}}' 2>/dev/null || true)
  for p in ${pool:-$POOL}; do
    if ip route show type blackhole 2>/dev/null | grep -q "^blackhole $p"; then continue; fi
    if [ "$(id -u)" = 0 ]; then
      say "adding a blackhole route for the overlay pool $p (the host must not send traffic there)"
      ip route add blackhole "$p"
    else
      say "warning: no blackhole route for $p (needs root): the host must not call overlay addresses"
    fi
  done
}

install_docker
start_dockerd
init_swarm
blackhole_pool
say "ready: engine $(docker version --format '{{.Server.Version}}'), swarm active"
