#!/usr/bin/env bash
# Installs the Debian packages pipespan needs: a toolchain for the native addon (clang, libbpf, bpftool), the
# tools the examples use, and the browser (with a font) the HTML report's tests open it in. Installs only what is
# missing; needs root (or sudo).
set -euo pipefail
pkgs=(ca-certificates git make g++ python3 python3-venv clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev pkg-config gzip coreutils chromium fonts-dejavu-core
  util-linux procps systemd mount) # setpriv, kill (process groups), systemd-analyze: the reliability tests; losetup (mount): the stall test
# real multi-threaded tools the measurement tests trace (test/support/tools.ts)
pkgs+=(pigz zstd samtools fastp)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm fetches Node 24 when the host's Node is too old: any npm will do, Debian's only when there is none.
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "pipespan: installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
