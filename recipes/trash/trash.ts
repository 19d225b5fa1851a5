import { lstatSync, mkdirSync, rmSync, unlinkSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fsDecode, fsPath, TswatchError } from '../../src/index.js';
import { claimTrashName } from './claim-trash-name.js';
import { DirectorySizes } from './directory-sizes.js';
import { realPath, resolveExact } from './exact-names.js';
import { checkRemovable, copyVerified, exists, moveNoReplace, stillThere } from './move-verified.js';
import { readTrashedItem } from './read-trashed-item.js';
import { chooseRestores, type RestoreOptions } from './restore-choice.js';
import {
  allTrashDirs,
  deviceOf,
  homeTrashPath,
  topDirOf,
  type TrashDir,
  type TrashEnv,
  volumeTopDir,
  volumeTrashFor,
} from './trash-dirs.js';
import { refuse, TrashError } from './trash-error.js';
import { fileNames, filePath, infoNames, infoPath } from './trash-layout.js';
import type { RestoredItem, TrashedItem } from './trashed-item.js';

export type { RestoredItem, TrashedItem } from './trashed-item.js';

export interface TrashOptions {
  /** Where HOME and XDG_DATA_HOME come from (default process.env). */
  env?: TrashEnv;
  /** Owner of the volume trash directories (default process.getuid()). */
  uid?: number;
  /** The clock for DeletionDate= (tests). */
  now?: () => Date;
  /**
   * Only these trash directories for list, restore and empty (trash-cli's `--trash-dir`); put still
   * chooses by the spec. Default: the home trash and every volume's.
   */
  trashDirs?: string[];
}

export interface EmptyOptions {
  /** Only items deleted more than this many days ago (default: everything, orphans included). */
  olderThanDays?: number;
}

/**
 * The FreeDesktop.org trash (specification 1.0), interoperable with trash-cli, GLib/GIO and KDE: files go
 * to the home trash or to their volume's trash by rename, each with an `info/NAME.trashinfo` claimed
 * with O_EXCL so concurrent trashing never collides.
 */
export class Trash {
  private readonly env: TrashEnv;
  private readonly uid: number;
  private readonly now: () => Date;
  private readonly only: string[] | undefined;

  constructor(options: TrashOptions = {}) {
    this.env = options.env ?? process.env;
    this.uid = options.uid ?? process.getuid?.() ?? 0;
    this.now = options.now ?? (() => new Date());
    this.only = options.trashDirs?.map((dir) => resolveExact(dir));
  }

  /** The home trash directory (it may not exist yet). */
  get homeTrash(): string {
    return homeTrashPath(this.env);
  }

  /** The trash directories list, restore and empty look in: those given, else every one that exists. */
  trashDirs(): TrashDir[] {
    if (!this.only) return allTrashDirs(this.env, this.uid);
    return this.only.map((path) => ({ path, topDir: path === resolve(this.homeTrash) ? undefined : volumeTopDir(path) }));
  }

  /**
   * Move `path` (a file, directory or symlink; a symlink is trashed, not its target) to the trash. Any
   * name: give its bytes, or the string fsDecode makes of them (paths in TrashedItem are that string too).
   */
  put(pathOrBytes: string | Uint8Array): TrashedItem {
    const path = typeof pathOrBytes === 'string' ? pathOrBytes : fsDecode(pathOrBytes);
    try {
      return this.putChecked(path);
    } catch (err) {
      if (err instanceof TswatchError) throw err;
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      throw new TrashError(
        'cannot trash',
        path,
        err,
        missing ? 'check the path (tswatch trash list shows what is already in the trash)' : 'the file was left where it was',
      );
    }
  }

  private putChecked(path: string): TrashedItem {
    const given = path.replace(/\/+$/, '') || path;
    if (given === '/' || resolveExact(given) === '/') throw refuse(path, 'it is the root directory');
    if (['.', '..'].includes(basename(given))) throw refuse(path, "the spec forbids trashing '.' and '..'");
    const absolute = resolveExact(given);
    const st = lstatSync(fsPath(absolute));
    const original = join(realPath(dirname(absolute)), basename(absolute));
    if (st.dev !== deviceOf(dirname(original))) throw refuse(path, 'it is a mount point (unmount it, or trash what is in it)');
    for (const dir of [this.homeTrash, ...allTrashDirs(this.env, this.uid).map((d) => d.path)]) {
      if (original === dir || dir.startsWith(`${original}/`) || original.startsWith(`${dir}/`)) {
        throw refuse(path, `it is, or is inside or contains, the trash directory '${dir}'`);
      }
    }
    const { dir, copy } = this.trashDirFor(dirname(original));
    const name = claimTrashName(dir, basename(original), original, this.now());
    const target = filePath(dir.path, name);
    try {
      // A copy is only worth making if the original can then be removed.
      if (copy) checkRemovable(absolute);
      if (copy) copyVerified(absolute, target);
      else moveNoReplace(absolute, target);
      // Verified, never assumed: "trashed" means gone from its place.
      if (!copy && stillThere(absolute, st))
        throw Object.assign(new Error('the original is still in place after the move'), { code: 'EIO' });
    } catch (err) {
      if (!copy && stillThere(target, st) && stillThere(absolute, st)) unlinkSync(fsPath(target));
      unlinkSync(fsPath(infoPath(dir.path, name)));
      throw err;
    }
    try {
      if (copy) rmSync(fsPath(absolute), { recursive: true, force: true });
    } catch (err) {
      throw new TrashError(
        'cannot remove the original of',
        path,
        err,
        'a verified copy is in the trash; what is left of the original can be removed by hand',
      );
    }
    if (st.isDirectory()) new DirectorySizes(dir.path).add(name);
    return readTrashedItem(dir, name)!;
  }

  /** Everything in every trash directory, oldest first. Items whose file is missing are left out. */
  list(): TrashedItem[] {
    const items: TrashedItem[] = [];
    for (const dir of this.trashDirs()) {
      const sizes = new DirectorySizes(dir.path);
      const cache = sizes.read();
      let stale = false;
      for (const name of infoNames(dir.path)) {
        const item = readTrashedItem(dir, name, (n) => {
          const { size, fresh } = sizes.sizeOf(n, cache);
          stale ||= fresh;
          return size;
        });
        if (item) items.push(item);
      }
      // Readers keep the cache current too (spec 1.0), when the trash is writable.
      if (stale)
        sizes.update((entries) => {
          for (const [n, e] of cache) entries.set(n, e);
        });
    }
    return items.sort((a, b) => (a.deletionDate?.getTime() ?? 0) - (b.deletionDate?.getTime() ?? 0) || a.path.localeCompare(b.path));
  }

  /**
   * Put back what was trashed from `pathOrGlob` (resolved against `cwd`): an exact original path, else a
   * glob over original paths. With several trashed items of one path, `version` picks one, 1 being the
   * newest. Nothing is overwritten unless `force`, and then the file in the way is trashed first.
   */
  restore(pathOrGlob: string, options: RestoreOptions = {}): RestoredItem[] {
    const chosen = chooseRestores(this.list(), pathOrGlob, options);
    const blocked = chosen.filter((c) => exists(c.restoredTo));
    if (blocked.length > 0 && !options.force) {
      throw new TswatchError(`refusing to overwrite '${blocked[0]!.restoredTo}'`, {
        code: 'EEXIST',
        path: blocked[0]!.restoredTo,
        hint: 'give --force to move the existing file to the trash and restore over it, or --to DIR to restore elsewhere',
      });
    }
    for (const item of chosen) {
      if (exists(item.restoredTo)) this.put(item.restoredTo);
      try {
        mkdirSync(fsPath(dirname(item.restoredTo)), { recursive: true });
        moveNoReplace(filePath(item.trashDir, item.name), item.restoredTo);
        // The info file goes after the file: a crash in between leaves a trashinfo without a file, never a lost file.
        unlinkSync(fsPath(infoPath(item.trashDir, item.name)));
      } catch (err) {
        throw err instanceof TswatchError
          ? err
          : new TrashError('cannot restore to', item.restoredTo, err, `'${item.path}' is still in the trash`);
      }
      if (item.isDirectory) new DirectorySizes(item.trashDir).update((e) => e.delete(item.name));
    }
    return chosen;
  }

  /** Delete for good what is in the trash (or only what is older than `olderThanDays`). */
  empty(options: EmptyOptions = {}): TrashedItem[] {
    const cutoff = options.olderThanDays === undefined ? undefined : this.now().getTime() - options.olderThanDays * 86_400_000;
    const removed = this.list().filter(
      (item) => cutoff === undefined || (item.deletionDate !== undefined && item.deletionDate.getTime() < cutoff),
    );
    for (const item of removed) this.erase(item.trashDir, item.name);
    if (cutoff === undefined) {
      for (const dir of this.trashDirs()) {
        // Orphans: files without a trashinfo, trashinfos without a file.
        for (const name of fileNames(dir.path))
          if (!exists(infoPath(dir.path, name))) rmSync(fsPath(filePath(dir.path, name)), { recursive: true, force: true });
        for (const name of infoNames(dir.path))
          if (!exists(filePath(dir.path, name))) rmSync(fsPath(infoPath(dir.path, name)), { force: true });
      }
    }
    for (const dir of new Set(removed.map((i) => i.trashDir))) new DirectorySizes(dir).update(() => undefined);
    return removed;
  }

  /** Delete one trashed item for good: the file first, then its trashinfo. */
  erase(trashDir: string, name: string): void {
    try {
      rmSync(fsPath(filePath(trashDir, name)), { recursive: true, force: true });
      rmSync(fsPath(infoPath(trashDir, name)), { force: true });
    } catch (err) {
      throw new TrashError(
        'cannot delete from the trash',
        filePath(trashDir, name),
        err,
        'check you own the trash directory and it is writable',
      );
    }
  }

  /** The trash for a file in `parent` (a real path), and whether it must be copied there. */
  private trashDirFor(parent: string): { dir: TrashDir; copy: boolean } {
    const home: TrashDir = { path: this.homeTrash, topDir: undefined };
    if (deviceOf(parent) === deviceOf(home.path)) return { dir: home, copy: false };
    const volume = volumeTrashFor(topDirOf(parent), this.uid);
    // No usable volume trash: the spec allows the home trash, which takes a verified copy.
    return volume ? { dir: volume, copy: false } : { dir: home, copy: true };
  }
}
