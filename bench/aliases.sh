#!/usr/bin/env bash
# Route lookup against the number of aliases: the same harness run with bench/gateway.yaml (1 alias) and with the
# same configuration plus ALIASES-1 more aliases (default 1000 in all), each with SYSTEMS=direct, so the two rows
# compare as ratios to the same direct row. The request's alias is the configuration's last one, so a lookup that
# walked the aliases in order would pay for all of them.
# Usage: bench/aliases.sh   (harness settings as for bench/run.sh: DURATION, WARMUP, PIN, MODES, CONNECTIONS, ...)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ALIASES=${ALIASES:-1000}
RESULTS_DIR=$ROOT/bench/results
OUT=${RESULTS:-$RESULTS_DIR/$STAMP-aliases.md}
mkdir -p "$RESULTS_DIR"

(cd "$ROOT" && ./mvnw -q -B -ntp -DskipTests package)

# the many-alias configuration: the bench provider and key, ALIASES-1 aliases first, the measured one last
MANY=$RESULTS_DIR/$STAMP-gateway-$ALIASES-aliases.yaml
{
	sed -n '/^switchboard:/,/^  routes:/p' "$ROOT/bench/gateway.yaml"
	for ((i = 1; i < ALIASES; i++)); do
		printf '    - model: alias-%04d\n      targets:\n        - provider: bench\n          model: model-%04d\n' "$i" "$i"
	done
	printf '    - model: gpt-4o-mini\n      targets:\n        - provider: bench\n          model: gpt-4o-mini\n'
	echo '  well-known-providers: false'
} >"$MANY"

slot() { # NAME CONFIG
	GATEWAY_NAME=$1 SYSTEMS=direct GATEWAY_URL=http://127.0.0.1:$PORT \
		GATEWAY_CMD="exec $JAVA $JVM_OPTS -jar '$ROOT/target/switchboard.jar' --server.port=$PORT \
--spring.config.additional-location=file:'$2' --logging.level.root=warn" \
		RESULTS=$RESULTS_DIR/$STAMP-$1.md bash "$HARNESS"
}

slot switchboard-1-alias "$ROOT/bench/gateway.yaml"
slot "switchboard-$ALIASES-aliases" "$MANY"

{
	cat "$RESULTS_DIR/$STAMP-switchboard-1-alias.md"
	echo
	echo "Same settings, separate harness run (switchboard-$ALIASES-aliases):"
	echo
	grep -E "^\|(---| (switchboard-$ALIASES-aliases|system) )" "$RESULTS_DIR/$STAMP-switchboard-$ALIASES-aliases.md"
} >"$OUT"
cat "$OUT"
echo "[bench] written to $OUT"
