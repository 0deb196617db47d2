#!/usr/bin/env bash
# Issue 16's row: the same harness run three times, direct only, at each concurrency in CONCURRENCIES (default 64):
# bench/gateway.yaml (no limits), bench/gateway-quota-local.yaml (one key with every limit, store: local) and
# bench/gateway-quota-redis.yaml (the same, store: redis, against a redis-server this script starts on
# QUOTA_REDIS_PORT, default 16379, and stops at the end). The tables land in bench/results/.
# Usage: bench/quota.sh   (harness settings as for bench/run.sh: DURATION, WARMUP, PIN, MODES, ...)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
CONCURRENCIES=${CONCURRENCIES:-64}
QUOTA_REDIS_PORT=${QUOTA_REDIS_PORT:-16379}
export QUOTA_REDIS_URL=redis://127.0.0.1:$QUOTA_REDIS_PORT
export QUOTA_STATE_DIR=$ROOT/bench/results/quota-state-$STAMP

(cd "$ROOT" && ./mvnw -q -B -ntp -DskipTests package)
redis-server --port "$QUOTA_REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
	--pidfile "$ROOT/bench/results/quota-redis.pid" >/dev/null
trap 'kill "$(cat "$ROOT/bench/results/quota-redis.pid")" 2>/dev/null || true' EXIT

gateway() {
	echo "exec $JAVA $JVM_OPTS -jar '$ROOT/target/switchboard.jar' --server.port=$PORT \
--spring.config.additional-location=file:'$ROOT/bench/$1' --logging.level.root=warn"
}
for c in $CONCURRENCIES; do
	for variant in gateway gateway-quota-local gateway-quota-redis; do
		GATEWAY_NAME=switchboard-${variant#gateway-} CONNECTIONS=$c GATEWAY_CMD=$(gateway "$variant.yaml") SYSTEMS=direct \
			GATEWAY_URL=http://127.0.0.1:$PORT RESULTS=$ROOT/bench/results/$STAMP-$variant-c$c.md bash "$HARNESS"
	done
done
echo "Tables: bench/results/$STAMP-gateway*-c*.md"
