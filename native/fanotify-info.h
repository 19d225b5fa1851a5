// The file-handle info records behind one fanotify event (FAN_REPORT_DFID_NAME_TARGET): each one's
// type, fsid and handle, and the name that follows the handle (empty for a plain FID).
#ifndef TSWATCH_FANOTIFY_INFO_H
#define TSWATCH_FANOTIFY_INFO_H
#include <fcntl.h>
#include <sys/fanotify.h>

#include <cstring>

namespace tswatch {

// fn(info_type, fid, handle, name, name_len) for each info record of `md`; stops at a malformed one.
template <typename Fn>
void ForEachFid(const fanotify_event_metadata* md, Fn&& fn) {
  const char* p = reinterpret_cast<const char*>(md + 1);
  const char* end = reinterpret_cast<const char*>(md) + md->event_len;
  while (p + sizeof(fanotify_event_info_header) <= end) {
    auto* hdr = reinterpret_cast<const fanotify_event_info_header*>(p);
    if (hdr->len == 0 || p + hdr->len > end) break;
    auto* fid = reinterpret_cast<const fanotify_event_info_fid*>(p);
    auto* fh = reinterpret_cast<const file_handle*>(fid->handle);
    const char* fname = reinterpret_cast<const char*>(fh->f_handle) + fh->handle_bytes;
    size_t name_len = fname < p + hdr->len ? strnlen(fname, p + hdr->len - fname) : 0;
    fn(hdr->info_type, fid, fh, fname, name_len);
    p += hdr->len;
  }
}

}  // namespace tswatch

#endif
