// The fanotify reader: one fanotify fd with filesystem marks, on the shared reader thread. A filesystem
// mark sees the whole filesystem, so what the thread reads goes through the translator, which keeps the
// watched objects and writes inotify-like records (wd, mask, cookie, name) plus who did it for those
// only; wd bookkeeping and recursion stay in TypeScript (src/backends/fanotify.ts).
#include "fanotify.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/fanotify.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "errno-error.h"
#include "fanotify-bits.h"
#include "fanotify-translator.h"
#include "reader-thread.h"

namespace tswatch {
namespace {

class Fanotify : public Napi::ObjectWrap<Fanotify>, private ReaderThread {
 public:
  static Napi::Function Init(Napi::Env env) {
    return DefineClass(env, "Fanotify",
                       {InstanceMethod<&Fanotify::Handle>("handle"), InstanceMethod<&Fanotify::Mark>("mark"),
                        InstanceMethod<&Fanotify::SetWatch>("setWatch"), InstanceMethod<&Fanotify::ClearWatch>("clearWatch"),
                        InstanceMethod<&Fanotify::WatchTree>("watchTree"), InstanceMethod<&Fanotify::ForgetMet>("forgetMet"),
                        InstanceMethod<&Fanotify::Start>("start"), InstanceMethod<&Fanotify::Pause>("pause"),
                        InstanceMethod<&Fanotify::Resume>("resume"), InstanceMethod<&Fanotify::Close>("close")});
  }

  explicit Fanotify(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Fanotify>(info), env_(info.Env()) {
    Open(env_, fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK | FAN_REPORT_DFID_NAME_TARGET, O_RDONLY | O_LARGEFILE),
         "fanotify_init");
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
      // The object's own filesystem: not its parent's (a mount point is the top of another one), and
      // not a symlink's target's (O_PATH | O_NOFOLLOW opens the link itself).
      struct statfs sfs;
      int at = ::open(path.c_str(), O_PATH | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW));
      if (at < 0) throw ErrnoError(env_, errno, "open", &path);
      int rc = fstatfs(at, &sfs);
      int err = errno;
      ::close(at);
      if (rc != 0) throw ErrnoError(env_, err, "statfs", &path);
      __kernel_fsid_t fsid;
      std::memcpy(&fsid, &sfs.f_fsid, sizeof fsid);
      known = fsids_.emplace(mount_id, fsid).first;
    }
    std::string key;
    KeyOf(known->second, fh, key);
    return Napi::Buffer<char>::Copy(env_, key.data(), key.size());
  }

  // mark(path, mask): a filesystem mark on path's filesystem for these inotify bits (added to what it had).
  void Mark(const Napi::CallbackInfo& info) {
    if (!info[0].IsString() || !info[1].IsNumber()) throw Napi::TypeError::New(env_, "mark(path: string, mask: number)");
    std::string path = info[0].As<Napi::String>().Utf8Value();
    uint32_t mask = info[1].As<Napi::Number>().Uint32Value();
    uint64_t fan = FAN_ONDIR | (mask & (kChildBits | kCreate | kDelete | kDeleteSelf | kMoveSelf));
    if (mask & (kMovedFrom | kMovedTo)) fan |= FAN_RENAME;
    if (closed()) throw ErrnoError(env_, EBADF, "fanotify_mark", &path);
    if (fanotify_mark(fd(), FAN_MARK_ADD | FAN_MARK_FILESYSTEM, fan, AT_FDCWD, path.c_str()) != 0) {
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
    // A new directory's kept records go out now, not at the next read.
    if (translator_.SetWatch(BufferString(info[0]), std::move(w))) ScheduleDrain();
  }

  void ClearWatch(const Napi::CallbackInfo& info) {
    if (!info[0].IsBuffer()) throw Napi::TypeError::New(env_, "clearWatch(key)");
    translator_.ClearWatch(BufferString(info[0]));
  }

  // watchTree(key, path, mountPoint): the watched directory `key` is the top of a tree learnt lazily.
  void WatchTree(const Napi::CallbackInfo& info) {
    if (!info[0].IsBuffer() || !info[1].IsString() || !info[2].IsString())
      throw Napi::TypeError::New(env_, "watchTree(key, path, mountPoint)");
    translator_.WatchTree(BufferString(info[0]), info[1].As<Napi::String>().Utf8Value(), info[2].As<Napi::String>().Utf8Value());
  }

  // forgetMet(wd): a directory the reader met, no longer watched.
  void ForgetMet(const Napi::CallbackInfo& info) {
    if (!info[0].IsNumber()) throw Napi::TypeError::New(env_, "forgetMet(wd)");
    translator_.ForgetMet(info[0].As<Napi::Number>().Int32Value());
  }

  static std::string BufferString(const Napi::Value& v) {
    auto b = v.As<Napi::Buffer<char>>();
    return std::string(b.Data(), b.Length());
  }

  void Start(const Napi::CallbackInfo& info) {
    if (closed() || started()) throw Napi::Error::New(env_, "Fanotify.start() after close() or twice");
    if (!info[0].IsFunction()) throw Napi::TypeError::New(env_, "start(callback, options)");
    Napi::Object opts = info[1].IsObject() ? info[1].As<Napi::Object>() : Napi::Object::New(env_);
    Options options;
    Napi::Value mp = opts.Get("maxPending");
    if (mp.IsNumber()) options.max_pending = std::max<int64_t>(1, mp.As<Napi::Number>().Int64Value());
    StartThread(env_, info[0].As<Napi::Function>(), "tswatch-fanotify", options);
    Ref();
  }

  void Pause(const Napi::CallbackInfo&) { PauseReading(); }
  void Resume(const Napi::CallbackInfo&) { ResumeReading(); }

  void Close(const Napi::CallbackInfo&) {
    if (CloseReading(env_)) Unref();
  }

  // Reader thread: most of a filesystem's events are about objects nobody watches, and are dropped here.
  std::string_view Records(std::string_view read) override {
    out_.clear();
    translator_.Translate(read.data(), read.size(), out_);
    return std::string_view(out_.data(), out_.size());
  }

  // What new directories held before they were watched is older than anything pending.
  void TakeOlder(std::vector<char>& out) override { translator_.TakeEarly(out); }

  Napi::Env env_;
  std::unordered_map<int, __kernel_fsid_t> fsids_;  // JS thread only: mount id → filesystem id
  FanotifyTranslator translator_;
  std::vector<char> out_;  // reader thread only: the records of the last read
};

}  // namespace

void InitFanotify(Napi::Env env, Napi::Object exports) { exports.Set("Fanotify", Fanotify::Init(env)); }

}  // namespace tswatch
