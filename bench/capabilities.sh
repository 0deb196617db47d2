#!/usr/bin/env bash
# What each capability costs on the request path, in one run: bench/live-ab.sh with the gateway as configured by
# bench/gateway.yaml (no guardrails, limits or cache) and the same jar with each capability's bench configuration,
# all running at once and loaded in turn, so that every ratio comes from rounds seconds apart on the same machine.
# Variants: switchboard, guardrails (secrets + pii on requests), guardrails-response (also on answers, streams
# included), quota-local and quota-redis (one key with every limit; a redis-server on REDIS_PORT is started here),
# cached (exact cache; every measured request is a hit), and BASELINE_JAR as "baseline" when given.
# Usage: bench/capabilities.sh   (JAR, BASELINE_JAR, ONLY="names ...", REDIS_PORT=16379, and bench/live-ab.sh's settings)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAR=${JAR:-$ROOT/target/switchboard.jar}
REDIS_PORT=${REDIS_PORT:-16379}
[[ -f $JAR ]] || (cd "$ROOT" && ./mvnw -q -B -ntp -DskipTests package)
command -v redis-server >/dev/null || { echo "needs redis-server (apt-get install redis-server)" >&2; exit 1; }
STATE=$(mktemp -d)
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$STATE" >"$STATE/redis.log" 2>&1 &
REDIS=$!
# waits for it to exit, so that a run right after this one can bind the port
trap 'kill $REDIS 2>/dev/null && wait $REDIS 2>/dev/null; rm -rf "$STATE"' EXIT
for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
sleep 0.2
# the answer must come from this run's redis-server, not one still on the port (it would exit under the run)
if ! kill -0 "$REDIS" 2>/dev/null || ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
	cat "$STATE/redis.log" >&2
	echo "redis-server did not start on $REDIS_PORT (is another one there?)" >&2
	exit 1
fi
export QUOTA_REDIS_URL=redis://127.0.0.1:$REDIS_PORT QUOTA_STATE_DIR=$STATE/quota
# bench/live-ab.sh loads bench/gateway.yaml first; a second additional location is read after it and wins
with() { echo "$JAR|--spring.config.additional-location=file:$ROOT/bench/$1"; }
variants=("switchboard=$JAR")
[[ -n ${BASELINE_JAR:-} ]] && variants+=("baseline=$BASELINE_JAR")
variants+=("guardrails=$(with gateway-guardrails.yaml)" "guardrails-response=$(with gateway-guardrails-response.yaml)"
	"quota-local=$(with gateway-quota-local.yaml)" "quota-redis=$(with gateway-quota-redis.yaml)"
	"cached=$(with gateway-cached.yaml)")
if [[ -n ${ONLY:-} ]]; then # ONLY="quota-local quota-redis": switchboard (and baseline) and those
	kept=()
	for v in "${variants[@]}"; do
		name=${v%%=*}
		[[ $name == switchboard || $name == baseline || " $ONLY " == *" $name "* ]] && kept+=("$v")
	done
	variants=("${kept[@]}")
fi
"$ROOT/bench/live-ab.sh" "${variants[@]}"
