/* SPDX-License-Identifier: Apache-2.0 */
/*
 * common.bpf.h — maps, configuration and helpers shared by all pipespan BPF objects.
 *
 * Each *.bpf.c includes this file; `bpftool gen object` statically links the objects into one. The shared
 * maps and globals are declared __weak here, so every object carries an identical definition and the BPF
 * linker keeps exactly one of each: one tracked set, one counters map, one ring buffer for all programs.
 *
 * All programs are tp_btf (BTF-typed raw tracepoints): they need kernel BTF but no tracefs, their
 * arguments are typed kernel pointers that can be dereferenced directly (the loads are CO-RE relocated
 * and fault-safe), and tracepoints are the kernel's stable hook points (no kprobes, no fentry).
 */
#ifndef PIPESPAN_COMMON_BPF_H
#define PIPESPAN_COMMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "pipespan.h"

/* Kernel constants that are #defines (so not in vmlinux.h). They have been stable for many years. */
#define TASK_RUNNING 0x0000
#define TASK_INTERRUPTIBLE 0x0001
#define TASK_UNINTERRUPTIBLE 0x0002
#define TASK_NOLOAD 0x0400 /* with TASK_UNINTERRUPTIBLE = TASK_IDLE: idle kernel waits, not load, not I/O */
#define PF_EXITING 0x00000004
#define PF_KTHREAD 0x00200000
#define SIGNAL_GROUP_EXIT 0x00000004
#define PP_REQ_OP_MASK 0xff /* (1 << REQ_OP_BITS) - 1 */
#define PP_AF_INET 2
#define PP_AF_INET6 10
#define PP_MSG_PEEK 0x2
#define PP_EEXIST 17

/* GPL: the tracing helpers (bpf_probe_read_*, ringbuf on tracing programs) are GPL-only. */
char LICENSE[] SEC("license") __weak = "GPL";

/* ---- configuration ---- */
/* Set by the loader before load (read-only afterwards; the verifier treats them as constants). */
const volatile __u32 pp_self_tgid __weak = 0;  /* the loader's own process: never counted in host-wide mode */
const volatile __u64 pp_page_size __weak = 4096;
/* Written by the loader at run time through the mmap'ed .bss (setHostWide()). */
volatile __u32 pp_host_wide __weak = 0;
/* Bumped whenever the tracked set loses a member or gains one other than a child at its fork (the loader's
 * addTrackedPid/removeTrackedPid/setHostWide, a tracked group's exit): every per-task cached answer older than
 * this is stale (see pp_tracked_task()). */
volatile __u32 pp_track_gen __weak = 0;

/* ---- shared maps ---- */
/* Processes being followed (tracked mode): tgid -> 1. The loader adds roots; fork adds children;
 * the group exit removes the tgid. */
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, PP_MAX_PROCESSES);
  __type(key, __u32);
  __type(value, __u8);
} pp_tracked SEC(".maps") __weak;

/* Per-process counters, updated in place with atomic adds (threads of one process run on several CPUs).
 * A plain hash, not LRU: a counted process must never be evicted silently; when full, PP_STAT_COUNTERS_FULL
 * counts the processes left out. The loader deletes an entry after reporting it with PP_CNT_EXITED. */
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, PP_MAX_PROCESSES);
  __type(key, struct pp_proc_key);
  __type(value, struct pp_counters);
} pp_counters SEC(".maps") __weak;

/* Scheduler state per thread: LRU, because it is transient (an evicted entry loses one interval, and an
 * entry whose thread vanished unseen cannot leak). */
struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, PP_MAX_THREADS);
  __type(key, __u32);
  __type(value, struct pp_thread_state);
} pp_threads SEC(".maps") __weak;

/* Lifecycle events (fork, exec, exit, oom): rare compared with scheduler events, pushed to user space. */
struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, PP_RINGBUF_BYTES);
} pp_events SEC(".maps") __weak;

/* The tracked bit per task, cached in the task itself (task storage: a pointer chase from task_struct, no
 * hashing), so that the scheduler programs, which run on every context switch of the host, answer "not ours"
 * for the processes we do not follow without a hash lookup. Valid while gen == pp_track_gen. */
struct pp_task_cache {
  __u32 gen;
  __u8 valid; /* storage is created zeroed: 0 until the first answer is stored */
  __u8 tracked;
  __u16 _pad;
};
struct {
  __uint(type, BPF_MAP_TYPE_TASK_STORAGE);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __type(key, int);
  __type(value, struct pp_task_cache);
} pp_task_cache SEC(".maps") __weak;

/* Drop and health counters, one slot per reason, per CPU (no atomics needed). */
struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, PP_STAT_MAX);
  __type(key, __u32);
  __type(value, __u64);
} pp_stats SEC(".maps") __weak;

/* A zeroed counters value, used as the template when inserting (keeps 224 bytes off the 512-byte stack). */
struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct pp_counters);
} pp_zero SEC(".maps") __weak;

/* Not used by any program: names every record user space decodes, so that all their layouts are in this
 * object's BTF (clang emits BTF only for types that globals, maps or functions refer to). The addon reads them
 * from there (src/layout.cc) and lib/decode.js decodes by them. */
struct pp_records {
  struct pp_event_header header;
  struct pp_fork_event fork;
  struct pp_exec_event exec;
  struct pp_exit_event exit;
  struct pp_oom_event oom;
  struct pp_counters counters;
  struct pp_blk_record blk;
};
struct pp_records *pp_record_types __weak;

/* ---- helpers ---- */
static __always_inline void pp_stat_inc(__u32 idx) {
  __u64 *v = bpf_map_lookup_elem(&pp_stats, &idx);
  if (v) *v += 1;
}

/* Host-wide mode counts every user-space process except the loader itself; kernel threads are left out
 * (they are not pipeline work, and their I/O is re-attributed at bio submission anyway). */
static __always_inline bool pp_host_candidate(struct task_struct *t) {
  __u32 tgid = t->tgid;
  return tgid != 0 && tgid != pp_self_tgid && !(t->flags & PF_KTHREAD);
}

/* Is t's process followed? The answer of the tracked-set lookup. */
static __always_inline bool pp_tracked_lookup(struct task_struct *t) {
  __u32 tgid = t->tgid;
  return tgid != 0 && bpf_map_lookup_elem(&pp_tracked, &tgid) != NULL;
}

static __always_inline bool pp_tracked_task(struct task_struct *t) {
  if (pp_host_wide) return pp_host_candidate(t);
  return pp_tracked_lookup(t);
}

/*
 * The same answer for the hot paths (sched_switch, sched_wakeup), cached per task. The generation is read
 * before the lookup: a change of the set bumps pp_track_gen after changing the map, so an answer computed from
 * a map read before the change carries the older generation and is recomputed at the next call. Where the
 * storage cannot be had (allocation failure, or the storage's own recursion guard when a task-storage program
 * runs nested on this CPU) the lookup answers directly. Exit and fork paths keep using the lookup: they are
 * rare, and an exiting task's cached answer must not outlive its group's removal from the set.
 */
static __always_inline bool pp_tracked_task_cached(struct task_struct *t) {
  if (pp_host_wide) return pp_host_candidate(t);
  __u32 gen = pp_track_gen;
  barrier();
  struct pp_task_cache *c = bpf_task_storage_get(&pp_task_cache, t, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
  if (!c) return pp_tracked_lookup(t);
  if (c->valid && c->gen == gen) return c->tracked;
  bool tracked = pp_tracked_lookup(t);
  c->tracked = tracked;
  c->gen = gen;
  c->valid = 1;
  return tracked;
}

/* A change of the tracked set other than a child added at its fork: cached answers are stale. */
static __always_inline void pp_track_changed(void) {
  __sync_fetch_and_add(&pp_track_gen, 1);
}

/* The process identity: tgid + the group leader's start time. de_thread() copies the leader's start time
 * to a thread that execs, so it stays stable across exec. */
static __always_inline void pp_proc_key_of(struct task_struct *t, struct pp_proc_key *k) {
  k->tgid = t->tgid;
  k->_pad = 0;
  k->start_boottime_ns = t->group_leader->start_boottime;
}

/* Look up the counters of t's process; create them when `create`. Callers pass create=false for tasks
 * that are exiting, so a late event of a reported-and-deleted process cannot resurrect its entry. */
static __always_inline struct pp_counters *pp_counters_get(struct task_struct *t, bool create) {
  struct pp_proc_key k;
  pp_proc_key_of(t, &k);
  struct pp_counters *c = bpf_map_lookup_elem(&pp_counters, &k);
  if (c || !create) return c;
  __u32 zero = 0;
  struct pp_counters *z = bpf_map_lookup_elem(&pp_zero, &zero);
  if (!z) return NULL;
  long err = bpf_map_update_elem(&pp_counters, &k, z, BPF_NOEXIST);
  if (err && err != -PP_EEXIST) {
    pp_stat_inc(PP_STAT_COUNTERS_FULL);
    return NULL;
  }
  c = bpf_map_lookup_elem(&pp_counters, &k);
  if (c && !err) {
    c->tgid = k.tgid;
    c->start_boottime_ns = k.start_boottime_ns;
    c->first_seen_ns = bpf_ktime_get_boot_ns();
  }
  return c;
}

static __always_inline struct pp_counters *pp_counters_for(struct task_struct *t) {
  return pp_counters_get(t, !(t->flags & PF_EXITING));
}

/* Close an interval of `kind` lasting `delta` ns into the process counters. */
static __always_inline void pp_account(struct pp_counters *c, __u32 kind, __u64 delta) {
  switch (kind) {
  case PP_T_ONCPU:
    __sync_fetch_and_add(&c->oncpu_ns, delta);
    break;
  case PP_T_RUNQ:
    __sync_fetch_and_add(&c->runq_ns, delta);
    break;
  case PP_T_OFF_IOWAIT:
    __sync_fetch_and_add(&c->offcpu_iowait_ns, delta);
    __sync_fetch_and_add(&c->offcpu_d_ns, delta);
    break;
  case PP_T_OFF_D:
    __sync_fetch_and_add(&c->offcpu_d_ns, delta);
    break;
  case PP_T_OFF_SLEEP:
    __sync_fetch_and_add(&c->offcpu_sleep_ns, delta);
    break;
  case PP_T_OFF_OTHER:
    __sync_fetch_and_add(&c->offcpu_other_ns, delta);
    break;
  default:
    break;
  }
}

/*
 * A running thread is leaving (switch-out) or exiting. On-CPU time is the growth of the kernel's own
 * se.sum_exec_runtime since the last switch-out — exact whatever events we miss, and the same clock as
 * /proc/<pid>/schedstat, getrusage() and process.cpu.time (no steal time, which wall-clock slices between
 * switch-in and switch-out would include on a VM). If we did not see the thread enter the CPU (its state is
 * still RUNQ or OFF_*), the interval since that state began is split: what it ran is on-CPU, the rest goes
 * to the state's cause.
 */
static __always_inline void pp_close_running(struct pp_counters *c, struct pp_thread_state *st, __u64 sum_exec,
                                             __u64 now) {
  __u64 ran = sum_exec > st->sum_exec_ns ? sum_exec - st->sum_exec_ns : 0;
  pp_account(c, PP_T_ONCPU, ran);
  if (st->kind > PP_T_ONCPU && now > st->ts_ns) {
    __u64 gap = now - st->ts_ns;
    if (gap > ran) pp_account(c, st->kind, gap - ran);
    pp_stat_inc(PP_STAT_SWITCH_IN_UNSEEN);
  }
}

static __always_inline void pp_fill_header(struct pp_event_header *h, __u16 type, __u32 size,
                                           struct task_struct *t) {
  h->type = type;
  h->flags = 0;
  h->size = size;
  h->ts_ns = bpf_ktime_get_boot_ns();
  h->tgid = t->tgid;
  h->pid = t->pid;
  h->start_boottime_ns = t->group_leader->start_boottime;
}

#endif /* PIPESPAN_COMMON_BPF_H */
