// Holding events not named yet (see fanotify-unnamed.h).
#include "fanotify-unnamed.h"

#include <cstring>

namespace tswatch {
namespace {

// A deleted directory's DELETE comes within a few reads (rm -r of a big tree: its events in order);
// past these, an event is given up: a directory whose handle fails for another reason must not grow
// the reader's memory, nor hold its events forever.
constexpr int kMaxReads = 16;
constexpr size_t kMaxBytes = 4 << 20;

}  // namespace

const char* UnnamedEvents::Begin(const char* data, size_t size, size_t& n) {
  next_held_.clear();
  next_ages_.clear();
  if (held_.empty()) {
    n = size;
    return data;
  }
  joined_.assign(held_.begin(), held_.end());
  joined_.insert(joined_.end(), data, data + size);
  n = joined_.size();
  return joined_.data();
}

void UnnamedEvents::Hold(const fanotify_event_metadata* md, int idx) {
  int age = idx >= 0 && static_cast<size_t>(idx) < ages_.size() ? ages_[idx] + 1 : 1;
  if (age > kMaxReads || next_held_.size() + md->event_len > kMaxBytes) {
    given_up_++;
    return;
  }
  const char* p = reinterpret_cast<const char*>(md);
  size_t at = next_held_.size();
  next_held_.insert(next_held_.end(), p, p + md->event_len);
  // Its fd (if any) is closed already: the copy must not close it again.
  int32_t nofd = FAN_NOFD;
  std::memcpy(next_held_.data() + at + offsetof(fanotify_event_metadata, fd), &nofd, sizeof nofd);
  next_ages_.push_back(age);
}

uint32_t UnnamedEvents::End() {
  held_.swap(next_held_);
  ages_.swap(next_ages_);
  joined_.clear();
  uint32_t n = given_up_;
  given_up_ = 0;
  return n;
}

}  // namespace tswatch
