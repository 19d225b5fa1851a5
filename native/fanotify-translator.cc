// Turning one read()'s fanotify events into records for the watched objects (see fanotify-translator.h).
#include "fanotify-translator.h"

#include <unistd.h>

#include <cstring>
#include <utility>

#include "fanotify-bits.h"
#include "fanotify-info.h"

namespace tswatch {
namespace {

// The order a merged fanotify event (the kernel ORs repeats still queued) is split back into.
constexpr uint32_t kOrder[] = {kCreate, kOpen, kAccess, kModify, kAttrib, kCloseWrite, kCloseNowrite, kDelete, kMoveSelf, kDeleteSelf};

}  // namespace

void KeyOf(const __kernel_fsid_t& fsid, const file_handle* fh, std::string& key) {
  key.assign(reinterpret_cast<const char*>(&fsid), sizeof fsid);
  key.append(reinterpret_cast<const char*>(&fh->handle_type), sizeof fh->handle_type);
  key.append(reinterpret_cast<const char*>(fh->f_handle), fh->handle_bytes);
}

bool FanotifyTranslator::SetWatch(const std::string& key, Watch w) {
  std::lock_guard<std::mutex> lock(mu_);
  bool early = nascent_.Watched(key, w.wd);
  watches_[key] = std::move(w);
  return early;
}

void FanotifyTranslator::ClearWatch(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  watches_.erase(key);
  // Unwatched on purpose (or gone): not to be met again, unless it is moved.
  if (lazy_.Active()) lazy_.MarkOutside(key);
}

void FanotifyTranslator::WatchTree(const std::string& key, const std::string& path, const std::string& mount) {
  std::lock_guard<std::mutex> lock(mu_);
  lazy_.AddRoot(key, path, mount);
}

void FanotifyTranslator::ForgetMet(int32_t wd) {
  std::lock_guard<std::mutex> lock(mu_);
  auto met = met_.find(wd);
  if (met == met_.end()) return;
  auto it = watches_.find(met->second);
  // Unless JavaScript watches it itself since, under a wd of its own.
  if (it != watches_.end() && it->second.wd == wd) {
    lazy_.MarkOutside(it->first);
    watches_.erase(it);
  }
  met_.erase(met);
}

const Watch* FanotifyTranslator::Meet(const std::string& key, int idx, std::vector<char>& out, int depth) {
  if (key.empty()) return nullptr;
  if (const Watch* w = Find(key)) return w;
  // A new directory is watched by JavaScript (auto-add), its early records kept meanwhile.
  if (depth > 512 || nascent_.Has(key) || lazy_.Outside(key)) return nullptr;
  std::string parent, name;
  switch (lazy_.Locate(key, idx, parent, name)) {
    case LazyTree::Where::kOutside:
      lazy_.MarkOutside(key);
      return nullptr;
    case LazyTree::Where::kUnknown:
      unknown_ = true;
      return nullptr;
    case LazyTree::Where::kInside:
      break;
  }
  const Watch* up = Meet(parent, idx, out, depth + 1);
  if (up == nullptr || !up->is_dir) return nullptr;
  Watch w{lazy_.NextWd(), up->mask, true, parent, name};
  records_.Emit(out, w.wd, kMeet, static_cast<uint32_t>(up->wd), 0, name.c_str(), name.size());
  met_.emplace(w.wd, key);
  return &watches_.emplace(key, std::move(w)).first->second;
}

void FanotifyTranslator::TakeEarly(std::vector<char>& out) {
  std::lock_guard<std::mutex> lock(mu_);
  nascent_.TakeReady(out);
}

const Watch* FanotifyTranslator::Find(const std::string& key) const {
  auto it = watches_.find(key);
  return it == watches_.end() ? nullptr : &it->second;
}

void FanotifyTranslator::Keep(const std::string& key, uint32_t mask, uint32_t cookie, int32_t pid, const std::string& name,
                              const Writer** wr) {
  if (nascent_.Full()) return;
  std::vector<char> record;
  records_.Emit(record, 0, mask, cookie, pid, name.c_str(), name.size(), wr);
  nascent_.Keep(key, std::move(record));
}

void FanotifyTranslator::Translate(const char* data, size_t size, std::vector<char>& out) {
  std::lock_guard<std::mutex> lock(mu_);
  records_.NewRead();
  nascent_.Expire();
  bool lazy = lazy_.Active();
  // Events held from the last read come first: they are older.
  size_t total;
  data = unnamed_.Begin(data, size, total);
  lazy_.Prepare(data, total);
  int idx = -1;
  ssize_t n = static_cast<ssize_t>(total);  // FAN_EVENT_NEXT counts it down
  auto* md = reinterpret_cast<const fanotify_event_metadata*>(data);
  // Reused for every event: most of a filesystem's events are dropped, and should cost no allocation.
  std::string name, from_name, from_key, to_name, to_key, self_key, key, dir_key;
  for (; FAN_EVENT_OK(md, n); md = FAN_EVENT_NEXT(md, n)) {
    idx++;  // as LazyTree::Prepare counts them
    if (md->vers != FANOTIFY_METADATA_VERSION) continue;
    if (md->fd >= 0) ::close(md->fd);  // not asked for with FID reporting, but never leak one
    uint32_t mask = static_cast<uint32_t>(md->mask);
    if (mask & FAN_Q_OVERFLOW) {
      records_.Emit(out, -1, kOverflow, 0, 0, nullptr, 0);
      continue;
    }
    const Watch* dir = nullptr;     // the directory holding the name (DFID_NAME)
    const Watch* self = nullptr;    // the object itself (FID, or a directory's DFID with ".")
    const Watch* from = nullptr;    // FAN_RENAME's old and new directories
    const Watch* to = nullptr;
    name.clear();
    from_name.clear();
    to_name.clear();
    to_key.clear();
    self_key.clear();
    dir_key.clear();
    from_key.clear();
    ForEachFid(md, [&](int type, const fanotify_event_info_fid* fid, const file_handle* fh, const char* fname, size_t nm_len) {
      KeyOf(fid->fsid, fh, key);
      bool is_self = nm_len == 0 || (nm_len == 1 && fname[0] == '.');
      const Watch* w = Find(key);
      switch (type) {
        case FAN_EVENT_INFO_TYPE_FID:
          self = w;
          self_key = key;  // also for an unwatched target: a deferred DELETE_SELF may wait for it
          break;
        case FAN_EVENT_INFO_TYPE_DFID_NAME:
        case FAN_EVENT_INFO_TYPE_DFID:
          if (is_self) {
            self = w;
            self_key = key;
          } else {
            dir = w;
            if (w || lazy || !nascent_.Empty()) {
              name.assign(fname, nm_len);
              dir_key = key;
            }
          }
          break;
        case FAN_EVENT_INFO_TYPE_OLD_DFID_NAME:
          from = w;
          if (w || lazy || !nascent_.Empty()) {
            from_name.assign(fname, nm_len);
            from_key = key;
          }
          break;
        case FAN_EVENT_INFO_TYPE_NEW_DFID_NAME:
          to = w;
          to_name.assign(fname, nm_len);  // also the new name of a watched directory moved there
          to_key = key;
          break;
      }
    });
    uint32_t isdir = mask & FAN_ONDIR ? kIsDir : 0;
    unknown_ = false;
    if (lazy) {
      if (!dir && !dir_key.empty()) dir = Meet(dir_key, idx, out);
      if (mask & FAN_RENAME) {
        if (!from) from = Meet(from_key, idx, out);
        if (!to) to = Meet(to_key, idx, out);
        if (isdir) lazy_.ForgetOutside();  // it may have come in from outside
      }
      // A directory's own event (not the target of a create, delete or rename in its parent).
      if (!self && isdir && !(mask & (FAN_CREATE | FAN_DELETE | FAN_RENAME | FAN_MOVED_FROM | FAN_MOVED_TO)))
        self = Meet(self_key, idx, out);
    }
    bool in_nascent = !dir && nascent_.Has(dir_key);
    // About a directory deleted since, that nothing read so far names: its DELETE may (see UnnamedEvents).
    if (unknown_ && !dir && !self && !from && !to && !in_nascent && !nascent_.Has(to_key)) {
      unnamed_.Hold(md, idx);
      continue;
    }
    if (mask & FAN_RENAME) {
      uint32_t cookie = ++cookie_;
      const Writer* wr = nullptr;
      bool to_nascent = !to && nascent_.Has(to_key);
      // Kept from a new directory only when the other end is new too: given out later, it would come
      // after the IN_MOVED_TO of a watched end, unpaired either way (inotify gives only that one).
      if (!from && to_nascent && nascent_.Has(from_key)) Keep(from_key, kMovedFrom | isdir, cookie, md->pid, from_name, &wr);
      if (from && (from->mask & kMovedFrom)) records_.Emit(out, from->wd, kMovedFrom | isdir, cookie, md->pid, from_name.c_str(), from_name.size(), &wr);
      if (to && (to->mask & kMovedTo)) records_.Emit(out, to->wd, kMovedTo | isdir, cookie, md->pid, to_name.c_str(), to_name.size(), &wr);
      if (to_nascent) Keep(to_key, kMovedTo | isdir, cookie, md->pid, to_name, &wr);
      // Moved within a lazily learnt tree, it is met when an event names it (inotify gives no scan).
      if (isdir && !self && (to || to_nascent) && !(lazy && from)) nascent_.Add(self_key);
      // A watched directory moved: its own events are now reported to its new parent, by its new name.
      if (self && self->is_dir) {
        auto it = watches_.find(self_key);
        if (it != watches_.end()) {
          it->second.parent = to ? to_key : std::string();
          it->second.name = to_name;
        }
      }
      mask &= ~FAN_RENAME;
    }
    // A directory's own events name no parent: inotify reports them there too, so report them to the
    // parent we know it by.
    if (!dir && self && self->is_dir && !self->parent.empty()) {
      dir = Find(self->parent);
      name = self->name;
      if (!dir) name.clear();
    }
    const Writer* wr = nullptr;
    for (uint32_t bit : kOrder) {
      if (!(mask & bit)) continue;
      bool child_bit = bit & kChildBits;
      if (bit == kDelete && !self_key.empty()) FlushDeleted(out, self_key);
      if (dir && (dir->mask & bit) && (child_bit || bit == kCreate || bit == kDelete)) {
        records_.Emit(out, dir->wd, bit | isdir, 0, md->pid, name.c_str(), name.size(), &wr);
      } else if (in_nascent && (child_bit || bit == kCreate || bit == kDelete)) {
        Keep(dir_key, bit | isdir, 0, md->pid, name, &wr);
      }
      if (bit == kCreate && isdir && !self && (dir || in_nascent)) nascent_.Add(self_key);
      if (!self || !(self->mask & bit)) continue;
      // inotify leaves IN_ISDIR off a directory's DELETE_SELF and MOVE_SELF: so do we.
      if (bit == kDeleteSelf) {
        deleted_.push_back({self_key, self->wd, md->pid});
      } else if (bit == kMoveSelf) {
        records_.Emit(out, self->wd, bit, 0, md->pid, "", 0, &wr);
      } else if (child_bit) {
        records_.Emit(out, self->wd, bit | isdir, 0, md->pid, "", 0, &wr);
      }
    }
  }
  FlushDeleted(out, std::string());
  if (uint32_t lost = unnamed_.End()) records_.Emit(out, -1, kUnnamed, lost, 0, nullptr, 0);
}

// The kernel merges an object's events still queued into one, so a directory's DELETE_SELF can come
// merged into its own earlier open/close, ahead of the deletes of its last entries. The unlink or
// rmdir that removed it follows with the object as its target: DELETE_SELF is given out right before
// that, where inotify puts it. Whatever is left at the end of a read goes out then. Empty key: all.
void FanotifyTranslator::FlushDeleted(std::vector<char>& out, const std::string& key) {
  for (auto it = deleted_.begin(); it != deleted_.end();) {
    if (!key.empty() && it->key != key) {
      ++it;
      continue;
    }
    const Writer* wr = nullptr;
    records_.Emit(out, it->wd, kDeleteSelf, 0, it->pid, "", 0, &wr);
    it = deleted_.erase(it);
  }
}

}  // namespace tswatch
