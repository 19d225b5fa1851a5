// The records the fanotify reader writes for JavaScript (parsed by src/backends/fanotify-records.ts),
// each with the process that caused it.
#ifndef TSWATCH_FANOTIFY_RECORDS_H
#define TSWATCH_FANOTIFY_RECORDS_H
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace tswatch {

// Host byte order: wd, mask, cookie, pid, uid (-1: unknown), then the lengths of name, exe and comm,
// then their bytes. The pid's details are read from /proc when the event is read.
struct __attribute__((packed)) RecordHeader {
  int32_t wd;
  uint32_t mask;
  uint32_t cookie;
  int32_t pid;
  int32_t uid;
  uint16_t name_len;
  uint16_t exe_len;
  uint8_t comm_len;
  uint8_t pad[3];
};
static_assert(sizeof(RecordHeader) == 28, "record layout is shared with src/backends/fanotify-records.ts");

// Who caused an event, as /proc told it.
struct Writer {
  int32_t pid = 0;
  int32_t uid = -1;
  std::string comm, exe;
};

// Give every record in `bytes` (RecordHeader layout) to `wd`.
void SetRecordsWd(std::vector<char>& bytes, int32_t wd);

// Appends records; the reader thread's, one per reader.
class RecordWriter {
 public:
  // A new read(): processes are looked up afresh, since a pid may have been reused.
  void NewRead() { writers_.clear(); }

  // One record into `out`. `wr` caches the writer across the records of one event (*wr null: look it
  // up); null `wr` writes no writer at all (an overflow has none).
  void Emit(std::vector<char>& out, int32_t wd, uint32_t mask, uint32_t cookie, int32_t pid, const char* name,
            size_t name_len, const Writer** wr = nullptr);

 private:
  const Writer& WriterOf(int32_t pid);

  std::unordered_map<int32_t, Writer> writers_;  // emptied for each read
};

}  // namespace tswatch

#endif
