#!/usr/bin/env bash
# A/B runs of gateway builds or settings in the harness's gateway slot, alternating, ROUNDS times (default 2), so
# that a drift of the machine shows as a difference between rounds rather than between variants. Each argument is
# NAME=JAR or NAME=JAR|EXTRA-ARGS (extra command-line arguments of that run, e.g. a setting flipped).
# Only the gateway is loaded (no direct / nginx / portkey rows); prints one line per variant, mode and round.
# Example (what each SCG setting is worth, docs/performance.md):
#   J=target/switchboard.jar; P=--spring.cloud.gateway.server.webflux
#   MODES=non-stream bench/ab.sh "shipped=$J" "nocache=$J|$P.route-filter-cache-enabled=false"
# Settings: MODES, DURATION (10), WARMUP (20), PIN (1), ROUNDS (2), CONFIG (bench/gateway.yaml), JVM_OPTS.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
CONFIG=${CONFIG:-$ROOT/bench/gateway.yaml}
OUT=$ROOT/bench/results/$STAMP-ab
mkdir -p "$OUT"
for round in $(seq 1 "${ROUNDS:-2}"); do
	for spec in "$@"; do
		name=${spec%%=*}
		rest=${spec#*=}
		jar=${rest%%|*}
		extra=""
		[[ $rest == *"|"* ]] && extra=${rest#*|}
		# SYSTEMS is one space: no harness system of its own, only the gateway slot
		GATEWAY_NAME=$name SYSTEMS=" " MODES="${MODES:-non-stream stream}" DURATION=${DURATION:-10} \
			WARMUP=${WARMUP:-20} PIN=${PIN:-1} GATEWAY_URL=http://127.0.0.1:$PORT \
			GATEWAY_CMD="exec $JAVA $JVM_OPTS -jar '$jar' --server.port=$PORT \
--spring.config.additional-location=file:'$CONFIG' --logging.level.root=warn $extra" \
			RESULTS=$OUT/$name-$round.md bash "$HARNESS" >"$OUT/$name-$round.log" 2>&1
		grep "^| $name " "$OUT/$name-$round.md" | awk -F'|' -v r="$round" '{print "round " r ":" $2 $3 $4 " req/s, CPU" $11}'
	done
done
