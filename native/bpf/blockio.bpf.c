// SPDX-License-Identifier: Apache-2.0
/*
 * blockio.bpf.c — block I/O per process (bytes and operations it submitted) and, host-wide, a log2
 * latency histogram per device and direction.
 *
 * Attribution: requests are issued and completed in whatever context the block layer happens to run
 * (kblockd workers for mq-deadline dispatch, interrupts for completion), so request-level tracepoints cannot
 * say who caused the I/O. block_bio_queue fires in submit_bio_noacct_nocheck(), in the context of the task
 * that submitted the bio, with the bio's full size (a bio later split to device limits is traced once:
 * BIO_TRACE_COMPLETION is set after the first trace). Buffered writes are submitted by writeback threads,
 * not by the writer: those bytes show up here only for the flusher (the writer's share is in
 * ioac.write_bytes at exit); reads, O_DIRECT and fsync'd writeback done by the process itself are its own.
 *
 * Latency: issue (block_rq_issue: handed to the driver) -> completion (block_rq_complete), i.e. device
 * service time, without the time spent queued in the I/O scheduler.
 */
#include "common.bpf.h"

/* request pointer -> issue time. LRU: a request that never completes (device gone) must not leak. */
struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, PP_MAX_INFLIGHT_RQ);
  __type(key, __u64);
  __type(value, __u64);
} pp_rq_start SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, PP_MAX_DEVICES);
  __type(key, struct pp_blk_key);
  __type(value, struct pp_blk_hist);
} pp_blk_hists SEC(".maps");

SEC("tp_btf/block_bio_queue")
int BPF_PROG(pp_block_bio_queue, struct bio *bio) {
  struct task_struct *t = bpf_get_current_task_btf();
  /* Stacking drivers (dm, md) submit their own bios to the devices below from inside ->submit_bio(), while
   * current->bio_list is set by __submit_bio_noacct(); the top-level bio (bio_list still NULL) was counted
   * already, so nested ones are skipped and nothing is counted twice. */
  if (t->bio_list) return 0;
  if (!pp_tracked_task(t)) return 0;
  __u32 bytes = bio->bi_iter.bi_size;
  if (!bytes) return 0; /* empty flushes */
  __u32 op = bio->bi_opf & PP_REQ_OP_MASK;
  if (op != REQ_OP_READ && op != REQ_OP_WRITE) return 0; /* discard, write-zeroes, ...: no data moved */
  struct pp_counters *c = pp_counters_for(t);
  if (!c) return 0;
  /* Which device it waits on: a stall on the process is reported with the device of its latest bio. */
  c->blk_last_dev = BPF_CORE_READ(bio, bi_bdev, bd_dev);
  if (op == REQ_OP_READ) {
    __sync_fetch_and_add(&c->blk_read_bytes, bytes);
    __sync_fetch_and_add(&c->blk_read_ops, 1);
  } else {
    __sync_fetch_and_add(&c->blk_write_bytes, bytes);
    __sync_fetch_and_add(&c->blk_write_ops, 1);
  }
  return 0;
}

SEC("tp_btf/block_rq_issue")
int BPF_PROG(pp_block_rq_issue, struct request *rq) {
  __u64 key = (__u64)rq;
  __u64 ts = bpf_ktime_get_ns();
  bpf_map_update_elem(&pp_rq_start, &key, &ts, BPF_ANY); /* a requeued request is issued again: restart */
  return 0;
}

static __always_inline __u32 pp_log2_32(__u32 v) {
  __u32 r, shift;
  r = (v > 0xFFFF) << 4;
  v >>= r;
  shift = (v > 0xFF) << 3;
  v >>= shift;
  r |= shift;
  shift = (v > 0xF) << 2;
  v >>= shift;
  r |= shift;
  shift = (v > 0x3) << 1;
  v >>= shift;
  r |= shift;
  r |= (v >> 1);
  return r;
}

static __always_inline __u32 pp_log2_64(__u64 v) {
  __u32 hi = v >> 32;
  return hi ? pp_log2_32(hi) + 32 : pp_log2_32((__u32)v);
}

SEC("tp_btf/block_rq_complete")
int BPF_PROG(pp_block_rq_complete, struct request *rq, int error, unsigned int nr_bytes) {
  __u64 key = (__u64)rq;
  __u64 *tsp = bpf_map_lookup_elem(&pp_rq_start, &key);
  if (!tsp) return 0; /* issued before we were loaded, or a later partial completion of the same request */
  __u64 now = bpf_ktime_get_ns();
  __u64 delta = now > *tsp ? now - *tsp : 0;
  bpf_map_delete_elem(&pp_rq_start, &key);

  struct pp_blk_key k = {};
  struct gendisk *disk = rq->q->disk;
  if (disk) {
    k.major = disk->major;
    k.minor = disk->first_minor;
  }
  __u32 op = rq->cmd_flags & PP_REQ_OP_MASK;
  k.op = op == REQ_OP_READ ? PP_BLK_READ : op == REQ_OP_WRITE ? PP_BLK_WRITE : PP_BLK_OTHER;

  struct pp_blk_hist *h = bpf_map_lookup_elem(&pp_blk_hists, &k);
  if (!h) {
    struct pp_blk_hist zero = {};
    long err = bpf_map_update_elem(&pp_blk_hists, &k, &zero, BPF_NOEXIST);
    if (err && err != -PP_EEXIST) {
      pp_stat_inc(PP_STAT_BLK_HIST_FULL);
      return 0;
    }
    h = bpf_map_lookup_elem(&pp_blk_hists, &k);
    if (!h) return 0;
  }
  __u32 slot = pp_log2_64(delta);
  if (slot >= PP_HIST_SLOTS) slot = PP_HIST_SLOTS - 1;
  __sync_fetch_and_add(&h->slots[slot], 1);
  __sync_fetch_and_add(&h->count, 1);
  __sync_fetch_and_add(&h->sum_ns, delta);
  __sync_fetch_and_add(&h->bytes, nr_bytes);
  return 0;
}
