// Events the fanotify reader could not name yet. An event in a directory of a lazily learnt tree that
// no event of its read moves or deletes is named by opening the directory's handle; once the directory
// is deleted that fails. Its DELETE (parent and name) is queued by then (the kernel notifies before the
// directory is freed), but a read() can end before it: so such an event is held, and read again ahead
// of the next read(), where that DELETE names it. What stays unnamed past a bound is counted, and the
// count goes to JavaScript (kUnnamed): never dropped silently.
#ifndef TSWATCH_FANOTIFY_UNNAMED_H
#define TSWATCH_FANOTIFY_UNNAMED_H
#include <sys/fanotify.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tswatch {

// Reader thread only.
class UnnamedEvents {
 public:
  // The events to translate: those held (older) then the read's; `data` itself when none are held.
  // Event `idx` of the result is a held one when idx < HeldCount().
  const char* Begin(const char* data, size_t size, size_t& n);
  size_t HeldCount() const { return ages_.size(); }
  // Event `idx` of this translation could not be named: hold it for the next, or count it.
  void Hold(const fanotify_event_metadata* md, int idx);
  // Done with this translation: the number of events given up (since the last call), to report.
  uint32_t End();

 private:
  std::vector<char> held_, next_held_, joined_;
  std::vector<int> ages_, next_ages_;  // how many reads each held event has waited through
  uint32_t given_up_ = 0;
};

}  // namespace tswatch

#endif
