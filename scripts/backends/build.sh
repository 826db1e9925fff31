#!/usr/bin/env bash
# Builds (or reuses) the real backends of the e2e suite, outside the repository:
#   - the OpenTelemetry Collector Builder (OCB) and, with it, the Collector of collector-config/builder-config.yaml
#   - Jaeger v2 (cmd/jaeger of Jaeger 1.76.0) as a `go tool` of a small generated Go module
#     (`go install` refuses that package: Jaeger's go.mod has a replace directive)
# Both Go builds run in parallel. A binary already in the cache is reused as is (the Collector's cache folder is
# keyed by the manifest's hash, so editing the manifest rebuilds it). Prints the two binaries' paths when done.
#
#   bash scripts/backends/build.sh            build what is missing
#   bash scripts/backends/build.sh --check    build nothing; fail unless both binaries are present
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

if [[ "${1:-}" == "--check" ]]; then
  missing=()
  [[ -x "$OTELCOL_BIN" ]] || missing+=("$OTELCOL_BIN")
  [[ -x "$JAEGER_BIN" ]] || missing+=("$JAEGER_BIN")
  ((${#missing[@]} == 0)) || die "not built: ${missing[*]} (run 'bash scripts/backends/build.sh')"
  echo "$OTELCOL_BIN"
  echo "$JAEGER_BIN"
  exit 0
fi

mkdir -p "$CACHE"
if [[ -x "$OTELCOL_BIN" && -x "$JAEGER_BIN" ]]; then
  log "reusing cached binaries in $CACHE"
  echo "$OTELCOL_BIN"
  echo "$JAEGER_BIN"
  exit 0
fi
require_go
go_env

# One build at a time per cache (two CI jobs on one machine would otherwise race on the same folders).
exec 9>"$CACHE/.build.lock"
flock 9

build_collector() {
  [[ -x "$OTELCOL_BIN" ]] && return 0
  local started=$SECONDS
  if [[ ! -x "$OCB_BIN" ]]; then
    log "installing the Collector Builder v$OCB_VERSION"
    GOBIN="$(dirname "$OCB_BIN")" go install "go.opentelemetry.io/collector/cmd/builder@v$OCB_VERSION"
  fi
  log "building the Collector (OCB v$OCB_VERSION, manifest $(manifest_hash)) in $OTELCOL_DIR"
  local work="$OTELCOL_DIR/work"
  rm -rf "$work"
  mkdir -p "$work"
  cp "$MANIFEST" "$OTELCOL_DIR/builder-config.yaml"
  # The manifest's output_path is relative: run the builder in the cache folder, never in the repository.
  (cd "$work" && "$OCB_BIN" --config "$OTELCOL_DIR/builder-config.yaml")
  mv "$work/otelcol-pipespan/otelcol-pipespan" "$OTELCOL_BIN.tmp"
  mv "$OTELCOL_BIN.tmp" "$OTELCOL_BIN"
  rm -rf "$work"
  log "Collector built in $((SECONDS - started)) s: $OTELCOL_BIN"
}

build_jaeger() {
  [[ -x "$JAEGER_BIN" ]] && return 0
  local started=$SECONDS
  local module="$JAEGER_DIR/module"
  log "building Jaeger v2 (github.com/jaegertracing/jaeger/cmd/jaeger@v$JAEGER_VERSION) in $JAEGER_DIR"
  mkdir -p "$module"
  if ! grep -qs "jaegertracing/jaeger v$JAEGER_VERSION" "$module/go.mod"; then
    printf 'module pipespan.local/backends/jaeger\n\ngo 1.%s\n' "$GO_MIN_MINOR" >"$module/go.mod"
    rm -f "$module/go.sum"
    (cd "$module" && go get -tool "github.com/jaegertracing/jaeger/cmd/jaeger@v$JAEGER_VERSION")
  fi
  (cd "$module" && go build -ldflags="-s -w" -o "$JAEGER_BIN.tmp" github.com/jaegertracing/jaeger/cmd/jaeger)
  mv "$JAEGER_BIN.tmp" "$JAEGER_BIN"
  log "Jaeger built in $((SECONDS - started)) s: $JAEGER_BIN"
}

# Run both builds at once (each is mostly compile time; together they share the 2 cores better than in turn).
build_collector >"$CACHE/build-collector.log" 2>&1 &
collector_pid=$!
build_jaeger >"$CACHE/build-jaeger.log" 2>&1 &
jaeger_pid=$!
failed=()
wait "$collector_pid" || failed+=("Collector (log: $CACHE/build-collector.log)")
wait "$jaeger_pid" || failed+=("Jaeger (log: $CACHE/build-jaeger.log)")
for f in "$CACHE/build-collector.log" "$CACHE/build-jaeger.log"; do grep '^backends:' "$f" >&2 || true; done
if ((${#failed[@]} > 0)); then
  for f in "$CACHE/build-collector.log" "$CACHE/build-jaeger.log"; do tail -n 20 "$f" >&2; done
  die "build failed: ${failed[*]}"
fi
echo "$OTELCOL_BIN"
echo "$JAEGER_BIN"
