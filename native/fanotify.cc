// tswatch's fanotify reader: one fanotify fd with filesystem marks and a reader thread. A filesystem mark
// sees the whole filesystem, so the reader keeps the set of watched objects (by file handle) and drops
// everything else here, before it costs JavaScript anything. What passes is written out as inotify-like
// records (wd, mask, cookie, name) plus who did it; wd bookkeeping and recursion stay in TypeScript
// (src/backends/fanotify.ts).
#include "fanotify.h"

#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/fanotify.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "errno-error.h"

#ifndef FAN_REPORT_DFID_NAME_TARGET  // glibc headers older than the kernel (>= 5.17)
#define FAN_REPORT_TARGET_FID 0x00001000
#define FAN_REPORT_DFID_NAME_TARGET (FAN_REPORT_DFID_NAME | FAN_REPORT_FID | FAN_REPORT_TARGET_FID)
#endif
#ifndef FAN_RENAME
#define FAN_RENAME 0x10000000
#define FAN_EVENT_INFO_TYPE_OLD_DFID_NAME 10
#define FAN_EVENT_INFO_TYPE_NEW_DFID_NAME 12
#endif

namespace tswatch {
namespace {

constexpr size_t kReadBufferSize = 256 * 1024;
// New directories (see Nascent): how many are followed before they are watched, for how long, and how
// much each may hold meanwhile.
constexpr size_t kMaxNascent = 4096;
constexpr std::chrono::seconds kNascentTtl{10};
constexpr size_t kMaxEarlyBytes = 4 << 20;
constexpr std::chrono::microseconds kBurstWait{500};
// inotify's values, which the kernel also uses for fanotify's bits.
constexpr uint32_t kAccess = 0x1, kModify = 0x2, kAttrib = 0x4, kCloseWrite = 0x8, kCloseNowrite = 0x10, kOpen = 0x20,
                   kMovedFrom = 0x40, kMovedTo = 0x80, kCreate = 0x100, kDelete = 0x200, kDeleteSelf = 0x400,
                   kMoveSelf = 0x800, kOverflow = 0x4000, kIsDir = 0x40000000;
// Events on an object that inotify also reports on its parent directory's watch, by name.
constexpr uint32_t kChildBits = kAccess | kModify | kAttrib | kCloseWrite | kCloseNowrite | kOpen;
// The order a merged fanotify event (the kernel ORs repeats still queued) is split back into.
constexpr uint32_t kOrder[] = {kCreate, kOpen, kAccess, kModify, kAttrib, kCloseWrite, kCloseNowrite, kDelete, kMoveSelf, kDeleteSelf};

// Written for JavaScript, host byte order: wd, mask, cookie, pid, uid (-1: unknown), then the lengths of
// name, exe and comm, then their bytes. The pid's details are read from /proc when the event is read.
struct __attribute__((packed)) RecordHeader {
  int32_t wd;
  uint32_t mask;
  uint32_t cookie;
  int32_t pid;
  int32_t uid;
  uint16_t name_len;
  uint16_t exe_len;
  uint8_t comm_len;
  uint8_t pad[3];
};
static_assert(sizeof(RecordHeader) == 28, "record layout is shared with src/backends/fanotify-records.ts");

struct Watch {
  int32_t wd;
  uint32_t mask;       // inotify bits this watch wants
  bool is_dir;
  std::string parent;  // the parent directory's key, to report a directory's own events there by name
  std::string name;
};

// A watched object's identity: fsid, handle type and handle bytes, as the events carry them.
void KeyOf(const __kernel_fsid_t& fsid, const file_handle* fh, std::string& key) {
  key.assign(reinterpret_cast<const char*>(&fsid), sizeof fsid);
  key.append(reinterpret_cast<const char*>(&fh->handle_type), sizeof fh->handle_type);
  key.append(reinterpret_cast<const char*>(fh->f_handle), fh->handle_bytes);
}

std::string KeyOf(const __kernel_fsid_t& fsid, const file_handle* fh) {
  std::string key;
  KeyOf(fsid, fh, key);
  return key;
}

struct Writer {
  int32_t pid = 0;
  int32_t uid = -1;
  std::string comm, exe;
};

// Best effort, at the time the event is read: a process already gone leaves its pid only.
Writer ReadWriter(int32_t pid) {
  Writer w;
  w.pid = pid;
  if (pid <= 0) return w;
  std::string dir = "/proc/" + std::to_string(pid);
  struct stat st;
  if (stat(dir.c_str(), &st) != 0) return w;
  w.uid = static_cast<int32_t>(st.st_uid);
  char buf[PATH_MAX];
  int fd = open((dir + "/comm").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ssize_t n = read(fd, buf, 64);
    close(fd);
    if (n > 0) w.comm.assign(buf, buf[n - 1] == '\n' ? n - 1 : n);
  }
  ssize_t n = readlink((dir + "/exe").c_str(), buf, sizeof buf);
  if (n > 0) w.exe.assign(buf, n);
  return w;
}

// A directory just made (or moved) inside a watched one, not yet watched: tswatch will watch it once it
// has read the event, but the filesystem mark already sees what happens in it meanwhile. Those records
// are kept (Early, in the order they came) and handed over, before anything read since, once it is
// watched: nothing done in a new subtree before its watch was armed is lost, as it is with inotify.
struct Nascent {
  std::chrono::steady_clock::time_point born;
  int32_t wd = 0;  // set once it is watched: its records go out at the next drain
};

struct Early {
  std::string key;  // the new directory the record is about
  std::vector<char> record;
};

// The records in `bytes` (RecordHeader layout), given the wd they belong to.
void SetRecordsWd(std::vector<char>& bytes, int32_t wd) {
  for (size_t off = 0; off + sizeof(RecordHeader) <= bytes.size();) {
    RecordHeader h;
    std::memcpy(&h, bytes.data() + off, sizeof h);
    h.wd = wd;
    std::memcpy(bytes.data() + off, &h, sizeof h);
    off += sizeof h + h.name_len + h.comm_len + h.exe_len;
  }
}

class Fanotify;
void CallJs(Napi::Env env, Napi::Function callback, Fanotify* self, std::nullptr_t*);
using Tsfn = Napi::TypedThreadSafeFunction<Fanotify, std::nullptr_t, CallJs>;

class Fanotify : public Napi::ObjectWrap<Fanotify> {
 public:
  static Napi::Function Init(Napi::Env env) {
    return DefineClass(env, "Fanotify",
                       {InstanceMethod<&Fanotify::Handle>("handle"), InstanceMethod<&Fanotify::Mark>("mark"),
                        InstanceMethod<&Fanotify::SetWatch>("setWatch"), InstanceMethod<&Fanotify::ClearWatch>("clearWatch"),
                        InstanceMethod<&Fanotify::Start>("start"), InstanceMethod<&Fanotify::Pause>("pause"),
                        InstanceMethod<&Fanotify::Resume>("resume"), InstanceMethod<&Fanotify::Close>("close")});
  }

  explicit Fanotify(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Fanotify>(info), env_(info.Env()) {
    fd_ = fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK | FAN_REPORT_DFID_NAME_TARGET, O_RDONLY | O_LARGEFILE);
    if (fd_ < 0) throw ErrnoError(env_, errno, "fanotify_init");
    wake_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wake_ < 0) {
      int err = errno;
      ::close(fd_);
      fd_ = -1;
      throw ErrnoError(env_, err, "eventfd");
    }
  }

  ~Fanotify() override { Shutdown(); }

 private:
  // handle(path, follow) → the object's key (a Buffer), as events will name it.
  Napi::Value Handle(const Napi::CallbackInfo& info) {
    if (!info[0].IsString()) throw Napi::TypeError::New(env_, "handle(path: string, follow: boolean)");
    std::string path = info[0].As<Napi::String>().Utf8Value();
    bool follow = info[1].ToBoolean();
    std::vector<char> storage(sizeof(file_handle) + MAX_HANDLE_SZ);
    auto* fh = reinterpret_cast<file_handle*>(storage.data());
    fh->handle_bytes = MAX_HANDLE_SZ;
    int mount_id;
    if (name_to_handle_at(AT_FDCWD, path.c_str(), fh, &mount_id, follow ? AT_SYMLINK_FOLLOW : 0) != 0) {
      throw ErrnoError(env_, errno, "name_to_handle_at", &path);
    }
    // One statfs per mount: a recursive watch asks for thousands of handles on the same one.
    auto known = fsids_.find(mount_id);
    if (known == fsids_.end()) {
      struct statfs sfs;
      // statfs follows a final symlink; for a symlink itself the directory holding it is on the same fs.
      std::string at = follow ? path : path.substr(0, path.find_last_of('/') + 1);
      if (statfs(at.empty() ? "." : at.c_str(), &sfs) != 0) throw ErrnoError(env_, errno, "statfs", &path);
      __kernel_fsid_t fsid;
      std::memcpy(&fsid, &sfs.f_fsid, sizeof fsid);
      known = fsids_.emplace(mount_id, fsid).first;
    }
    std::string key = KeyOf(known->second, fh);
    return Napi::Buffer<char>::Copy(env_, key.data(), key.size());
  }

  // mark(path, mask): a filesystem mark on path's filesystem for these inotify bits (added to what it had).
  void Mark(const Napi::CallbackInfo& info) {
    if (!info[0].IsString() || !info[1].IsNumber()) throw Napi::TypeError::New(env_, "mark(path: string, mask: number)");
    std::string path = info[0].As<Napi::String>().Utf8Value();
    uint32_t mask = info[1].As<Napi::Number>().Uint32Value();
    uint64_t fan = FAN_ONDIR | (mask & (kChildBits | kCreate | kDelete | kDeleteSelf | kMoveSelf));
    if (mask & (kMovedFrom | kMovedTo)) fan |= FAN_RENAME;
    if (closed_) throw ErrnoError(env_, EBADF, "fanotify_mark", &path);
    if (fanotify_mark(fd_, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, fan, AT_FDCWD, path.c_str()) != 0) {
      throw ErrnoError(env_, errno, "fanotify_mark", &path);
    }
  }

  // setWatch(key, wd, mask, isDir, parentKey, name): report events on this object to wd.
  void SetWatch(const Napi::CallbackInfo& info) {
    if (!info[0].IsBuffer() || !info[1].IsNumber() || !info[2].IsNumber()) {
      throw Napi::TypeError::New(env_, "setWatch(key, wd, mask, isDir, parentKey, name)");
    }
    Watch w{info[1].As<Napi::Number>().Int32Value(), info[2].As<Napi::Number>().Uint32Value(), info[3].ToBoolean(), "", ""};
    if (info[4].IsBuffer()) w.parent = BufferString(info[4]);
    if (info[5].IsString()) w.name = info[5].As<Napi::String>().Utf8Value();
    std::string key = BufferString(info[0]);
    {
      std::lock_guard<std::mutex> lock(watches_mu_);
      auto it = nascent_.find(key);
      bool early = it != nascent_.end();
      if (early) it->second.wd = w.wd;
      watches_[key] = std::move(w);
      if (!early) return;
      early_ready_ = true;
    }
    bool schedule;
    {
      std::lock_guard<std::mutex> lock(mu_);
      schedule = started_ && !closed_ && !scheduled_;
      if (schedule) scheduled_ = true;
    }
    if (schedule) tsfn_.NonBlockingCall();
  }

  void ClearWatch(const Napi::CallbackInfo& info) {
    if (!info[0].IsBuffer()) throw Napi::TypeError::New(env_, "clearWatch(key)");
    std::lock_guard<std::mutex> lock(watches_mu_);
    watches_.erase(BufferString(info[0]));
  }

  static std::string BufferString(const Napi::Value& v) {
    auto b = v.As<Napi::Buffer<char>>();
    return std::string(b.Data(), b.Length());
  }

  void Start(const Napi::CallbackInfo& info) {
    if (closed_ || started_) throw Napi::Error::New(env_, "Fanotify.start() after close() or twice");
    if (!info[0].IsFunction()) throw Napi::TypeError::New(env_, "start(callback, options)");
    Napi::Object opts = info[1].IsObject() ? info[1].As<Napi::Object>() : Napi::Object::New(env_);
    Napi::Value mp = opts.Get("maxPending");
    if (mp.IsNumber()) max_pending_ = std::max<int64_t>(1, mp.As<Napi::Number>().Int64Value());
    tsfn_ = Tsfn::New(env_, info[0].As<Napi::Function>(), "tswatch-fanotify", 0, 1, this);
    Ref();
    napi_add_env_cleanup_hook(env_, &Fanotify::OnEnvCleanup, this);
    started_ = true;
    thread_ = std::thread(&Fanotify::Run, this);
  }

  void Pause(const Napi::CallbackInfo&) {
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
      napi_remove_env_cleanup_hook(env_, &Fanotify::OnEnvCleanup, this);
      Unref();
    }
  }

  static void OnEnvCleanup(void* self) { static_cast<Fanotify*>(self)->Shutdown(); }

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
      tsfn_.Abort();  // see Inotify::Shutdown: Release could deadlock against a blocked reader
      thread_.join();
    }
    ::close(wake_);
    ::close(fd_);
    wake_ = fd_ = -1;
  }

  void Wake() {
    uint64_t one = 1;
    ssize_t r = write(wake_, &one, sizeof one);
    (void)r;
  }

  void DrainWake() {
    uint64_t n;
    ssize_t r = read(wake_, &n, sizeof n);
    (void)r;
  }

  bool Stopping() {
    std::lock_guard<std::mutex> lock(mu_);
    return stop_;
  }

  bool HasRoom() const { return pending_.empty() || pending_.size() + kReadBufferSize <= max_pending_; }

  void Run() {
    std::vector<char> buf(kReadBufferSize);
    std::vector<char> out;
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
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (stop_ || paused_) continue;
      }
      ssize_t n = read(fd_, buf.data(), buf.size());
      if (n < 0) {
        if (errno == EAGAIN || errno == EINTR) continue;
        return Fail(errno);
      }
      out.clear();
      writers_.clear();
      Translate(buf.data(), n, out);
      bool schedule = false;
      if (!out.empty()) {
        std::lock_guard<std::mutex> lock(mu_);
        pending_.insert(pending_.end(), out.begin(), out.end());
        schedule = !scheduled_;
        if (schedule) scheduled_ = true;
      }
      if (schedule && tsfn_.BlockingCall() != napi_ok) return;
      // As the inotify reader: in a burst, let records gather between reads.
      auto now = std::chrono::steady_clock::now();
      bool burst = now - last_read_ < kBurstWait && static_cast<size_t>(n) < kReadBufferSize / 2;
      last_read_ = now;
      if (burst && !Stopping()) {
        pollfd p = {wake_, POLLIN, 0};
        timespec ts = {0, static_cast<long>(std::chrono::nanoseconds(kBurstWait).count())};
        if (ppoll(&p, 1, &ts, nullptr) > 0) DrainWake();
      }
    }
  }

  // The fanotify records of one read() → records for the watched objects only.
  void Translate(const char* data, ssize_t n, std::vector<char>& out) {
    std::lock_guard<std::mutex> lock(watches_mu_);
    ExpireNascent();
    auto* md = reinterpret_cast<const fanotify_event_metadata*>(data);
    // Reused for every event: most of a filesystem's events are dropped, and should cost no allocation.
    std::string name, from_name, from_key, to_name, to_key, self_key, key, dir_key;
    for (; FAN_EVENT_OK(md, n); md = FAN_EVENT_NEXT(md, n)) {
      if (md->vers != FANOTIFY_METADATA_VERSION) continue;
      if (md->fd >= 0) ::close(md->fd);  // not asked for with FID reporting, but never leak one
      uint32_t mask = static_cast<uint32_t>(md->mask);
      if (mask & FAN_Q_OVERFLOW) {
        Emit(out, -1, kOverflow, 0, 0, nullptr, 0);
        continue;
      }
      const Watch* dir = nullptr;     // the directory holding the name (DFID_NAME)
      const Watch* self = nullptr;    // the object itself (FID, or a directory's DFID with ".")
      const Watch* from = nullptr;    // FAN_RENAME's old and new directories
      const Watch* to = nullptr;
      name.clear();
      from_name.clear();
      to_name.clear();
      to_key.clear();
      self_key.clear();
      dir_key.clear();
      from_key.clear();
      const char* p = reinterpret_cast<const char*>(md + 1);
      const char* end = reinterpret_cast<const char*>(md) + md->event_len;
      while (p + sizeof(fanotify_event_info_header) <= end) {
        auto* hdr = reinterpret_cast<const fanotify_event_info_header*>(p);
        if (hdr->len == 0 || p + hdr->len > end) break;
        auto* fid = reinterpret_cast<const fanotify_event_info_fid*>(p);
        auto* fh = reinterpret_cast<const file_handle*>(fid->handle);
        const char* fname = reinterpret_cast<const char*>(fh->f_handle) + fh->handle_bytes;
        KeyOf(fid->fsid, fh, key);
        size_t nm_len = fname < p + hdr->len ? strnlen(fname, p + hdr->len - fname) : 0;
        bool is_self = nm_len == 0 || (nm_len == 1 && fname[0] == '.');
        const Watch* w = Find(key);
        switch (hdr->info_type) {
          case FAN_EVENT_INFO_TYPE_FID:
            self = w;
            self_key = key;  // also for an unwatched target: a deferred DELETE_SELF may wait for it
            break;
          case FAN_EVENT_INFO_TYPE_DFID_NAME:
          case FAN_EVENT_INFO_TYPE_DFID:
            if (is_self) {
              self = w;
              self_key = key;
            } else {
              dir = w;
              if (w || !nascent_.empty()) {
                name.assign(fname, nm_len);
                dir_key = key;
              }
            }
            break;
          case FAN_EVENT_INFO_TYPE_OLD_DFID_NAME:
            from = w;
            if (w || !nascent_.empty()) {
              from_name.assign(fname, nm_len);
              from_key = key;
            }
            break;
          case FAN_EVENT_INFO_TYPE_NEW_DFID_NAME:
            to = w;
            to_name.assign(fname, nm_len);  // also the new name of a watched directory moved there
            to_key = key;
            break;
        }
        p += hdr->len;
      }
      uint32_t isdir = mask & FAN_ONDIR ? kIsDir : 0;
      bool in_nascent = !dir && IsNascent(dir_key);
      if (mask & FAN_RENAME) {
        uint32_t cookie = ++cookie_;
        const Writer* wr = nullptr;
        bool to_nascent = !to && IsNascent(to_key);
        // Kept from a new directory only when the other end is new too: given out later, it would come
        // after the IN_MOVED_TO of a watched end, unpaired either way (inotify gives only that one).
        if (!from && to_nascent && IsNascent(from_key)) Keep(from_key, kMovedFrom | isdir, cookie, md->pid, from_name, &wr);
        if (from && (from->mask & kMovedFrom)) Emit(out, from->wd, kMovedFrom | isdir, cookie, md->pid, from_name.c_str(), from_name.size(), &wr);
        if (to && (to->mask & kMovedTo)) Emit(out, to->wd, kMovedTo | isdir, cookie, md->pid, to_name.c_str(), to_name.size(), &wr);
        if (to_nascent) Keep(to_key, kMovedTo | isdir, cookie, md->pid, to_name, &wr);
        if (isdir && !self && (to || to_nascent)) AddNascent(self_key);
        // A watched directory moved: its own events are now reported to its new parent, by its new name.
        if (self && self->is_dir) {
          auto it = watches_.find(self_key);
          if (it != watches_.end()) {
            it->second.parent = to ? to_key : std::string();
            it->second.name = to_name;
          }
        }
        mask &= ~FAN_RENAME;
      }
      // A directory's own events name no parent: inotify reports them there too, so report them to the
      // parent we know it by.
      if (!dir && self && self->is_dir && !self->parent.empty()) {
        dir = Find(self->parent);
        name = self->name;
        if (!dir) name.clear();
      }
      const Writer* wr = nullptr;
      for (uint32_t bit : kOrder) {
        if (!(mask & bit)) continue;
        bool child_bit = bit & kChildBits;
        if (bit == kDelete && !self_key.empty()) FlushDeleted(out, self_key);
        if (dir && (dir->mask & bit) && (child_bit || bit == kCreate || bit == kDelete)) {
          Emit(out, dir->wd, bit | isdir, 0, md->pid, name.c_str(), name.size(), &wr);
        } else if (in_nascent && (child_bit || bit == kCreate || bit == kDelete)) {
          Keep(dir_key, bit | isdir, 0, md->pid, name, &wr);
        }
        if (bit == kCreate && isdir && !self && (dir || in_nascent)) AddNascent(self_key);
        if (!self || !(self->mask & bit)) continue;
        // inotify leaves IN_ISDIR off a directory's DELETE_SELF and MOVE_SELF: so do we.
        if (bit == kDeleteSelf) {
          deleted_.push_back({self_key, self->wd, md->pid});
        } else if (bit == kMoveSelf) {
          Emit(out, self->wd, bit, 0, md->pid, "", 0, &wr);
        } else if (child_bit) {
          Emit(out, self->wd, bit | isdir, 0, md->pid, "", 0, &wr);
        }
      }
    }
    FlushDeleted(out, std::string());
  }

  // The kernel merges an object's events still queued into one, so a directory's DELETE_SELF can come
  // merged into its own earlier open/close, ahead of the deletes of its last entries. The unlink or
  // rmdir that removed it follows with the object as its target: DELETE_SELF is given out right before
  // that, where inotify puts it. Whatever is left at the end of a read goes out then. Empty key: all.
  void FlushDeleted(std::vector<char>& out, const std::string& key) {
    for (auto it = deleted_.begin(); it != deleted_.end();) {
      if (!key.empty() && it->key != key) {
        ++it;
        continue;
      }
      const Writer* wr = nullptr;
      Emit(out, it->wd, kDeleteSelf, 0, it->pid, "", 0, &wr);
      it = deleted_.erase(it);
    }
  }

  bool IsNascent(const std::string& key) const { return !key.empty() && !nascent_.empty() && nascent_.count(key) > 0; }

  // Follow a new directory until it is watched (or, never watched, until kNascentTtl has passed).
  void AddNascent(const std::string& key) {
    if (key.empty() || nascent_.size() >= kMaxNascent) return;  // then its early events are lost, as with inotify
    nascent_.emplace(key, Nascent{std::chrono::steady_clock::now()});
  }

  // Forget new directories never watched, and what they held.
  void ExpireNascent() {
    auto now = std::chrono::steady_clock::now();
    if (nascent_.empty() || now - last_expiry_ < std::chrono::seconds(1)) return;
    last_expiry_ = now;
    for (auto it = nascent_.begin(); it != nascent_.end();) {
      it = it->second.wd == 0 && now - it->second.born > kNascentTtl ? nascent_.erase(it) : std::next(it);
    }
    std::vector<Early> kept;
    early_bytes_ = 0;
    for (auto& e : early_) {
      if (!nascent_.count(e.key)) continue;
      early_bytes_ += e.record.size();
      kept.push_back(std::move(e));
    }
    early_.swap(kept);
  }

  void Keep(const std::string& key, uint32_t mask, uint32_t cookie, int32_t pid, const std::string& name, const Writer** wr) {
    if (early_bytes_ >= kMaxEarlyBytes) return;
    Early e{key, {}};
    Emit(e.record, 0, mask, cookie, pid, name.c_str(), name.size(), wr);
    early_bytes_ += e.record.size();
    early_.push_back(std::move(e));
  }

  // JS thread, at a drain: the kept records of directories watched since, in the order they came.
  void TakeEarly(std::vector<char>& out) {
    std::lock_guard<std::mutex> lock(watches_mu_);
    if (!early_ready_) return;
    early_ready_ = false;
    std::vector<Early> kept;
    early_bytes_ = 0;
    for (auto& e : early_) {
      auto it = nascent_.find(e.key);
      if (it != nascent_.end() && it->second.wd != 0) {
        SetRecordsWd(e.record, it->second.wd);
        out.insert(out.end(), e.record.begin(), e.record.end());
      } else if (it != nascent_.end()) {
        early_bytes_ += e.record.size();
        kept.push_back(std::move(e));
      }
    }
    early_.swap(kept);
    for (auto it = nascent_.begin(); it != nascent_.end();) it = it->second.wd != 0 ? nascent_.erase(it) : std::next(it);
  }

  const Watch* Find(const std::string& key) const {
    auto it = watches_.find(key);
    return it == watches_.end() ? nullptr : &it->second;
  }

  void Emit(std::vector<char>& out, int32_t wd, uint32_t mask, uint32_t cookie, int32_t pid, const char* name, size_t name_len,
            const Writer** wr = nullptr) {
    const Writer* who = nullptr;
    if (wr != nullptr) {
      if (*wr == nullptr) *wr = &WriterOf(pid);
      who = *wr;
    }
    RecordHeader h{};
    h.wd = wd;
    h.mask = mask;
    h.cookie = cookie;
    h.pid = pid;
    h.uid = who ? who->uid : -1;
    h.name_len = static_cast<uint16_t>(name_len);
    h.exe_len = who ? static_cast<uint16_t>(who->exe.size()) : 0;
    h.comm_len = who ? static_cast<uint8_t>(std::min<size_t>(255, who->comm.size())) : 0;
    const char* hp = reinterpret_cast<const char*>(&h);
    out.insert(out.end(), hp, hp + sizeof h);
    out.insert(out.end(), name, name + name_len);
    if (who) {
      out.insert(out.end(), who->comm.data(), who->comm.data() + h.comm_len);
      out.insert(out.end(), who->exe.data(), who->exe.data() + h.exe_len);
    }
  }

  // One /proc look-up per writer per read: a burst from one process costs it once. (References into an
  // unordered_map stay valid as it grows.)
  const Writer& WriterOf(int32_t pid) {
    auto it = writers_.find(pid);
    if (it == writers_.end()) it = writers_.emplace(pid, ReadWriter(pid)).first;
    return it->second;
  }

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

  friend void CallJs(Napi::Env env, Napi::Function callback, Fanotify* self, std::nullptr_t*);

  Napi::Env env_;
  int fd_ = -1;
  int wake_ = -1;
  bool started_ = false;
  bool closed_ = false;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool paused_ = false;
  std::vector<char> pending_;
  int pending_err_ = 0;
  bool scheduled_ = false;
  size_t max_pending_ = 16 << 20;
  std::unordered_map<int, __kernel_fsid_t> fsids_;  // JS thread only: mount id → filesystem id
  std::mutex watches_mu_;
  std::unordered_map<std::string, Watch> watches_;  // guarded by watches_mu_
  std::unordered_map<std::string, Nascent> nascent_;  // guarded by watches_mu_
  std::vector<Early> early_;                          // guarded by watches_mu_
  size_t early_bytes_ = 0;                            // guarded by watches_mu_
  bool early_ready_ = false;                          // guarded by watches_mu_: some nascent_ has a wd
  std::chrono::steady_clock::time_point last_expiry_;  // guarded by watches_mu_
  uint32_t cookie_ = 0;                             // reader thread only
  std::unordered_map<int32_t, Writer> writers_;     // reader thread only, emptied for each read
  struct Deleted {
    std::string key;
    int32_t wd;
    int32_t pid;
  };
  std::vector<Deleted> deleted_;                    // reader thread only: see FlushDeleted
  std::chrono::steady_clock::time_point last_read_;
  Tsfn tsfn_;
  std::thread thread_;
};

void CallJs(Napi::Env env, Napi::Function callback, Fanotify* self, std::nullptr_t*) {
  if (env == nullptr || callback.IsEmpty() || self == nullptr || self->closed_) return;
  auto* bytes = new std::vector<char>();
  self->TakeEarly(*bytes);  // older than anything pending
  int err;
  {
    std::lock_guard<std::mutex> lock(self->mu_);
    if (bytes->empty()) {
      bytes->swap(self->pending_);
    } else {
      bytes->insert(bytes->end(), self->pending_.begin(), self->pending_.end());
      self->pending_.clear();
    }
    err = self->pending_err_;
    self->scheduled_ = false;
  }
  self->cv_.notify_all();
  if (bytes->empty()) {
    delete bytes;
  } else {
    auto buffer = Napi::Buffer<char>::New(env, bytes->data(), bytes->size(),
                                          [](Napi::Env, char*, std::vector<char>* v) { delete v; }, bytes);
    callback.Call({buffer});
  }
  if (err != 0 && !self->closed_) callback.Call({ErrnoError(env, err, "read").Value()});
}

}  // namespace

void InitFanotify(Napi::Env env, Napi::Object exports) { exports.Set("Fanotify", Fanotify::Init(env)); }

}  // namespace tswatch
