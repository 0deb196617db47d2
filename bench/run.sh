#!/usr/bin/env bash
# Builds the gateway and benchmarks it with the shared harness beside direct, nginx-proxy and portkey, then (unless
# REFERENCES=0) the two JVM references: a bare Spring Cloud Gateway route and a raw Reactor Netty proxy.
# Usage: bench/run.sh   (settings are the harness's environment variables: DURATION, WARMUP, PIN, MODES, ...)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HARNESS=${HARNESS:-$ROOT/../shared/bench/run.sh}
PORT=${GATEWAY_PORT:-18080}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
JVM_OPTS=${JVM_OPTS:--Xms256m -Xmx512m -XX:+UseParallelGC}
REFERENCES=${REFERENCES:-1}
STAMP=$(date +%Y%m%d-%H%M%S)
OUT=${RESULTS:-$ROOT/bench/results/$STAMP.md}

[[ -f $HARNESS ]] || { echo "the shared harness is not at $HARNESS (set HARNESS)" >&2; exit 1; }
mvn_package() { (cd "$1" && "$ROOT/mvnw" -q -B -ntp -DskipTests package); }
mvn_package "$ROOT"

# slot NAME COMMAND SYSTEMS: one harness run with the command in the gateway slot; its table goes to $OUT.parts
slot() {
	GATEWAY_NAME=$1 GATEWAY_CMD=$2 SYSTEMS=$3 GATEWAY_URL=http://127.0.0.1:$PORT \
		RESULTS=$ROOT/bench/results/$STAMP-$1.md bash "$HARNESS"
}

slot switchboard "exec $JAVA $JVM_OPTS -jar '$ROOT/target/switchboard.jar' --server.port=$PORT \
--spring.config.additional-location=file:'$ROOT/bench/gateway.yaml' --logging.level.root=warn" \
	"${SYSTEMS:-direct nginx-proxy portkey}"

if [[ $REFERENCES == 1 ]]; then
	mvn_package "$ROOT/bench/reference/bare-scg"
	mvn_package "$ROOT/bench/reference/raw-netty"
	slot bare-scg "exec $JAVA $JVM_OPTS -jar '$ROOT/bench/reference/bare-scg/target/bare-scg.jar' --server.port=$PORT" direct
	slot raw-netty "exec $JAVA $JVM_OPTS -Dport=$PORT -jar '$ROOT/bench/reference/raw-netty/target/raw-netty.jar'" direct
fi

{
	cat "$ROOT/bench/results/$STAMP-switchboard.md"
	if [[ $REFERENCES == 1 ]]; then
		for ref in bare-scg raw-netty; do
			echo
			echo "References, same settings, separate harness run ($ref):"
			echo
			grep -E "^\|(---| ($ref|system) )" "$ROOT/bench/results/$STAMP-$ref.md"
		done
	fi
} >"$OUT"
echo
cat "$OUT"
echo "[bench] written to $OUT"
