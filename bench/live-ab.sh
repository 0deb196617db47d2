#!/usr/bin/env bash
# A/B of gateway builds or settings that all run at once, each on its own port, loaded in turn: ROUNDS short wrk
# runs per variant and mode, interleaved (A B A B ...), after one warm-up of each. Where bench/ab.sh restarts a JVM
# per round (a drifting machine moves the rounds apart), here every variant is measured within seconds of the others,
# again and again, and the median of the rounds is compared. The idle JVMs take next to no CPU meanwhile.
# Each argument is NAME=JAR or NAME=JAR|EXTRA-ARGS, as for bench/ab.sh. Prints req/s and the gateway's CPU time per
# request (user + system, from /proc) and wrk's p99 latency per round, then the medians and each variant's ratio to the first.
# Settings: MODES (non-stream stream), ROUNDS (6), DURATION (5), WARMUP (20), CONNECTIONS (64), PIN (0; 1 puts the
# gateways on CPU 1 and wrk + mock on CPU 0), CONFIG (bench/gateway.yaml), JVM_OPTS, RATE (unset: as fast as answered;
# N: about N req/s offered, each connection pacing its requests with bench/wrk/paced.lua, for latency below saturation).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
BENCH_DIR=$(cd "$(dirname "$HARNESS")" && pwd)
CONFIG=${CONFIG:-$ROOT/bench/gateway.yaml}
MODES=${MODES:-non-stream stream}
ROUNDS=${ROUNDS:-6} DURATION=${DURATION:-5} WARMUP=${WARMUP:-20} CONNECTIONS=${CONNECTIONS:-64} PIN=${PIN:-0}
MOCK_PORT=${MOCK_PORT:-18001}
OUT=$ROOT/bench/results/$STAMP-live-ab
RUN=$OUT/run
mkdir -p "$RUN"
CLK_TCK=$(getconf CLK_TCK)
SUT_PIN=() LOAD_PIN=()
if [[ $PIN == 1 ]]; then SUT_PIN=(taskset -c 1) LOAD_PIN=(taskset -c 0); fi
command -v wrk >/dev/null && command -v nginx >/dev/null || { echo "needs wrk and nginx (bench/run.sh installs them)" >&2; exit 1; }

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill -- -"$p" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

sed -e "s#@PORT@#$MOCK_PORT#g" -e "s#@DIR@#$BENCH_DIR/mock#g" -e "s#@RUN@#$RUN#g" -e "s#@GAP@#-1#g" \
	"$BENCH_DIR/mock/nginx.conf" >"$RUN/mock.conf"
setsid ${LOAD_PIN[@]+"${LOAD_PIN[@]}"} nginx -e "$RUN/mock-error.log" -p "$RUN" -c "$RUN/mock.conf" -g 'daemon off;' \
	>"$RUN/mock.log" 2>&1 &
PIDS+=($!)

names=() ports=() gpids=()
i=0
for spec in "$@"; do
	name=${spec%%=*} rest=${spec#*=}
	jar=${rest%%|*} extra=""
	[[ $rest == *"|"* ]] && extra=${rest#*|}
	port=$((PORT + i))
	# shellcheck disable=SC2086 # JVM_OPTS and extra are word lists
	MOCK_URL=http://127.0.0.1:$MOCK_PORT MOCK_OPENAI_BASE_URL=http://127.0.0.1:$MOCK_PORT/v1 \
		setsid ${SUT_PIN[@]+"${SUT_PIN[@]}"} $JAVA $JVM_OPTS -jar "$jar" --server.port=$port \
		--spring.config.additional-location=file:"$CONFIG" --logging.level.root=warn $extra >"$RUN/$name.log" 2>&1 &
	PIDS+=($!) names+=("$name") ports+=("$port") gpids+=($!)
	i=$((i + 1))
done

AUTH="Authorization: Bearer sk-bench-0000000000000000000000000000"
for port in "${ports[@]}"; do
	for _ in $(seq 1 120); do
		curl -s -o /dev/null -H "$AUTH" -H 'Content-Type: application/json' \
			--data-binary @"$BENCH_DIR/requests/chat.json" "http://127.0.0.1:$port/v1/chat/completions" && break
		sleep 0.5
	done
done

ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; } # the JVM is the session leader setsid started
load() { # PORT MODE SECONDS -> "req/s"
	local body=$BENCH_DIR/requests/chat.json
	[[ $2 == stream ]] && body=$BENCH_DIR/requests/chat-stream.json
	local script=$BENCH_DIR/wrk/chat.lua pace=0
	if [[ -n ${RATE:-} ]]; then script=$ROOT/bench/wrk/paced.lua pace=$((CONNECTIONS * 1000 / RATE)); fi
	BENCH_BODY_FILE=$body BENCH_HEADERS=$AUTH BENCH_CHAT_LUA=$BENCH_DIR/wrk/chat.lua BENCH_PACE_MS=$pace \
		${LOAD_PIN[@]+"${LOAD_PIN[@]}"} wrk -t2 -c"$CONNECTIONS" -d"$3s" \
		--latency -s "$script" "http://127.0.0.1:$1/v1/chat/completions" 2>&1 |
		awk '/^BENCH_RESULT/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
			printf "%.0f %d %d\n", v["requests"] / (v["duration_us"] / 1e6), v["err_status"] + v["err_connect"] + v["err_read"], v["p99"] }'
}

for mode in $MODES; do
	for k in "${!names[@]}"; do RATE= load "${ports[$k]}" "$mode" "$WARMUP" >/dev/null; done # warmed at full speed
done
: >"$OUT/rounds.tsv"
for round in $(seq 1 "$ROUNDS"); do
	for mode in $MODES; do
		for k in "${!names[@]}"; do
			t0=$(ticks "${gpids[$k]}")
			read -r rps errors p99 < <(load "${ports[$k]}" "$mode" "$DURATION")
			t1=$(ticks "${gpids[$k]}")
			cpu=$(awk -v t=$((t1 - t0)) -v h="$CLK_TCK" -v r="$rps" -v d="$DURATION" \
				'BEGIN { printf "%.3f", (r > 0) ? 1000 * t / h / (r * d) : 0 }')
			printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "${names[$k]}" "$mode" "$rps" "$cpu" "$errors" "$p99" | tee -a "$OUT/rounds.tsv"
		done
	done
done
echo
echo "| variant | mode | median req/s | ratio | median CPU ms/request | ratio | median p99 ms |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: |"
for mode in $MODES; do
	for name in "${names[@]}"; do
		awk -F'\t' -v n="$name" -v m="$mode" -v first="${names[0]}" '
			function median(a, c,   i, j, t) { for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
				return (c % 2) ? a[(c + 1) / 2] : (a[c / 2] + a[c / 2 + 1]) / 2 }
			$3 == m && $2 == n { r[++c] = $4; u[c] = $5; l[c] = $7 } $3 == m && $2 == first { fr[++fc] = $4; fu[fc] = $5 }
			END { mr = median(r, c); mu = median(u, c); ml = median(l, c); br = median(fr, fc); bu = median(fu, fc)
				printf "| %s | %s | %.0f | %.2f | %.3f | %.2f | %.2f |\n", n, m, mr, mr / br, mu, mu / bu, ml / 1000 }' "$OUT/rounds.tsv"
	done
done | tee "$OUT/summary.md"
