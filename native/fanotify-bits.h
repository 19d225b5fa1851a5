// The event bits the fanotify reader speaks: inotify's values (the kernel uses the same ones for
// fanotify's), and the fanotify names older glibc headers lack.
#ifndef TSWATCH_FANOTIFY_BITS_H
#define TSWATCH_FANOTIFY_BITS_H
#include <sys/fanotify.h>

#include <cstdint>

#ifndef FAN_REPORT_DFID_NAME_TARGET  // glibc headers older than the kernel (>= 5.17)
#define FAN_REPORT_TARGET_FID 0x00001000
#define FAN_REPORT_DFID_NAME_TARGET (FAN_REPORT_DFID_NAME | FAN_REPORT_FID | FAN_REPORT_TARGET_FID)
#endif
#ifndef FAN_RENAME
#define FAN_RENAME 0x10000000
#define FAN_EVENT_INFO_TYPE_OLD_DFID_NAME 10
#define FAN_EVENT_INFO_TYPE_NEW_DFID_NAME 12
#endif

namespace tswatch {

constexpr uint32_t kAccess = 0x1, kModify = 0x2, kAttrib = 0x4, kCloseWrite = 0x8, kCloseNowrite = 0x10, kOpen = 0x20,
                   kMovedFrom = 0x40, kMovedTo = 0x80, kCreate = 0x100, kDelete = 0x200, kDeleteSelf = 0x400,
                   kMoveSelf = 0x800, kMeet = 0x1000, kOverflow = 0x4000, kUnnamed = 0x10000, kIsDir = 0x40000000;
// kMeet is tswatch's own: a directory of a lazily learnt tree, first named by an event (see
// fanotify-lazy-tree.h): its wd, its parent's wd as the cookie, and its name. kUnnamed too: events
// given up unnamed (see fanotify-unnamed.h), wd -1, their number as the cookie.
// Events on an object that inotify also reports on its parent directory's watch, by name.
constexpr uint32_t kChildBits = kAccess | kModify | kAttrib | kCloseWrite | kCloseNowrite | kOpen;

}  // namespace tswatch

#endif
