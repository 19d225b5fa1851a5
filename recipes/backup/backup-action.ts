/** One thing done to DEST (or, with dryRun, that would be done): what `--json` prints, one per line. */
export interface BackupAction {
  action: 'copy' | 'mkdir' | 'symlink' | 'rename' | 'delete' | 'attrs' | 'version' | 'clean-temp' | 'skip';
  /** Relative to SRC and DEST. */
  path: string;
  /** rename: the new path; version: where the old copy went (relative to DEST). */
  to?: string;
  bytes?: number;
  reason?: string;
  dryRun?: true;
}
