#!/usr/bin/env bash
# Builds the gateway and benchmarks it with the shared harness beside direct, nginx-proxy and portkey, then (unless
# TRANSLATED=0) the gateway translating the same requests to an Anthropic-type upstream, then (unless CACHED=0) the
# gateway answering them from its response cache, then (unless REFERENCES=0)
# the two JVM references: a bare Spring Cloud Gateway route and a raw Reactor Netty proxy. Each of these runs once per
# concurrency in CONCURRENCIES (default 64; the full sweep is CONCURRENCIES="1 16 64 256").
# With BASELINE_JAR set (a switchboard.jar built from another commit, e.g. in a git worktree), that jar runs too, as
# switchboard-baseline, with the same configuration.
# Usage: bench/run.sh   (settings are the harness's environment variables: DURATION, WARMUP, PIN, MODES, ...)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
REFERENCES=${REFERENCES:-1}
TRANSLATED=${TRANSLATED:-1}
API_KEYS=${API_KEYS:-1}
CACHED=${CACHED:-1}
GUARDRAILS=${GUARDRAILS:-0}
CONCURRENCIES=${CONCURRENCIES:-64}
OUT=${RESULTS:-$ROOT/bench/results/$STAMP.md}

mvn_package() { (cd "$1" && "$ROOT/mvnw" -q -B -ntp -DskipTests package); }
mvn_package "$ROOT"

# slot NAME CONNECTIONS COMMAND SYSTEMS: one harness run with the command in the gateway slot; its table goes to
# bench/results/$STAMP-NAME-cCONNECTIONS.md
slot() {
	GATEWAY_NAME=$1 CONNECTIONS=$2 GATEWAY_CMD=$3 SYSTEMS=$4 GATEWAY_URL=http://127.0.0.1:$PORT \
		RESULTS=$ROOT/bench/results/$STAMP-$1-c$2.md bash "$HARNESS"
}

gateway() { # the gateway's command line with configuration file $1 (and jar $2, by default this build's)
	echo "exec $JAVA $JVM_OPTS -jar '${2:-$ROOT/target/switchboard.jar}' --server.port=$PORT \
--spring.config.additional-location=file:'$ROOT/bench/$1' --logging.level.root=warn"
}
BASELINE_JAR=${BASELINE_JAR:-}

if [[ $REFERENCES == 1 ]]; then
	mvn_package "$ROOT/bench/reference/bare-scg"
	mvn_package "$ROOT/bench/reference/raw-netty"
fi

for c in $CONCURRENCIES; do
	slot switchboard "$c" "$(gateway gateway.yaml)" "${SYSTEMS:-direct nginx-proxy portkey}"
	if [[ -n $BASELINE_JAR ]]; then
		slot switchboard-baseline "$c" "$(gateway gateway.yaml "$BASELINE_JAR")" direct
	fi
	if [[ $API_KEYS == 1 ]]; then
		# the bench key as an API key (bench/gateway-api-key.yaml), from a key store seeded with its digest
		KEYS_DIR=$(mktemp -d)
		cp "$ROOT/bench/api-keys.json" "$KEYS_DIR/keys.json"
		slot switchboard-api-key "$c" "$(gateway gateway-api-key.yaml) --switchboard.state.dir='$KEYS_DIR'" direct
		rm -rf "$KEYS_DIR"
	fi
	if [[ $TRANSLATED == 1 ]]; then
		slot switchboard-translated "$c" "$(gateway gateway-translated.yaml)" direct
	fi
	if [[ $CACHED == 1 ]]; then
		slot switchboard-cached "$c" "$(gateway gateway-cached.yaml)" direct
	fi
	if [[ $GUARDRAILS == 1 ]]; then
		slot switchboard-guardrails "$c" "$(gateway gateway-guardrails.yaml)" direct
		slot switchboard-guardrails-response "$c" "$(gateway gateway-guardrails-response.yaml)" direct
	fi
	if [[ $REFERENCES == 1 ]]; then
		slot bare-scg "$c" "exec $JAVA $JVM_OPTS -jar '$ROOT/bench/reference/bare-scg/target/bare-scg.jar' --server.port=$PORT" direct
		slot raw-netty "$c" "exec $JAVA $JVM_OPTS -Dport=$PORT -jar '$ROOT/bench/reference/raw-netty/target/raw-netty.jar'" direct
	fi
done

{
	for c in $CONCURRENCIES; do
		echo "## $c connections"
		echo
		cat "$ROOT/bench/results/$STAMP-switchboard-c$c.md"
		for extra in switchboard-baseline switchboard-api-key switchboard-translated switchboard-cached switchboard-guardrails switchboard-guardrails-response bare-scg raw-netty; do
			[[ -f $ROOT/bench/results/$STAMP-$extra-c$c.md ]] || continue
			echo
			echo "Same settings, separate harness run ($extra):"
			echo
			grep -E "^\|(---| ($extra|system) )" "$ROOT/bench/results/$STAMP-$extra-c$c.md"
		done
		echo
	done
} >"$OUT"
echo
cat "$OUT"
echo "[bench] written to $OUT"
