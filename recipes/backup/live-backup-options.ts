import type { Backend } from '../../src/index.js';

// Apart from LiveBackup so that its sync pass reads them without importing the class that runs it.

/** How a LiveBackup mirrors SRC into DEST. */
export interface LiveBackupOptions {
  /** Delete DEST entries that SRC does not have during the initial sync (default: keep them). */
  delete?: boolean;
  /** Compare content (sha256) instead of size and mtime in the initial sync. */
  checksum?: boolean;
  /** Keep this many earlier copies of each path under DEST/.tswatch-versions (0: none). */
  versions?: number;
  /** Globs of paths (relative to SRC) to leave alone, see excludeGlobs. */
  exclude?: readonly string[];
  /** Plan the initial sync and report its actions; change nothing, watch nothing. */
  dryRun?: boolean;
  /** Run the initial sync only, as rsync would: SRC is not watched (start() resolves when it is done). */
  once?: boolean;
  /** Copies running at once (default 4). */
  concurrency?: number;
  /** The watcher's backend (default: native inotify). */
  backend?: Backend;
}
