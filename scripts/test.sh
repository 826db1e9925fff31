#!/usr/bin/env bash
# Quick start, command 2: run the test suite (installs what it needs first).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system.sh
# shellcheck source=ensure-node.sh
source scripts/ensure-node.sh
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
# The Snakemake workflow tests run a real Snakemake from PyPI with pipespan's logger plugin.
bash scripts/snakemake-venv.sh >/dev/null
npm test
