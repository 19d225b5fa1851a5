// Learning a watched tree's directories from the events that name them (see fanotify-lazy-tree.h).
#include "fanotify-lazy-tree.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/fanotify.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "fanotify-bits.h"
#include "fanotify-info.h"
#include "fanotify-translator.h"

namespace tswatch {
namespace {

// Past this many directories known to be outside every tree, start again: activity elsewhere on the
// filesystem must not grow the reader's memory without bound.
constexpr size_t kMaxOutside = 1 << 16;
constexpr size_t kFsidBytes = 8;

// A key (fsid, handle type, handle bytes) back into a file_handle, in `storage`.
file_handle* HandleOf(const std::string& key, std::vector<char>& storage) {
  size_t bytes = key.size() - kFsidBytes - sizeof(int);
  storage.assign(sizeof(file_handle) + bytes, 0);
  auto* fh = reinterpret_cast<file_handle*>(storage.data());
  fh->handle_bytes = static_cast<unsigned>(bytes);
  std::memcpy(&fh->handle_type, key.data() + kFsidBytes, sizeof(int));
  std::memcpy(fh->f_handle, key.data() + kFsidBytes + sizeof(int), bytes);
  return fh;
}

}  // namespace

void LazyTree::AddRoot(const std::string& key, const std::string& path, const std::string& mount) {
  roots_.push_back(Root{key.substr(0, kFsidBytes), path, mount});
}

void LazyTree::MarkOutside(const std::string& key) {
  if (outside_.size() >= kMaxOutside) outside_.clear();
  outside_.insert(key);
}

const LazyTree::Root* LazyTree::RootOf(const std::string& fsid, const std::string& path) const {
  for (auto& r : roots_) {
    if (r.fsid != fsid) continue;
    if (r.path == "/" || (path.size() > r.path.size() && path.compare(0, r.path.size(), r.path) == 0 && path[r.path.size()] == '/'))
      return &r;
  }
  return nullptr;
}

void LazyTree::Prepare(const char* data, size_t size) {
  later_.clear();
  if (roots_.empty()) return;
  ssize_t n = static_cast<ssize_t>(size);
  auto* md = reinterpret_cast<const fanotify_event_metadata*>(data);
  std::string key, parent, name;
  for (int idx = 0; FAN_EVENT_OK(md, n); md = FAN_EVENT_NEXT(md, n), idx++) {
    if (md->vers != FANOTIFY_METADATA_VERSION || !(md->mask & FAN_ONDIR) || !(md->mask & (FAN_DELETE | FAN_RENAME))) continue;
    key.clear();
    parent.clear();
    ForEachFid(md, [&](int type, const fanotify_event_info_fid* fid, const file_handle* fh, const char* fname, size_t len) {
      bool old_side = type == FAN_EVENT_INFO_TYPE_OLD_DFID_NAME || (type == FAN_EVENT_INFO_TYPE_DFID_NAME && !(md->mask & FAN_RENAME));
      if (type == FAN_EVENT_INFO_TYPE_FID) {
        KeyOf(fid->fsid, fh, key);
      } else if (old_side) {
        KeyOf(fid->fsid, fh, parent);
        name.assign(fname, len);
      }
    });
    if (!key.empty() && !parent.empty() && !name.empty()) later_[key].push_back(Later{idx, parent, name});
  }
}

LazyTree::Where LazyTree::Locate(const std::string& key, int idx, std::string& parent, std::string& name) {
  // Moved away or deleted later in this read: where that event found it is where it was at `idx`.
  auto later = later_.find(key);
  if (later != later_.end()) {
    for (auto& l : later->second) {
      if (l.idx <= idx) continue;
      parent = l.parent;
      name = l.name;
      return Where::kInside;
    }
  }
  // Not moved since: where it is now.
  std::string fsid = key.substr(0, kFsidBytes);
  auto root = std::find_if(roots_.begin(), roots_.end(), [&](const Root& r) { return r.fsid == fsid; });
  if (root == roots_.end() || key.size() <= kFsidBytes + sizeof(int)) return Where::kOutside;
  // Opened for this lookup only: a directory held open would keep its mount busy (no umount) and get
  // its DELETE_SELF only once closed. Not O_PATH: open_by_handle_at refuses one.
  int mount_fd = ::open(root->mount.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (mount_fd < 0) return Where::kUnknown;
  std::vector<char> storage;
  int fd = open_by_handle_at(mount_fd, HandleOf(key, storage), O_PATH | O_CLOEXEC);
  ::close(mount_fd);
  if (fd < 0) return Where::kUnknown;
  char link[32], buf[PATH_MAX];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t len = readlink(link, buf, sizeof buf);
  ::close(fd);
  if (len <= 0 || len >= static_cast<ssize_t>(sizeof buf) || buf[0] != '/') return Where::kUnknown;
  std::string path(buf, static_cast<size_t>(len));
  if (!RootOf(fsid, path)) return Where::kOutside;
  // The path names it still (not a deleted one's "... (deleted)", nor another one moved there since).
  std::string now;
  if (!KeyAt(fsid, path, now) || now != key) return Where::kUnknown;
  size_t slash = path.find_last_of('/');
  name = path.substr(slash + 1);
  return KeyAt(fsid, slash == 0 ? "/" : path.substr(0, slash), parent) ? Where::kInside : Where::kUnknown;
}

bool LazyTree::KeyAt(const std::string& fsid, const std::string& path, std::string& key) {
  std::vector<char> hs(sizeof(file_handle) + MAX_HANDLE_SZ);
  auto* fh = reinterpret_cast<file_handle*>(hs.data());
  fh->handle_bytes = MAX_HANDLE_SZ;
  int mount_id;
  if (name_to_handle_at(AT_FDCWD, path.c_str(), fh, &mount_id, 0) != 0) return false;
  __kernel_fsid_t f;
  std::memcpy(&f, fsid.data(), sizeof f);
  KeyOf(f, fh, key);
  return true;
}

}  // namespace tswatch
