// The inotify reader: one inotify fd on the shared reader thread, syscalls only. Records are parsed,
// paths resolved and moves paired in TypeScript (src/backends/inotify.ts).
#include "inotify.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/inotify.h>

#include <algorithm>
#include <cstdint>
#include <string>

#include "errno-error.h"
#include "reader-thread.h"

#ifndef IN_MASK_CREATE  // glibc < 2.29 headers lack it; the kernel (>= 4.18) knows it.
#define IN_MASK_CREATE 0x10000000
#endif

namespace tswatch {
namespace {

static_assert(kReadBufferSize >= sizeof(struct inotify_event) + NAME_MAX + 1, "read buffer too small");

// The JS class: inotify's syscalls on the shared reader, which hands the records over as read.
class Inotify : public Napi::ObjectWrap<Inotify>, private ReaderThread {
 public:
  static Napi::Function Init(Napi::Env env) {
    return DefineClass(env, "Inotify",
                       {InstanceMethod<&Inotify::AddWatch>("addWatch"), InstanceMethod<&Inotify::RmWatch>("rmWatch"),
                        InstanceMethod<&Inotify::Start>("start"), InstanceMethod<&Inotify::Pause>("pause"),
                        InstanceMethod<&Inotify::Resume>("resume"), InstanceMethod<&Inotify::Close>("close"),
                        InstanceMethod<&Inotify::Fd>("fd")});
  }

  // new Inotify(): a fresh instance. new Inotify(fd): adopt an inherited one (`tswatch -d` hands its
  // watches to the background process this way, so nothing queued meanwhile is lost).
  explicit Inotify(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Inotify>(info), env_(info.Env()) {
    int fd;
    if (info[0].IsNumber()) {
      fd = info[0].As<Napi::Number>().Int32Value();
      int flags = fcntl(fd, F_GETFL);
      if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
        throw ErrnoError(env_, errno, "fcntl");
      }
    } else {
      fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    }
    Open(env_, fd, "inotify_init");
  }

  ~Inotify() override { Shutdown(); }

 private:
  Napi::Value AddWatch(const Napi::CallbackInfo& info) {
    if (!info[0].IsString() || !info[1].IsNumber()) throw Napi::TypeError::New(env_, "addWatch(path: string, mask: number)");
    std::string path = info[0].As<Napi::String>().Utf8Value();
    uint32_t mask = info[1].As<Napi::Number>().Uint32Value();
    int wd = closed() ? (errno = EBADF, -1) : inotify_add_watch(fd(), path.c_str(), mask);
    if (wd < 0) throw ErrnoError(env_, errno, "inotify_add_watch", &path);
    return Napi::Number::New(env_, wd);
  }

  // false when the kernel already dropped the watch (EINVAL): IN_IGNORED has been or will be queued.
  Napi::Value RmWatch(const Napi::CallbackInfo& info) {
    if (!info[0].IsNumber()) throw Napi::TypeError::New(env_, "rmWatch(wd: number)");
    if (closed()) return Napi::Boolean::New(env_, false);
    if (inotify_rm_watch(fd(), info[0].As<Napi::Number>().Int32Value()) == 0) return Napi::Boolean::New(env_, true);
    if (errno == EINVAL) return Napi::Boolean::New(env_, false);
    throw ErrnoError(env_, errno, "inotify_rm_watch");
  }

  void Start(const Napi::CallbackInfo& info) {
    if (closed()) throw Napi::Error::New(env_, "Inotify.start() after close()");
    if (started()) throw Napi::Error::New(env_, "Inotify.start() called twice");
    if (!info[0].IsFunction()) throw Napi::TypeError::New(env_, "start(callback, options)");
    Napi::Object opts = info[1].IsObject() ? info[1].As<Napi::Object>() : Napi::Object::New(env_);
    auto num = [&](const char* key, int def) {
      Napi::Value v = opts.Get(key);
      return v.IsNumber() ? std::max(0, v.As<Napi::Number>().Int32Value()) : def;
    };
    Options options;
    options.read_freq_ms = num("readFreqMs", 0);
    options.threshold = num("threshold", 0);
    options.max_pending = static_cast<size_t>(std::max(1, num("maxPending", 16 << 20)));
    StartThread(env_, info[0].As<Napi::Function>(), "tswatch-inotify", options);
    // Keep the JS object alive while events flow, even if the caller dropped its reference.
    Ref();
  }

  Napi::Value Fd(const Napi::CallbackInfo&) { return Napi::Number::New(env_, fd()); }
  void Pause(const Napi::CallbackInfo&) { PauseReading(); }
  void Resume(const Napi::CallbackInfo&) { ResumeReading(); }

  void Close(const Napi::CallbackInfo&) {
    if (CloseReading(env_)) Unref();
  }

  Napi::Env env_;
};

Napi::Object Constants(Napi::Env env) {
  Napi::Object c = Napi::Object::New(env);
  // Unsigned: IN_ONESHOT is the sign bit and JS masks are handled as u32.
#define K(name) c.Set(#name, Napi::Number::New(env, static_cast<double>(static_cast<uint32_t>(name))))
  K(IN_ACCESS); K(IN_MODIFY); K(IN_ATTRIB); K(IN_CLOSE_WRITE); K(IN_CLOSE_NOWRITE); K(IN_OPEN);
  K(IN_MOVED_FROM); K(IN_MOVED_TO); K(IN_CREATE); K(IN_DELETE); K(IN_DELETE_SELF); K(IN_MOVE_SELF);
  K(IN_UNMOUNT); K(IN_Q_OVERFLOW); K(IN_IGNORED); K(IN_CLOSE); K(IN_MOVE); K(IN_ALL_EVENTS);
  K(IN_ONLYDIR); K(IN_DONT_FOLLOW); K(IN_EXCL_UNLINK); K(IN_MASK_CREATE); K(IN_MASK_ADD); K(IN_ISDIR);
  K(IN_ONESHOT);
#undef K
  c.Freeze();
  return c;
}

}  // namespace

void InitInotify(Napi::Env env, Napi::Object exports) {
  exports.Set("Inotify", Inotify::Init(env));
  exports.Set("constants", Constants(env));
}

}  // namespace tswatch
