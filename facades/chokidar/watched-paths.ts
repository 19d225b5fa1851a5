import { dirname, isAbsolute, join, resolve } from 'node:path';

/** A path given to watch() or add(). */
export interface Root {
  abs: string;
  /** The path as the caller gave it (normalized): emitted paths start with it. */
  given: string;
  kind: 'dir' | 'file' | 'missing';
}

/**
 * The paths a watcher was given, and what is in scope through them: below a watched directory within
 * `depth`, or a watched file itself; never below an unwatched path. Names are chokidar's: below each
 * watched path as the caller spelled it.
 */
export class WatchedPaths {
  readonly roots = new Map<string, Root>();
  readonly unwatched = new Set<string>();

  constructor(
    private readonly cwd: string | undefined,
    private readonly depth: number | undefined,
  ) {}

  /** The watched path `abs` is in, itself or below: the nearest one. */
  rootOf(abs: string): Root | undefined {
    for (let p = abs; ; p = dirname(p)) {
      const root = this.roots.get(p);
      if (root !== undefined) return root;
      if (p === '/' || p === '.') return undefined;
    }
  }

  /** How many names `abs` is below its watched path (0: the watched path). */
  private levelOf(abs: string, root: Root): number {
    if (abs === root.abs) return 0;
    let n = 0;
    for (let i = root.abs.length; i < abs.length; i++) if (abs.charCodeAt(i) === 47) n++;
    return root.abs === '/' ? n + 1 : n;
  }

  inScope(abs: string): boolean {
    const root = this.rootOf(abs);
    if (root === undefined || this.unwatchedCovers(abs)) return false;
    if (abs === root.abs) return true;
    return root.kind === 'dir' && this.levelOf(abs, root) <= (this.depth ?? Infinity) + 1;
  }

  /** The directory at `abs` has its entries followed (within `depth`). */
  descends(abs: string): boolean {
    const root = this.rootOf(abs);
    return root !== undefined && (abs === root.abs || (root.kind === 'dir' && this.levelOf(abs, root) <= (this.depth ?? Infinity)));
  }

  unwatchedCovers(abs: string): boolean {
    if (this.unwatched.size === 0) return false;
    for (let p = abs; ; p = dirname(p)) {
      if (this.unwatched.has(p)) return true;
      if (p === '/' || p === '.') return false;
    }
  }

  absolute(p: string): string {
    const { cwd } = this;
    return resolve(cwd && !isAbsolute(p) ? join(cwd, p) : p);
  }

  /** The path as chokidar names it: below the watched path as the caller spelled that. */
  chokidarPath(abs: string): string {
    const root = this.rootOf(abs);
    if (root !== undefined) return abs === root.abs ? root.given : join(root.given, abs.slice(root.abs.length));
    for (const r of this.roots.values()) if (dirname(r.abs) === abs) return dirname(r.given);
    return abs;
  }
}
