// tswatch_inotify: one inotify fd and a reader thread, nothing else. Records are parsed, paths
// resolved and moves paired in TypeScript (src/backends/inotify.ts); this file only does syscalls.
#include <napi.h>

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

// The package version this addon was built for (binding.gyp passes it from package.json): the loader
// refuses an addon left over from another version, whose record layout or API may differ.
#ifndef TSWATCH_VERSION
#error "TSWATCH_VERSION must be defined (binding.gyp reads it from package.json)"
#endif
#define TSWATCH_STR(x) #x
#define TSWATCH_XSTR(x) TSWATCH_STR(x)

#ifndef IN_MASK_CREATE  // glibc < 2.29 headers lack it; the kernel (>= 4.18) knows it.
#define IN_MASK_CREATE 0x10000000
#endif

namespace {

// Large enough for thousands of records per read (fewer JS crossings) and far above the minimum one
// record needs: sizeof(struct inotify_event) + NAME_MAX + 1.
constexpr size_t kReadBufferSize = 256 * 1024;
// How long a burst may gather between reads: well under the latency anyone notices, long enough for a
// busy writer to queue hundreds of records.
constexpr std::chrono::microseconds kBurstWait{500};
static_assert(kReadBufferSize >= sizeof(struct inotify_event) + NAME_MAX + 1, "read buffer too small");

const char* ErrnoName(int err) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
  if (const char* name = strerrorname_np(err)) return name;
#else
  switch (err) {
    case ENOENT: return "ENOENT";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case ENOTDIR: return "ENOTDIR";
    case ENOSPC: return "ENOSPC";
    case EMFILE: return "EMFILE";
    case ENFILE: return "ENFILE";
    case EEXIST: return "EEXIST";
    case EINVAL: return "EINVAL";
    case EBADF: return "EBADF";
    case ENOMEM: return "ENOMEM";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ELOOP: return "ELOOP";
  }
#endif
  return "EUNKNOWN";
}

// An Error shaped like Node's own syscall errors (code, errno, syscall, path), so the TypeScript side
// can hand it straight to errnoError().
Napi::Error ErrnoError(Napi::Env env, int err, const char* syscall, const std::string* path = nullptr) {
  std::string msg = std::string(ErrnoName(err)) + ": " + strerror(err) + ", " + syscall;
  if (path) msg += " '" + *path + "'";
  Napi::Error error = Napi::Error::New(env, msg);
  error.Set("code", ErrnoName(err));
  error.Set("errno", Napi::Number::New(env, -err));  // negative, as libuv/Node report it
  error.Set("syscall", syscall);
  if (path) error.Set("path", *path);
  return error;
}

class Inotify;
void CallJs(Napi::Env env, Napi::Function callback, Inotify* self, std::nullptr_t*);
using Tsfn = Napi::TypedThreadSafeFunction<Inotify, std::nullptr_t, CallJs>;

class Inotify : public Napi::ObjectWrap<Inotify> {
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
    if (info[0].IsNumber()) {
      fd_ = info[0].As<Napi::Number>().Int32Value();
      int flags = fcntl(fd_, F_GETFL);
      if (flags < 0 || fcntl(fd_, F_SETFL, flags | O_NONBLOCK) < 0 || fcntl(fd_, F_SETFD, FD_CLOEXEC) < 0) {
        throw ErrnoError(env_, errno, "fcntl");
      }
    } else {
      fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    }
    if (fd_ < 0) throw ErrnoError(env_, errno, "inotify_init");
    // The wake fd interrupts poll() for close/pause and the readFreq/threshold waits.
    wake_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wake_ < 0) {
      int err = errno;
      ::close(fd_);
      fd_ = -1;
      throw ErrnoError(env_, err, "eventfd");
    }
  }

  ~Inotify() override { Shutdown(); }

 private:
  Napi::Value AddWatch(const Napi::CallbackInfo& info) {
    if (!info[0].IsString() || !info[1].IsNumber()) throw Napi::TypeError::New(env_, "addWatch(path: string, mask: number)");
    std::string path = info[0].As<Napi::String>().Utf8Value();
    uint32_t mask = info[1].As<Napi::Number>().Uint32Value();
    int wd = closed_ ? (errno = EBADF, -1) : inotify_add_watch(fd_, path.c_str(), mask);
    if (wd < 0) throw ErrnoError(env_, errno, "inotify_add_watch", &path);
    return Napi::Number::New(env_, wd);
  }

  // false when the kernel already dropped the watch (EINVAL): IN_IGNORED has been or will be queued.
  Napi::Value RmWatch(const Napi::CallbackInfo& info) {
    if (!info[0].IsNumber()) throw Napi::TypeError::New(env_, "rmWatch(wd: number)");
    if (closed_) return Napi::Boolean::New(env_, false);
    if (inotify_rm_watch(fd_, info[0].As<Napi::Number>().Int32Value()) == 0) return Napi::Boolean::New(env_, true);
    if (errno == EINVAL) return Napi::Boolean::New(env_, false);
    throw ErrnoError(env_, errno, "inotify_rm_watch");
  }

  void Start(const Napi::CallbackInfo& info) {
    if (closed_) throw Napi::Error::New(env_, "Inotify.start() after close()");
    if (started_) throw Napi::Error::New(env_, "Inotify.start() called twice");
    if (!info[0].IsFunction()) throw Napi::TypeError::New(env_, "start(callback, options)");
    Napi::Object opts = info[1].IsObject() ? info[1].As<Napi::Object>() : Napi::Object::New(env_);
    auto num = [&](const char* key, int def) {
      Napi::Value v = opts.Get(key);
      return v.IsNumber() ? std::max(0, v.As<Napi::Number>().Int32Value()) : def;
    };
    read_freq_ms_ = num("readFreqMs", 0);
    threshold_ = num("threshold", 0);
    // Bounded: when JavaScript falls behind by max_pending_ bytes the reader stops reading and the
    // kernel queue absorbs the burst (at worst IN_Q_OVERFLOW) instead of our memory growing without bound.
    max_pending_ = static_cast<size_t>(std::max(1, num("maxPending", 16 << 20)));
    // At most one drain is ever queued (scheduled_), so the tsfn's own queue needs no bound.
    tsfn_ = Tsfn::New(env_, info[0].As<Napi::Function>(), "tswatch-inotify", 0, 1, this);
    // Keep the JS object alive while events flow, even if the caller dropped its reference.
    Ref();
    // If the environment goes away while we run (process.exit, worker termination), stop and join
    // the thread before Node tears the tsfn down. Hooks run in reverse order, so ours runs first.
    napi_add_env_cleanup_hook(env_, &Inotify::OnEnvCleanup, this);
    started_ = true;
    thread_ = std::thread(&Inotify::Run, this);
  }

  Napi::Value Fd(const Napi::CallbackInfo&) { return Napi::Number::New(env_, fd_); }

  void Pause(const Napi::CallbackInfo&) {
    // Under the mutex the reader holds around read(): once pause() returns, no further read starts.
    std::lock_guard<std::mutex> lock(mu_);
    paused_ = true;
    Wake();
  }

  void Resume(const Napi::CallbackInfo&) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      paused_ = false;
    }
    cv_.notify_all();
  }

  void Close(const Napi::CallbackInfo&) {
    if (closed_) return;
    bool was_started = started_;
    Shutdown();
    if (was_started) {
      napi_remove_env_cleanup_hook(env_, &Inotify::OnEnvCleanup, this);
      Unref();
    }
  }

  static void OnEnvCleanup(void* self) { static_cast<Inotify*>(self)->Shutdown(); }

  // Idempotent; safe from close(), the env cleanup hook and the destructor.
  void Shutdown() {
    if (closed_) return;
    closed_ = true;
    if (started_) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        stop_ = true;
      }
      cv_.notify_all();
      Wake();
      // Abort, not Release: a reader blocked in BlockingCall on a full queue returns napi_closing.
      // Joining without it would deadlock, since this (JS) thread is the one that drains the queue.
      // Abort also drops the tsfn's hold on the event loop, so the process can exit.
      tsfn_.Abort();
      thread_.join();
    }
    ::close(wake_);
    ::close(fd_);
    wake_ = fd_ = -1;
  }

  void Wake() {
    uint64_t one = 1;
    ssize_t r = write(wake_, &one, sizeof one);
    (void)r;  // EAGAIN means a wake is already pending: just as good
  }

  void DrainWake() {
    uint64_t n;
    ssize_t r = read(wake_, &n, sizeof n);
    (void)r;
  }

  // Sleep up to `ms`, returning early on a wake (close, pause); the caller re-checks its flags.
  void WaitMs(int ms) { WaitFor(std::chrono::milliseconds(ms)); }

  void WaitFor(std::chrono::nanoseconds d) {
    pollfd p = {wake_, POLLIN, 0};
    timespec ts = {static_cast<time_t>(d.count() / 1000000000), static_cast<long>(d.count() % 1000000000)};
    if (ppoll(&p, 1, &ts, nullptr) > 0) DrainWake();
  }

  bool Stopping() {
    std::lock_guard<std::mutex> lock(mu_);
    return stop_;
  }

  // The reader thread. It never touches JS: it appends what it reads to pending_ and, when no drain is
  // queued yet, queues one. While JavaScript is busy, reads pile up into one batch (one crossing instead
  // of one per read); while it is idle, each read is handed over at once. Nothing waits on a timer.
  void Run() {
    std::vector<char> buf(kReadBufferSize);
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [this] { return stop_ || (!paused_ && HasRoom()); });
        if (stop_) return;
      }
      pollfd fds[2] = {{fd_, POLLIN, 0}, {wake_, POLLIN, 0}};
      if (poll(fds, 2, -1) < 0) {
        if (errno == EINTR) continue;
        Fail(errno);
        return;
      }
      if (fds[1].revents & POLLIN) DrainWake();
      if (!(fds[0].revents & POLLIN)) continue;
      if (threshold_ > 0) {
        // pyinotify's threshold: let the kernel queue fill up to `threshold` bytes before reading.
        int avail = 0;
        if (ioctl(fd_, FIONREAD, &avail) == 0 && avail < threshold_) {
          WaitMs(std::max(1, read_freq_ms_));
          continue;
        }
      }
      ssize_t n = -1;
      int err = 0;
      bool schedule = false;
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (stop_ || paused_) continue;
        n = read(fd_, buf.data(), buf.size());
        if (n < 0) err = errno;
        // The kernel only ever returns whole records, so the concatenation parses as one.
        if (n > 0) pending_.insert(pending_.end(), buf.data(), buf.data() + n);
        schedule = n > 0 && !scheduled_;
        if (schedule) scheduled_ = true;
      }
      if (n < 0) {
        if (err == EAGAIN || err == EINTR) continue;
        Fail(err);
        return;
      }
      if (schedule && tsfn_.BlockingCall() != napi_ok) return;  // closing
      // pyinotify's read_freq: pause between reads so events accumulate into bigger batches.
      if (read_freq_ms_ > 0 && !Stopping()) {
        WaitMs(read_freq_ms_);
        continue;
      }
      // In a burst (this read came right after the last one) a few records per read would cost a
      // syscall and a thread hop each: give the burst kBurstWait to gather. After a quiet spell the
      // first read goes at once, so an idle watcher's latency is untouched.
      auto now = std::chrono::steady_clock::now();
      bool burst = now - last_read_ < kBurstWait && static_cast<size_t>(n) < kReadBufferSize / 2;
      last_read_ = now;
      if (burst && !Stopping()) WaitFor(kBurstWait);
    }
  }

  // Under mu_: room for one more full read (or nothing pending at all, whatever the bound).
  bool HasRoom() const { return pending_.empty() || pending_.size() + kReadBufferSize <= max_pending_; }

  // Reading failed for good: hand over what was read, then the error.
  void Fail(int err) {
    bool schedule;
    {
      std::lock_guard<std::mutex> lock(mu_);
      pending_err_ = err;
      schedule = !scheduled_;
      scheduled_ = true;
    }
    if (schedule) tsfn_.BlockingCall();
  }

  friend void CallJs(Napi::Env env, Napi::Function callback, Inotify* self, std::nullptr_t*);

  Napi::Env env_;
  int fd_ = -1;
  int wake_ = -1;
  int read_freq_ms_ = 0;
  int threshold_ = 0;
  bool started_ = false;  // JS thread only
  bool closed_ = false;   // JS thread only
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;    // guarded by mu_
  bool paused_ = false;  // guarded by mu_
  std::vector<char> pending_;  // guarded by mu_: read, not yet taken by JavaScript
  int pending_err_ = 0;        // guarded by mu_: the errno that stopped the reader
  bool scheduled_ = false;     // guarded by mu_: a drain is queued on the tsfn
  size_t max_pending_ = 16 << 20;
  std::chrono::steady_clock::time_point last_read_;  // reader thread only
  Tsfn tsfn_;
  std::thread thread_;
};

// On the JS thread: take everything pending in one Buffer (no copy) and hand it over, then the error
// that stopped the reader, if any. env is null when the tsfn is being torn down.
void CallJs(Napi::Env env, Napi::Function callback, Inotify* self, std::nullptr_t*) {
  if (env == nullptr || callback.IsEmpty() || self == nullptr || self->closed_) return;
  auto* bytes = new std::vector<char>();
  int err;
  {
    std::lock_guard<std::mutex> lock(self->mu_);
    bytes->swap(self->pending_);
    self->pending_.reserve(kReadBufferSize);
    err = self->pending_err_;
    self->scheduled_ = false;
  }
  self->cv_.notify_all();  // room again for the reader
  if (bytes->empty()) {
    delete bytes;
  } else {
    auto buffer = Napi::Buffer<char>::New(env, bytes->data(), bytes->size(),
                                          [](Napi::Env, char*, std::vector<char>* v) { delete v; }, bytes);
    callback.Call({buffer});
  }
  // The callback may have closed us.
  if (err != 0 && !self->closed_) callback.Call({ErrnoError(env, err, "read").Value()});
}

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

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("Inotify", Inotify::Init(env));
  exports.Set("constants", Constants(env));
  exports.Set("version", Napi::String::New(env, TSWATCH_XSTR(TSWATCH_VERSION)));
  return exports;
}

}  // namespace

NODE_API_MODULE(tswatch_inotify, Init)
