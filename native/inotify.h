// The inotify reader (native/inotify.cc) and its IN_* constants, registered on the addon (addon.cc).
#ifndef TSWATCH_INOTIFY_H
#define TSWATCH_INOTIFY_H
#include <napi.h>

namespace tswatch {
void InitInotify(Napi::Env env, Napi::Object exports);
}

#endif
