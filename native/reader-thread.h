// What the inotify and fanotify readers share: the kernel fd, a wake eventfd, a thread that appends what
// it reads to one bounded buffer, and a thread-safe function that hands that buffer to JavaScript. A
// reader supplies its syscalls and, when it is not the bytes as read, how one read() becomes records.
#ifndef TSWATCH_READER_THREAD_H
#define TSWATCH_READER_THREAD_H
#include <napi.h>
#include <uv.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

namespace tswatch {

// Large enough for thousands of records per read (fewer JS crossings) and far above the minimum one
// record needs: sizeof(struct inotify_event) + NAME_MAX + 1.
constexpr size_t kReadBufferSize = 256 * 1024;

class ReaderThread;
void DrainToJs(Napi::Env env, Napi::Function callback, ReaderThread* self, std::nullptr_t*);

class ReaderThread {
 public:
  struct Options {
    int read_freq_ms = 0;  // pyinotify's read_freq: pause between reads so batches grow (0: off)
    int threshold = 0;     // pyinotify's threshold: read once the kernel queue holds this many bytes (0: off)
    // Bounded: when JavaScript falls behind by this many bytes the reader stops reading and the kernel
    // queue absorbs the burst (at worst an overflow) instead of our memory growing without bound.
    size_t max_pending = 16 << 20;
  };

  ReaderThread(const ReaderThread&) = delete;
  ReaderThread& operator=(const ReaderThread&) = delete;

 protected:
  ReaderThread() = default;
  // Not Shutdown() here: the thread calls the derived class's hooks, so each derived destructor stops it
  // while they still exist.
  virtual ~ReaderThread() = default;

  // Take the kernel fd (negative: `syscall` failed with errno) and make the wake fd. Throws, closing fd.
  void Open(Napi::Env env, int fd, const char* syscall);
  // JS thread: create the tsfn (named `name`) and start reading. The caller checks it may.
  void StartThread(Napi::Env env, Napi::Function callback, const char* name, const Options& options);
  void PauseReading();
  void ResumeReading();
  // JS thread: queue a drain unless one is, for records that came from no read (fanotify's early ones).
  void ScheduleDrain();
  // JS thread: close(); true when the reader had been started (the caller then drops its Ref()).
  bool CloseReading(Napi::Env env);
  // Idempotent; safe from close(), the env cleanup hook and the destructor.
  void Shutdown();

  // Reader thread: what JavaScript gets from one read() (by default, the bytes as read). The view may
  // point into the derived object; it is copied before the next call.
  virtual std::string_view Records(std::string_view read) { return read; }
  // JS thread, at a drain: records older than anything read since, handed over first.
  virtual void TakeOlder(std::vector<char>&) {}

  int fd() const { return fd_; }
  bool started() const { return started_; }
  bool closed() const { return closed_; }

 private:
  using Tsfn = Napi::TypedThreadSafeFunction<ReaderThread, std::nullptr_t, DrainToJs>;
  friend void DrainToJs(Napi::Env env, Napi::Function callback, ReaderThread* self, std::nullptr_t*);

  static void OnEnvCleanup(void* self);
  // Check phase after a drain: hand over what was read meanwhile (see DrainToJs).
  static void OnCheck(uv_check_t* check);
  void Run();
  void Wake();
  void DrainWake();
  // Sleep up to `d`, returning early on a wake (close, pause); the caller re-checks its flags.
  void WaitFor(std::chrono::nanoseconds d);
  bool Stopping();
  // Under mu_: room for one more full read (or nothing pending at all, whatever the bound).
  bool HasRoom() const { return pending_.empty() || pending_.size() + kReadBufferSize <= options_.max_pending; }
  void Fail(int err);

  int fd_ = -1;
  int wake_ = -1;
  Options options_;
  bool started_ = false;  // JS thread only
  bool closed_ = false;   // JS thread only
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;          // guarded by mu_
  bool paused_ = false;        // guarded by mu_
  std::vector<char> pending_;  // guarded by mu_: read, not yet taken by JavaScript
  int pending_err_ = 0;        // guarded by mu_: the errno that stopped the reader
  bool scheduled_ = false;     // guarded by mu_: a drain is queued, or one ran and the check phase is not yet past
  bool wanted_ = false;        // guarded by mu_: ScheduleDrain() asked while scheduled_
  uv_check_t* check_ = nullptr;  // JS thread only; freed by its close callback
  std::chrono::steady_clock::time_point last_read_;  // reader thread only
  Tsfn tsfn_;
  std::thread thread_;
};

}  // namespace tswatch

#endif
