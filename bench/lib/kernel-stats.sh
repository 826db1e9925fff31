#!/usr/bin/env bash
# Prints the kernel-side drop and health counters (the pp_stats map) of a pipespan process as one JSON array
# (bpftool's per-CPU dump), read from that process's own map (found through its file descriptors, so other
# pipespan instances on the host are not mixed in). PID may also be a descendant of the pipespan process (the
# traced command asking from inside the run): its ancestors are looked at until one holds the map.
# Usage: kernel-stats.sh PID
set -euo pipefail
pid="$1"
while [ -n "$pid" ] && [ "$pid" -gt 1 ]; do
  for info in /proc/"$pid"/fdinfo/*; do
    id="$(awk '/^map_id:/ {print $2}' "$info" 2>/dev/null || true)"
    [ -n "$id" ] || continue
    if bpftool map show id "$id" 2>/dev/null | grep -q "name pp_stats "; then
      bpftool -j map dump id "$id"
      exit 0
    fi
  done
  pid="$(awk '/^PPid:/ {print $2}' /proc/"$pid"/status 2>/dev/null || true)"
done
echo "no pp_stats map held by process $1 or its ancestors" >&2
exit 1
