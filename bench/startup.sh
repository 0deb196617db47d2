#!/usr/bin/env bash
# Start-up time of the gateway jar to its first ready answer, RUNS times: plain, with a class-data-sharing archive
# made by a training run (as the Dockerfile does), and on JDK 24+ with an AOT cache (JEP 483) made the same way.
# Prints each run's wall time and Spring's own figure.
# Usage: bench/startup.sh   (RUNS=5 JAVA_HOME=... JVM_OPTS=...)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNS=${RUNS:-5}
PORT=${GATEWAY_PORT:-18103}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
JVM_OPTS=${JVM_OPTS:--Xms64m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}
RUN=$(mktemp -d)
trap 'rm -rf "$RUN"' EXIT
[[ -f $ROOT/target/switchboard.jar ]] || (cd "$ROOT" && ./mvnw -q -B -ntp -DskipTests package)
# the jar exploded, as in the container image: CDS wants the classpath of plain jars
(cd "$RUN" && $JAVA -Djarmode=tools -jar "$ROOT/target/switchboard.jar" extract --destination app >/dev/null)
APP=$RUN/app/switchboard.jar

once() { # label, extra JVM flags
	local start=$(date +%s%N)
	SWITCHBOARD_AUTH_KEYS_0_KEY=sk-startup $JAVA $JVM_OPTS $2 -jar "$APP" --server.port=$PORT >"$RUN/log" 2>&1 &
	local pid=$!
	until curl -sf -o /dev/null "http://127.0.0.1:$PORT/actuator/health/readiness"; do sleep 0.02; done
	local ms=$(( ($(date +%s%N) - start) / 1000000 ))
	kill "$pid"; wait "$pid" 2>/dev/null || true
	printf '%-5s %5d ms to ready   (%s)\n' "$1" "$ms" "$(grep -o 'Started [A-Za-z]* in [0-9.]* seconds[^)]*)' "$RUN/log" | head -1)"
}

$JAVA -XX:ArchiveClassesAtExit="$RUN/app.jsa" -Dspring.context.exit=onRefresh $JVM_OPTS -jar "$APP" >/dev/null 2>&1 || true
echo "[startup] $($JAVA -version 2>&1 | head -1); JVM_OPTS: $JVM_OPTS"
for _ in $(seq 1 "$RUNS"); do once plain ""; done
for _ in $(seq 1 "$RUNS"); do once cds "-XX:SharedArchiveFile=$RUN/app.jsa"; done
if $JAVA -XX:AOTCacheOutput="$RUN/app.aot" -Dspring.context.exit=onRefresh $JVM_OPTS -jar "$APP" >/dev/null 2>&1 \
		&& [[ -f $RUN/app.aot ]]; then
	for _ in $(seq 1 "$RUNS"); do once aot "-XX:AOTCache=$RUN/app.aot"; done
fi
