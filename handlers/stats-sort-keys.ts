/** inotifywatch's columns, in its order (unmount only when listened for: -e unmount), and the keys a table sorts
 * by. No imports: the CLI lists them in --help without loading the table. */
export const STATS_COLUMNS = [
  'access',
  'modify',
  'attrib',
  'close_write',
  'close_nowrite',
  'open',
  'moved_from',
  'moved_to',
  'move_self',
  'create',
  'delete',
  'delete_self',
  'unmount',
] as const;
export const STATS_SORT_KEYS: readonly string[] = ['total', ...STATS_COLUMNS];
