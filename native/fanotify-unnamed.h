// Events the fanotify reader could not name yet. An event in a directory of a lazily learnt tree that
// no event of its read moves or deletes is named by opening the directory's handle; once the directory
// is deleted that fails. Its DELETE (parent and name) is queued by then (the kernel notifies as it
// removes the directory), but a read() can end before it: so such an event is held, and translated
// again ahead of the next read(), where that DELETE names it. The kernel queue holds at most
// max_queued_events, so the DELETE is read within that many events: one still unnamed after twice as
// many (or past a memory bound) is given up, counted, and the count goes to JavaScript (kUnnamed).
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
  UnnamedEvents();
  // The events to translate: those held (older) then the read's; `data` itself when none are held.
  // Event `idx` of the result is a held one when idx < HeldCount().
  const char* Begin(const char* data, size_t size, size_t& n);
  size_t HeldCount() const { return first_.size(); }
  // Event `idx` of this translation could not be named: hold it for the next, or give it up.
  void Hold(const fanotify_event_metadata* md, int idx);
  // Done with this translation: the number of events given up (since the last call), to report.
  uint32_t End();

 private:
  uint64_t patience_;             // events read after one before it is given up
  uint64_t read_ = 0;             // events read before this translation's read
  uint64_t read_end_ = 0;         // ... and after it
  std::vector<char> held_, next_held_, joined_;
  std::vector<uint64_t> first_, next_first_;  // each held event's place in the count of events read
  uint32_t given_up_ = 0;
};

}  // namespace tswatch

#endif
