#!/bin/sh
# Seconds from the query first (seconds=N or a bare N), else from the first word of the body.
body=$(head -c 64; cat >/dev/null)
secs=
for part in $(echo "${Http_Query:-}" | tr '&' ' '); do
  case "$part" in
    seconds=*) secs=${part#seconds=} ;;
    [0-9]*) secs=$part ;;
  esac
done
[ -n "$secs" ] || secs=$(echo "$body" | awk 'NR == 1 {print $1}')
case "$secs" in
  '' | *[!0-9.]* | *.*.* | .)
    echo "give the seconds to sleep in the query (?seconds=2) or the body (2); got '${secs}'" >&2
    exit 2 ;;
esac
sleep "$secs"
echo "slept ${secs}s"
