#!/usr/bin/env bash
# The local semantic lookup's latency, embedding included: starts the gateway with bench/gateway-semantic.yaml,
# sends PROMPTS distinct questions (each a miss, stored), then each again in other words (a lookup that finds it,
# or not), one at a time, and prints the switchboard.cache.semantic.lookup timer (p50, p99, count) from
# /actuator/prometheus, with the hit and miss counts.
# Usage: bench/semantic.sh   (PROMPTS=200, GATEWAY_PORT, JAVA_HOME, JVM_OPTS as for bench/run.sh)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PORT=${GATEWAY_PORT:-18080}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
JVM_OPTS=${JVM_OPTS:--Xms256m -Xmx512m -XX:+UseParallelGC}
PROMPTS=${PROMPTS:-200}
KEY=sk-bench-0000000000000000000000000000

(cd "$ROOT" && ./mvnw -q -B -ntp -DskipTests package)
$JAVA $JVM_OPTS -jar "$ROOT/target/switchboard.jar" --server.port="$PORT" \
	--spring.config.additional-location=file:"$ROOT/bench/gateway-semantic.yaml" --logging.level.root=warn &
GATEWAY=$!
trap 'kill $GATEWAY' EXIT
for _ in $(seq 1 120); do
	curl -fs "http://127.0.0.1:$PORT/actuator/health" >/dev/null && break
	sleep 0.5
done

ask() { # TEXT: one chat request; prints the x-switchboard-cache header
	curl -s -o /dev/null -D - "http://127.0.0.1:$PORT/v1/chat/completions" -H "Authorization: Bearer $KEY" \
		-H 'Content-Type: application/json' \
		-d "{\"model\":\"semantic\",\"messages\":[{\"role\":\"user\",\"content\":\"$1\"}]}" |
		tr -d '\r' | awk -F': ' 'tolower($1) == "x-switchboard-cache" { print $2 }'
}

subjects=(photosynthesis volcanoes tides "the French revolution" "black holes" "the immune system" "compound interest"
	"plate tectonics" "the water cycle" "neural networks")
for ((i = 0; i < PROMPTS; i++)); do
	ask "Explain ${subjects[i % 10]} to a student in year $i." >/dev/null
done
hits=0
for ((i = 0; i < PROMPTS; i++)); do
	[[ $(ask "Can you explain ${subjects[i % 10]} to a year $i student?") == semantic-hit ]] && hits=$((hits + 1))
done
echo "semantic lookups: $((2 * PROMPTS)) (first $PROMPTS stored), paraphrase hits: $hits of $PROMPTS"
curl -s "http://127.0.0.1:$PORT/actuator/prometheus" | grep -E '^switchboard_cache_semantic_lookup_seconds(\{.*quantile|_count|_max)'
