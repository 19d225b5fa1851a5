// Errors shaped like Node's own syscall errors, shared by the inotify and fanotify readers.
#ifndef TSWATCH_ERRNO_ERROR_H
#define TSWATCH_ERRNO_ERROR_H
#include <napi.h>

#include <errno.h>
#include <string.h>

#include <string>

namespace tswatch {

inline const char* ErrnoName(int err) {
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
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case EXDEV: return "EXDEV";
    case ESTALE: return "ESTALE";
  }
#endif
  return "EUNKNOWN";
}

// An Error shaped like Node's own syscall errors (code, errno, syscall, path), so the TypeScript side
// can hand it straight to errnoError().
inline Napi::Error ErrnoError(Napi::Env env, int err, const char* syscall, const std::string* path = nullptr) {
  std::string msg = std::string(ErrnoName(err)) + ": " + strerror(err) + ", " + syscall;
  if (path) msg += " '" + *path + "'";
  Napi::Error error = Napi::Error::New(env, msg);
  error.Set("code", ErrnoName(err));
  error.Set("errno", Napi::Number::New(env, -err));  // negative, as libuv/Node report it
  error.Set("syscall", syscall);
  if (path) error.Set("path", *path);
  return error;
}

}  // namespace tswatch

#endif
