// SPDX-License-Identifier: Apache-2.0
/*
 * cpu.bpf.c — where each tracked thread's time goes: on a CPU, waiting for one, or off it and why.
 *
 * Every thread of a tracked process is, at any instant, in one state of enum pp_thread_kind; the state and
 * the time it began live in pp_threads. Each transition closes the interval of the previous state into the
 * process's counters:
 *
 *   switch-in  ───────────────► ONCPU ── switch-out, preempted or still TASK_RUNNING ──► RUNQ
 *      ▲                          │                                                      │
 *      │                          └── switch-out, blocked ──► OFF_{D,IOWAIT,SLEEP,OTHER} │
 *      │                                                          │ sched_wakeup         │
 *      └──────────────────────────── RUNQ ◄───────────────────────┘                      │
 *      └─────────────────────────────────────────────────────────────────────────────────┘
 *
 * Kernel facts relied on:
 * - sched_switch runs in __schedule() with the runqueue lock held, before the context switch; `prev->__state`
 *   still holds the state the task is blocking in (try_to_block_task() resets it to TASK_RUNNING when a
 *   signal is pending, and then the task stays runnable). When `preempt` is set the task was preempted and
 *   stays on the runqueue whatever __state says, so its wait until the next switch-in is run-queue delay.
 * - TASK_UNINTERRUPTIBLE (D) is mostly I/O but also e.g. mutexes; `in_iowait` is set only by io_schedule()
 *   (the kernel's own iowait accounting), so OFF_IOWAIT is the strict I/O subset of D.
 * - A wakeup for a thread that has not switched out yet (ttwu_runnable) fires sched_wakeup while our state is
 *   still ONCPU: it is ignored. A wakeup of a remote task waits for the task to be off its CPU first
 *   (p->on_cpu), so switch-out and wakeup of one thread never race.
 * - Threads first seen mid-flight (tracking began while they ran or slept) start counting at their first
 *   transition; the part before is unknown and left out rather than guessed.
 * - Not every switch-in reaches us: on the 6.18 VM this was built on, a CPU-bound task leaves a CPU about
 *   once per 100-300 switches without a preceding sched_switch that brought it there (bpftrace on the
 *   classic tracepoint sees the same). On-CPU time is therefore not the sum of switch-in..switch-out
 *   slices but the growth of se.sum_exec_runtime, which __schedule() brings up to date (update_curr() via
 *   put_prev_task()) before the tracepoint; see pp_close_running() and PP_STAT_SWITCH_IN_UNSEEN.
 */
#include "common.bpf.h"

static __always_inline struct pp_thread_state *pp_thread_create(struct task_struct *t, __u32 tid, __u32 kind,
                                                                __u64 now) {
  struct pp_thread_state s = {
      .ts_ns = now,
      .start_boottime_ns = t->group_leader->start_boottime,
      .sum_exec_ns = t->se.sum_exec_runtime, /* CPU time before we knew the thread is not ours to count */
      .tgid = t->tgid,
      .kind = kind,
  };
  if (bpf_map_update_elem(&pp_threads, &tid, &s, BPF_ANY)) {
    pp_stat_inc(PP_STAT_THREADS_FULL);
    return NULL;
  }
  return bpf_map_lookup_elem(&pp_threads, &tid);
}

/* Why prev leaves the CPU (when not preempted). */
static __always_inline __u32 pp_off_kind(struct task_struct *prev) {
  unsigned int state = prev->__state;
  if (state == TASK_RUNNING) return PP_T_RUNQ; /* sched_yield(), or a signal cancelled the sleep */
  if ((state & TASK_UNINTERRUPTIBLE) && !(state & TASK_NOLOAD))
    return BPF_CORE_READ_BITFIELD(prev, in_iowait) ? PP_T_OFF_IOWAIT : PP_T_OFF_D;
  if (state & (TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE)) return PP_T_OFF_SLEEP; /* S, or TASK_IDLE */
  return PP_T_OFF_OTHER; /* stopped, traced, frozen */
}

/* Both sides first ask whether the task is ours at all, from the per-task cache: for the host's other tasks
 * that is the whole cost of the program (no hash lookup). A thread whose tracking was withdrawn keeps no state:
 * its entry goes with its exit (sched_process_exit), with removeTrackedPid() or setHostWide(false) (the loader
 * deletes it), or with LRU eviction. */
static __always_inline void pp_switch_out(struct task_struct *prev, bool preempt, __u64 now) {
  __u32 tid = prev->pid;
  if (!tid) return; /* the idle task */
  if (!pp_tracked_task_cached(prev)) return;
  struct pp_thread_state *st = bpf_map_lookup_elem(&pp_threads, &tid);
  bool exiting = prev->flags & PF_EXITING;
  if (!st) {
    /* An exiting thread's state was removed at sched_process_exit: its final switch-out ends here. */
    if (exiting) return;
    st = pp_thread_create(prev, tid, PP_T_NONE, now);
    if (!st) return;
  }
  __u32 kind = preempt ? PP_T_RUNQ : pp_off_kind(prev);
  __u64 sum_exec = prev->se.sum_exec_runtime;
  struct pp_counters *c = pp_counters_get(prev, !exiting);
  if (c) {
    pp_close_running(c, st, sum_exec, now);
    if (kind == PP_T_RUNQ)
      __sync_fetch_and_add(&c->nivcsw, 1);
    else
      __sync_fetch_and_add(&c->nvcsw, 1);
  }
  st->sum_exec_ns = sum_exec;
  st->kind = kind;
  st->ts_ns = now;
}

static __always_inline void pp_switch_in(struct task_struct *next, __u64 now) {
  __u32 tid = next->pid;
  if (!tid) return;
  if (!pp_tracked_task_cached(next)) return;
  struct pp_thread_state *st = bpf_map_lookup_elem(&pp_threads, &tid);
  bool exiting = next->flags & PF_EXITING;
  if (!st) {
    if (exiting) return;
    pp_thread_create(next, tid, PP_T_ONCPU, now);
    pp_counters_get(next, true);
    return;
  }
  struct pp_counters *c = pp_counters_get(next, !exiting);
  /* Normally RUNQ here. An OFF_* state means the wakeup was not seen (woken before tracking began): the
   * whole gap is charged to the off-CPU cause, none to the run queue. ONCPU would mean a missed switch-out:
   * nothing to charge, the CPU time is caught up from sum_exec_runtime at the next switch-out. */
  if (c && st->kind > PP_T_ONCPU && now > st->ts_ns) pp_account(c, st->kind, now - st->ts_ns);
  st->kind = PP_T_ONCPU;
  st->ts_ns = now;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(pp_sched_switch, bool preempt, struct task_struct *prev, struct task_struct *next) {
  __u64 now = bpf_ktime_get_ns();
  pp_switch_out(prev, preempt, now);
  pp_switch_in(next, now);
  return 0;
}

static __always_inline void pp_wakeup(struct task_struct *p, bool is_new) {
  __u32 tid = p->pid;
  if (!tid) return;
  if (!pp_tracked_task_cached(p)) return;
  __u64 now = bpf_ktime_get_ns();
  struct pp_thread_state *st = bpf_map_lookup_elem(&pp_threads, &tid);
  if (!st) {
    /* A new thread/process, or a tracked thread seen for the first time: it is runnable from now on.
     * (A sleeper's off-CPU interval that began before we knew it is not charged.) */
    if (!(p->flags & PF_EXITING)) {
      if (pp_thread_create(p, tid, PP_T_RUNQ, now) && is_new) pp_counters_get(p, true);
    }
    return;
  }
  if (st->kind < PP_T_OFF_D) return; /* still on its CPU (ttwu_runnable), or already runnable */
  struct pp_counters *c = pp_counters_for(p);
  if (c && now > st->ts_ns) pp_account(c, st->kind, now - st->ts_ns);
  st->kind = PP_T_RUNQ;
  st->ts_ns = now;
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(pp_sched_wakeup, struct task_struct *p) {
  pp_wakeup(p, false);
  return 0;
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(pp_sched_wakeup_new, struct task_struct *p) {
  pp_wakeup(p, true);
  return 0;
}
