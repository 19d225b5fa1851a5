/** What @parcel/watcher reports: one entry per path and batch. */
export type EventType = 'create' | 'update' | 'delete';

export interface Event {
  path: string;
  type: EventType;
}

interface Entry {
  created: boolean;
  deleted: boolean;
}

/**
 * One batch's changes, folded per path the way @parcel/watcher folds them: created then changed is a
 * create, created then deleted is nothing, deleted then created again is an update, changed then
 * deleted is a delete. Handed out sorted by path, the order parcel's users see.
 */
export class EventList {
  private readonly entries = new Map<string, Entry>();

  get size(): number {
    return this.entries.size;
  }

  create(path: string): void {
    const entry = this.entry(path);
    // Gone and back within one batch: to whoever saw the old one, it changed.
    if (entry.deleted) entry.deleted = false;
    else entry.created = true;
  }

  update(path: string): void {
    this.entry(path);
  }

  remove(path: string): void {
    this.entry(path).deleted = true;
  }

  /** The folded events, sorted by path; the list is empty afterwards. */
  take(): Event[] {
    const events: Event[] = [];
    const paths = [...this.entries.keys()].sort(byCodeUnit);
    for (const path of paths) {
      const { created, deleted } = this.entries.get(path)!;
      if (created && deleted) continue; // lived and died inside the batch
      events.push({ type: created ? 'create' : deleted ? 'delete' : 'update', path });
    }
    this.entries.clear();
    return events;
  }

  private entry(path: string): Entry {
    let entry = this.entries.get(path);
    if (entry === undefined) {
      entry = { created: false, deleted: false };
      this.entries.set(path, entry);
    }
    return entry;
  }
}

/** Byte order for ASCII, as std::map<std::string> sorts (not localeCompare). */
function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
