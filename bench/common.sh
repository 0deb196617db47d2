# Sourced by bench/run.sh, bench/aliases.sh and bench/ab.sh: where things are and how the gateway's JVM runs.
# Settings: HARNESS (../shared/bench/run.sh), GATEWAY_PORT (18080), JAVA_HOME, JVM_OPTS.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HARNESS=${HARNESS:-$ROOT/../shared/bench/run.sh}
PORT=${GATEWAY_PORT:-18080}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
JVM_OPTS=${JVM_OPTS:--Xms256m -Xmx512m -XX:+UseParallelGC}
STAMP=$(date +%Y%m%d-%H%M%S)
[[ -f $HARNESS ]] || { echo "the shared harness is not at $HARNESS (set HARNESS)" >&2; exit 1; }
