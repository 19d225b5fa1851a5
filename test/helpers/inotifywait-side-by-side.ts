import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnCommand, spawnTswatch } from './spawn-cli.js';
import { tmpDir } from './tmp-dir.js';
import { waitFor } from './wait-for.js';

export const END = 'zz-end';

/**
 * Run both with `args` (then the watched paths), do `ops`, end with a marker file; both outputs.
 * `ours`: flags for tswatch only (`--backend fanotify`).
 */
export async function sideBySide(
  args: string[],
  ops: (dir: string) => void,
  options: { paths?: (dir: string) => string[]; ours?: string[] } = {},
) {
  const dir = tmpDir();
  const paths = options.paths?.(dir) ?? [dir];
  const ours = spawnTswatch([...(options.ours ?? []), ...args, ...paths]);
  const theirs = spawnCommand('inotifywait', [...args, ...paths]);
  await ours.waitStderr('Watches established.');
  await theirs.waitStderr('Watches established.');
  ops(dir);
  writeFileSync(join(dir, END), '');
  for (const run of [ours, theirs]) await run.waitStdout(END);
  // The marker makes several events (CREATE, CLOSE_WRITE): wait until both have printed as many.
  const ends = (run: typeof ours): number => run.stdoutBytes().toString('latin1').split(END).length;
  await waitFor(() => ends(ours) === ends(theirs), `as many ${END} events from both`);
  return { ours: ours.stdoutBytes(), theirs: theirs.stdoutBytes(), dir };
}
