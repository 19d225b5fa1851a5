// lstatNames(dir, names, out): statx(AT_SYMLINK_NOFOLLOW) of each name relative to one directory fd,
// written into a Float64Array, kFields numbers per name. A walk comparing two big trees does two
// lstats per file; Node makes a Stats object with four Dates for each, which costs more than the
// syscall. The numbers are computed as libuv and Node compute theirs (dev by makedev, mtimeMs from
// seconds and nanoseconds), so they compare equal to a Stats of the same file.
#include "lstat-names.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <string>

namespace tswatch {
namespace {

// The layout of one entry; src/dir-stats.ts reads the same order.
enum Field { kMode, kSize, kMtimeMs, kUid, kGid, kDev, kIno, kErrno, kFields };

constexpr unsigned kMask = STATX_TYPE | STATX_MODE | STATX_UID | STATX_GID | STATX_MTIME | STATX_INO | STATX_SIZE;

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
    struct statx st;
    if (statx(dirfd, name.c_str(), AT_SYMLINK_NOFOLLOW | AT_STATX_SYNC_AS_STAT, kMask, &st) != 0) {
      o[kErrno] = errno;
      continue;
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
  if (dirfd >= 0) close(dirfd);
  return env.Undefined();
}

}  // namespace

void InitLstatNames(Napi::Env env, Napi::Object exports) {
  exports.Set("lstatNames", Napi::Function::New<LstatNames>(env, "lstatNames"));
}

}  // namespace tswatch
