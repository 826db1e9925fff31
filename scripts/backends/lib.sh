# shellcheck shell=bash
# Shared settings of the real-backend scripts (sourced, not run): pinned versions, cache folders, the Go
# environment, and the loopback ports of the local Collector and Jaeger.
#
# Everything built lives OUTSIDE the repository, keyed by version, and is reused when present:
#   $PIPESPAN_BACKENDS_CACHE (default ~/.cache/pipespan/backends)
#     go/path, go/build                     GOPATH (+ GOMODCACHE) and GOCACHE of these builds only
#     ocb-<ver>/bin/builder                 the OpenTelemetry Collector Builder
#     otelcol-pipespan-<ver>-<manifest hash>/otelcol-pipespan   the Collector built from collector-config/
#     jaeger-<ver>/jaeger                   Jaeger v2 (cmd/jaeger), built as a tool of a generated Go module

BACKENDS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$BACKENDS_DIR/../.." && pwd)"

# One Collector release for the builder and every component (core and contrib), see builder-config.yaml.
OCB_VERSION="0.161.0"
# The newest Jaeger tag our module proxy serves; its cmd/jaeger is the v2 (Collector-based) binary.
JAEGER_VERSION="1.76.0"
# Oldest Go that builds both (the v0.161.0 Collector modules ask for go 1.26.0; Jaeger 1.76.0 for 1.24.6).
GO_MIN_MINOR=26

MANIFEST="$REPO_ROOT/collector-config/builder-config.yaml"
CACHE="${PIPESPAN_BACKENDS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pipespan/backends}"

manifest_hash() { sha256sum "$MANIFEST" | cut -c1-12; }

OCB_BIN="$CACHE/ocb-$OCB_VERSION/bin/builder"
OTELCOL_DIR="$CACHE/otelcol-pipespan-$OCB_VERSION-$(manifest_hash)"
OTELCOL_BIN="$OTELCOL_DIR/otelcol-pipespan"
JAEGER_DIR="$CACHE/jaeger-$JAEGER_VERSION"
JAEGER_BIN="$JAEGER_DIR/jaeger"

# Loopback addresses of the e2e backends. The PIPESPAN_LOCAL_* names are the ones collector-config/local.yaml
# reads, the JAEGER_* ones scripts/backends/jaeger.yaml; override any of them from the environment.
: "${PIPESPAN_LOCAL_OTLP_GRPC_ENDPOINT:=127.0.0.1:14317}"      # Collector OTLP gRPC receiver (pipespan sends here)
: "${PIPESPAN_LOCAL_OTLP_HTTP_ENDPOINT:=127.0.0.1:14318}"      # Collector OTLP HTTP receiver
: "${PIPESPAN_LOCAL_HEALTH_ENDPOINT:=127.0.0.1:14133}"         # Collector health_check
: "${PIPESPAN_LOCAL_PROMETHEUS_ENDPOINT:=127.0.0.1:19464}"     # Collector prometheus exporter (span-derived metrics)
: "${PIPESPAN_LOCAL_TELEMETRY_PORT:=18888}"                    # Collector's own metrics, on 127.0.0.1
: "${PIPESPAN_LOCAL_HONEYCOMB_SINK_ENDPOINT:=127.0.0.1:14319}" # local.yaml's stand-in for api.honeycomb.io
: "${JAEGER_OTLP_GRPC:=127.0.0.1:24317}"
: "${JAEGER_OTLP_HTTP:=127.0.0.1:24318}"
: "${JAEGER_QUERY_HTTP:=127.0.0.1:26686}"
: "${JAEGER_QUERY_GRPC:=127.0.0.1:26685}"
: "${JAEGER_HEALTH:=127.0.0.1:23133}"
: "${JAEGER_METRICS_PORT:=28888}"
export PIPESPAN_LOCAL_OTLP_GRPC_ENDPOINT PIPESPAN_LOCAL_OTLP_HTTP_ENDPOINT PIPESPAN_LOCAL_HEALTH_ENDPOINT \
  PIPESPAN_LOCAL_PROMETHEUS_ENDPOINT PIPESPAN_LOCAL_TELEMETRY_PORT PIPESPAN_LOCAL_HONEYCOMB_SINK_ENDPOINT \
  JAEGER_OTLP_GRPC JAEGER_OTLP_HTTP JAEGER_QUERY_HTTP JAEGER_QUERY_GRPC JAEGER_HEALTH JAEGER_METRICS_PORT

log() { echo "backends: $*" >&2; }
die() {
  echo "backends: ERROR: $*" >&2
  exit 1
}

# Fails with one clear message when Go is missing or too old. Go is only needed to BUILD the binaries.
require_go() {
  if ! command -v go >/dev/null 2>&1; then
    die "Go is not installed (or not on PATH). The e2e suite builds the OpenTelemetry Collector (OCB $OCB_VERSION) and Jaeger v2 ($JAEGER_VERSION) from Go modules: install Go >= 1.$GO_MIN_MINOR and make sure the Go module proxy is reachable, then run 'bash scripts/backends/e2e.sh' again."
  fi
  local v minor
  v="$(go env GOVERSION 2>/dev/null || true)" # e.g. go1.26.8
  minor="$(sed -E 's/^go1\.([0-9]+).*/\1/' <<<"$v")"
  if ! [[ "$minor" =~ ^[0-9]+$ ]] || ((minor < GO_MIN_MINOR)); then
    die "Go ${v:-unknown} is too old: building the Collector and Jaeger needs Go >= 1.$GO_MIN_MINOR."
  fi
}

# The Go environment of these builds: caches outside the repo, no toolchain downloads, no VCS stamping.
go_env() {
  export GOPATH="$CACHE/go/path"
  export GOMODCACHE="$CACHE/go/path/pkg/mod"
  export GOCACHE="$CACHE/go/build"
  export GOTOOLCHAIN=local
  export GOFLAGS="-buildvcs=false"
  mkdir -p "$GOPATH" "$GOCACHE"
}

