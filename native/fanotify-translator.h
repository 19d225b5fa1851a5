// The fanotify reader's filter: a filesystem mark sees the whole filesystem, so the watched objects are
// kept here by file handle, and one read()'s events become inotify-like records for those objects only,
// before anything costs JavaScript. wd bookkeeping and recursion stay in TypeScript.
#ifndef TSWATCH_FANOTIFY_TRANSLATOR_H
#define TSWATCH_FANOTIFY_TRANSLATOR_H
#include <fcntl.h>
#include <sys/fanotify.h>

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "fanotify-lazy-tree.h"
#include "fanotify-nascent.h"
#include "fanotify-records.h"
#include "fanotify-unnamed.h"

namespace tswatch {

// A watched object's identity: fsid, handle type and handle bytes, as the events carry them.
void KeyOf(const __kernel_fsid_t& fsid, const file_handle* fh, std::string& key);

struct Watch {
  int32_t wd;
  uint32_t mask;       // inotify bits this watch wants
  bool is_dir;
  std::string parent;  // the parent directory's key, to report a directory's own events there by name
  std::string name;
};

// Its own lock: the JS thread changes the watches while the reader thread translates.
class FanotifyTranslator {
 public:
  // JS thread. SetWatch is true when `key` was a new directory with records kept: a drain should come.
  bool SetWatch(const std::string& key, Watch w);
  void ClearWatch(const std::string& key);
  // JS thread: the watched directory `key` (at `path`) is the top of a tree learnt lazily.
  void WatchTree(const std::string& key, const std::string& path, const std::string& mount);
  // JS thread: forget a met directory (by the wd the reader gave it); it is not met again.
  void ForgetMet(int32_t wd);
  // JS thread, at a drain: see NascentDirs::TakeReady.
  void TakeEarly(std::vector<char>& out);
  // Reader thread: the fanotify events of one read() → records for the watched objects, into `out`.
  void Translate(const char* data, size_t n, std::vector<char>& out);

 private:
  const Watch* Find(const std::string& key) const;
  // The watch of directory `key`, meeting it (and the directories above it) first when it lies in a
  // lazily learnt tree: each met one's record (kMeet) goes into `out` before the event that named it.
  const Watch* Meet(const std::string& key, int idx, std::vector<char>& out, int depth = 0);
  void Keep(const std::string& key, uint32_t mask, uint32_t cookie, int32_t pid, const std::string& name, const Writer** wr);
  void FlushDeleted(std::vector<char>& out, const std::string& key);

  std::mutex mu_;
  std::unordered_map<std::string, Watch> watches_;  // guarded by mu_
  NascentDirs nascent_;                             // guarded by mu_
  LazyTree lazy_;                                   // guarded by mu_
  std::unordered_map<int32_t, std::string> met_;    // guarded by mu_: a met directory's wd → its key
  RecordWriter records_;                            // reader thread only
  uint32_t cookie_ = 0;                             // reader thread only
  struct Deleted {
    std::string key;
    int32_t wd;
    int32_t pid;
  };
  std::vector<Deleted> deleted_;  // reader thread only: see FlushDeleted
  UnnamedEvents unnamed_;         // reader thread only
  bool unknown_ = false;          // reader thread only: Meet found a directory gone, nothing yet names
};

}  // namespace tswatch

#endif
