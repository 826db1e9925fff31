#!/usr/bin/env bash
# Prints the kernel-side drop and health counters (the pp_stats map) of the pipespan process PID as one JSON
# object, read from that process's own map (found through its file descriptors, so other pipespan instances on the
# host are not mixed in). Usage: kernel-stats.sh PID
set -euo pipefail
pid="$1"
for info in /proc/"$pid"/fdinfo/*; do
  id="$(awk '/^map_id:/ {print $2}' "$info" 2>/dev/null || true)"
  [ -n "$id" ] || continue
  if bpftool map show id "$id" 2>/dev/null | grep -q "name pp_stats "; then
    bpftool -j map dump id "$id"
    exit 0
  fi
done
echo "no pp_stats map held by process $pid" >&2
exit 1
