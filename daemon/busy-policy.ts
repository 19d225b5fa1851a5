/** What to do with a trigger that arrives while the command is still running. No imports: the CLI
 * lists the policies in --help without loading the runner. */
export const BUSY_POLICIES = ['queue', 'drop', 'restart', 'signal'] as const;
export type BusyPolicy = (typeof BUSY_POLICIES)[number];
