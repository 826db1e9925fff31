#!/usr/bin/env bash
# Creates (once) a Python venv with Snakemake from PyPI and installs pipespan's Snakemake logger plugin
# (integrations/snakemake) into it, fresh each time. Prints the venv's bin directory on its last line.
# The Snakemake workflow tests call it; CI calls it before the tests (scripts/test.sh).
#   SNAKEMAKE_VERSION  default 9.27.1
#   SNAKEMAKE_VENV     the venv (default .tools/snakemake-<version> in this checkout: each checkout its own, so two
#                      checkouts on one machine never reinstall the plugin under each other)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
version="${SNAKEMAKE_VERSION:-9.27.1}"
venv="${SNAKEMAKE_VENV:-$root/.tools/snakemake-$version}"
py="${PYTHON:-python3}"

if ! "$py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
  echo "snakemake-venv: Snakemake $version needs Python >= 3.11; $py is $("$py" --version 2>&1 || echo missing)" >&2
  exit 1
fi
if [ ! -x "$venv/bin/snakemake" ] || ! "$venv/bin/snakemake" --version 2>/dev/null | grep -qx "$version"; then
  echo "snakemake-venv: creating $venv (snakemake==$version from PyPI)" >&2
  rm -rf "$venv"
  mkdir -p "$(dirname "$venv")"
  "$py" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "snakemake==$version" "setuptools>=70" wheel >&2
fi
# The plugin from this checkout, every time (it is small; no network: the build tools are in the venv).
build="$(mktemp -d)"
trap 'rm -rf "$build"' EXIT
cp -r "$root/integrations/snakemake/." "$build/"
"$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps --no-build-isolation --force-reinstall "$build" >&2
"$venv/bin/snakemake" --help 2>/dev/null | grep -q -- "--logger-pipespan-url" || {
  echo "snakemake-venv: the pipespan logger plugin did not register with Snakemake" >&2
  exit 1
}
echo "$venv/bin"
