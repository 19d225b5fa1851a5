import { joinPath } from './join-path.js';
import type { Watch, WatchState } from './watch.js';

/** The watches by wd and by path. A path follows renames of its directory (and of every one above it). */
export class WatchIndex {
  private readonly byWd = new Map<number, Watch>();
  private readonly byPath = new Map<string, number>();

  get size(): number {
    return this.byWd.size;
  }

  get(wd: number): Watch | undefined {
    return this.byWd.get(wd);
  }

  has(wd: number): boolean {
    return this.byWd.has(wd);
  }

  wdOf(path: string): number | undefined {
    return this.byPath.get(path);
  }

  /** The watch at `path`, if there is one. */
  at(path: string): Watch | undefined {
    const wd = this.byPath.get(path);
    return wd === undefined ? undefined : this.byWd.get(wd);
  }

  values(): IterableIterator<Watch> {
    return this.byWd.values();
  }

  wds(): IterableIterator<number> {
    return this.byWd.keys();
  }

  add(watch: Watch): void {
    this.byWd.set(watch.wd, watch);
    this.byPath.set(watch.path, watch.wd);
  }

  /** Forget `wd`; its path only if no other watch took it since. */
  remove(wd: number): Watch | undefined {
    const watch = this.byWd.get(wd);
    if (watch === undefined) return undefined;
    this.byWd.delete(wd);
    if (this.byPath.get(watch.path) === wd) this.byPath.delete(watch.path);
    return watch;
  }

  /** Move the watch at `from` and every watch below it to `to`. False when nothing was watched there. */
  rehome(from: string, to: string): boolean {
    const prefix = `${from}/`;
    let moved = false;
    for (const watch of this.byWd.values()) {
      if (watch.path !== from && !watch.path.startsWith(prefix)) continue;
      if (this.byPath.get(watch.path) === watch.wd) this.byPath.delete(watch.path);
      watch.path = to + watch.path.slice(from.length);
      this.byPath.set(watch.path, watch.wd);
      moved = true;
    }
    return moved;
  }

  /** The watches at `path` and below it. */
  under(path: string): Watch[] {
    const prefix = `${path}/`;
    return [...this.byWd.values()].filter((w) => w.path === path || w.path.startsWith(prefix));
  }

  /** The watches `wds` name (those that exist), with `rec` every watch below each too. */
  select(wds: number | readonly number[], rec: boolean): Watch[] {
    const chosen = new Map<number, Watch>();
    for (const wd of typeof wds === 'number' ? [wds] : wds) {
      const watch = this.byWd.get(wd);
      if (watch === undefined) continue;
      chosen.set(wd, watch);
      if (!rec) continue;
      const prefix = joinPath(watch.path, '');
      for (const w of this.byWd.values()) if (w.path.startsWith(prefix)) chosen.set(w.wd, w);
    }
    return [...chosen.values()];
  }

  /** Each directory's entries as known now, for a process inheriting the inotify fd. */
  entriesState(): WatchState['entries'] {
    const entries: WatchState['entries'] = [];
    for (const watch of this.byWd.values()) if (watch.entries !== undefined) entries.push([watch.path, [...watch.entries]]);
    return entries;
  }

  /** Each directory's entries as the process whose fd this one inherited knew them; others start empty. */
  adoptEntries(state: WatchState['entries']): void {
    const known = new Map(state);
    for (const watch of this.byWd.values()) {
      if (watch.entries === undefined) continue;
      watch.entries.clear();
      for (const [name, isDir] of known.get(watch.path) ?? []) watch.entries.set(name, isDir);
    }
  }

  clear(): void {
    this.byWd.clear();
    this.byPath.clear();
  }
}
