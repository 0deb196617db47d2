#!/usr/bin/env bash
# Clients of every format against one OpenAI-format upstream (the shared harness's mock, Chat Completions only):
# a Chat Completions client (passed through), an Anthropic Messages client, a Responses API client and a Gemini
# client (each translated through the hub and back), streamed and not, under the same wrk load. Prints a markdown
# table with each row's throughput against the chat passthrough and against the Anthropic row (the translated row
# bench/run.sh has measured so far, in the other direction).
# With GAP_MS=N the mock paces its 23 stream events N ms apart: a stream row's p50 near 22*N ms for every format
# shows that translation adds no delay between events.
# Usage: bench/clients.sh   (DURATION=15 WARMUP=10 CONNECTIONS=64 PIN=1 LOAD_CPUS=0 SUT_CPUS=1 GAP_MS=-1 MODES=...)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARED=${SHARED:-$ROOT/../shared/bench}
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-10}
CONNECTIONS=${CONNECTIONS:-64}
PIN=${PIN:-1}
LOAD_CPUS=${LOAD_CPUS:-0}
SUT_CPUS=${SUT_CPUS:-1}
GAP_MS=${GAP_MS:--1}
MODES=${MODES:-non-stream stream}
MOCK_PORT=${MOCK_PORT:-18111}
PORT=${GATEWAY_PORT:-18112}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
JVM_OPTS=${JVM_OPTS:--Xms256m -Xmx512m -XX:+UseParallelGC}
RESULTS=${RESULTS:-$ROOT/bench/results/$(date +%Y%m%d-%H%M%S)-clients.md}
RUN=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$RUN"' EXIT
mkdir -p "$(dirname "$RESULTS")"
LOAD=() SUT=()
[[ $PIN == 1 ]] && LOAD=(taskset -c "$LOAD_CPUS") SUT=(taskset -c "$SUT_CPUS")

[[ -f $ROOT/target/switchboard.jar ]] || (cd "$ROOT" && ./mvnw -q -B -ntp -DskipTests package)

sed -e "s#@PORT@#$MOCK_PORT#g" -e "s#@DIR@#$SHARED/mock#g" -e "s#@RUN@#$RUN#g" -e "s#@GAP@#$GAP_MS#g" \
	"$SHARED/mock/nginx.conf" >"$RUN/mock.conf"
"${LOAD[@]}" nginx -e "$RUN/mock-error.log" -p "$RUN" -c "$RUN/mock.conf" -g 'daemon off;' &
MOCK_OPENAI_BASE_URL=http://127.0.0.1:$MOCK_PORT/v1 "${SUT[@]}" $JAVA $JVM_OPTS -jar "$ROOT/target/switchboard.jar" \
	--server.port=$PORT --spring.config.additional-location=file:"$ROOT/bench/gateway-clients.yaml" \
	--logging.level.root=warn >"$RUN/gateway.log" 2>&1 &
for _ in $(seq 1 120); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/actuator/health" && break; sleep 0.5; done

BASE=http://127.0.0.1:$PORT
# kind -> "path|body for non-stream|body for stream|path for stream|the stream's last event"
declare -A KINDS=(
	[chat]="/v1/chat/completions|$SHARED/requests/chat.json|$SHARED/requests/chat-stream.json|/v1/chat/completions|data: [DONE]"
	[messages]="/v1/messages|$ROOT/bench/requests/messages.json|$ROOT/bench/requests/messages-stream.json|/v1/messages|event: message_stop"
	[responses]="/v1/responses|$ROOT/bench/requests/responses.json|$ROOT/bench/requests/responses-stream.json|/v1/responses|event: response.completed"
	[gemini]="/v1beta/models/gpt-4o-mini:generateContent|$ROOT/bench/requests/gemini.json|$ROOT/bench/requests/gemini.json|/v1beta/models/gpt-4o-mini:streamGenerateContent?alt=sse|\"finishReason\""
)
ORDER=(chat messages responses gemini)

# one request of each kind must answer 200 and, streamed, end with its format's last event
for kind in "${ORDER[@]}"; do
	IFS='|' read -r path body sbody spath last <<<"${KINDS[$kind]}"
	code=$(curl -s -o "$RUN/$kind.json" -w '%{http_code}' -H 'Authorization: Bearer sk-bench-0000000000000000000000000000' \
		-H 'Content-Type: application/json' --data-binary @"$body" "$BASE$path")
	[[ $code == 200 ]] || { echo "[clients] $kind answered $code: $(cat "$RUN/$kind.json")" >&2; exit 1; }
	curl -sN -H 'Authorization: Bearer sk-bench-0000000000000000000000000000' -H 'Content-Type: application/json' \
		--data-binary @"$sbody" "$BASE$spath" >"$RUN/$kind.sse"
	grep -qF "$last" "$RUN/$kind.sse" || { echo "[clients] $kind stream lacks '$last'" >&2; exit 1; }
done

measure() { # kind mode -> "rps p50_ms p99_ms errors"
	IFS='|' read -r path body sbody spath _ <<<"${KINDS[$1]}"
	[[ $2 == stream ]] && path=$spath body=$sbody
	if ((WARMUP > 0)); then
		BENCH_BODY_FILE=$body "${LOAD[@]}" wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" --timeout 10s -s "$SHARED/wrk/chat.lua" "$BASE$path" >/dev/null
	fi
	BENCH_BODY_FILE=$body "${LOAD[@]}" wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s -s "$SHARED/wrk/chat.lua" \
		"$BASE$path" | awk '/^BENCH_RESULT/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
			printf "%.0f %.2f %.2f %d\n", v["requests"] / (v["duration_us"] / 1e6), v["p50"] / 1000, v["p99"] / 1000,
				v["err_connect"] + v["err_read"] + v["err_write"] + v["err_status"] + v["err_timeout"] }'
}

{
	echo "Clients of each format to one OpenAI-format upstream, $CONNECTIONS connections, ${DURATION}s (GAP_MS=$GAP_MS, PIN=$PIN)"
	echo
	echo "| client | mode | req/s | p50 ms | p99 ms | errors | vs chat passthrough | vs anthropic client |"
	echo "|---|---|---|---|---|---|---|---|"
	for mode in $MODES; do
		declare -A RPS=()
		for kind in "${ORDER[@]}"; do
			read -r rps p50 p99 errors <<<"$(measure "$kind" "$mode")"
			RPS[$kind]=$rps
			vs_chat=$(awk -v a="$rps" -v b="${RPS[chat]}" 'BEGIN { printf "%.0f%%", 100 * a / b }')
			vs_messages=$([[ -n ${RPS[messages]:-} ]] && awk -v a="$rps" -v b="${RPS[messages]}" 'BEGIN { printf "%.0f%%", 100 * a / b }' || echo "-")
			echo "| $kind | $mode | $rps | $p50 | $p99 | $errors | $vs_chat | $vs_messages |"
		done
		unset RPS
	done
} | tee "$RESULTS"
echo "[clients] written to $RESULTS"
