// lstatNames(dir, names, out): statx(AT_SYMLINK_NOFOLLOW) of each name relative to one directory fd,
// written into a Float64Array, kFields numbers per name. A walk comparing two big trees does two
// lstats per file; Node makes a Stats object with four Dates for each, which costs more than the
// syscall. The numbers are computed as libuv and Node compute theirs (dev by makedev, mtimeMs from
// seconds and nanoseconds), so they compare equal to a Stats of the same file.
#include "lstat-names.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace tswatch {
namespace {

// The layout of one entry; src/dir-stats.ts reads the same order.
enum Field { kMode, kSize, kMtimeMs, kUid, kGid, kDev, kIno, kErrno, kFields };

constexpr unsigned kMask = STATX_TYPE | STATX_MODE | STATX_UID | STATX_GID | STATX_MTIME | STATX_INO | STATX_SIZE;

// One name's statx relative to dirfd, into o[0..kFields).
void StatInto(int dirfd, const char* name, double* o) {
  struct statx st;
  if (statx(dirfd, name, AT_SYMLINK_NOFOLLOW | AT_STATX_SYNC_AS_STAT, kMask, &st) != 0) {
    o[kErrno] = errno;
    return;
  }
  o[kMode] = st.stx_mode;
  o[kSize] = static_cast<double>(st.stx_size);
  o[kMtimeMs] = static_cast<double>(st.stx_mtime.tv_sec) * 1e3 + static_cast<double>(st.stx_mtime.tv_nsec) / 1e6;
  o[kUid] = st.stx_uid;
  o[kGid] = st.stx_gid;
  o[kDev] = static_cast<double>(makedev(st.stx_dev_major, st.stx_dev_minor));
  o[kIno] = static_cast<double>(st.stx_ino);
  o[kErrno] = 0;
}

// Entry i's errno is 0 when it was read; otherwise the caller asks Node itself for that one (its error
// is then Node's own). A directory that cannot be opened gives its errno for every entry.
Napi::Value LstatNames(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString() || !info[1].IsArray() || !info[2].IsTypedArray() ||
      info[2].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    throw Napi::TypeError::New(env, "lstatNames(dir: string, names: string[], out: Float64Array)");
  }
  std::string dir = info[0].As<Napi::String>().Utf8Value();
  Napi::Array names = info[1].As<Napi::Array>();
  Napi::Float64Array out = info[2].As<Napi::Float64Array>();
  uint32_t count = names.Length();
  if (out.ElementLength() < static_cast<size_t>(count) * kFields) throw Napi::RangeError::New(env, "lstatNames: out is too short");
  double* o = out.Data();
  int dirfd = open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  int dirErr = dirfd < 0 ? errno : 0;
  std::string name;
  for (uint32_t i = 0; i < count; i++, o += kFields) {
    Napi::Value v = names[i];
    if (dirErr != 0 || !v.IsString()) {
      o[kErrno] = dirErr != 0 ? dirErr : EINVAL;
      continue;
    }
    name = v.As<Napi::String>().Utf8Value();
    StatInto(dirfd, name.c_str(), o);
  }
  if (dirfd >= 0) close(dirfd);
  return env.Undefined();
}

// listStats(dir): readdir and the statx of every entry, on a thread of libuv's pool, so that a walk of
// two trees reads one side while the main thread reads the other (as rsync's sender and receiver are
// two processes). Resolves with { names, types (d_type), stats (kFields a name) }, or with the errno
// when the directory cannot be opened or read (the caller then reads it itself, for Node's own error).
// Names are made as Node's readdir makes them (V8's UTF-8 decoding), in its order (libuv's scandir
// sorts them by strcmp).
class ListStatsWorker : public Napi::AsyncWorker {
 public:
  ListStatsWorker(Napi::Env env, std::string dir)
      : Napi::AsyncWorker(env, "tswatch:listStats"), dir_(std::move(dir)), deferred_(Napi::Promise::Deferred::New(env)) {}

  Napi::Promise Promise() { return deferred_.Promise(); }

 protected:
  void Execute() override {
    int fd = open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
      errno_ = errno;
      return;
    }
    DIR* d = fdopendir(fd);
    if (d == nullptr) {
      errno_ = errno;
      close(fd);
      return;
    }
    for (;;) {
      errno = 0;
      struct dirent* e = readdir(d);
      if (e == nullptr) {
        errno_ = errno;
        break;
      }
      if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
      entries_.emplace_back(e->d_name, e->d_type);
    }
    std::sort(entries_.begin(), entries_.end(), [](const auto& a, const auto& b) { return std::strcmp(a.first.c_str(), b.first.c_str()) < 0; });
    names_.reserve(entries_.size());
    for (auto& [name, type] : entries_) {
      names_.push_back(std::move(name));
      types_.push_back(type);
    }
    if (errno_ == 0) {
      stats_.resize(names_.size() * kFields);
      for (size_t i = 0; i < names_.size(); i++) StatInto(dirfd(d), names_[i].c_str(), &stats_[i * kFields]);
    }
    closedir(d);
  }

  void OnOK() override {
    Napi::Env env = Env();
    if (errno_ != 0) {
      deferred_.Resolve(Napi::Number::New(env, errno_));
      return;
    }
    Napi::Array names = Napi::Array::New(env, names_.size());
    for (size_t i = 0; i < names_.size(); i++) names[i] = Napi::String::New(env, names_[i]);
    Napi::Uint8Array types = Napi::Uint8Array::New(env, types_.size());
    if (!types_.empty()) std::memcpy(types.Data(), types_.data(), types_.size());
    Napi::Float64Array stats = Napi::Float64Array::New(env, stats_.size());
    if (!stats_.empty()) std::memcpy(stats.Data(), stats_.data(), stats_.size() * sizeof(double));
    Napi::Object result = Napi::Object::New(env);
    result.Set("names", names);
    result.Set("types", types);
    result.Set("stats", stats);
    deferred_.Resolve(result);
  }

  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

 private:
  std::string dir_;
  Napi::Promise::Deferred deferred_;
  std::vector<std::pair<std::string, unsigned char>> entries_;
  std::vector<std::string> names_;
  std::vector<unsigned char> types_;
  std::vector<double> stats_;
  int errno_ = 0;
};

Napi::Value ListStats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) throw Napi::TypeError::New(env, "listStats(dir: string)");
  auto* worker = new ListStatsWorker(env, info[0].As<Napi::String>().Utf8Value());
  Napi::Promise promise = worker->Promise();
  worker->Queue();  // deletes itself once OnOK or OnError ran
  return promise;
}

}  // namespace

void InitLstatNames(Napi::Env env, Napi::Object exports) {
  exports.Set("lstatNames", Napi::Function::New<LstatNames>(env, "lstatNames"));
  exports.Set("listStats", Napi::Function::New<ListStats>(env, "listStats"));
}

}  // namespace tswatch
