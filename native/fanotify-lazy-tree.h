// The trees a fanotify reader learns lazily. A recursive watch on fanotify needs no walk: the filesystem
// mark already sees every directory below the top, so the top alone is watched, and a directory below
// it is learnt ("met") the first time an event names it, by its file handle. Nothing is kept for a
// directory no event has named. Where a directory was at the time of an event (not where it is now) is
// what the event must say: a later event of the same read that moves or deletes it tells where it was;
// otherwise its handle is opened and its path read, which is where it still is.
#ifndef TSWATCH_FANOTIFY_LAZY_TREE_H
#define TSWATCH_FANOTIFY_LAZY_TREE_H
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace tswatch {

// Not thread-safe: the translator's lock guards it.
class LazyTree {
 public:
  bool Active() const { return !roots_.empty(); }
  // The directory at `path` (its key `key`) is the top of a tree learnt lazily; `mount`, its mount point.
  void AddRoot(const std::string& key, const std::string& path, const std::string& mount);
  // Wds the reader gives met directories: far above the ones JavaScript counts up from 1.
  int32_t NextWd() { return next_wd_++; }
  // Before translating one read: note, by event, every directory it moves away or deletes.
  void Prepare(const char* data, size_t n);
  enum class Where { kInside, kOutside, kUnknown };
  // Where the directory `key` was at the read's event `idx`: its parent's key and its name there.
  // kOutside: in no tree; kUnknown: gone, and nothing in this read tells where it was.
  Where Locate(const std::string& key, int idx, std::string& parent, std::string& name);
  bool Outside(const std::string& key) const { return outside_.count(key) > 0; }
  void MarkOutside(const std::string& key);
  // A directory was renamed: one known to be outside may be inside now.
  void ForgetOutside() { outside_.clear(); }

 private:
  struct Root {
    std::string fsid;  // the key's first 8 bytes
    std::string path;
    std::string mount;  // its mount point, for open_by_handle_at
  };
  struct Later {
    int idx;
    std::string parent, name;
  };
  const Root* RootOf(const std::string& fsid, const std::string& path) const;
  // The key of the object at `path` (not following a final symlink), as events name it.
  static bool KeyAt(const std::string& fsid, const std::string& path, std::string& key);

  std::vector<Root> roots_;
  std::unordered_set<std::string> outside_;  // bounded: see MarkOutside
  std::unordered_map<std::string, std::vector<Later>> later_;  // this read's moves and deletes of directories
  int32_t next_wd_ = 0x40000000;
};

}  // namespace tswatch

#endif
