#!/usr/bin/env bash
# Prints, one JSON object a line, `bpftool prog show` of every BPF program a process holds (found through its file
# descriptors' prog_id, so other BPF users on the host are not mixed in): name, run_cnt and run_time_ns (counted
# while kernel.bpf_stats_enabled is 1). PID may also be a descendant of that process (a command asking from inside
# a traced run): its ancestors are looked at until one holds programs. Usage: prog-stats.sh PID
set -euo pipefail
pid="$1"
while [ -n "$pid" ] && [ "$pid" -gt 1 ]; do
  ids="$(cat /proc/"$pid"/fdinfo/* 2>/dev/null | awk '/^prog_id:/ {print $2}' | sort -un || true)"
  if [ -n "$ids" ]; then
    for id in $ids; do bpftool -j prog show id "$id" 2>/dev/null && echo; done
    exit 0
  fi
  pid="$(awk '/^PPid:/ {print $2}' /proc/"$pid"/status 2>/dev/null || true)"
done
echo "no BPF programs held by process $1 or its ancestors" >&2
exit 1
