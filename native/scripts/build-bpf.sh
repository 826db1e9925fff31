#!/usr/bin/env bash
# Builds the BPF side into OUT_DIR (called by binding.gyp; runnable by hand):
#   vmlinux.h (from this kernel's BTF) -> one CO-RE object per signal -> one linked object -> skeleton header.
# Env: CLANG (default clang), BPFTOOL (default bpftool), PIPESPAN_VMLINUX_BTF (default /sys/kernel/btf/vmlinux).
set -euo pipefail

out="${1:?usage: build-bpf.sh OUT_DIR}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
btf="${PIPESPAN_VMLINUX_BTF:-/sys/kernel/btf/vmlinux}"
clang="${CLANG:-clang}"
bpftool="${BPFTOOL:-}"
if [ -z "$bpftool" ]; then
  bpftool="$(PATH="$PATH:/usr/sbin:/sbin" command -v bpftool || true)"
fi

die() { echo "pipespan native build: $*" >&2; exit 1; }
command -v "$clang" >/dev/null || die "clang not found (Debian/Ubuntu: apt-get install clang llvm)"
[ -n "$bpftool" ] || die "bpftool not found (Debian/Ubuntu: apt-get install bpftool, or linux-tools-\$(uname -r))"
[ -f /usr/include/bpf/bpf_helpers.h ] || pkg-config --exists libbpf 2>/dev/null \
  || die "libbpf headers not found (Debian/Ubuntu: apt-get install libbpf-dev libelf-dev zlib1g-dev)"
[ -r "$btf" ] || die "kernel BTF not readable at $btf (needs CONFIG_DEBUG_INFO_BTF=y, or set PIPESPAN_VMLINUX_BTF)"

case "$(uname -m)" in
  x86_64) arch=x86 ;;
  aarch64) arch=arm64 ;;
  s390x) arch=s390 ;;
  ppc64le) arch=powerpc ;;
  riscv64) arch=riscv ;;
  *) die "unsupported architecture $(uname -m)" ;;
esac

mkdir -p "$out"
# vmlinux.h: every kernel type, generated from the running kernel's BTF (see README: why not shipped).
if [ ! -s "$out/vmlinux.h" ] || [ "$btf" -nt "$out/vmlinux.h" ]; then
  "$bpftool" btf dump file "$btf" format c >"$out/vmlinux.h.tmp"
  mv "$out/vmlinux.h.tmp" "$out/vmlinux.h"
fi

libbpf_cflags="$(pkg-config --cflags libbpf 2>/dev/null || true)"
objs=()
for name in lifecycle cpu blockio net; do
  # -g keeps BTF (needed for CO-RE and maps); -O2 is required by the verifier-friendly codegen;
  # -mcpu=v3: 32-bit jumps and ALU, atomics with fetch (kernel >= 5.12).
  # shellcheck disable=SC2086
  "$clang" -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_"$arch" $libbpf_cflags \
    -I"$out" -I"$here/bpf" -Wall -Werror -Wno-unused-function \
    -c "$here/bpf/$name.bpf.c" -o "$out/$name.bpf.o"
  objs+=("$out/$name.bpf.o")
done
# One object: the shared maps/globals (declared __weak in common.bpf.h) are merged by the BPF linker.
"$bpftool" gen object "$out/pipespan.bpf.o" "${objs[@]}"
"$bpftool" gen skeleton "$out/pipespan.bpf.o" name pipespan_bpf >"$out/pipespan.skel.h.tmp"
mv "$out/pipespan.skel.h.tmp" "$out/pipespan.skel.h"
