// The fanotify reader (native/fanotify.cc), registered on the addon (addon.cc).
#ifndef TSWATCH_FANOTIFY_H
#define TSWATCH_FANOTIFY_H
#include <napi.h>

namespace tswatch {
void InitFanotify(Napi::Env env, Napi::Object exports);
}

#endif
