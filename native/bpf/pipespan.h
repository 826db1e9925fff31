/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pipespan.h — the one layout shared by the BPF programs (bpf/NAME.bpf.c), the loader (src/) and lib/decode.js,
 * which decodes from the offsets, sizes and types the addon exports (src/layout.cc, one line per field): a field
 * added here is decoded once it is listed there, and test/layout.test.mjs fails on a field that is not.
 *
 * Rules for every struct here: fixed-width fields only, u64 fields on 8-byte offsets, explicit padding,
 * sizes multiple of 8, so the layout is identical for clang -target bpf and the host C++ compiler.
 * Byte order is the host's (little-endian on x86_64 and arm64).
 */
#ifndef PIPESPAN_H
#define PIPESPAN_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* ---- map sizes (defaults; the loader may resize the first three before load) ---- */
#define PP_MAX_PROCESSES 16384 /* per-process counters + tracked set */
#define PP_MAX_THREADS 65536   /* per-thread scheduler state (LRU) */
#define PP_TICK_MAX_NS 10000000ull /* the longest scheduler tick (HZ=100): how far sum_exec_runtime lags a running task */
#define PP_RINGBUF_BYTES (4u << 20)
#define PP_MAX_INFLIGHT_RQ 16384 /* block requests issued but not completed (LRU) */
#define PP_MAX_DEVICES 256       /* (device, op) latency histograms */

/* ---- bounds of the exec event ---- */
#define PP_FILENAME_MAX 256 /* bytes of bprm->filename kept (power of two, used as a mask) */
#define PP_ARGS_MAX 1024    /* bytes of the argv block kept (NUL-separated, as in /proc/<pid>/cmdline) */
#define PP_COMM_LEN 16
/* Environment captured at exec: only entries whose key starts with "PIPESPAN_" or is exactly TRACEPARENT,
 * TRACESTATE or NXF_TASK_WORKDIR (see lifecycle.bpf.c) are kept; never the rest of an environment. */
#define PP_ENV_SCAN_MAX 16384 /* bytes of the environment block looked at (power of two, used as a mask) */
#define PP_ENV_MAX 2048       /* bytes of kept KEY=VALUE entries (NUL-separated; power of two, used as a mask) */

/* log2 latency histogram: slot i counts latencies in [2^i, 2^(i+1)) ns, slot 0 also holds 0-1 ns,
 * the last slot holds everything >= 2^(PP_HIST_SLOTS-1) ns (~34 s). */
#define PP_HIST_SLOTS 36

/* ---- ring-buffer events ---- */
enum pp_event_type {
  PP_EV_FORK = 1,
  PP_EV_EXEC = 2,
  PP_EV_EXIT = 3,
  PP_EV_OOM = 4,
};

/* Every record starts with this header. `size` is the record's length in bytes (exec records are
 * variable-length); pollEvents() packs records back to back, each padded with zeros to a multiple of 8. */
struct pp_event_header {
  __u16 type;               /* enum pp_event_type */
  __u16 flags;              /* per type, see PP_EXEC_* */
  __u32 size;               /* bytes of this record, header included, before padding */
  __u64 ts_ns;              /* CLOCK_BOOTTIME ns when the kernel saw it */
  __u32 tgid;               /* process id (init pid namespace) */
  __u32 pid;                /* thread id that triggered the event */
  __u64 start_boottime_ns;  /* process start, CLOCK_BOOTTIME ns: (tgid, start) identifies a process */
};                          /* 32 bytes */

struct pp_fork_event {
  struct pp_event_header h; /* the child: h.tgid/h.pid/h.start_boottime_ns */
  __u32 ppid;               /* child's real parent tgid */
  __u32 parent_pid;         /* thread that called fork/clone */
  __u64 parent_start_boottime_ns;
};                          /* 48 bytes */

#define PP_EXEC_FILENAME_TRUNCATED 0x1
#define PP_EXEC_ARGS_TRUNCATED 0x2
#define PP_EXEC_ARGS_UNREADABLE 0x4
#define PP_EXEC_ENV_TRUNCATED 0x8  /* the block was longer than PP_ENV_SCAN_MAX, or the kept entries did not fit
                                      PP_ENV_MAX: the kept entries are whole, but others may be missing */
#define PP_EXEC_ENV_UNREADABLE 0x10 /* the environment block could not be read: nothing was kept */

struct pp_exec_event {
  struct pp_event_header h;
  __u32 ppid;
  __u32 old_pid;            /* thread id before exec (differs when a non-leader thread exec'd) */
  __u64 cgroup_id;          /* cgroup v2 id of the task */
  __u32 uid;
  __u32 argc;               /* true argc, even when the copied argv block is truncated */
  __u16 filename_len;       /* bytes of data[] holding the filename (no NUL) */
  __u16 args_len;           /* bytes of data[] after the filename holding the argv block */
  __u16 env_len;            /* bytes of data[] after the argv block holding the kept environment entries */
  __u16 _pad;
  char comm[PP_COMM_LEN];   /* comm after exec (NUL-padded) */
  char data[PP_FILENAME_MAX + PP_ARGS_MAX + PP_ENV_MAX];
};                          /* 80 bytes + data; h.size = 80 + filename_len + args_len + env_len */
#define PP_EXEC_FIXED_SIZE 80

#define PP_EXIT_OOM_KILLED 0x1 /* h.flags of an exit event: oom:mark_victim chose this process */

struct pp_exit_event {
  struct pp_event_header h; /* h.pid = the last thread to exit */
  __u32 ppid;
  __s32 exit_code;          /* raw wait status: (code & 0x7f) = signal, (code >> 8) & 0xff = exit status,
                               0x80 = core dumped (the value waitpid() reports) */
  char comm[PP_COMM_LEN];
};                          /* 56 bytes */

struct pp_oom_event {
  struct pp_event_header h; /* the victim */
  __u64 rss_bytes;          /* victim's resident pages (anon+file+shmem) at the kill, approximate */
  __u64 total_vm_bytes;
};                          /* 48 bytes */

/* ---- per-process counters (map key: tgid + start time, so a reused pid never merges) ---- */
struct pp_proc_key {
  __u32 tgid;
  __u32 _pad;
  __u64 start_boottime_ns;
};

#define PP_CNT_EXITED 0x1     /* the whole thread group exited; the exit_* fields are final */
#define PP_CNT_OOM_KILLED 0x2

struct pp_counters {
  __u32 tgid;
  __u32 flags;                  /* PP_CNT_* */
  __u64 start_boottime_ns;
  __u64 first_seen_ns;          /* CLOCK_BOOTTIME when counting began for this process */
  /* scheduler (sched_switch / sched_wakeup), summed over threads, from the moment tracking began */
  __u64 oncpu_ns;               /* se.sum_exec_runtime gained while tracked (the kernel's CPU time) */
  __u64 runq_ns;                /* runnable but waiting for a CPU: wakeup or preemption -> switch-in */
  __u64 offcpu_d_ns;            /* blocked in TASK_UNINTERRUPTIBLE (D): mostly I/O */
  __u64 offcpu_iowait_ns;       /* part of offcpu_d_ns where the task slept in io_schedule() (in_iowait) */
  __u64 offcpu_sleep_ns;        /* TASK_INTERRUPTIBLE (S) or TASK_IDLE: sleep, pipes, sockets, futexes */
  __u64 offcpu_other_ns;        /* stopped, traced, frozen, ... */
  __u64 nvcsw;                  /* voluntary switches out (blocked) */
  __u64 nivcsw;                 /* involuntary switches out (preempted / yielded while runnable) */
  /* block I/O submitted by this process (bio level, in the submitter's context) */
  __u64 blk_read_bytes;
  __u64 blk_write_bytes;
  __u64 blk_read_ops;
  __u64 blk_write_ops;
  /* INET/INET6 socket payload bytes (sendmsg/recvmsg return values) */
  __u64 net_tx_bytes;
  __u64 net_rx_bytes;
  /* summed over threads at each thread's exit (kernel's own accounting: lifetime, not just tracked time) */
  __u64 exit_cpu_ns;            /* sum of se.sum_exec_runtime */
  __u64 exit_rchar;
  __u64 exit_wchar;
  __u64 exit_read_bytes;        /* ioac.read_bytes: bytes this process caused to be read from storage */
  __u64 exit_write_bytes;       /* ioac.write_bytes: bytes this process caused to be written (incl. dirtied) */
  __u64 exit_cancelled_write_bytes;
  __u64 exit_maj_flt;
  __u64 exit_min_flt;
  __u64 exit_maxrss_bytes;      /* peak RSS of the exiting program image (see lifecycle.bpf.c) */
  __u64 exit_ts_ns;             /* CLOCK_BOOTTIME of the group exit */
  __s32 exit_code;              /* raw wait status, as in pp_exit_event */
  __u32 exit_threads;           /* threads that exited while tracked */
  __u32 blk_last_dev;           /* device (kernel dev_t: major << 20 | minor) of the last bio it submitted */
  __u32 active_threads;         /* filled by the loader at each in-flight read, never by the kernel: threads of the
                                   process that were on a CPU, runnable or in D at that read (pp_threads) */
};                              /* 232 bytes */

/* ---- block latency histograms (host-wide, per device and direction) ---- */
enum pp_blk_op {
  PP_BLK_READ = 0,
  PP_BLK_WRITE = 1,
  PP_BLK_OTHER = 2, /* flush, discard, write-zeroes, ... */
};

struct pp_blk_key {
  __u32 major;
  __u32 minor;
  __u32 op; /* enum pp_blk_op */
  __u32 _pad;
};

struct pp_blk_hist {
  __u64 count;
  __u64 sum_ns;
  __u64 bytes;
  __u64 slots[PP_HIST_SLOTS];
};

/* readBlockLatency() packs key + hist per record */
struct pp_blk_record {
  struct pp_blk_key key;
  struct pp_blk_hist hist;
}; /* 16 + 312 = 328 bytes */

/* ---- per-thread scheduler state (LRU map keyed by thread id) ---- */
enum pp_thread_kind {
  PP_T_NONE = 0,
  PP_T_ONCPU = 1,
  PP_T_RUNQ = 2,
  PP_T_OFF_D = 3,
  PP_T_OFF_IOWAIT = 4, /* D and in_iowait */
  PP_T_OFF_SLEEP = 5,
  PP_T_OFF_OTHER = 6,
};

struct pp_thread_state {
  __u64 ts_ns;             /* CLOCK_MONOTONIC ns when `kind` began */
  __u64 start_boottime_ns; /* of the thread's process (counters key) */
  __u64 sum_exec_ns;       /* the thread's se.sum_exec_runtime at its last switch-out (or first sight) */
  __u32 tgid;
  __u32 kind;              /* enum pp_thread_kind */
};

/* ---- per-CPU drop / health counters (array index) ---- */
enum pp_stat {
  PP_STAT_RINGBUF_DROPS = 0,  /* ring buffer full: an event was lost */
  PP_STAT_COUNTERS_FULL = 1,  /* counters map full: a process was not counted */
  PP_STAT_TRACKED_FULL = 2,   /* tracked set full: a child was not tracked */
  PP_STAT_THREADS_FULL = 3,   /* thread state could not be stored */
  PP_STAT_ARGS_UNREADABLE = 4,
  PP_STAT_BLK_HIST_FULL = 5,
  PP_STAT_SWITCH_IN_UNSEEN = 6, /* a thread left a CPU we did not see it enter (see cpu.bpf.c) */
  PP_STAT_ENV_TRUNCATED = 7,    /* an exec's environment was longer than scanned, or its kept keys did not fit */
  PP_STAT_ENV_UNREADABLE = 8,   /* an exec's environment block could not be read */
  PP_STAT_MAX = 12,
};

#endif /* PIPESPAN_H */
