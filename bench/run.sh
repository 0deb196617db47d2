#!/usr/bin/env bash
# Builds the gateway and benchmarks it beside direct, nginx-proxy and portkey with the shared harness.
# Usage: bench/run.sh            (settings are the harness's environment variables: DURATION, PIN, MODES, ...)
#        JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 bench/run.sh   (to run the gateway on another JDK)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HARNESS=${HARNESS:-$ROOT/../shared/bench/run.sh}
PORT=${GATEWAY_PORT:-18080}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
JVM_OPTS=${JVM_OPTS:--Xms256m -Xmx512m -XX:+UseParallelGC}

[[ -x $HARNESS || -f $HARNESS ]] || { echo "the shared harness is not at $HARNESS (set HARNESS)" >&2; exit 1; }
(cd "$ROOT" && ./mvnw -q -B -ntp -DskipTests package)

export GATEWAY_URL=http://127.0.0.1:$PORT
export GATEWAY_NAME=${GATEWAY_NAME:-switchboard}
export GATEWAY_CMD="exec $JAVA $JVM_OPTS -jar '$ROOT/target/switchboard.jar' --server.port=$PORT \
--spring.config.additional-location=file:'$ROOT/bench/gateway.yaml' --logging.level.root=warn"
export RESULTS=${RESULTS:-$ROOT/bench/results/$(date +%Y%m%d-%H%M%S).md}
exec bash "$HARNESS"
