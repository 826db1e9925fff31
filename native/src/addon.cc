// SPDX-License-Identifier: Apache-2.0
// addon.cc — the N-API face of the loader and of the records' layout. Every kernel record crosses into JavaScript inside one Buffer
// per call (no JS object per kernel event); lib/decode.js turns the Buffers into values.
#include <napi.h>
#include <uv.h>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "layout.h"
#include "loader.h"

namespace {

using pipespan::Loader;

constexpr uint32_t kPidMax = 4194304;  // PID_MAX_LIMIT

uint32_t toPid(const Napi::Env& env, const Napi::Value& v, const char* what) {
  if (!v.IsNumber()) throw Napi::TypeError::New(env, std::string(what) + " must be an integer process id");
  double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= 1 && d <= kPidMax) || d != static_cast<double>(static_cast<uint32_t>(d)))
    throw Napi::RangeError::New(env, std::string(what) + " must be an integer between 1 and 4194304");
  return static_cast<uint32_t>(d);
}

bool optBool(const Napi::Env& env, const Napi::Object& o, const char* key, bool dflt) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined()) return dflt;
  if (!v.IsBoolean()) throw Napi::TypeError::New(env, std::string("option ") + key + " must be a boolean");
  return v.As<Napi::Boolean>().Value();
}

uint32_t optU32(const Napi::Env& env, const Napi::Object& o, const char* key, uint32_t dflt) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined()) return dflt;
  if (!v.IsNumber()) throw Napi::TypeError::New(env, std::string("option ") + key + " must be a number");
  double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= 0 && d <= 4294967295.0) || d != static_cast<double>(static_cast<uint32_t>(d)))
    throw Napi::RangeError::New(env, std::string("option ") + key + " must be a non-negative 32-bit integer");
  return static_cast<uint32_t>(d);
}

Napi::Buffer<uint8_t> toBuffer(const Napi::Env& env, const std::vector<uint8_t>& bytes) {
  return Napi::Buffer<uint8_t>::Copy(env, bytes.data(), bytes.size());
}

class KernelProbe : public Napi::ObjectWrap<KernelProbe> {
 public:
  static Napi::Function Init(Napi::Env env) {
    return DefineClass(env, "KernelProbe",
                       {
                           InstanceMethod<&KernelProbe::AddTrackedPid>("addTrackedPid"),
                           InstanceMethod<&KernelProbe::RemoveTrackedPid>("removeTrackedPid"),
                           InstanceMethod<&KernelProbe::SetHostWide>("setHostWide"),
                           InstanceMethod<&KernelProbe::HostWide>("hostWide"),
                           InstanceMethod<&KernelProbe::PollEvents>("pollEvents"),
                           InstanceMethod<&KernelProbe::ReadCounters>("readCounters"),
                           InstanceMethod<&KernelProbe::CountersReadAtNs>("countersReadAtNs"),
                           InstanceMethod<&KernelProbe::ReadBlockLatency>("readBlockLatency"),
                           InstanceMethod<&KernelProbe::LostEvents>("lostEvents"),
                           InstanceMethod<&KernelProbe::Stats>("stats"),
                           InstanceMethod<&KernelProbe::Programs>("programs"),
                           InstanceMethod<&KernelProbe::OnReadable>("onReadable"),
                           InstanceMethod<&KernelProbe::Close>("close"),
                       });
  }

  ~KernelProbe() override { closeWatch(); }

  explicit KernelProbe(const Napi::CallbackInfo& info) : Napi::ObjectWrap<KernelProbe>(info) {
    Napi::Env env = info.Env();
    pipespan::Options o;
    if (info.Length() > 0 && !info[0].IsUndefined()) {
      if (!info[0].IsObject() || info[0].IsArray())
        throw Napi::TypeError::New(env, "open(options): options must be an object");
      Napi::Object opts = info[0].As<Napi::Object>();
      static const char* known[] = {"hostWide", "ringBufferBytes", "maxProcesses", "maxThreads",
                                    "cpu",      "blockIo",         "network"};
      Napi::Array names = opts.GetPropertyNames();
      for (uint32_t i = 0; i < names.Length(); i++) {
        std::string name = names.Get(i).ToString().Utf8Value();
        bool ok = false;
        for (const char* k : known) ok = ok || name == k;
        if (!ok) throw Napi::TypeError::New(env, "open(options): unknown option \"" + name + "\"");
      }
      o.hostWide = optBool(env, opts, "hostWide", o.hostWide);
      o.ringBufferBytes = optU32(env, opts, "ringBufferBytes", o.ringBufferBytes);
      o.maxProcesses = optU32(env, opts, "maxProcesses", o.maxProcesses);
      o.maxThreads = optU32(env, opts, "maxThreads", o.maxThreads);
      o.cpu = optBool(env, opts, "cpu", o.cpu);
      o.blockIo = optBool(env, opts, "blockIo", o.blockIo);
      o.network = optBool(env, opts, "network", o.network);
    }
    try {
      loader_ = std::make_unique<Loader>(o);
    } catch (const pipespan::Error& e) {
      throw Napi::Error::New(env, e.what());
    }
  }

 private:
  Loader& loader(const Napi::Env& env) {
    if (!loader_ || loader_->closed()) throw Napi::Error::New(env, "the kernel probe is closed");
    return *loader_;
  }

  template <typename F>
  auto guarded(const Napi::Env& env, F&& fn) -> decltype(fn(std::declval<Loader&>())) {
    Loader& l = loader(env);
    try {
      return fn(l);
    } catch (const pipespan::Error& e) {
      throw Napi::Error::New(env, e.what());
    }
  }

  Napi::Value AddTrackedPid(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    uint32_t pid = toPid(env, info[0], "addTrackedPid(tgid): tgid");
    guarded(env, [&](Loader& l) { l.addTrackedPid(pid); });
    return env.Undefined();
  }

  Napi::Value RemoveTrackedPid(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    uint32_t pid = toPid(env, info[0], "removeTrackedPid(tgid): tgid");
    guarded(env, [&](Loader& l) { l.removeTrackedPid(pid); });
    return env.Undefined();
  }

  Napi::Value SetHostWide(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!info[0].IsBoolean()) throw Napi::TypeError::New(env, "setHostWide(on): on must be a boolean");
    bool on = info[0].As<Napi::Boolean>().Value();
    guarded(env, [&](Loader& l) { l.setHostWide(on); });
    return env.Undefined();
  }

  Napi::Value HostWide(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    return Napi::Boolean::New(env, guarded(env, [&](Loader& l) { return l.hostWide(); }));
  }

  Napi::Value PollEvents(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    uint32_t max = 4096;
    if (info.Length() > 0 && !info[0].IsUndefined()) {
      if (!info[0].IsNumber()) throw Napi::TypeError::New(env, "pollEvents(maxEvents): maxEvents must be a number");
      double d = info[0].As<Napi::Number>().DoubleValue();
      if (!(d >= 1 && d <= 1000000) || d != static_cast<double>(static_cast<uint32_t>(d)))
        throw Napi::RangeError::New(env, "pollEvents(maxEvents): maxEvents must be an integer from 1 to 1000000");
      max = static_cast<uint32_t>(d);
    }
    std::vector<uint8_t> out;
    guarded(env, [&](Loader& l) { return l.pollEvents(max, out); });
    return toBuffer(env, out);
  }

  Napi::Value ReadCounters(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    bool inflight = true;
    uint64_t graceNs = PP_EXIT_GRACE_NS_DEFAULT;
    if (info.Length() > 0 && !info[0].IsUndefined()) {
      if (!info[0].IsObject() || info[0].IsArray())
        throw Napi::TypeError::New(env, "readCounters(options): options must be an object");
      Napi::Object o = info[0].As<Napi::Object>();
      inflight = optBool(env, o, "inflight", true);
      uint32_t graceMs = optU32(env, o, "exitGraceMs", static_cast<uint32_t>(graceNs / 1000000));
      if (graceMs > 60000)
        throw Napi::RangeError::New(env, "readCounters(options): exitGraceMs must be at most 60000");
      graceNs = static_cast<uint64_t>(graceMs) * 1000000;
    }
    std::vector<uint8_t> out;
    guarded(env, [&](Loader& l) { return l.readCounters(out, inflight, graceNs); });
    return toBuffer(env, out);
  }

  Napi::Value CountersReadAtNs(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    uint64_t ns = guarded(env, [&](Loader& l) { return l.countersReadBootNs(); });
    return Napi::BigInt::New(env, ns);
  }

  Napi::Value ReadBlockLatency(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    std::vector<uint8_t> out;
    guarded(env, [&](Loader& l) { return l.readBlockLatency(out); });
    return toBuffer(env, out);
  }

  Napi::Value LostEvents(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    uint64_t n = guarded(env, [&](Loader& l) { return l.stat(PP_STAT_RINGBUF_DROPS); });
    return Napi::Number::New(env, static_cast<double>(n));
  }

  Napi::Value Stats(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Napi::Object o = Napi::Object::New(env);
    guarded(env, [&](Loader& l) {
      o.Set("ringBufferDrops", static_cast<double>(l.stat(PP_STAT_RINGBUF_DROPS)));
      o.Set("countersMapFull", static_cast<double>(l.stat(PP_STAT_COUNTERS_FULL)));
      o.Set("trackedMapFull", static_cast<double>(l.stat(PP_STAT_TRACKED_FULL)));
      o.Set("threadMapFull", static_cast<double>(l.stat(PP_STAT_THREADS_FULL)));
      o.Set("argsUnreadable", static_cast<double>(l.stat(PP_STAT_ARGS_UNREADABLE)));
      o.Set("blockHistogramsFull", static_cast<double>(l.stat(PP_STAT_BLK_HIST_FULL)));
      o.Set("switchInUnseen", static_cast<double>(l.stat(PP_STAT_SWITCH_IN_UNSEEN)));
      o.Set("envTruncated", static_cast<double>(l.stat(PP_STAT_ENV_TRUNCATED)));
      o.Set("envUnreadable", static_cast<double>(l.stat(PP_STAT_ENV_UNREADABLE)));
    });
    return o;
  }

  Napi::Value Programs(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Napi::Array arr = Napi::Array::New(env);
    guarded(env, [&](Loader& l) {
      uint32_t i = 0;
      for (const pipespan::ProgramInfo& p : l.programs()) {
        Napi::Object o = Napi::Object::New(env);
        o.Set("name", p.name);
        o.Set("tracepoint", p.tracepoint);
        o.Set("group", p.group);
        o.Set("attached", p.attached);
        if (!p.reason.empty()) o.Set("reason", p.reason);
        arr.Set(i++, o);
      }
    });
    return arr;
  }

  // onReadable(fn): calls fn once, from the event loop, when the ring buffer holds records (at once if it already
  // does); onReadable(null) cancels. A reader that found the ring empty sleeps on this instead of a timer, so an
  // idle host costs no wake-ups. One-shot: the reader drains, and asks again when it finds the ring empty again.
  Napi::Value OnReadable(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !(info[0].IsFunction() || info[0].IsNull()))
      throw Napi::TypeError::New(env, "onReadable(fn): fn must be a function or null");
    if (info[0].IsNull()) {
      stopWatch();
      return env.Undefined();
    }
    int fd = guarded(env, [&](Loader& l) { return l.eventsFd(); });
    if (watch_ == nullptr) {
      uv_loop_t* loop = nullptr;
      if (napi_get_uv_event_loop(env, &loop) != napi_ok || loop == nullptr)
        throw Napi::Error::New(env, "onReadable: no event loop");
      auto* w = new Watch{};
      if (int rc = uv_poll_init(loop, &w->handle, fd); rc != 0) {
        delete w;
        throw Napi::Error::New(env, std::string("onReadable: ") + uv_strerror(rc));
      }
      w->handle.data = w;
      watch_ = w;
    }
    watch_->env = env;
    watch_->callback = Napi::Persistent(info[0].As<Napi::Function>());
    if (int rc = uv_poll_start(&watch_->handle, UV_READABLE, onPoll); rc != 0)
      throw Napi::Error::New(env, std::string("onReadable: ") + uv_strerror(rc));
    return env.Undefined();
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    closeWatch();  // before the fd it polls goes
    if (loader_) loader_->close();  // idempotent
    return info.Env().Undefined();
  }

  struct Watch {
    uv_poll_t handle;
    napi_env env = nullptr;
    Napi::FunctionReference callback;
  };

  static void onPoll(uv_poll_t* handle, int status, int /*events*/) {
    auto* w = static_cast<Watch*>(handle->data);
    uv_poll_stop(handle);  // one-shot
    if (w->callback.IsEmpty()) return;
    Napi::Env env(w->env);
    Napi::HandleScope scope(env);
    Napi::Function fn = w->callback.Value();
    w->callback.Reset();
    // An error of the poll itself (status < 0) still calls back: the reader drains, which says what is wrong.
    (void)status;
    fn.MakeCallback(env.Global(), {});
  }

  void stopWatch() {
    if (watch_ == nullptr) return;
    uv_poll_stop(&watch_->handle);
    watch_->callback.Reset();
  }

  void closeWatch() {
    if (watch_ == nullptr) return;
    stopWatch();
    uv_close(reinterpret_cast<uv_handle_t*>(&watch_->handle),
             [](uv_handle_t* h) { delete static_cast<Watch*>(h->data); });
    watch_ = nullptr;
  }

  Watch* watch_ = nullptr;
  std::unique_ptr<Loader> loader_;
};

Napi::Value ClockBoottimeNs(const Napi::CallbackInfo& info) {
  return Napi::BigInt::New(info.Env(), static_cast<uint64_t>(pipespan::boottimeNs()));
}

// The records' layout, from the BPF object's BTF (layout.cc): { [struct]: { size, hostSize, fields: { [name]:
// { offset, size, type, count? } } } }, plus the constants of pipespan.h under `constants`.
#define PP_HOST(type) {#type, static_cast<uint32_t>(sizeof(type))}

Napi::Object Layout(Napi::Env env) {
  Napi::Object all = Napi::Object::New(env);
  auto put = [&](const pipespan::StructLayout& s) {
    Napi::Object fields = Napi::Object::New(env);
    for (const pipespan::FieldLayout& f : s.fields) {
      Napi::Object o = Napi::Object::New(env);
      o.Set("offset", f.offset);
      o.Set("size", f.size);
      o.Set("type", f.type);
      if (f.count != 0) o.Set("count", f.count);
      fields.Set(f.name, o);
    }
    Napi::Object o = Napi::Object::New(env);
    o.Set("size", s.size);
    o.Set("hostSize", s.hostSize);
    o.Set("fields", fields);
    all.Set(s.name, o);
  };
  std::vector<pipespan::StructLayout> ls;
  try {
    ls = pipespan::recordLayouts({PP_HOST(pp_event_header), PP_HOST(pp_fork_event), PP_HOST(pp_exec_event),
                                  PP_HOST(pp_exit_event), PP_HOST(pp_oom_event), PP_HOST(pp_counters),
                                  PP_HOST(pp_blk_record)});
  } catch (const pipespan::Error& e) {
    throw Napi::Error::New(env, std::string("pipespan native: reading the record layout failed: ") + e.what());
  }
  for (const pipespan::StructLayout& s : ls) put(s);
  Napi::Object c = Napi::Object::New(env);
  c.Set("PP_FILENAME_MAX", PP_FILENAME_MAX);
  c.Set("PP_ARGS_MAX", PP_ARGS_MAX);
  c.Set("PP_HIST_SLOTS", PP_HIST_SLOTS);
  c.Set("PP_EXEC_FIXED_SIZE", PP_EXEC_FIXED_SIZE);
  c.Set("PP_EV_FORK", static_cast<int>(PP_EV_FORK));
  c.Set("PP_EV_EXEC", static_cast<int>(PP_EV_EXEC));
  c.Set("PP_EV_EXIT", static_cast<int>(PP_EV_EXIT));
  c.Set("PP_EV_OOM", static_cast<int>(PP_EV_OOM));
  c.Set("PP_CNT_EXITED", PP_CNT_EXITED);
  c.Set("PP_CNT_OOM_KILLED", PP_CNT_OOM_KILLED);
  c.Set("PP_EXIT_OOM_KILLED", PP_EXIT_OOM_KILLED);
  c.Set("PP_EXEC_FILENAME_TRUNCATED", PP_EXEC_FILENAME_TRUNCATED);
  c.Set("PP_EXEC_ARGS_TRUNCATED", PP_EXEC_ARGS_TRUNCATED);
  c.Set("PP_EXEC_ARGS_UNREADABLE", PP_EXEC_ARGS_UNREADABLE);
  c.Set("PP_EXEC_ENV_TRUNCATED", PP_EXEC_ENV_TRUNCATED);
  c.Set("PP_EXEC_ENV_UNREADABLE", PP_EXEC_ENV_UNREADABLE);
  c.Set("PP_ENV_SCAN_MAX", PP_ENV_SCAN_MAX);
  c.Set("PP_ENV_MAX", PP_ENV_MAX);
  c.Set("PP_COMM_LEN", PP_COMM_LEN);
  all.Set("constants", c);
  return all;
}

Napi::Value Open(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::FunctionReference* ctor = env.GetInstanceData<Napi::FunctionReference>();
  std::vector<napi_value> args;
  if (info.Length() > 0) args.push_back(info[0]);
  return ctor->New(args);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  Napi::Function ctor = KernelProbe::Init(env);
  auto* ref = new Napi::FunctionReference(Napi::Persistent(ctor));
  env.SetInstanceData<Napi::FunctionReference>(ref);  // deleted by node-addon-api at env teardown
  exports.Set("open", Napi::Function::New(env, Open, "open"));
  exports.Set("clockBoottimeNs", Napi::Function::New(env, ClockBoottimeNs, "clockBoottimeNs"));
  exports.Set("layout", Layout(env));
  return exports;
}

}  // namespace

NODE_API_MODULE(pipespan_native, Init)
