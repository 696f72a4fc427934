#!/usr/bin/env bash
# Runs every test: unit tests, then the Docker tests against a real engine in swarm mode.
# Docker and the client programs (awscli, boto3) are made ready first; if they cannot be, this fails loudly: no test
# is ever skipped for want of them.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/docker-ready.sh
scripts/client-tools.sh
mvn -B -q -DskipTests package
scripts/build-images.sh
mvn -B verify "$@"
