{
  "targets": [
    {
      "target_name": "tswatch_inotify",
      "sources": [
        "native/addon.cc",
        "native/reader-thread.cc",
        "native/inotify.cc",
        "native/fanotify.cc",
        "native/fanotify-translator.cc",
        "native/fanotify-nascent.cc",
        "native/fanotify-lazy-tree.cc",
        "native/fanotify-unnamed.cc",
        "native/fanotify-records.cc",
        "native/lstat-names.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": [
        "NAPI_VERSION=8",
        "NAPI_CPP_EXCEPTIONS",
        "TSWATCH_VERSION=<!(node -p \"require('./package.json').version\")"
      ],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-std=gnu++20"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-O2", "-Wall", "-Wextra"],
      "cflags": ["-O2"]
    }
  ]
}
