/** The live backup recipe: `tswatch backup SRC DEST` as a library. */
export { LiveBackup } from './live-backup.js';
export type { LiveBackupOptions } from './live-backup-options.js';
export type { SyncSummary } from './sync-pass.js';
export type { BackupProgress } from './sync-progress.js';
export type { BackupAction } from './backup-action.js';
export type { SyncPlan, PlannedCopy } from './initial-sync.js';
export { excludeGlobs } from './exclude-globs.js';
export { Versions, VERSIONS_DIR, pickVersion, versionTime, type Version } from './versions.js';
export { findBackup, listVersions, noVersions, restoreVersion, type RestoreOptions, type Restored } from './restore-version.js';
export { isTempName } from './copy-file.js';
