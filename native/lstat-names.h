// lstatNames: lstat of many names in one directory, into packed numbers (native/lstat-names.cc).
#ifndef TSWATCH_LSTAT_NAMES_H
#define TSWATCH_LSTAT_NAMES_H
#include <napi.h>

namespace tswatch {
void InitLstatNames(Napi::Env env, Napi::Object exports);
}

#endif
