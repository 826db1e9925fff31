#!/usr/bin/env bash
# Quick start, command 1: install everything and trace the bundled demo pipeline (no backend needed).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system.sh
# shellcheck source=ensure-node.sh
source scripts/ensure-node.sh
npm ci --no-audit --no-fund
exec npx pipespan run --name demo -- bash examples/demo/pipeline.sh
