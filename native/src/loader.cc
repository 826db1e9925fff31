// SPDX-License-Identifier: Apache-2.0
// loader.cc — opens the BPF skeleton, attaches the tracepoint programs and reads maps and ring buffer.
#include "loader.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <utility>

#include "pipespan.skel.h"

namespace pipespan {
namespace {

// ---- libbpf messages: kept (bounded) so that errors can quote them ----
std::mutex gLogMutex;
std::string gLog;
constexpr size_t kLogKeep = 64 * 1024;

int libbpfPrint(enum libbpf_print_level level, const char* fmt, va_list args) {
  if (level == LIBBPF_DEBUG) return 0;
  char buf[2048];
  va_list copy;
  va_copy(copy, args);
  int n = vsnprintf(buf, sizeof buf, fmt, copy);
  va_end(copy);
  if (n < 0) return 0;
  size_t len = std::min(static_cast<size_t>(n), sizeof buf - 1);
  if (getenv("PIPESPAN_NATIVE_DEBUG") != nullptr) fwrite(buf, 1, len, stderr);
  std::lock_guard<std::mutex> lock(gLogMutex);
  gLog.append(buf, len);
  if (gLog.size() > kLogKeep) gLog.erase(0, gLog.size() - kLogKeep / 2);
  return 0;
}

void clearLog() {
  std::lock_guard<std::mutex> lock(gLogMutex);
  gLog.clear();
}

// The last lines libbpf printed (the verifier's verdict is at the end of its log), at most ~3 KB.
std::string logTail() {
  std::lock_guard<std::mutex> lock(gLogMutex);
  std::string tail = gLog.size() > 3000 ? gLog.substr(gLog.size() - 3000) : gLog;
  if (gLog.size() > 3000) {
    size_t nl = tail.find('\n');
    if (nl != std::string::npos) tail.erase(0, nl + 1);
    tail = "...\n" + tail;
  }
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == ' ')) tail.pop_back();
  return tail;
}

std::string withLog(const std::string& msg) {
  std::string tail = logTail();
  return tail.empty() ? msg : msg + "\nlibbpf said:\n" + tail;
}

std::string errnoText(int err) { return std::string(strerror(err)) + " (errno " + std::to_string(err) + ")"; }

const char* kPrivilegeHint =
    "The pipespan kernel source needs root, or the capabilities CAP_BPF and CAP_PERFMON (plus "
    "CAP_SYS_RESOURCE on kernels before 5.11, which charge BPF memory to RLIMIT_MEMLOCK). Run the agent as "
    "root or grant them, e.g. setcap cap_bpf,cap_perfmon+ep on the node binary; otherwise use the procfs source.";

[[noreturn]] void fail(const std::string& stage, int err) {
  std::string msg = stage + " failed: " + errnoText(err);
  if (err == EPERM || err == EACCES) msg += ". " + std::string(kPrivilegeHint);
  throw Error(withLog(msg));
}

// Program name -> tracepoint, group. Lifecycle programs are required; the others can be switched off by
// option and are switched off, with a reason, when the running kernel lacks their tracepoint.
struct ProgSpec {
  const char* name;
  const char* tracepoint;
  const char* group;
  bool required;
};
const ProgSpec kPrograms[] = {
    {"pp_process_fork", "sched_process_fork", "lifecycle", true},
    {"pp_process_exec", "sched_process_exec", "lifecycle", true},
    {"pp_process_exit", "sched_process_exit", "lifecycle", true},
    {"pp_mark_victim", "mark_victim", "lifecycle", false},
    {"pp_sched_switch", "sched_switch", "cpu", false},
    {"pp_sched_wakeup", "sched_wakeup", "cpu", false},
    {"pp_sched_wakeup_new", "sched_wakeup_new", "cpu", false},
    {"pp_block_bio_queue", "block_bio_queue", "blockIo", false},
    {"pp_block_rq_issue", "block_rq_issue", "blockIo", false},
    {"pp_block_rq_complete", "block_rq_complete", "blockIo", false},
    {"pp_sock_send_length", "sock_send_length", "network", false},
    {"pp_sock_recv_length", "sock_recv_length", "network", false},
};

bool groupEnabled(const Options& o, const std::string& group) {
  if (group == "cpu") return o.cpu;
  if (group == "blockIo") return o.blockIo;
  if (group == "network") return o.network;
  return true;
}

uint64_t clockNs(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

bool isPowerOfTwo(uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }

// Visits every entry of a (non-per-CPU) hash map: batched lookups where the kernel supports them (5.6+),
// else key by key. fn(key, value) gets pointers valid for the call only.
template <typename F>
void forEachEntry(int fd, size_t keySize, size_t valueSize, uint32_t maxEntries, F&& fn) {
  uint32_t chunk = 256;
  std::vector<uint8_t> keys, values;
  uint64_t inBatch = 0, outBatch = 0;  // hash maps use a u32 bucket cursor; 8 bytes is room enough
  bool first = true;
  for (;;) {
    keys.resize(static_cast<size_t>(chunk) * keySize);
    values.resize(static_cast<size_t>(chunk) * valueSize);
    uint32_t count = chunk;
    LIBBPF_OPTS(bpf_map_batch_opts, opts);
    int rc = bpf_map_lookup_batch(fd, first ? nullptr : &inBatch, &outBatch, keys.data(), values.data(), &count,
                                  &opts);
    int err = rc < 0 ? errno : 0;
    if (rc < 0 && err != ENOENT) {
      if (err == ENOSPC && chunk < (1u << 20)) {  // one hash bucket holds more than `chunk` entries
        chunk *= 2;
        continue;
      }
      if (first && (err == EINVAL || err == ENOTSUP || err == EOPNOTSUPP)) break;  // no batch ops: fall back
      throw Error("reading BPF map failed: " + errnoText(err));
    }
    for (uint32_t i = 0; i < count; i++) fn(keys.data() + i * keySize, values.data() + i * valueSize);
    if (rc < 0) return;  // ENOENT: that was the last batch
    inBatch = outBatch;
    first = false;
  }
  // Fallback: get_next_key walk, bounded (entries vanishing under us can restart the walk).
  std::vector<uint8_t> cur(keySize), next(keySize), value(valueSize);
  bool have = false;
  uint64_t guard = static_cast<uint64_t>(maxEntries) * 2 + 16;
  while (guard-- > 0 && bpf_map_get_next_key(fd, have ? cur.data() : nullptr, next.data()) == 0) {
    if (bpf_map_lookup_elem(fd, next.data(), value.data()) == 0) fn(next.data(), value.data());
    cur.swap(next);
    have = true;
  }
}

constexpr int kPollStop = -ECANCELED;           // returned by the callback when maxEvents is reached
constexpr uint32_t kExitPending = 0x80000000u;  // readCounters() bookkeeping bit, never returned

template <typename PollState>
int onEvent(void* ctx, void* data, size_t len) {
  auto* c = static_cast<PollState*>(ctx);
  if (c->out == nullptr) return 0;
  if (len < sizeof(pp_event_header)) return 0;  // cannot be one of ours
  pp_event_header h;
  memcpy(&h, data, sizeof h);
  size_t size = h.size;
  if (size < sizeof h || size > len) size = len;  // trust the ring's length over the record's
  size_t padded = (size + 7) & ~static_cast<size_t>(7);
  size_t off = c->out->size();
  c->out->resize(off + padded, 0);
  memcpy(c->out->data() + off, data, size);
  uint32_t size32 = static_cast<uint32_t>(size);
  memcpy(c->out->data() + off + offsetof(pp_event_header, size), &size32, sizeof size32);
  c->count++;
  return c->count >= c->max ? kPollStop : 0;
}

// se.sum_exec_runtime of a thread now: /proc/<tid>/schedstat field 1 (ns). False when unreadable.
bool threadRuntimeNs(uint32_t tid, uint64_t* out) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%u/schedstat", tid);
  FILE* f = fopen(path, "re");
  if (f == nullptr) return false;
  unsigned long long v = 0;
  bool ok = fscanf(f, "%llu", &v) == 1;
  fclose(f);
  if (ok) *out = v;
  return ok;
}

// Tgid of /proc/<pid>/status, or -1 when the process does not exist.
long tgidOf(uint32_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  if (!f) return -1;
  std::string line;
  for (int i = 0; i < 64 && std::getline(f, line); i++) {
    if (line.rfind("Tgid:", 0) == 0) {
      try {
        return std::stol(line.substr(5));
      } catch (...) {
        return -1;
      }
    }
  }
  return -1;
}

}  // namespace

uint64_t boottimeNs() { return clockNs(CLOCK_BOOTTIME); }

Loader::Loader(const Options& o) {
  static std::once_flag printOnce;
  std::call_once(printOnce, [] { libbpf_set_print(libbpfPrint); });
  clearLog();

  if (!isPowerOfTwo(o.ringBufferBytes) || o.ringBufferBytes < static_cast<uint32_t>(getpagesize()) ||
      o.ringBufferBytes > (1u << 30))
    throw Error("ringBufferBytes must be a power of two between the page size and 1 GiB, got " +
                std::to_string(o.ringBufferBytes));
  if (o.maxProcesses < 16 || o.maxProcesses > (1u << 22))
    throw Error("maxProcesses must be between 16 and 4194304, got " + std::to_string(o.maxProcesses));
  if (o.maxThreads < 64 || o.maxThreads > (1u << 22))
    throw Error("maxThreads must be between 64 and 4194304, got " + std::to_string(o.maxThreads));

  // Kernel BTF: CO-RE relocations and tp_btf programs are resolved against it.
  struct btf* vmlinux = btf__load_vmlinux_btf();
  if (vmlinux == nullptr) {
    int err = errno;
    throw Error(withLog("kernel BTF not available (" + errnoText(err) +
                        "): the pipespan kernel source needs a kernel built with CONFIG_DEBUG_INFO_BTF=y "
                        "(/sys/kernel/btf/vmlinux)"));
  }

  skel_ = pipespan_bpf__open();
  if (skel_ == nullptr) {
    int err = errno;
    btf__free(vmlinux);
    fail("BPF open", err);
  }
  try {
    skel_->rodata->pp_self_tgid = static_cast<uint32_t>(getpid());
    skel_->rodata->pp_page_size = static_cast<uint64_t>(getpagesize());
    bpf_map__set_max_entries(skel_->maps.pp_events, o.ringBufferBytes);
    bpf_map__set_max_entries(skel_->maps.pp_tracked, o.maxProcesses);
    bpf_map__set_max_entries(skel_->maps.pp_counters, o.maxProcesses);
    bpf_map__set_max_entries(skel_->maps.pp_threads, o.maxThreads);

    for (const ProgSpec& spec : kPrograms) {
      ProgramInfo info{spec.name, spec.tracepoint, spec.group, false, ""};
      struct bpf_program* prog = bpf_object__find_program_by_name(skel_->obj, spec.name);
      if (prog == nullptr) throw Error(std::string("internal: BPF program ") + spec.name + " missing from object");
      std::string typedefName = std::string("btf_trace_") + spec.tracepoint;
      bool present = btf__find_by_name_kind(vmlinux, typedefName.c_str(), BTF_KIND_TYPEDEF) >= 0;
      if (!present) {
        if (spec.required)
          throw Error(std::string("this kernel lacks the tracepoint ") + spec.tracepoint +
                      " (no " + typedefName + " in its BTF); the pipespan kernel source needs Linux 6.2 or newer");
        info.reason = "kernel lacks this tracepoint";
      } else if (!groupEnabled(o, spec.group)) {
        info.reason = "disabled by option";
      }
      if (!info.reason.empty()) bpf_program__set_autoload(prog, false);
      programs_.push_back(info);
    }
    btf__free(vmlinux);
    vmlinux = nullptr;

    int err = pipespan_bpf__load(skel_);
    if (err != 0) fail("BPF load", err < 0 ? -err : err);
    skel_->bss->pp_host_wide = o.hostWide ? 1 : 0;

    // Attach one by one so that an error names the tracepoint; the links live in the skeleton, whose
    // destroy detaches them.
    for (int i = 0; i < skel_->skeleton->prog_cnt; i++) {
      struct bpf_prog_skeleton* ps = &skel_->skeleton->progs[i];
      if (!bpf_program__autoload(*ps->prog)) continue;
      struct bpf_link* link = bpf_program__attach(*ps->prog);
      if (link == nullptr) {
        int aerr = errno;
        fail(std::string("BPF attach (program ") + ps->name + ")", aerr);
      }
      *ps->link = link;
    }
    for (ProgramInfo& info : programs_) info.attached = info.reason.empty();

    rb_ = ring_buffer__new(bpf_map__fd(skel_->maps.pp_events), onEvent<PollState>, &poll_, nullptr);
    if (rb_ == nullptr) fail("ring buffer setup", errno);
  } catch (...) {
    if (vmlinux != nullptr) btf__free(vmlinux);
    close();
    throw;
  }
}

Loader::~Loader() { close(); }

void Loader::close() {
  if (rb_ != nullptr) ring_buffer__free(rb_);
  rb_ = nullptr;
  if (skel_ != nullptr) pipespan_bpf__destroy(skel_);
  skel_ = nullptr;
}

int Loader::eventsFd() const {
  requireOpen();
  return bpf_map__fd(skel_->maps.pp_events);
}

void Loader::requireOpen() const {
  if (skel_ == nullptr) throw Error("the kernel probe is closed");
}

void Loader::addTrackedPid(uint32_t tgid) {
  requireOpen();
  long actual = tgidOf(tgid);
  if (actual < 0) throw Error("no such process: " + std::to_string(tgid));
  if (static_cast<uint32_t>(actual) != tgid)
    throw Error(std::to_string(tgid) + " is a thread of process " + std::to_string(actual) +
                "; track the process id");
  uint8_t one = 1;
  if (bpf_map_update_elem(bpf_map__fd(skel_->maps.pp_tracked), &tgid, &one, BPF_ANY) != 0) {
    int err = errno;
    if (err == E2BIG || err == ENOMEM)
      throw Error("cannot track " + std::to_string(tgid) + ": the tracked-process map is full (maxProcesses " +
                  std::to_string(bpf_map__max_entries(skel_->maps.pp_tracked)) + ")");
    throw Error("cannot track " + std::to_string(tgid) + ": " + errnoText(err));
  }
  bumpTrackGeneration();
}

// The kernel side caches the tracked bit per task (pp_task_cache), valid for one generation: after the set
// changed, the next scheduler event of each task looks the set up again.
void Loader::bumpTrackGeneration() {
  __atomic_fetch_add(&skel_->bss->pp_track_gen, 1, __ATOMIC_SEQ_CST);
}

// Scheduler state of threads no longer followed: deleted, so a reused thread id starts afresh.
void Loader::dropThreadsUnless(const std::function<bool(uint32_t)>& keep) {
  int fd = bpf_map__fd(skel_->maps.pp_threads);
  std::vector<uint32_t> doomed;
  forEachEntry(fd, sizeof(uint32_t), sizeof(pp_thread_state), bpf_map__max_entries(skel_->maps.pp_threads),
               [&](const uint8_t* k, const uint8_t* v) {
                 pp_thread_state st;
                 memcpy(&st, v, sizeof st);
                 if (!keep(st.tgid)) {
                   uint32_t tid;
                   memcpy(&tid, k, sizeof tid);
                   doomed.push_back(tid);
                 }
               });
  for (uint32_t tid : doomed) bpf_map_delete_elem(fd, &tid);
}

void Loader::removeTrackedPid(uint32_t tgid) {
  requireOpen();
  bpf_map_delete_elem(bpf_map__fd(skel_->maps.pp_tracked), &tgid);
  bumpTrackGeneration();
  dropThreadsUnless([tgid](uint32_t t) { return t != tgid; });
  // Its counters would otherwise never be reported as exited: drop them with it.
  int fd = bpf_map__fd(skel_->maps.pp_counters);
  std::vector<pp_proc_key> doomed;
  forEachEntry(fd, sizeof(pp_proc_key), sizeof(pp_counters), bpf_map__max_entries(skel_->maps.pp_counters),
               [&](const uint8_t* k, const uint8_t*) {
                 pp_proc_key key;
                 memcpy(&key, k, sizeof key);
                 if (key.tgid == tgid) doomed.push_back(key);
               });
  for (const pp_proc_key& key : doomed) bpf_map_delete_elem(fd, &key);
}

void Loader::setHostWide(bool on) {
  requireOpen();
  bool was = hostWide();
  *static_cast<volatile uint32_t*>(&skel_->bss->pp_host_wide) = on ? 1 : 0;
  bumpTrackGeneration();
  if (was && !on) {
    // Processes counted only because of host-wide mode will not be followed to their exit any more: their
    // counters are dropped now rather than left in the map for ever.
    int cfd = bpf_map__fd(skel_->maps.pp_counters);
    int tfd = bpf_map__fd(skel_->maps.pp_tracked);
    std::vector<pp_proc_key> doomed;
    forEachEntry(cfd, sizeof(pp_proc_key), sizeof(pp_counters), bpf_map__max_entries(skel_->maps.pp_counters),
                 [&](const uint8_t* k, const uint8_t* v) {
                   pp_proc_key key;
                   memcpy(&key, k, sizeof key);
                   pp_counters c;
                   memcpy(&c, v, sizeof c);
                   uint8_t one;
                   if (!(c.flags & PP_CNT_EXITED) && bpf_map_lookup_elem(tfd, &key.tgid, &one) != 0)
                     doomed.push_back(key);
                 });
    for (const pp_proc_key& key : doomed) bpf_map_delete_elem(cfd, &key);
    dropThreadsUnless([tfd](uint32_t t) {
      uint8_t one;
      return bpf_map_lookup_elem(tfd, &t, &one) == 0;
    });
  }
}

bool Loader::hostWide() const {
  requireOpen();
  return *static_cast<volatile uint32_t*>(&skel_->bss->pp_host_wide) != 0;
}

size_t Loader::pollEvents(size_t maxEvents, std::vector<uint8_t>& out) {
  requireOpen();
  if (maxEvents == 0) return 0;
  // The addon is used from the JS thread only: nothing else polls concurrently.
  poll_ = PollState{&out, maxEvents, 0};
  int rc = ring_buffer__consume(rb_);
  size_t count = poll_.count;
  poll_ = PollState{};
  if (rc < 0 && rc != kPollStop) throw Error("reading the ring buffer failed: " + errnoText(-rc));
  return count;
}

size_t Loader::readCounters(std::vector<uint8_t>& out, bool inflight, uint64_t exitGraceNs) {
  requireOpen();
  int cfd = bpf_map__fd(skel_->maps.pp_counters);
  uint64_t bootNow = clockNs(CLOCK_BOOTTIME);  // exit_ts_ns is bpf_ktime_get_boot_ns()
  std::vector<pp_counters> rows;
  std::vector<pp_proc_key> exited;
  std::set<std::pair<uint32_t, uint64_t>> seen;  // the key-by-key fallback can visit an entry twice
  forEachEntry(cfd, sizeof(pp_proc_key), sizeof(pp_counters), bpf_map__max_entries(skel_->maps.pp_counters),
               [&](const uint8_t* k, const uint8_t* v) {
                 pp_proc_key key;
                 memcpy(&key, k, sizeof key);
                 if (!seen.insert({key.tgid, key.start_boottime_ns}).second) return;
                 pp_counters c;
                 memcpy(&c, v, sizeof c);
                 // The kernel fills these right after inserting; a racing read may see zeros.
                 c.tgid = key.tgid;
                 c.start_boottime_ns = key.start_boottime_ns;
                 c.active_threads = 0;  // counted below, at this read
                 if (c.flags & PP_CNT_EXITED) {
                   // exit_ts_ns is written before the flag; 0 means we raced that write.
                   bool settled =
                       c.exit_ts_ns != 0 && bootNow >= c.exit_ts_ns && bootNow - c.exit_ts_ns >= exitGraceNs;
                   if (settled)
                     exited.push_back(key);
                   else
                     c.flags &= ~static_cast<uint32_t>(PP_CNT_EXITED);
                   c.flags |= kExitPending;  // internal: no in-flight intervals (its threads are gone)
                 }
                 rows.push_back(c);
               });

  // The instant this reading describes: after the counters, before the thread states (see below).
  countersReadBootNs_ = clockNs(CLOCK_BOOTTIME);
  if (inflight && !rows.empty()) {
    // Read after the counters, with `now` taken before the thread states: an interval that closes while
    // we read is then either not yet in the counters and added here up to `now`, or in the counters and
    // seen here as its successor state starting after `now` (skipped). Never counted twice.
    uint64_t now = clockNs(CLOCK_MONOTONIC);  // bpf_ktime_get_ns() is CLOCK_MONOTONIC
    std::map<std::pair<uint32_t, uint64_t>, size_t> index;
    for (size_t i = 0; i < rows.size(); i++)
      if (!(rows[i].flags & kExitPending)) index[{rows[i].tgid, rows[i].start_boottime_ns}] = i;
    forEachEntry(bpf_map__fd(skel_->maps.pp_threads), sizeof(uint32_t), sizeof(pp_thread_state),
                 bpf_map__max_entries(skel_->maps.pp_threads), [&](const uint8_t* k, const uint8_t* v) {
                   uint32_t tid;
                   memcpy(&tid, k, sizeof tid);
                   pp_thread_state st;
                   memcpy(&st, v, sizeof st);
                   auto it = index.find({st.tgid, st.start_boottime_ns});
                   if (it == index.end()) return;
                   pp_counters& c = rows[it->second];
                   // The threads that could use a CPU at this read: on one, waiting for one, or blocked in D
                   // (a parallelism estimate; sleeping and idle threads do not count). A state that began
                   // after `now` still tells what the thread is doing now.
                   if (st.kind == PP_T_ONCPU || st.kind == PP_T_RUNQ || st.kind == PP_T_OFF_D ||
                       st.kind == PP_T_OFF_IOWAIT)
                     c.active_threads++;
                   if (st.ts_ns >= now) return;
                   uint64_t d = now - st.ts_ns;
                   switch (st.kind) {
                     case PP_T_ONCPU: {
                       // The kernel counts CPU time as se.sum_exec_runtime growth; so do we, up to now
                       // (schedstat brings a running task's runtime up to date). Wall clock if unreadable.
                       uint64_t sum = 0;
                       if (threadRuntimeNs(tid, &sum))
                         c.oncpu_ns += sum > st.sum_exec_ns ? sum - st.sum_exec_ns : 0;
                       else
                         c.oncpu_ns += d;
                       break;
                     }
                     case PP_T_RUNQ: c.runq_ns += d; break;
                     case PP_T_OFF_IOWAIT: c.offcpu_iowait_ns += d; c.offcpu_d_ns += d; break;
                     case PP_T_OFF_D: c.offcpu_d_ns += d; break;
                     case PP_T_OFF_SLEEP: c.offcpu_sleep_ns += d; break;
                     case PP_T_OFF_OTHER: c.offcpu_other_ns += d; break;
                     default: break;
                   }
                 });
  }

  for (pp_counters& c : rows) c.flags &= ~kExitPending;
  size_t off = out.size();
  out.resize(off + rows.size() * sizeof(pp_counters));
  if (!rows.empty()) memcpy(out.data() + off, rows.data(), rows.size() * sizeof(pp_counters));
  // Reported once with PP_CNT_EXITED: gone from the map now (the process and its threads are dead).
  for (const pp_proc_key& key : exited) bpf_map_delete_elem(cfd, &key);
  return rows.size();
}

size_t Loader::readBlockLatency(std::vector<uint8_t>& out) {
  requireOpen();
  size_t n = 0;
  forEachEntry(bpf_map__fd(skel_->maps.pp_blk_hists), sizeof(pp_blk_key), sizeof(pp_blk_hist),
               bpf_map__max_entries(skel_->maps.pp_blk_hists), [&](const uint8_t* k, const uint8_t* v) {
                 pp_blk_record r;
                 memcpy(&r.key, k, sizeof r.key);
                 memcpy(&r.hist, v, sizeof r.hist);
                 size_t off = out.size();
                 out.resize(off + sizeof r);
                 memcpy(out.data() + off, &r, sizeof r);
                 n++;
               });
  return n;
}

uint64_t Loader::stat(uint32_t index) const {
  requireOpen();
  if (index >= PP_STAT_MAX) return 0;
  int ncpu = libbpf_num_possible_cpus();
  if (ncpu <= 0) throw Error("cannot count possible CPUs: " + errnoText(-ncpu));
  std::vector<uint64_t> perCpu(static_cast<size_t>(ncpu), 0);
  if (bpf_map_lookup_elem(bpf_map__fd(skel_->maps.pp_stats), &index, perCpu.data()) != 0)
    throw Error("reading BPF stats failed: " + errnoText(errno));
  uint64_t sum = 0;
  for (uint64_t v : perCpu) sum += v;
  return sum;
}

}  // namespace pipespan
