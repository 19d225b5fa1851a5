// New directories the fanotify reader follows before they are watched. A directory just made (or moved)
// inside a watched one is not watched yet: tswatch watches it once it has read the event, but the
// filesystem mark already sees what happens in it meanwhile. Those records are kept, in the order they
// came, and handed over before anything read since once it is watched: nothing done in a new subtree
// before its watch was armed is lost, as it is with inotify.
#ifndef TSWATCH_FANOTIFY_NASCENT_H
#define TSWATCH_FANOTIFY_NASCENT_H
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace tswatch {

// Not thread-safe: the translator's lock guards it.
class NascentDirs {
 public:
  bool Empty() const { return nascent_.empty(); }
  bool Has(const std::string& key) const { return !key.empty() && !nascent_.empty() && nascent_.count(key) > 0; }
  // Follow a new directory until it is watched (or, never watched, until kNascentTtl has passed).
  void Add(const std::string& key);
  // Forget new directories never watched, and what they held (at most once a second).
  void Expire();
  // No room for another kept record: then a new directory's early events are lost, as with inotify.
  bool Full() const;
  // Keep one record (wd 0 for now) for the new directory `key`.
  void Keep(const std::string& key, std::vector<char> record);
  // `key` is now watched as `wd`: true when it was followed, so its records are ready for TakeReady.
  bool Watched(const std::string& key, int32_t wd);
  // At a drain: the kept records of directories watched since, given their wd, in the order they came.
  void TakeReady(std::vector<char>& out);

 private:
  struct Nascent {
    std::chrono::steady_clock::time_point born;
    int32_t wd = 0;  // set once it is watched: its records go out at the next drain
  };
  struct Early {
    std::string key;  // the new directory the record is about
    std::vector<char> record;
  };

  std::unordered_map<std::string, Nascent> nascent_;
  std::vector<Early> early_;
  size_t early_bytes_ = 0;
  bool early_ready_ = false;  // some nascent_ has a wd
  std::chrono::steady_clock::time_point last_expiry_;
};

}  // namespace tswatch

#endif
