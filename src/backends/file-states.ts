import { type BigIntStats, lstatSync } from 'node:fs';
import { lstat } from 'node:fs/promises';

/**
 * What polling compares to tell that a file changed: inode, size, and mtime and ctime to the nanosecond.
 * chokidar compares only size and mtime in milliseconds, so a same-size write inside one timestamp tick,
 * a restored mtime (`touch -r`, `cp -p`) or a same-size file renamed over it goes unseen there.
 */
const stateOf = (st: BigIntStats): string => `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;

function stateNow(path: string): string | undefined {
  try {
    return stateOf(lstatSync(path, { bigint: true }));
  } catch {
    return undefined; // gone: the listing reports that
  }
}

/**
 * The state of each file a poll watch covers (name → state; '' is a watched file itself), taken before
 * the watch is ready. It is the baseline a later change is compared with: chokidar takes its own later,
 * on its first stat, and a write made between that and 'ready' would otherwise never be reported.
 */
export class FileStates {
  private readonly states = new Map<string, string>();

  /** Take `name`'s state now (it is new, or its change was just reported). */
  take(name: string, path: string): void {
    const state = stateNow(path);
    if (state === undefined) this.states.delete(name);
    else this.states.set(name, state);
  }

  forget(name: string): void {
    this.states.delete(name);
  }

  clear(): void {
    this.states.clear();
  }

  /** `name` differs from its last state (which it becomes): chokidar's own report of a change is checked here. */
  changedNow(name: string, path: string): boolean {
    const state = stateNow(path);
    if (state === undefined || state === this.states.get(name)) return false;
    this.states.set(name, state);
    return true;
  }

  /** The names whose state differs from the last one, each updated: one asynchronous stat per file. */
  async changed(pathOf: (name: string) => string): Promise<string[]> {
    const names = [...this.states.keys()];
    const before = names.map((name) => this.states.get(name));
    const now = await Promise.all(
      names.map((name) =>
        lstat(pathOf(name), { bigint: true }).then(
          (st) => stateOf(st),
          () => undefined,
        ),
      ),
    );
    const out: string[] = [];
    names.forEach((name, i) => {
      // Not when it went, or was re-taken meanwhile (chokidar reported it first).
      if (now[i] === undefined || now[i] === before[i] || this.states.get(name) !== before[i]) return;
      this.states.set(name, now[i]!);
      out.push(name);
    });
    return out;
  }
}
