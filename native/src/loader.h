// SPDX-License-Identifier: Apache-2.0
// loader.h — the libbpf side of the addon: load, attach, read. No N-API here (addon.cc is the glue).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

extern "C" {
#include "pipespan.h"
}

#define PP_EXIT_GRACE_NS_DEFAULT (250ull * 1000 * 1000)

struct pipespan_bpf;
struct ring_buffer;

namespace pipespan {

// Every failure reaches JavaScript as an exception carrying this text.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what) : std::runtime_error(what) {}
};

struct Options {
  bool hostWide = false;
  uint32_t ringBufferBytes = PP_RINGBUF_BYTES;  // power of two, multiple of the page size
  uint32_t maxProcesses = PP_MAX_PROCESSES;     // tracked set and counters map
  uint32_t maxThreads = PP_MAX_THREADS;         // per-thread scheduler state
  bool cpu = true;                              // sched_switch / sched_wakeup(_new)
  bool blockIo = true;                          // block_bio_queue + block_rq_issue/complete
  bool network = true;                          // sock_send_length / sock_recv_length
};

struct ProgramInfo {
  std::string name;       // BPF program name
  std::string tracepoint; // e.g. "sched_switch"
  std::string group;      // lifecycle | cpu | blockIo | network
  bool attached = false;
  std::string reason;     // why not attached
};

class Loader {
 public:
  explicit Loader(const Options& options);  // open + load + attach; throws Error
  ~Loader();
  Loader(const Loader&) = delete;
  Loader& operator=(const Loader&) = delete;

  void addTrackedPid(uint32_t tgid);
  void removeTrackedPid(uint32_t tgid);
  void setHostWide(bool on);
  bool hostWide() const;

  // Appends up to maxEvents ring-buffer records to `out`, each padded to a multiple of 8 bytes.
  // Returns the number of records appended.
  size_t pollEvents(size_t maxEvents, std::vector<uint8_t>& out);
  // The ring buffer's map fd: poll(2) says it is readable while records wait (the programs wake its waiters when a
  // record lands in a ring the reader had emptied). For a reader that sleeps until then instead of polling.
  int eventsFd() const;
  // Appends one struct pp_counters per counted process. With `inflight`, intervals still open (a thread
  // on a CPU right now, a sleep not yet woken) are included up to now, and active_threads counts the threads
  // on a CPU, runnable or in D at this read (0 without `inflight`). A process whose group exited at
  // least `exitGraceNs` ago is appended with PP_CNT_EXITED and deleted from the map: each final record is
  // returned exactly once. Within the grace period it is appended without the flag (a sibling thread
  // preempted inside do_exit() may still add its share).
  size_t readCounters(std::vector<uint8_t>& out, bool inflight, uint64_t exitGraceNs);
  // CLOCK_BOOTTIME of the instant the last readCounters() describes (where the open intervals were cut);
  // 0 before the first. The reader stamps the reading with this, not with a time of its own taken after the
  // call: a reader preempted after the read would otherwise place a reading's growth late.
  uint64_t countersReadBootNs() const { return countersReadBootNs_; }
  // Appends one struct pp_blk_record per (device, direction) seen; cumulative since load.
  size_t readBlockLatency(std::vector<uint8_t>& out);
  uint64_t stat(uint32_t index) const;
  const std::vector<ProgramInfo>& programs() const { return programs_; }
  void close();
  bool closed() const { return skel_ == nullptr; }

 private:
  void requireOpen() const;
  void bumpTrackGeneration();
  void dropThreadsUnless(const std::function<bool(uint32_t)>& keep);
  // What the ring-buffer callback fills during one pollEvents() call (the ring keeps a pointer to it).
  struct PollState {
    std::vector<uint8_t>* out = nullptr;
    size_t max = 0;
    size_t count = 0;
  };
  PollState poll_;
  uint64_t countersReadBootNs_ = 0;
  pipespan_bpf* skel_ = nullptr;
  ring_buffer* rb_ = nullptr;
  std::vector<ProgramInfo> programs_;
};

// CLOCK_BOOTTIME now, in ns (the clock of every event timestamp and start_boottime_ns).
uint64_t boottimeNs();

}  // namespace pipespan
