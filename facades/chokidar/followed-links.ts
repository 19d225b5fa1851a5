import { realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import { type CoreTree, WATCH_MASK } from './core-tree.js';
import { joinPath } from './join-path.js';

/**
 * The symlinks a watcher follows. Each followed link gets a core of its own, so what it points to is
 * watched under the link's name even when the target also sits in the watched tree by its real path.
 */
export class FollowedLinks {
  /** A followed link → the core watching what it points to. */
  private readonly trees = new Map<string, CoreTree>();
  /** Where a watched link that points nowhere yet points → the link: its target appearing is the link's. */
  readonly dangling = new Map<string, string>();

  constructor(
    private readonly makeTree: () => CoreTree,
    private readonly excluded: (path: string) => boolean,
    private readonly handleError: (err: unknown) => void,
  ) {}

  /** The followed links' cores: `ready` waits for their scans too. */
  cores(): IterableIterator<CoreTree> {
    return this.trees.values();
  }

  /** Watch what the link at `abs` points to under the link's own name (a core of its own). */
  follow(abs: string, isDir: boolean): void {
    if (this.trees.has(abs)) return;
    const tree = this.makeTree();
    try {
      tree.wm.addWatch(
        abs,
        WATCH_MASK & tree.supportedMask,
        isDir ? { rec: true, autoAdd: true, quiet: true, excludeFilter: this.excluded } : { quiet: false },
      );
    } catch (err) {
      tree.close();
      this.handleError(err);
      return;
    }
    this.trees.set(abs, tree);
  }

  unfollow(abs: string): void {
    const tree = this.trees.get(abs);
    if (tree === undefined) return;
    this.trees.delete(abs);
    tree.close();
  }

  /** A link to a directory that holds it: following it would never end. */
  circular(abs: string): boolean {
    try {
      const target = realpathSync(abs);
      const here = realpathSync(dirname(abs));
      return here === target || here.startsWith(joinPath(target, ''));
    } catch {
      return false;
    }
  }

  close(): void {
    for (const tree of this.trees.values()) tree.close();
    this.trees.clear();
    this.dangling.clear();
  }
}
