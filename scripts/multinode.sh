#!/usr/bin/env bash
# A real 3-node swarm on this machine: 1 manager + 2 workers as Docker-in-Docker "node" containers of the host's
# Docker, for the multi-node tests (issue 11). Nothing is pulled: the node image is made from the host's own Docker
# binaries (docs/stack.md, ../shared/reference/multinode.md). The host's own swarm is left alone.
#
#   scripts/multinode.sh up              node image, 3 nodes on an internal bridge, the swarm formed (prints the nodes)
#   scripts/multinode.sh load [--node N] IMAGE...   copies host images into every node, or node N (docker save | load)
#   scripts/multinode.sh exec N CMD...   runs CMD in node N (1 = the manager), e.g. `exec 1 docker node ls`
#   scripts/multinode.sh socket N        prints DOCKER_HOST for node N's dockerd, for the host's docker CLI and
#                                        scripts: DOCKER_HOST=$(scripts/multinode.sh socket 1) docker node ls
#   scripts/multinode.sh down            removes the nodes, their volumes, the network and the blackhole route
#
# Network safety: the nodes' bridge is --internal (no route out), the nested swarm has its own address pool
# (MULTINODE_POOL, 10.232.0.0/16) and the host gets a blackhole route for it while the nodes run, so the host can
# never send to a nested overlay address by mistake. Checks run inside the nodes via `docker exec`.
set -euo pipefail
cd "$(dirname "$0")/.."

PREFIX=${MULTINODE_PREFIX:-faasnode}
# Tagged by this script's content: a node image made by an older version (another entrypoint) is never reused.
IMAGE=faas/multinode-node:$(sha256sum scripts/multinode.sh | cut -c1-12)
NET=$PREFIX-net
SUBNET=${MULTINODE_SUBNET:-172.29.232.0/24}
BASE=${SUBNET%.*}
POOL=${MULTINODE_POOL:-10.232.0.0/16}
# The nodes' local networks (docker0, docker_gwbridge) come from a pool of their own: drawn from the swarm's pool
# too, a bridge took a /24 an overlay network was then given ("Pool overlaps with other one on this address space").
LOCAL_POOL=${MULTINODE_LOCAL_POOL:-10.233.0.0/16}
NODES=3
# Each node's dockerd also listens on a unix socket in a host directory: the host's CLI (and scripts/up.sh) can
# drive a node with no TCP port open anywhere.
SOCKETS=${MULTINODE_SOCKETS:-/run/$PREFIX}

say() { printf 'multinode: %s\n' "$*" >&2; }
die() { printf 'multinode: error: %s\n' "$*" >&2; exit 1; }
node() { echo "$PREFIX$1"; }
ip_of() { echo "$BASE.$((10 + $1))"; }

# The node's root filesystem: the host's Docker binaries and every library they load, busybox for a shell.
build_image() {
  local root
  root=$(mktemp -d)
  mkdir -p "$root"/{usr/bin,usr/sbin,usr/lib,usr/lib64,etc,proc,sys,dev,run,tmp,var/lib/docker,root}
  ln -s usr/bin "$root/bin"; ln -s usr/sbin "$root/sbin"; ln -s usr/lib "$root/lib"; ln -s usr/lib64 "$root/lib64"
  ln -s ../run "$root/var/run"   # so the fresh /run at each start also clears dockerd's pid file
  local bins=(/usr/sbin/dockerd /usr/bin/containerd /usr/bin/containerd-shim-runc-v2 /usr/sbin/runc
    /usr/bin/docker-init /usr/sbin/docker-proxy /usr/sbin/xtables-nft-multi /usr/sbin/ip /usr/bin/docker)
  for b in "${bins[@]}"; do
    [ -x "$b" ] || die "$b is missing: install docker.io and iproute2 (scripts/docker-ready.sh)"
    cp -L "$b" "$root$b"
  done
  for tool in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore; do
    ln -sf xtables-nft-multi "$root/usr/sbin/$tool"
  done
  [ -d /usr/lib/x86_64-linux-gnu/xtables ] && mkdir -p "$root/usr/lib/x86_64-linux-gnu" \
    && cp -a /usr/lib/x86_64-linux-gnu/xtables "$root/usr/lib/x86_64-linux-gnu/"
  # ldd fails on the static ones (docker-init): their libraries are none.
  { ldd "${bins[@]}" 2>/dev/null || true; } | grep -o '/[^ ]*\.so[^ ]*' | sort -u | while read -r lib; do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
  command -v busybox >/dev/null || die "busybox is missing: apt-get install busybox-static"
  cp -L "$(command -v busybox)" "$root/usr/bin/busybox"
  for applet in $("$root/usr/bin/busybox" --list); do
    [ -e "$root/usr/bin/$applet" ] || [ -e "$root/usr/sbin/$applet" ] || ln -s busybox "$root/usr/bin/$applet"
  done
  printf 'ID=faas-node\nNAME="faas multinode node"\n' > "$root/etc/os-release"
  printf 'root:x:0:0:root:/root:/bin/sh\n' > "$root/etc/passwd"
  printf 'root:x:0:\ndocker:x:999:\n' > "$root/etc/group"
  cat > "$root/usr/bin/node-entry" <<'ENTRY'
#!/bin/sh
# Writable /sys and cgroups, shared mounts, fresh /run and /tmp (a restarted node's stale pid files would stop
# dockerd), no default route: the node reaches only the other nodes.
# Docker mounts them as read-only binds: busybox's mount needs "bind" to remount a bind (else EBUSY).
mount -o remount,bind,rw /sys 2>/dev/null || mount -o remount,rw /sys 2>/dev/null
for m in $(awk '$3 == "cgroup" || $3 == "cgroup2" {print $2}' /proc/mounts); do
  mount -o remount,bind,rw "$m" 2>/dev/null || mount -o remount,rw "$m" 2>/dev/null
done
mount --make-rshared /
mount -t securityfs none /sys/kernel/security 2>/dev/null
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
ip route del default 2>/dev/null
# No name server: a pull of anything but the stack's registry (127.0.0.1:<port>, through its door) fails here at
# once, and no query leaves the machine. The nodes do pull, unlike the host's dockerd: with
# DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 a node never pulls anything, not even from the stack's registry.
echo 'nameserver 127.0.0.1' > /etc/resolv.conf
exec dockerd --storage-driver overlay2 --dns 127.0.0.1 --default-address-pool "base=$LOCAL_POOL,size=24" \
  -H unix:///var/run/docker.sock -H unix:///host-socket/docker.sock >/var/log/dockerd.log 2>&1
ENTRY
  chmod +x "$root/usr/bin/node-entry"
  mkdir -p "$root/var/log"
  tar -C "$root" -c . | docker import --change 'ENTRYPOINT ["/usr/bin/node-entry"]' - "$IMAGE" >/dev/null
  rm -rf "$root"
}

blackhole() {
  local pool
  for pool in "$POOL" "$LOCAL_POOL"; do
    ip route show type blackhole 2>/dev/null | grep -q "^blackhole $pool" || ip route add blackhole "$pool" 2>/dev/null \
      || say "warning: no blackhole route for $pool (needs root): the host must not call nested addresses"
  done
}

up() {
  local started=$SECONDS
  docker image inspect "$IMAGE" >/dev/null 2>&1 || { say "building the node image from the host's binaries"; build_image; }
  docker network inspect "$NET" >/dev/null 2>&1 || docker network create --internal --subnet "$SUBNET" "$NET" >/dev/null
  blackhole
  for n in $(seq "$NODES"); do
    docker container inspect "$(node "$n")" >/dev/null 2>&1 && continue
    mkdir -p "$SOCKETS/$(node "$n")"
    # --privileged fails here (the VM's root lacks CAP_SYS_RESOURCE and runc refuses); this set works.
    docker run -d --init --name "$(node "$n")" --hostname "$(node "$n")" --network "$NET" --ip "$(ip_of "$n")" \
      --cap-add ALL --cap-drop SYS_RESOURCE --security-opt seccomp=unconfined --security-opt systempaths=unconfined \
      --device-cgroup-rule 'a *:* rwm' --cpus 1 --memory 2g -e POOL="$POOL" -e LOCAL_POOL="$LOCAL_POOL" \
      -v "$(node "$n")-docker:/var/lib/docker" -v "$SOCKETS/$(node "$n"):/host-socket" --label dev.faas.multinode="$PREFIX" "$IMAGE" >/dev/null
  done
  for n in $(seq "$NODES"); do
    for _ in $(seq 150); do docker exec "$(node "$n")" docker info >/dev/null 2>&1 && break; sleep 0.2; done
    docker exec "$(node "$n")" docker info >/dev/null 2>&1 \
      || die "node $(node "$n")'s dockerd did not start: docker exec $(node "$n") cat /var/log/dockerd.log"
  done
  local manager
  manager=$(node 1)
  if [ "$(docker exec "$manager" docker info --format '{{.Swarm.LocalNodeState}}')" != active ]; then
    docker exec "$manager" docker swarm init --advertise-addr "$(ip_of 1)" --default-addr-pool "$POOL" \
      --default-addr-pool-mask-length 24 >/dev/null
  fi
  local token
  token=$(docker exec "$manager" docker swarm join-token -q worker)
  for n in $(seq 2 "$NODES"); do
    if [ "$(docker exec "$(node "$n")" docker info --format '{{.Swarm.LocalNodeState}}')" != active ]; then
      docker exec "$(node "$n")" docker swarm join --token "$token" "$(ip_of 1):2377" >/dev/null
    fi
  done
  for _ in $(seq 150); do
    [ "$(docker exec "$manager" docker node ls --format '{{.Status}}' | grep -c Ready)" -eq "$NODES" ] && break
    sleep 0.2
  done
  docker exec "$manager" docker node ls >&2
  say "$NODES nodes ready in $((SECONDS - started)) s (manager: $manager at $(ip_of 1))"
}

load() { # load [--node N] IMAGE...: into every node, or only node N
  local targets
  targets=$(seq "$NODES")
  if [ "${1:-}" = --node ]; then targets=${2:?node number}; shift 2; fi
  [ $# -gt 0 ] || die "usage: scripts/multinode.sh load [--node N] IMAGE..."
  for image in "$@"; do
    docker image inspect "$image" >/dev/null 2>&1 || die "image $image is missing on the host: scripts/build-images.sh"
  done
  # One archive for all of them: the layers they share are copied once.
  for n in $targets; do
    docker save "$@" | docker exec -i "$(node "$n")" docker load -q >/dev/null
  done
  say "loaded $# images into node(s) $(echo $targets)"
}

down() {
  for n in $(seq "$NODES"); do
    docker rm -f "$(node "$n")" >/dev/null 2>&1 || true
    docker volume rm "$(node "$n")-docker" >/dev/null 2>&1 || true
  done
  docker network rm "$NET" >/dev/null 2>&1 || true
  rm -rf "$SOCKETS"
  docker image ls -q faas/multinode-node | sort -u | xargs -r docker image rm -f >/dev/null 2>&1 || true
  ip route del blackhole "$POOL" 2>/dev/null || true
  ip route del blackhole "$LOCAL_POOL" 2>/dev/null || true
  say "removed"
}

case "${1:-}" in
  up) up ;;
  load) shift; load "$@" ;;
  exec) shift; n=${1:?node number}; shift; docker exec -i "$(node "$n")" "$@" ;;
  socket) echo "unix://$SOCKETS/$(node "${2:?node number}")/docker.sock" ;;
  down) down ;;
  *) die "usage: scripts/multinode.sh up | load [--node N] IMAGE... | exec N CMD... | socket N | down" ;;
esac
