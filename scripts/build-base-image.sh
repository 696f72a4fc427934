#!/usr/bin/env bash
# Builds the local Java base image (faas/jre:17 by default) from nothing, with no registry: a runtime made by jlink
# from this machine's JDK, the shared libraries it links against, and Debian's static busybox for a shell and tools.
# Installs what it needs with apt-get when it is missing (the JDK's jmods, busybox-static).
set -euo pipefail

cd "$(dirname "$0")/.."
IMAGE=${BASE_IMAGE:-faas/jre:17}
# One module set for every image: the watchdog needs java.base + jdk.httpserver; the gateway the rest
# (found with jdeps on its fat jar; java.management for JVM metrics, jdk.crypto.ec for TLS docker hosts).
MODULES=${JRE_MODULES:-java.base,java.logging,java.management,java.naming,java.net.http,java.security.jgss,java.security.sasl,java.sql,jdk.unsupported,jdk.management,jdk.crypto.ec,jdk.httpserver}
CTX=.build/base

say() { printf 'build-base-image: %s\n' "$*"; }
die() { printf 'build-base-image: error: %s\n' "$*" >&2; exit 1; }

apt_install() {
  [ "$(id -u)" = 0 ] || die "$1 is missing; install it (sudo apt-get install $1) or run as root"
  say "installing $1 with apt-get"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null 2>&1 \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null; }
}

JAVA_HOME=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac || command -v java)")")")}
[ -x "$JAVA_HOME/bin/jlink" ] || die "no jlink under $JAVA_HOME: install a JDK 17 (apt-get install openjdk-17-jdk-headless)"
[ -f "$JAVA_HOME/jmods/java.base.jmod" ] || apt_install openjdk-17-jdk-headless
[ -f "$JAVA_HOME/jmods/java.base.jmod" ] || die "no jmods under $JAVA_HOME; set JAVA_HOME to a JDK 17 that has them"
# A scratch image has no libraries for busybox: it must be the static build.
is_static() { [ -x "$1" ] && { ldd "$1" 2>&1 || true; } | grep -q 'not a dynamic executable'; }
BUSYBOX=/bin/busybox
is_static "$BUSYBOX" || apt_install busybox-static
is_static "$BUSYBOX" || die "$BUSYBOX is not a static binary; install busybox-static"

rm -rf "$CTX"
mkdir -p "$CTX/rootfs/opt" "$CTX/rootfs/bin" "$CTX/rootfs/tmp" "$CTX/rootfs/etc"
say "jlink $MODULES"
# --generate-cds-archive: a class-data archive of the runtime cuts JVM start by ~80 ms (cold starts matter here).
"$JAVA_HOME/bin/jlink" --add-modules "$MODULES" --strip-debug --no-man-pages --no-header-files --compress=2 \
  --generate-cds-archive --output "$CTX/rootfs/opt/java"

# The libraries the runtime links against, from this host (libjvm is found through its rpath).
libs=$(find "$CTX/rootfs/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) -exec ldd {} \; 2>/dev/null \
  | awk '$2 == "=>" && $3 ~ /^\/(usr\/)?lib/ {print $3} $1 ~ /^\/lib/ {print $1}' | sort -u)
# Plus glibc's small compatibility libraries (about 200 KB): a function's own binary (a `bootstrap`) built against a
# glibc before 2.34 (Debian 11, Ubuntu 20.04, Amazon Linux 2) still names libpthread, libdl or librt and would not load.
compat=$(for l in libpthread.so.0 libdl.so.2 librt.so.1 libutil.so.1 libanl.so.1 libresolv.so.2 libnss_files.so.2 \
  libnss_dns.so.2; do ldconfig -p | awk -v l="$l" '$1 == l && /x86-64/ {print $NF; exit}'; done)
for lib in $libs $compat /lib64/ld-linux-x86-64.so.2; do
  mkdir -p "$CTX/rootfs$(dirname "$lib")"
  cp -L "$lib" "$CTX/rootfs$lib"
done
cp "$BUSYBOX" "$CTX/rootfs/bin/busybox"
chmod 1777 "$CTX/rootfs/tmp"
printf 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$CTX/rootfs/etc/passwd"
printf 'root:x:0:\napp:x:1000:\nnogroup:x:65534:\n' > "$CTX/rootfs/etc/group"
mkdir -p "$CTX/rootfs/home/app" && chown 1000:1000 "$CTX/rootfs/home/app" 2>/dev/null || true
cp images/base/Dockerfile "$CTX/Dockerfile"

say "docker build -t $IMAGE"
log=$(mktemp)
docker build -q -t "$IMAGE" "$CTX" >"$log" 2>&1 || { cat "$log" >&2; rm -f "$log"; die "docker build of $IMAGE failed"; }
rm -f "$log"
say "built $IMAGE ($(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}'))"
