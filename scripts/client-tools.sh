#!/usr/bin/env bash
# Makes the real client programs the tests drive ready: Debian's awscli and python3-boto3 (the Lambda Invoke API is
# tested with them, unmodified). Installs them with apt-get when missing; fails loudly when it cannot: no test is ever
# skipped for want of a client.
set -euo pipefail

say() { printf 'client-tools: %s\n' "$*"; }
die() { printf 'client-tools: error: %s\n' "$*" >&2; exit 1; }

missing=()
[ -x /usr/bin/aws ] || missing+=(awscli)
/usr/bin/python3 -c 'import boto3' 2>/dev/null || missing+=(python3-boto3)
[ ${#missing[@]} -eq 0 ] && exit 0

[ "$(id -u)" = 0 ] || die "${missing[*]} missing; install them (sudo apt-get install ${missing[*]}) or run as root"
command -v apt-get >/dev/null || die "${missing[*]} missing and there is no apt-get: install Debian's ${missing[*]}"
say "installing ${missing[*]} with apt-get"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 \
  || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; } \
  || die "apt-get could not install ${missing[*]}"
[ -x /usr/bin/aws ] && /usr/bin/python3 -c 'import boto3' || die "${missing[*]} installed but not usable"
