#!/usr/bin/env bash
# Starts / stops the real backends of the e2e suite on loopback, from the binaries scripts/backends/build.sh made:
#   Jaeger v2     scripts/backends/jaeger.yaml       OTLP 24317/24318, query API 26686, health 23133
#   Collector     collector-config/gateway.yaml with local.yaml on top: OTLP 14317/14318, health 14133, prometheus 19464
# (defaults; every address can be overridden from the environment, see lib.sh). The Collector exports traces
# to Jaeger's OTLP gRPC receiver. Logs and pid files go to RUN_DIR.
#
#   bash scripts/backends/backends.sh start RUN_DIR   start both, wait until both report healthy
#   bash scripts/backends/backends.sh stop RUN_DIR    stop what `start` started (TERM, then KILL after 10 s)
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

cmd="${1:-}"
run_dir="${2:-}"
[[ -n "$cmd" && -n "$run_dir" ]] || die "usage: backends.sh start|stop RUN_DIR"

# Refuses an address something else already listens on: a stale Collector from an earlier run would
# otherwise answer our health checks and the tests would read someone else's data.
require_free() {
  local name="$1" addr="$2"
  if (exec 3<>"/dev/tcp/${addr%:*}/${addr##*:}") 2>/dev/null; then
    die "$name address $addr is already in use (another Collector/Jaeger still running?); stop it or set a different address (see scripts/backends/lib.sh)"
  fi
}

# wait_healthy NAME URL PID LOG: polls URL until it answers 2xx; fails early when the process exits.
wait_healthy() {
  local name="$1" url="$2" pid="$3" logf="$4" deadline=$((SECONDS + 60))
  while ((SECONDS < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$logf" >&2 || true
      die "$name exited during startup (log: $logf)"
    fi
    if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then
      log "$name is healthy ($url)"
      return 0
    fi
    sleep 0.3
  done
  tail -n 30 "$logf" >&2 || true
  die "$name did not become healthy within 60 s at $url (log: $logf)"
}

start() {
  bash "$BACKENDS_DIR/build.sh" --check >/dev/null
  mkdir -p "$run_dir"
  for a in "Jaeger OTLP gRPC:$JAEGER_OTLP_GRPC" "Jaeger OTLP HTTP:$JAEGER_OTLP_HTTP" \
    "Jaeger query:$JAEGER_QUERY_HTTP" "Jaeger query gRPC:$JAEGER_QUERY_GRPC" "Jaeger health:$JAEGER_HEALTH" \
    "Jaeger metrics:127.0.0.1:$JAEGER_METRICS_PORT" \
    "Collector OTLP gRPC:$PIPESPAN_LOCAL_OTLP_GRPC_ENDPOINT" "Collector OTLP HTTP:$PIPESPAN_LOCAL_OTLP_HTTP_ENDPOINT" \
    "Collector health:$PIPESPAN_LOCAL_HEALTH_ENDPOINT" "Collector prometheus:$PIPESPAN_LOCAL_PROMETHEUS_ENDPOINT" \
    "Collector telemetry:127.0.0.1:$PIPESPAN_LOCAL_TELEMETRY_PORT" \
    "Honeycomb sink:$PIPESPAN_LOCAL_HONEYCOMB_SINK_ENDPOINT"; do
    require_free "${a%%:*}" "${a#*:}"
  done

  log "starting Jaeger v$JAEGER_VERSION (query API http://$JAEGER_QUERY_HTTP)"
  "$JAEGER_BIN" --config "$BACKENDS_DIR/jaeger.yaml" >"$run_dir/jaeger.log" 2>&1 &
  echo $! >"$run_dir/jaeger.pid"
  wait_healthy Jaeger "http://$JAEGER_HEALTH/status" "$(cat "$run_dir/jaeger.pid")" "$run_dir/jaeger.log"

  log "starting the Collector (collector-config/gateway.yaml + local.yaml, OTLP gRPC $PIPESPAN_LOCAL_OTLP_GRPC_ENDPOINT)"
  # A fixed stand-in key: a real HONEYCOMB_API_KEY in the caller's environment must not be used by tests.
  PIPESPAN_TRACES_ENDPOINT="$JAEGER_OTLP_GRPC" PIPESPAN_LOCAL_FILE_DIR="$run_dir" HONEYCOMB_API_KEY=pipespan-e2e-local \
    "$OTELCOL_BIN" --config "$REPO_ROOT/collector-config/gateway.yaml" --config "$REPO_ROOT/collector-config/local.yaml" \
    >"$run_dir/collector.log" 2>&1 &
  echo $! >"$run_dir/collector.pid"
  wait_healthy Collector "http://$PIPESPAN_LOCAL_HEALTH_ENDPOINT/" "$(cat "$run_dir/collector.pid")" "$run_dir/collector.log"
}

stop_one() {
  local name="$1" pidf="$run_dir/$1.pid" pid
  [[ -f "$pidf" ]] || return 0
  pid="$(cat "$pidf")"
  rm -f "$pidf"
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || {
      log "$name stopped"
      return 0
    }
    sleep 0.1
  done
  log "$name did not stop within 10 s; killing it"
  kill -KILL "$pid" 2>/dev/null || true
}

case "$cmd" in
start) start ;;
stop)
  stop_one collector
  stop_one jaeger
  ;;
*) die "usage: backends.sh start|stop RUN_DIR" ;;
esac
