#!/usr/bin/env bash
# Time to the first event (first `data:` line, timed by bench/ttfe.py) and time between events of one stream at a time (no load), straight to the mock, through the
# passthrough route and through the translated route (OpenAI client, Anthropic upstream): what the gateway adds to
# a stream a user watches. The mock paces its events GAP_MS apart, so per-event delay shows as total time beyond
# the mock's own.
# The JIT warm-up goes through a second, unpaced mock (provider `warm`, addressed as `warm/<model>`), so that the
# request path is compiled as under real traffic before anything is timed: a few hundred paced streams leave it
# half-interpreted, which alone adds milliseconds to the first event.
# Usage: bench/ttfe.sh   (REQUESTS=200 GAP_MS=10 WARMUP=20 JVM_OPTS=... JAVA_HOME=...)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARED=${SHARED:-$ROOT/../shared/bench}
REQUESTS=${REQUESTS:-200}
GAP_MS=${GAP_MS:-10}
MOCK_PORT=${MOCK_PORT:-18111}
WARM_MOCK_PORT=${WARM_MOCK_PORT:-18114}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
JVM_OPTS=${JVM_OPTS:--Xms256m -Xmx512m -XX:+UseParallelGC}
KEY=sk-bench-0000000000000000000000000000
RUN=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$RUN"' EXIT
[[ -f $ROOT/target/switchboard.jar ]] || (cd "$ROOT" && ./mvnw -q -B -ntp -DskipTests package)

start_mock() { # name, port, gap
	mkdir -p "$RUN/$1"
	sed -e "s#@PORT@#$2#g" -e "s#@DIR@#$SHARED/mock#g" -e "s#@RUN@#$RUN/$1#g" -e "s#@GAP@#$3#g" \
		"$SHARED/mock/nginx.conf" >"$RUN/$1/mock.conf"
	nginx -e "$RUN/$1/mock-error.log" -p "$RUN/$1" -c "$RUN/$1/mock.conf" -g 'daemon off;' &
}
start_mock paced "$MOCK_PORT" "$GAP_MS"
start_mock unpaced "$WARM_MOCK_PORT" 0
start_gateway() { # port, configuration file, type of the warm-up provider
	local warm=http://127.0.0.1:$WARM_MOCK_PORT
	[[ $3 == openai ]] && warm=$warm/v1
	MOCK_URL=http://127.0.0.1:$MOCK_PORT MOCK_OPENAI_BASE_URL=http://127.0.0.1:$MOCK_PORT/v1 \
		$JAVA $JVM_OPTS -jar "$ROOT/target/switchboard.jar" --server.port="$1" \
		--spring.config.additional-location=file:"$ROOT/bench/$2" --logging.level.root=warn \
		--switchboard.providers.warm.type="$3" --switchboard.providers.warm.base-url="$warm" \
		--switchboard.providers.warm.api-key=sk-bench-upstream >"$RUN/$1.log" 2>&1 &
	for _ in $(seq 1 120); do curl -sf -o /dev/null "http://127.0.0.1:$1/actuator/health" && return; sleep 0.5; done
}
start_gateway 18112 gateway.yaml openai
start_gateway 18113 gateway-translated.yaml anthropic

measure() { # label, url
	python3 "$ROOT/bench/ttfe.py" "$2" "$SHARED/requests/chat-stream.json" "$REQUESTS" >"$RUN/$1.txt"
	# warm-up: the first half is dropped; percentiles of each column sorted on its own
	local first whole
	first=$(tail -n $((REQUESTS / 2)) "$RUN/$1.txt" | cut -d' ' -f1 | sort -n | awk '{ t[NR] = $1 }
		END { printf "p50 %6.2f ms  p90 %6.2f ms", t[int(NR * 0.5)], t[int(NR * 0.9)] }')
	whole=$(tail -n $((REQUESTS / 2)) "$RUN/$1.txt" | cut -d' ' -f2 | sort -n | awk '{ t[NR] = $1 }
		END { printf "p50 %7.2f ms", t[int(NR * 0.5)] }')
	printf '%-12s first event %s   whole stream %s\n' "$1" "$first" "$whole"
}
# JIT warm-up of both gateways, JSON and streams, through the unpaced `warm` provider (same code path, same format)
sed 's/"model": *"[^"]*"/"model":"warm\/gpt-4o-mini"/' "$SHARED/requests/chat.json" >"$RUN/warm.json"
sed 's/"model": *"[^"]*"/"model":"warm\/gpt-4o-mini"/' "$SHARED/requests/chat-stream.json" >"$RUN/warm-stream.json"
for port in 18112 18113; do
	for body in warm.json warm-stream.json; do
		BENCH_BODY_FILE=$RUN/$body wrk -t1 -c16 -d"${WARMUP:-20}s" -s "$SHARED/wrk/chat.lua" \
			"http://127.0.0.1:$port/v1/chat/completions" >/dev/null
	done
done
echo "[ttfe] $REQUESTS sequential streams each (the first half as warm-up), mock pacing 23 events ${GAP_MS} ms apart"
measure direct "http://127.0.0.1:$MOCK_PORT/v1/chat/completions"
measure passthrough "http://127.0.0.1:18112/v1/chat/completions"
measure translated "http://127.0.0.1:18113/v1/chat/completions"
