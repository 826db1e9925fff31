#!/usr/bin/env bash
# pipespan demo pipeline: real steps on synthetic sequencing-like data, coreutils and gzip only.
# Each step names itself through the environment protocol (PIPESPAN_TASK_NAME), which is how any shell
# pipeline tells pipespan which processes form a task. Without it, each direct child of this script
# would become a task named after its executable.
#
#   pipespan run --name demo -- bash examples/demo/pipeline.sh
#
# DEMO_SIZE_MB (default 96) sets the amount of sequence generated; DEMO_WORK the scratch folder.
set -euo pipefail

size_mb="${DEMO_SIZE_MB:-96}"
work="${DEMO_WORK:-/var/tmp/pipespan-demo.$$}"
trap 'PIPESPAN_TASK_NAME=cleanup rm -rf "$work"' EXIT

# task NAME CMD...: run CMD as the task NAME (all its child processes belong to the task).
task() {
  local name="$1"
  shift
  echo "demo: ${name}" >&2
  PIPESPAN_TASK_NAME="$name" "$@"
}

# 1. Simulate reads: random bytes -> bases -> 100-base reads with an id, one per line.
task simulate_reads bash -c '
  mkdir -p "$2"
  head -c "$(( $1 * 1024 * 1024 * 3 / 4 ))" /dev/urandom | base64 -w 0 |
    tr "A-Za-z0-9+/" "ACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGT" |
    fold -w 100 | awk "{ printf \"read%09d\t%s\n\", NR, \$0 }" > "$2/reads.tsv"
' _ "$size_mb" "$work"

# 2. Compress and sort in parallel, as a workflow manager would schedule independent steps.
task compress gzip -6 -k "$work/reads.tsv" &
compress_pid=$!
task sort_reads sort -t $'\t' -k2,2 -S 128M --parallel=2 -T "$work" -o "$work/sorted.tsv" "$work/reads.tsv" &
sort_pid=$!
wait "$compress_pid"
wait "$sort_pid"

# 3. Count duplicate sequences (there are few: the data is random).
task count_duplicates bash -c 'cut -f2 "$1/sorted.tsv" | uniq -d | wc -l > "$1/duplicates.txt"; wc -l < "$1/reads.tsv" > "$1/reads.count"' _ "$work"

# 4. Archive the sorted reads durably (fsync) and checksum the outputs.
task archive dd if="$work/sorted.tsv" of="$work/sorted.archive.tsv" bs=1M conv=fsync status=none
task checksum sha256sum "$work/reads.tsv.gz" "$work/sorted.archive.tsv" > "$work/checksums.txt"

# Shell builtins only from here: the root command's own work belongs to the run, not to a task.
read -r reads < "$work/reads.count"
read -r dups < "$work/duplicates.txt"
echo "demo: done ($reads reads, $dups duplicated sequences)" >&2
