#!/usr/bin/env bash
# Time to first event and time between events of one stream at a time (no load), straight to the mock, through the
# passthrough route and through the translated route (OpenAI client, Anthropic upstream): what the gateway adds to
# a stream a user watches. The mock paces its events GAP_MS apart, so per-event delay shows as total time beyond
# the mock's own.
# Usage: bench/ttfe.sh   (REQUESTS=200 GAP_MS=10 JVM_OPTS=... JAVA_HOME=...)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARED=${SHARED:-$ROOT/../shared/bench}
REQUESTS=${REQUESTS:-200}
GAP_MS=${GAP_MS:-10}
MOCK_PORT=${MOCK_PORT:-18111}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
JVM_OPTS=${JVM_OPTS:--Xms256m -Xmx512m -XX:+UseParallelGC}
KEY=sk-bench-0000000000000000000000000000
RUN=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$RUN"' EXIT
[[ -f $ROOT/target/switchboard.jar ]] || (cd "$ROOT" && ./mvnw -q -B -ntp -DskipTests package)

sed -e "s#@PORT@#$MOCK_PORT#g" -e "s#@DIR@#$SHARED/mock#g" -e "s#@RUN@#$RUN#g" -e "s#@GAP@#$GAP_MS#g" \
	"$SHARED/mock/nginx.conf" >"$RUN/mock.conf"
nginx -e "$RUN/mock-error.log" -p "$RUN" -c "$RUN/mock.conf" -g 'daemon off;' &
start_gateway() { # port, configuration file
	MOCK_URL=http://127.0.0.1:$MOCK_PORT MOCK_OPENAI_BASE_URL=http://127.0.0.1:$MOCK_PORT/v1 \
		$JAVA $JVM_OPTS -jar "$ROOT/target/switchboard.jar" --server.port="$1" \
		--spring.config.additional-location=file:"$ROOT/bench/$2" --logging.level.root=warn >"$RUN/$1.log" 2>&1 &
	for _ in $(seq 1 120); do curl -sf -o /dev/null "http://127.0.0.1:$1/actuator/health" && return; sleep 0.5; done
}
start_gateway 18112 gateway.yaml
start_gateway 18113 gateway-translated.yaml

measure() { # label, url
	for _ in $(seq 1 "$REQUESTS"); do
		curl -s -o /dev/null -w '%{time_starttransfer} %{time_total}\n' -H "authorization: Bearer $KEY" \
			-H 'content-type: application/json' --data-binary @"$SHARED/requests/chat-stream.json" "$2"
	done >"$RUN/$1.txt"
	# warm-up: the first half is dropped
	tail -n $((REQUESTS / 2)) "$RUN/$1.txt" | sort -n -k1 | awk -v label="$1" '{ t[NR] = $1; s[NR] = $2 }
		END { n = NR; split("", sorted); for (i = 1; i <= n; i++) total[i] = s[i]; asort(total);
			printf "%-12s first event p50 %6.2f ms  p90 %6.2f ms   whole stream p50 %7.2f ms\n", label,
				t[int(n * 0.5)] * 1000, t[int(n * 0.9)] * 1000, total[int(n * 0.5)] * 1000 }'
}
echo "[ttfe] $REQUESTS sequential streams each (the first half as warm-up), mock pacing 23 events ${GAP_MS} ms apart"
measure direct "http://127.0.0.1:$MOCK_PORT/v1/chat/completions"
measure passthrough "http://127.0.0.1:18112/v1/chat/completions"
measure translated "http://127.0.0.1:18113/v1/chat/completions"
