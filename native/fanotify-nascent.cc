// Following new directories until they are watched (see fanotify-nascent.h).
#include "fanotify-nascent.h"

#include <iterator>
#include <utility>

#include "fanotify-records.h"

namespace tswatch {
namespace {

// How many new directories are followed before they are watched, for how long, and how much they may
// hold meanwhile.
constexpr size_t kMaxNascent = 4096;
constexpr std::chrono::seconds kNascentTtl{10};
constexpr size_t kMaxEarlyBytes = 4 << 20;

}  // namespace

void NascentDirs::Add(const std::string& key) {
  if (key.empty() || nascent_.size() >= kMaxNascent) return;  // then its early events are lost, as with inotify
  nascent_.emplace(key, Nascent{std::chrono::steady_clock::now()});
}

void NascentDirs::Expire() {
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

bool NascentDirs::Full() const { return early_bytes_ >= kMaxEarlyBytes; }

void NascentDirs::Keep(const std::string& key, std::vector<char> record) {
  early_bytes_ += record.size();
  early_.push_back(Early{key, std::move(record)});
}

bool NascentDirs::Watched(const std::string& key, int32_t wd) {
  auto it = nascent_.find(key);
  if (it == nascent_.end()) return false;
  it->second.wd = wd;
  early_ready_ = true;
  return true;
}

void NascentDirs::TakeReady(std::vector<char>& out) {
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

}  // namespace tswatch
