#!/usr/bin/env bash
# Prints the kernel-side drop and health counters (the pp_stats map) of a pipespan process as one JSON array
# (bpftool's per-CPU dump), read from that process's own map (found through its file descriptors, so other
# pipespan instances on the host are not mixed in). PID may also be a descendant of the pipespan process (the
# traced command asking from inside the run): its ancestors are looked at until one holds the map.
# The dump is retried a few times until it is a whole JSON array (a run that is ending, a busy bpftool); what
# bpftool says is captured before it is matched (a `grep -q` on its pipe could cut it short, and with pipefail
# that read as "not this map").
# Usage: kernel-stats.sh PID
set -uo pipefail
pid="$1"
dump() {
  local id="$1" out
  for _ in 1 2 3 4 5; do
    out="$(bpftool -j map dump id "$id" 2>/dev/null)" || out=""
    if [[ "$out" == \[* && "$out" == *\] ]]; then
      printf '%s\n' "$out"
      return 0
    fi
    sleep 0.1
  done
  echo "the pp_stats map (id $id) could not be dumped as JSON" >&2
  return 1
}
while [ -n "$pid" ] && [ "$pid" -gt 1 ]; do
  for info in /proc/"$pid"/fdinfo/*; do
    id="$(awk '/^map_id:/ {print $2}' "$info" 2>/dev/null)" || id=""
    [ -n "$id" ] || continue
    show="$(bpftool map show id "$id" 2>/dev/null)" || show=""
    if [[ "$show" == *"name pp_stats "* ]]; then
      dump "$id"
      exit $?
    fi
  done
  pid="$(awk '/^PPid:/ {print $2}' /proc/"$pid"/status 2>/dev/null)" || pid=""
done
echo "no pp_stats map held by process $1 or its ancestors" >&2
exit 1
