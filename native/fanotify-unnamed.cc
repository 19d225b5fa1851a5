// Holding events not named yet (see fanotify-unnamed.h).
#include "fanotify-unnamed.h"

#include <cstdio>
#include <cstring>

namespace tswatch {
namespace {

// What the held events may take at most: about what a full kernel queue of events holds.
constexpr size_t kMaxBytes = 8 << 20;

uint64_t MaxQueuedEvents() {
  unsigned long long n = 0;
  if (FILE* f = std::fopen("/proc/sys/fs/fanotify/max_queued_events", "r")) {
    if (std::fscanf(f, "%llu", &n) != 1) n = 0;
    std::fclose(f);
  }
  return n > 0 ? n : 16384;  // the kernel's default, and its value before the sysctl existed
}

}  // namespace

UnnamedEvents::UnnamedEvents() : patience_(2 * MaxQueuedEvents()) {}

const char* UnnamedEvents::Begin(const char* data, size_t size, size_t& n) {
  next_held_.clear();
  next_first_.clear();
  ssize_t left = static_cast<ssize_t>(size);
  uint64_t count = 0;
  for (auto* md = reinterpret_cast<const fanotify_event_metadata*>(data); FAN_EVENT_OK(md, left); md = FAN_EVENT_NEXT(md, left))
    count++;
  read_end_ = read_ + count;
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
  size_t held = first_.size();
  uint64_t first = static_cast<size_t>(idx) < held ? first_[idx] : read_ + (static_cast<size_t>(idx) - held);
  if (read_end_ - first > patience_ || next_held_.size() + md->event_len > kMaxBytes) {
    given_up_++;
    return;
  }
  const char* p = reinterpret_cast<const char*>(md);
  size_t at = next_held_.size();
  next_held_.insert(next_held_.end(), p, p + md->event_len);
  // Its fd (if any) is closed already: the copy must not close it again.
  int32_t nofd = FAN_NOFD;
  std::memcpy(next_held_.data() + at + offsetof(fanotify_event_metadata, fd), &nofd, sizeof nofd);
  next_first_.push_back(first);
}

uint32_t UnnamedEvents::End() {
  held_.swap(next_held_);
  first_.swap(next_first_);
  joined_.clear();
  read_ = read_end_;
  uint32_t n = given_up_;
  given_up_ = 0;
  return n;
}

}  // namespace tswatch
