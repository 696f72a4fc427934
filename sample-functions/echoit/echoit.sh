#!/bin/sh
# Reads the whole body first so a large one never blocks the watchdog writing it, then prints the Http_* variables.
cat >/dev/null
env | grep '^Http_' | sort
exit 0
