#!/usr/bin/env bash
# Runs every test: unit tests, then the Docker tests against a real engine in swarm mode.
# Docker is made ready first; if it cannot be, this fails loudly: no test is ever skipped for want of Docker.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/docker-ready.sh
mvn -B -q -DskipTests package
scripts/build-images.sh
mvn -B verify "$@"
