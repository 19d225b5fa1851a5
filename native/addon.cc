// tswatch_inotify: the addon's entry point. It registers the two kernel readers, the batch lstat and
// the package version it was built for.
#include <napi.h>

#include "fanotify.h"
#include "inotify.h"
#include "lstat-names.h"

// The package version this addon was built for (binding.gyp passes it from package.json): the loader
// refuses an addon left over from another version, whose record layout or API may differ.
#ifndef TSWATCH_VERSION
#error "TSWATCH_VERSION must be defined (binding.gyp reads it from package.json)"
#endif
#define TSWATCH_STR(x) #x
#define TSWATCH_XSTR(x) TSWATCH_STR(x)

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  tswatch::InitInotify(env, exports);
  exports.Set("version", Napi::String::New(env, TSWATCH_XSTR(TSWATCH_VERSION)));
  tswatch::InitFanotify(env, exports);
  tswatch::InitLstatNames(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(tswatch_inotify, Init)
