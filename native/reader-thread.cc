// The reader thread and its hand-over to JavaScript (see reader-thread.h).
#include "reader-thread.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "errno-error.h"

namespace tswatch {
namespace {

// How long a burst may gather between reads: well under the latency anyone notices, long enough for a
// busy writer to queue hundreds of records.
constexpr std::chrono::microseconds kBurstWait{500};

}  // namespace

void ReaderThread::Open(Napi::Env env, int fd, const char* syscall) {
  fd_ = fd;
  if (fd_ < 0) throw ErrnoError(env, errno, syscall);
  // The wake fd interrupts poll() for close/pause and the readFreq/threshold waits.
  wake_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_ < 0) {
    int err = errno;
    ::close(fd_);
    fd_ = -1;
    throw ErrnoError(env, err, "eventfd");
  }
}

void ReaderThread::StartThread(Napi::Env env, Napi::Function callback, const char* name, const Options& options) {
  options_ = options;
  // At most one drain is ever queued (scheduled_), so the tsfn's own queue needs no bound.
  tsfn_ = Tsfn::New(env, callback, name, 0, 1, this);
  // Node's tsfn runs a call queued while its callback runs in the same turn, up to 1000 in a row: in
  // a burst the reader queues one during every drain, and timers, I/O and setImmediate starve until
  // the burst ends. So a drain keeps scheduled_ set, and this check handle (after the poll phase)
  // queues the next one: between two drains the loop runs every other phase once.
  uv_loop_t* loop = nullptr;
  napi_get_uv_event_loop(env, &loop);
  check_ = new uv_check_t;
  uv_check_init(loop, check_);
  check_->data = this;
  uv_unref(reinterpret_cast<uv_handle_t*>(check_));  // the tsfn holds the loop open, not this
  // If the environment goes away while we run (process.exit, worker termination), stop and join
  // the thread before Node tears the tsfn down. Hooks run in reverse order, so ours runs first.
  napi_add_env_cleanup_hook(env, &ReaderThread::OnEnvCleanup, this);
  started_ = true;
  thread_ = std::thread(&ReaderThread::Run, this);
  // Named as the tsfn is, so `top -H` and /proc/PID/task/*/comm tell its CPU from V8's threads'
  // (the kernel keeps 15 bytes of a thread's name).
  char comm[16] = {};
  std::strncpy(comm, name, sizeof comm - 1);
  pthread_setname_np(thread_.native_handle(), comm);
}

void ReaderThread::PauseReading() {
  // Under the mutex the reader holds around read(): once pause() returns, no further read starts.
  std::lock_guard<std::mutex> lock(mu_);
  paused_ = true;
  Wake();
}

void ReaderThread::ResumeReading() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    paused_ = false;
  }
  cv_.notify_all();
}

void ReaderThread::ScheduleDrain() {
  bool schedule;
  {
    std::lock_guard<std::mutex> lock(mu_);
    schedule = started_ && !closed_ && !scheduled_;
    if (schedule) scheduled_ = true;
    wanted_ = !schedule;
  }
  if (schedule) tsfn_.NonBlockingCall();
}

bool ReaderThread::CloseReading(Napi::Env env) {
  if (closed_) return false;
  bool was_started = started_;
  Shutdown();
  if (was_started) napi_remove_env_cleanup_hook(env, &ReaderThread::OnEnvCleanup, this);
  return was_started;
}

void ReaderThread::OnEnvCleanup(void* self) { static_cast<ReaderThread*>(self)->Shutdown(); }

void ReaderThread::OnCheck(uv_check_t* check) {
  uv_check_stop(check);
  auto* self = static_cast<ReaderThread*>(check->data);
  if (self == nullptr || self->closed_) return;
  bool schedule;
  {
    std::lock_guard<std::mutex> lock(self->mu_);
    schedule = !self->pending_.empty() || self->pending_err_ != 0 || self->wanted_;
    self->scheduled_ = schedule;  // false: the reader queues the next drain itself
  }
  if (schedule) self->tsfn_.NonBlockingCall();
}

void ReaderThread::Shutdown() {
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
    check_->data = nullptr;
    uv_close(reinterpret_cast<uv_handle_t*>(check_), [](uv_handle_t* h) { delete reinterpret_cast<uv_check_t*>(h); });
    check_ = nullptr;
  }
  ::close(wake_);
  ::close(fd_);
  wake_ = fd_ = -1;
}

void ReaderThread::Wake() {
  uint64_t one = 1;
  ssize_t r = write(wake_, &one, sizeof one);
  (void)r;  // EAGAIN means a wake is already pending: just as good
}

void ReaderThread::DrainWake() {
  uint64_t n;
  ssize_t r = read(wake_, &n, sizeof n);
  (void)r;
}

void ReaderThread::WaitFor(std::chrono::nanoseconds d) {
  pollfd p = {wake_, POLLIN, 0};
  timespec ts = {static_cast<time_t>(d.count() / 1000000000), static_cast<long>(d.count() % 1000000000)};
  if (ppoll(&p, 1, &ts, nullptr) > 0) DrainWake();
}

bool ReaderThread::Stopping() {
  std::lock_guard<std::mutex> lock(mu_);
  return stop_;
}

// The reader thread. It never touches JS: it appends what it reads to pending_ and, when no drain is
// queued yet, queues one. While JavaScript is busy, reads pile up into one batch (one crossing instead
// of one per read); while it is idle, each read is handed over at once. Nothing waits on a timer.
void ReaderThread::Run() {
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
      return Fail(errno);
    }
    if (fds[1].revents & POLLIN) DrainWake();
    if (!(fds[0].revents & POLLIN)) continue;
    if (options_.threshold > 0) {
      // Let the kernel queue fill up to `threshold` bytes before reading.
      int avail = 0;
      if (ioctl(fd_, FIONREAD, &avail) == 0 && avail < options_.threshold) {
        WaitFor(std::chrono::milliseconds(std::max(1, options_.read_freq_ms)));
        continue;
      }
    }
    ssize_t n = -1;
    int err = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stop_ || paused_) continue;
      n = read(fd_, buf.data(), buf.size());
      if (n < 0) err = errno;
    }
    if (n < 0) {
      if (err == EAGAIN || err == EINTR) continue;
      return Fail(err);
    }
    // Outside mu_: translating may take a while, and JavaScript must be able to drain meanwhile. The
    // kernel only ever returns whole records, so the concatenation parses as one.
    std::string_view records = Records(std::string_view(buf.data(), static_cast<size_t>(n)));
    bool schedule = false;
    if (!records.empty()) {
      std::lock_guard<std::mutex> lock(mu_);
      // Grown to the bound in one step, not doubled on the way: doubling copies everything read so far
      // and, while it copies, holds the old buffer and one twice its size (24 MiB on the way to 16). A
      // reservation costs only the pages written (the allocator maps a buffer this big on its own).
      if (pending_.capacity() - pending_.size() < records.size())
        pending_.reserve(std::max(options_.max_pending, pending_.size() + records.size()));
      pending_.insert(pending_.end(), records.begin(), records.end());
      schedule = !scheduled_;
      if (schedule) scheduled_ = true;
    }
    if (schedule && tsfn_.BlockingCall() != napi_ok) return;  // closing
    if (options_.read_freq_ms > 0 && !Stopping()) {
      WaitFor(std::chrono::milliseconds(options_.read_freq_ms));
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

// Reading failed for good: hand over what was read, then the error.
void ReaderThread::Fail(int err) {
  bool schedule;
  {
    std::lock_guard<std::mutex> lock(mu_);
    pending_err_ = err;
    schedule = !scheduled_;
    scheduled_ = true;
  }
  if (schedule) tsfn_.BlockingCall();
}

// On the JS thread: take everything pending in one Buffer (no copy when nothing older comes first) and
// hand it over, then the error that stopped the reader, if any. env is null when the tsfn is being torn down.
void DrainToJs(Napi::Env env, Napi::Function callback, ReaderThread* self, std::nullptr_t*) {
  if (env == nullptr || callback.IsEmpty() || self == nullptr || self->closed_) return;
  auto* bytes = new std::vector<char>();
  self->TakeOlder(*bytes);
  int err;
  {
    std::lock_guard<std::mutex> lock(self->mu_);
    if (bytes->empty()) {
      bytes->swap(self->pending_);
      self->pending_.reserve(kReadBufferSize);
    } else {
      bytes->insert(bytes->end(), self->pending_.begin(), self->pending_.end());
      self->pending_.clear();
    }
    err = self->pending_err_;
    self->pending_err_ = 0;
    self->wanted_ = false;
    // scheduled_ stays set: OnCheck queues the next drain once the loop has gone round.
  }
  uv_check_start(self->check_, &ReaderThread::OnCheck);
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

}  // namespace tswatch
