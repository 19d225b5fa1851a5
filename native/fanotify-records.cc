// Writing fanotify records and looking up who caused them (see fanotify-records.h).
#include "fanotify-records.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace tswatch {
namespace {

// Best effort, at the time the event is read: a process already gone leaves its pid only.
Writer ReadWriter(int32_t pid) {
  Writer w;
  w.pid = pid;
  if (pid <= 0) return w;
  std::string dir = "/proc/" + std::to_string(pid);
  struct stat st;
  if (stat(dir.c_str(), &st) != 0) return w;
  w.uid = static_cast<int32_t>(st.st_uid);
  char buf[PATH_MAX];
  int fd = open((dir + "/comm").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ssize_t n = read(fd, buf, 64);
    close(fd);
    if (n > 0) w.comm.assign(buf, buf[n - 1] == '\n' ? n - 1 : n);
  }
  ssize_t n = readlink((dir + "/exe").c_str(), buf, sizeof buf);
  if (n > 0) w.exe.assign(buf, n);
  return w;
}

}  // namespace

void SetRecordsWd(std::vector<char>& bytes, int32_t wd) {
  for (size_t off = 0; off + sizeof(RecordHeader) <= bytes.size();) {
    RecordHeader h;
    std::memcpy(&h, bytes.data() + off, sizeof h);
    h.wd = wd;
    std::memcpy(bytes.data() + off, &h, sizeof h);
    off += sizeof h + h.name_len + h.comm_len + h.exe_len;
  }
}

void RecordWriter::Emit(std::vector<char>& out, int32_t wd, uint32_t mask, uint32_t cookie, int32_t pid, const char* name,
                        size_t name_len, const Writer** wr) {
  const Writer* who = nullptr;
  if (wr != nullptr) {
    if (*wr == nullptr) *wr = &WriterOf(pid);
    who = *wr;
  }
  RecordHeader h{};
  h.wd = wd;
  h.mask = mask;
  h.cookie = cookie;
  h.pid = pid;
  h.uid = who ? who->uid : -1;
  h.name_len = static_cast<uint16_t>(name_len);
  h.exe_len = who ? static_cast<uint16_t>(who->exe.size()) : 0;
  h.comm_len = who ? static_cast<uint8_t>(std::min<size_t>(255, who->comm.size())) : 0;
  const char* hp = reinterpret_cast<const char*>(&h);
  out.insert(out.end(), hp, hp + sizeof h);
  out.insert(out.end(), name, name + name_len);
  if (who) {
    out.insert(out.end(), who->comm.data(), who->comm.data() + h.comm_len);
    out.insert(out.end(), who->exe.data(), who->exe.data() + h.exe_len);
  }
}

// One /proc look-up per writer per read: a burst from one process costs it once. (References into an
// unordered_map stay valid as it grows.)
const Writer& RecordWriter::WriterOf(int32_t pid) {
  auto it = writers_.find(pid);
  if (it == writers_.end()) it = writers_.emplace(pid, ReadWriter(pid)).first;
  return it->second;
}

}  // namespace tswatch
