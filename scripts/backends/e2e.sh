#!/usr/bin/env bash
# The e2e suite against real backends (run by .ci/run after the unit tests; also `npm run test:e2e`):
#   1. builds or reuses the Collector (OCB, collector-config/builder-config.yaml) and Jaeger v2 — needs Go;
#   2. starts Jaeger and the Collector (collector-config/gateway.yaml + local.yaml) on loopback and waits until both are healthy;
#   3. runs the vitest e2e suite (vitest.e2e.config.ts, test/e2e/) against them;
#   4. stops both, whatever happened (trap).
# Extra arguments go to vitest, e.g. `bash scripts/backends/e2e.sh test/e2e/jaeger.test.ts`.
# The backends' logs stay in the run folder printed at the start (kept when a test failed).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=lib.sh
source scripts/backends/lib.sh
# shellcheck source=../ensure-node.sh
source scripts/ensure-node.sh

started=$SECONDS
bash scripts/backends/build.sh >/dev/null
build_s=$((SECONDS - started))
log "binaries ready after ${build_s} s"

run_dir="$(mktemp -d "${TMPDIR:-/tmp}/pipespan-e2e.XXXXXX")"
log "run folder (logs): $run_dir"
cleanup() {
  local rc=$?
  bash scripts/backends/backends.sh stop "$run_dir" || true
  if ((rc == 0)); then
    rm -rf "$run_dir"
  else
    log "kept $run_dir (collector.log, jaeger.log) for the failure above"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

bash scripts/backends/backends.sh start "$run_dir"

tests_started=$SECONDS
PIPESPAN_E2E_RUN_DIR="$run_dir" PIPESPAN_OTELCOL_BIN="$OTELCOL_BIN" PIPESPAN_JAEGER_BIN="$JAEGER_BIN" \
  npx vitest run --config vitest.e2e.config.ts "$@"
log "e2e suite passed in $((SECONDS - tests_started)) s (total with build/start: $((SECONDS - started)) s)"
