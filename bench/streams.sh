#!/usr/bin/env bash
# Holds STREAMS concurrent slow streams through the gateway and records its RSS, heap and threads while they are
# held: the memory a stream costs, and proof that no stream has a thread of its own.
# The upstream is the shared harness's mock, pacing its 23 events GAP_MS apart (23 s per stream by default); the
# clients are wrk connections, each holding one stream at a time.
# Usage: bench/streams.sh   (STREAMS=9500 GAP_MS=1000 HOLD=20 JVM_OPTS=... JAVA_HOME=...)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARED=${SHARED:-$ROOT/../shared/bench}
STREAMS=${STREAMS:-9500}
GAP_MS=${GAP_MS:-1000}
HOLD=${HOLD:-20}
MOCK_PORT=${MOCK_PORT:-18101}
PORT=${GATEWAY_PORT:-18102}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
JVM_OPTS=${JVM_OPTS:--Xms256m -Xmx512m -XX:+UseParallelGC}
RUN=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$RUN"' EXIT

# every stream is a client socket and an upstream socket in the gateway: with the usual limit of 20000 open files per
# process that allows a little under 10000 streams
ulimit -n "$(ulimit -Hn)"
(( STREAMS * 2 + 200 <= $(ulimit -n) )) || echo "[streams] warning: $STREAMS streams need about $((STREAMS * 2 + 200)) files, the limit is $(ulimit -n)" >&2

[[ -f $ROOT/target/switchboard.jar ]] || (cd "$ROOT" && ./mvnw -q -B -ntp -DskipTests package)

sed -e "s#@PORT@#$MOCK_PORT#g" -e "s#@DIR@#$SHARED/mock#g" -e "s#@RUN@#$RUN#g" -e "s#@GAP@#$GAP_MS#g" \
	-e "s#worker_connections [0-9]*#worker_connections $((STREAMS + 1000))#" "$SHARED/mock/nginx.conf" >"$RUN/mock.conf"
nginx -e "$RUN/mock-error.log" -p "$RUN" -c "$RUN/mock.conf" -g 'daemon off;' &
MOCK_URL=http://127.0.0.1:$MOCK_PORT MOCK_OPENAI_BASE_URL=http://127.0.0.1:$MOCK_PORT/v1 \
	$JAVA $JVM_OPTS -jar "$ROOT/target/switchboard.jar" --server.port=$PORT \
	--spring.config.additional-location=file:"$ROOT/bench/gateway.yaml" --logging.level.root=warn >"$RUN/gateway.log" 2>&1 &
GATEWAY=$!
for _ in $(seq 1 120); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/actuator/health" && break; sleep 0.5; done

rss() { echo $(( $(ps -o rss= -p "$GATEWAY") / 1024 )); }
threads() { ls "/proc/$GATEWAY/task" | wc -l; }
held() { ss -Htn state established "( sport = :$PORT )" | wc -l; }
echo "[streams] idle: RSS $(rss) MB, $(threads) threads"

BENCH_BODY_FILE=$SHARED/requests/chat-stream.json wrk -t2 -c"$STREAMS" -d"$((HOLD + 10))s" --timeout 60s \
	-s "$SHARED/wrk/chat.lua" "http://127.0.0.1:$PORT/v1/chat/completions" >"$RUN/wrk.txt" 2>&1 &
WRK=$!
peak_rss=0 peak_held=0
for second in $(seq 1 "$HOLD"); do
	sleep 1
	r=$(rss) h=$(held)
	(( r > peak_rss )) && peak_rss=$r
	(( h > peak_held )) && peak_held=$h
	printf '[streams] %3ss: %5s streams held, RSS %4s MB, %s threads\n' "$second" "$h" "$r" "$(threads)"
done
jcmd "$GATEWAY" GC.heap_info 2>/dev/null | sed 's/^/[streams] heap: /' | head -4 || true
wait "$WRK" || true
echo "[streams] peak: $peak_held streams held at once, RSS $peak_rss MB ($JVM_OPTS)"
grep -E "requests in|Socket errors|Non-2xx" "$RUN/wrk.txt" | sed 's/^/[streams] wrk: /' || true
