// SPDX-License-Identifier: Apache-2.0
/*
 * lifecycle.bpf.c — process birth, exec, death and OOM kills of tracked processes.
 *
 * Tracked mode: user space adds root tgids to pp_tracked; a fork by a tracked process adds the child here,
 * in the kernel, before the child can run (sched_process_fork fires in the parent after copy_process() and
 * before wake_up_new_task()), so no child escapes however short-lived. Host-wide mode (pp_host_wide) tracks
 * every user process instead.
 *
 * Events go to the ring buffer; every failed reserve/output is counted in PP_STAT_RINGBUF_DROPS.
 */
#include "common.bpf.h"

/* Exec events are built here (3.3 KiB is too big for the stack) and copied to the ring buffer with their
 * actual length, so the ring holds many more short command lines than fixed-size records would allow. The
 * environment block is copied next to it to be scanned; `kept` collects the entries worth keeping. */
#define PP_ENV_SLACK 32 /* readable bytes past env[PP_ENV_SCAN_MAX - 1]: a key compared at the block's end */
struct pp_exec_scratch {
  struct pp_exec_event ev;
  char kept[2 * PP_ENV_MAX]; /* written at (used & (PP_ENV_MAX - 1)) for at most PP_ENV_MAX bytes */
  char env[PP_ENV_SCAN_MAX + PP_ENV_SLACK];
};

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY); /* ~22 KiB a CPU: below the 32 KiB per-CPU value limit */
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct pp_exec_scratch);
} pp_exec_scratch SEC(".maps");

/* Ring-buffer records are submitted with the kernel's adaptive wake-up (flags 0): a waiter is woken only by the
 * record that lands in a ring its reader had emptied, so at most once per drain. The reader drains on a timer
 * while processes come and go and, once the ring stays empty, sleeps in poll(2) on it until that record: an idle
 * host wakes it for nothing. */
#define PP_RB_FLAGS 0

/* Resident pages of an mm now. rss_stat[] are percpu_counters since 6.2; .count is the approximate (batched)
 * sum. Indexes: MM_FILEPAGES, MM_ANONPAGES, MM_SWAPENTS, MM_SHMEMPAGES; swap entries are not resident. */
static __always_inline __u64 pp_mm_rss_pages(struct mm_struct *mm) {
  s64 file = mm->rss_stat[MM_FILEPAGES].count;
  s64 anon = mm->rss_stat[MM_ANONPAGES].count;
  s64 shmem = mm->rss_stat[MM_SHMEMPAGES].count;
  return (__u64)((file > 0 ? file : 0) + (anon > 0 ? anon : 0) + (shmem > 0 ? shmem : 0));
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(pp_process_fork, struct task_struct *parent, struct task_struct *child) {
  __u32 tgid = child->tgid;
  if (child->pid != tgid) return 0; /* a new thread (CLONE_THREAD): not a new process */
  if (pp_host_wide) {
    if (!pp_host_candidate(child)) return 0;
  } else {
    __u32 ptgid = parent->tgid;
    if (!bpf_map_lookup_elem(&pp_tracked, &ptgid)) return 0;
    __u8 one = 1;
    if (bpf_map_update_elem(&pp_tracked, &tgid, &one, BPF_ANY)) {
      /* Tracked set full: the child cannot be followed, so report nothing of it rather than a fork whose
       * exec and exit never come (the drop is counted). */
      pp_stat_inc(PP_STAT_TRACKED_FULL);
      return 0;
    }
  }
  pp_counters_get(child, true);

  struct pp_fork_event *e = bpf_ringbuf_reserve(&pp_events, sizeof(*e), 0);
  if (!e) {
    pp_stat_inc(PP_STAT_RINGBUF_DROPS);
    return 0;
  }
  pp_fill_header(&e->h, PP_EV_FORK, sizeof(*e), child);
  e->ppid = child->real_parent->tgid; /* differs from parent->tgid with CLONE_PARENT */
  e->parent_pid = parent->pid;
  e->parent_start_boottime_ns = parent->group_leader->start_boottime;
  bpf_ringbuf_submit(e, PP_RB_FLAGS);
  return 0;
}

/* ---- environment keys at exec ----
 *
 * The new image's environment is the NUL-separated block [mm->env_start, mm->env_end) on its fresh stack,
 * written by the kernel in copy_strings() during this exec (so its pages are present: the plain, non-faulting
 * bpf_probe_read_user() reads it), and placed by create_elf_tables() before this tracepoint fires. It is what
 * /proc/<pid>/environ would show at this instant, before the program can touch its own stack, however short
 * the process lives. At most PP_ENV_SCAN_MAX bytes are scanned, in bpf_loop() (checked once by the verifier,
 * whatever the count) over 8-byte words: only a word holding a NUL can end an entry, and only then are the
 * bytes after each NUL compared with the keys kept. */
struct pp_env_ctx {
  struct pp_exec_scratch *s;
  __u32 len;   /* bytes of s->env read; s->env[len] is a NUL */
  __u32 used;  /* bytes of s->kept filled */
  __u16 flags; /* PP_EXEC_ENV_* */
};

/* Does the entry at p start with the key `lit` (n bytes, with its '=' for whole keys)? The literal is a
 * compile-time constant, so the unrolled compares are immediates. */
static __always_inline bool pp_env_key_is(const char *p, const char *lit, const int n) {
  char diff = 0;
#pragma unroll
  for (int i = 0; i < n; i++) diff |= p[i] ^ lit[i];
  return diff == 0;
}

/* The entry starting at s->env[start]: kept when its key is one of ours. */
static __always_inline void pp_env_entry(struct pp_env_ctx *c, __u32 start) {
  if (start >= c->len) return;
  struct pp_exec_scratch *s = c->s;
  /* The mask is a no-op (start < len <= PP_ENV_SCAN_MAX) spelled out for the verifier, which does not carry
   * the comparison with another register over; PP_ENV_SLACK covers the compared bytes past the end. */
  const char *p = &s->env[start & (PP_ENV_SCAN_MAX - 1)];
  char first = p[0];
  bool keep;
  if (first == 'P')
    keep = pp_env_key_is(p, "PIPESPAN_", 9);
  else if (first == 'T')
    keep = pp_env_key_is(p, "TRACEPARENT=", 12) || pp_env_key_is(p, "TRACESTATE=", 11);
  else if (first == 'N')
    keep = pp_env_key_is(p, "NXF_TASK_WORKDIR=", 17);
  else
    return;
  if (!keep) return;
  __u32 used = c->used;
  if (used >= PP_ENV_MAX) {
    c->flags |= PP_EXEC_ENV_TRUNCATED;
    return;
  }
  __u32 room = PP_ENV_MAX - used;
  /* The entry is NUL-terminated within the block (s->env[len] is a NUL at worst): copy it with its NUL. */
  long n = bpf_probe_read_kernel_str(&s->kept[used & (PP_ENV_MAX - 1)], room, p);
  if (n <= 0) return;
  if ((__u32)n >= room) {
    /* Filled the room: possibly cut. A cut value is worse than none (the loader reads /proc instead). */
    c->flags |= PP_EXEC_ENV_TRUNCATED;
    c->used = PP_ENV_MAX;
    return;
  }
  c->used = used + (__u32)n;
}

#define PP_HAS_ZERO_BYTE(w) (((w) - 0x0101010101010101ull) & ~(w) & 0x8080808080808080ull)

static long pp_env_word(__u32 i, void *ctx) {
  struct pp_env_ctx *c = ctx;
  __u32 off = (i * 8) & (PP_ENV_SCAN_MAX - 1);
  if (off >= c->len) return 1;
  __u64 w = *(__u64 *)&c->s->env[off]; /* env[] is 8-byte aligned in the map value */
  if (!PP_HAS_ZERO_BYTE(w)) return 0;
#pragma unroll
  for (int b = 0; b < 8; b++)
    if (((w >> (8 * b)) & 0xff) == 0) pp_env_entry(c, off + b + 1);
  return 0;
}

/* Fills s->kept with the kept entries of the new image's environment; returns PP_EXEC_ENV_* flags and sets
 * *kept_len. */
static __always_inline __u16 pp_capture_env(struct pp_exec_scratch *s, struct mm_struct *mm, __u32 *kept_len) {
  *kept_len = 0;
  __u64 es = mm ? mm->env_start : 0;
  __u64 ee = mm ? mm->env_end : 0;
  if (ee <= es) return 0; /* an empty environment */
  __u64 total = ee - es;
  __u16 flags = 0;
  if (total > PP_ENV_SCAN_MAX) {
    total = PP_ENV_SCAN_MAX;
    flags |= PP_EXEC_ENV_TRUNCATED;
  }
  __u32 len = total;
  barrier_var(len);
  if (len > PP_ENV_SCAN_MAX) len = PP_ENV_SCAN_MAX;
  if (len == 0 || bpf_probe_read_user(s->env, len, (const void *)es)) return PP_EXEC_ENV_UNREADABLE;
  /* A NUL after the last byte read, and zeroes in the rest of its word: an entry cut by the scan limit ends
   * there, and stale bytes of an earlier exec are never compared. */
  s->env[len] = 0;
  struct pp_env_ctx c = {.s = s, .len = len, .used = 0, .flags = flags};
  pp_env_entry(&c, 0);
  bpf_loop((len + 7) / 8, pp_env_word, &c, 0);
  *kept_len = c.used > PP_ENV_MAX ? PP_ENV_MAX : c.used;
  return c.flags;
}

/* Fires in the exec'ing task after the new image is set up: comm, mm->arg_start/arg_end and the argv block
 * on the new user stack are all in place, and current == p. */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(pp_process_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm) {
  __u32 tid = p->pid;
  __u32 old = old_pid;
  /* A non-leader thread that execs takes over the leader's pid (de_thread()): forget its old thread id,
   * or the stale state would look like a thread still running. */
  if (old != tid) bpf_map_delete_elem(&pp_threads, &old);
  if (!pp_tracked_task(p)) return 0;

  __u32 zero = 0;
  struct pp_exec_scratch *s = bpf_map_lookup_elem(&pp_exec_scratch, &zero);
  if (!s) return 0;
  struct pp_exec_event *e = &s->ev;
  pp_fill_header(&e->h, PP_EV_EXEC, 0, p);
  e->ppid = p->real_parent->tgid;
  e->old_pid = old;
  e->cgroup_id = bpf_get_current_cgroup_id();
  e->uid = (__u32)bpf_get_current_uid_gid();
  e->argc = bprm->argc;
  e->_pad = 0;
  bpf_get_current_comm(e->comm, sizeof(e->comm));

  __u16 flags = 0;
  /* bprm->filename is the path as passed to execve (or /dev/fd/N for fexecve), in kernel memory. */
  long n = bpf_probe_read_kernel_str(e->data, PP_FILENAME_MAX, bprm->filename);
  __u32 flen = n > 0 ? (__u32)n - 1 : 0; /* n counts the NUL */
  if (n >= PP_FILENAME_MAX) flags |= PP_EXEC_FILENAME_TRUNCATED;
  flen &= PP_FILENAME_MAX - 1; /* the verifier needs the bound spelled out */

  /* argv: the NUL-separated block [arg_start, arg_end) in the new process's user memory (what
   * /proc/<pid>/cmdline shows). The pages were just written by the kernel, so they are present. */
  struct mm_struct *mm = p->mm;
  __u64 as = mm ? mm->arg_start : 0;
  __u64 ae = mm ? mm->arg_end : 0;
  __u32 alen = 0;
  if (ae > as) {
    __u64 total = ae - as;
    if (total > PP_ARGS_MAX) {
      total = PP_ARGS_MAX;
      flags |= PP_EXEC_ARGS_TRUNCATED;
    }
    alen = total;
  }
  barrier_var(alen);
  if (alen > PP_ARGS_MAX) alen = PP_ARGS_MAX;
  if (alen && bpf_probe_read_user(&e->data[flen], alen, (const void *)as)) {
    alen = 0;
    flags |= PP_EXEC_ARGS_UNREADABLE;
    pp_stat_inc(PP_STAT_ARGS_UNREADABLE);
  }

  /* The environment keys of ours, after the argv block. */
  __u32 elen = 0;
  __u16 eflags = pp_capture_env(s, mm, &elen);
  flags |= eflags;
  if (eflags & PP_EXEC_ENV_UNREADABLE) pp_stat_inc(PP_STAT_ENV_UNREADABLE);
  if (eflags & PP_EXEC_ENV_TRUNCATED) pp_stat_inc(PP_STAT_ENV_TRUNCATED);
  barrier_var(elen);
  if (elen > PP_ENV_MAX) elen = PP_ENV_MAX;
  __u32 at = flen + alen; /* <= PP_FILENAME_MAX - 1 + PP_ARGS_MAX: the copy stays inside data[] */
  if (at > PP_FILENAME_MAX + PP_ARGS_MAX) at = PP_FILENAME_MAX + PP_ARGS_MAX;
  if (elen && bpf_probe_read_kernel(&e->data[at], elen, s->kept)) elen = 0;

  e->filename_len = flen;
  e->args_len = alen;
  e->env_len = elen;
  e->h.flags = flags;
  __u32 size = PP_EXEC_FIXED_SIZE + flen + alen + elen;
  e->h.size = size;
  if (size > sizeof(*e)) return 0; /* cannot happen; keeps the verifier's size bound obvious */
  if (bpf_ringbuf_output(&pp_events, e, size, PP_RB_FLAGS)) pp_stat_inc(PP_STAT_RINGBUF_DROPS);
  return 0;
}

/*
 * sched_process_exit fires once per exiting thread, in that thread (current == p), inside do_exit() after
 * exit_signals() set PF_EXITING, after signal->live was decremented and p->exit_code set, and on
 * recent kernels (the change that gave the tracepoint its group_dead argument; verified on 6.18) before
 * exit_mm(). The thread's own accounting is final here; it is summed into the process counters.
 *
 * The process is gone when signal->live reaches 0. Reading it (instead of the group_dead argument, which
 * only newer kernels pass) can be true for two threads exiting at once, so the PP_CNT_EXITED flag is set
 * with an atomic fetch-or and only the thread that set it emits the exit event. A thread that decremented
 * signal->live earlier can still reach this tracepoint after the one that saw 0 (it was preempted in
 * between): see the grace period in Loader::readCounters().
 */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(pp_process_exit, struct task_struct *p) {
  __u32 tid = p->pid;
  __u64 now = bpf_ktime_get_ns();
  __u64 sum_exec = p->se.sum_exec_runtime; /* up to the last update_curr(): at most a tick behind */
  struct pp_thread_state *st = bpf_map_lookup_elem(&pp_threads, &tid);
  struct pp_thread_state last = {};
  bool had_state = st != NULL;
  if (st) {
    /* The thread's last time on a CPU is closed here: its final switch-out (TASK_DEAD) finds no state. */
    last = *st;
    bpf_map_delete_elem(&pp_threads, &tid);
  }

  /* A sibling that saw the group die first has already untracked the process; this thread's share still
   * belongs in its counters, which stay in the map until user space has read them as final (the loader
   * waits a grace period after the group exit for such late threads). Only a tracked group-dead thread
   * creates them. */
  bool tracked = pp_tracked_task(p);
  struct signal_struct *sig = p->signal;
  bool group_dead = sig->live.counter == 0;
  struct pp_counters *c = pp_counters_get(p, tracked && group_dead);
  if (!c && !tracked) return 0;
  if (c) {
    /* A thread on its CPU since its last switch-in: se.sum_exec_runtime is brought up to date only at the next
     * update_curr() (a tick, a wakeup on its runqueue, or the final schedule() after this tracepoint), so a
     * process that lives less than a tick without leaving its CPU (a `true`) would show no CPU at all. The
     * part of the slice not yet in sum_exec_runtime is taken from the wall clock since the switch-in; its
     * sum_exec_runtime then was the one kept at its last switch-out (it did not run in between). The kernel
     * lags by at most a tick while a task runs; a larger gap means a switch-out we did not see, and nothing is
     * added. */
    if (had_state && last.kind == PP_T_ONCPU && now > last.ts_ns) {
      __u64 slice = now - last.ts_ns;
      __u64 counted = sum_exec > last.sum_exec_ns ? sum_exec - last.sum_exec_ns : 0;
      if (slice > counted && slice - counted <= PP_TICK_MAX_NS) sum_exec += slice - counted;
    }
    if (had_state) pp_close_running(c, &last, sum_exec, now);
    __sync_fetch_and_add(&c->exit_cpu_ns, sum_exec);
    /* task->ioac is per thread; signal->ioac would also hold reaped children's I/O (wait_task_zombie). */
    __sync_fetch_and_add(&c->exit_rchar, p->ioac.rchar);
    __sync_fetch_and_add(&c->exit_wchar, p->ioac.wchar);
    __sync_fetch_and_add(&c->exit_read_bytes, p->ioac.read_bytes);
    __sync_fetch_and_add(&c->exit_write_bytes, p->ioac.write_bytes);
    __sync_fetch_and_add(&c->exit_cancelled_write_bytes, p->ioac.cancelled_write_bytes);
    __sync_fetch_and_add(&c->exit_maj_flt, p->maj_flt);
    __sync_fetch_and_add(&c->exit_min_flt, p->min_flt);
    __sync_fetch_and_add(&c->exit_threads, 1);
  }
  if (!group_dead || !tracked) return 0;

  /* exit_group() and fatal signals store the group's status in signal->group_exit_code (and every thread
   * exits with it); a plain exit() of the last thread leaves its own code in p->exit_code. */
  int code = p->exit_code;
  if (sig->flags & SIGNAL_GROUP_EXIT) code = sig->group_exit_code;
  __u16 ev_flags = 0;
  if (c) {
    if (!(c->flags & PP_CNT_EXITED)) {
      /* Peak RSS of the program image that exits: max(mm->hiwater_rss, RSS now) — hiwater_rss is only
       * brought up to date when memory is unmapped, so the current RSS must be looked at too. The mm is
       * still attached here on recent kernels (the tracepoint moved before exit_mm(); verified on 6.18).
       * On older kernels it is gone: fall back to signal->maxrss (getrusage's ru_maxrss), which exec also
       * feeds with the peak of the image before exec — e.g. the shell that forked this process. */
      __u64 pages = 0;
      struct mm_struct *mm = p->mm;
      if (mm) {
        pages = pp_mm_rss_pages(mm);
        if (mm->hiwater_rss > pages) pages = mm->hiwater_rss;
      } else {
        pages = sig->maxrss;
      }
      c->exit_maxrss_bytes = pages * pp_page_size;
      c->exit_code = code;
      c->exit_ts_ns = bpf_ktime_get_boot_ns();
    }
    __u32 before = __sync_fetch_and_or(&c->flags, PP_CNT_EXITED);
    if (before & PP_CNT_EXITED) return 0;
    if (before & PP_CNT_OOM_KILLED) ev_flags |= PP_EXIT_OOM_KILLED;
  }
  if (!pp_host_wide) {
    __u32 tgid = p->tgid;
    bpf_map_delete_elem(&pp_tracked, &tgid);
    pp_track_changed();
  }

  struct pp_exit_event *e = bpf_ringbuf_reserve(&pp_events, sizeof(*e), 0);
  if (!e) {
    pp_stat_inc(PP_STAT_RINGBUF_DROPS);
    return 0;
  }
  pp_fill_header(&e->h, PP_EV_EXIT, sizeof(*e), p);
  e->h.flags = ev_flags;
  e->ppid = p->real_parent->tgid;
  e->exit_code = code;
  bpf_get_current_comm(e->comm, sizeof(e->comm));
  bpf_ringbuf_submit(e, PP_RB_FLAGS);
  return 0;
}

/* oom:mark_victim fires when the OOM killer (global or memcg) picks `task`; it runs in the context of the
 * task whose allocation failed, not the victim's. The victim then dies by SIGKILL. */
SEC("tp_btf/mark_victim")
int BPF_PROG(pp_mark_victim, struct task_struct *task) {
  if (!pp_tracked_task(task)) return 0;
  struct pp_counters *c = pp_counters_get(task, true);
  if (c) __sync_fetch_and_or(&c->flags, PP_CNT_OOM_KILLED);

  struct pp_oom_event *e = bpf_ringbuf_reserve(&pp_events, sizeof(*e), 0);
  if (!e) {
    pp_stat_inc(PP_STAT_RINGBUF_DROPS);
    return 0;
  }
  pp_fill_header(&e->h, PP_EV_OOM, sizeof(*e), task);
  __u64 rss = 0, vm = 0;
  struct mm_struct *mm = task->mm;
  if (mm) {
    rss = pp_mm_rss_pages(mm) * pp_page_size;
    vm = mm->total_vm * pp_page_size;
  }
  e->rss_bytes = rss;
  e->total_vm_bytes = vm;
  bpf_ringbuf_submit(e, PP_RB_FLAGS);
  return 0;
}
