/** The trash recipe: `import { Trash } from 'tswatch/trash'`. */
export { Trash, type TrashOptions, type TrashedItem, type RestoredItem, type EmptyOptions } from './trash.js';
export type { RestoreOptions } from './restore-choice.js';
export { trashRm, type RmOptions, type RmIO } from './rm.js';
export { homeTrashPath, type TrashDir, type TrashEnv } from './trash-dirs.js';
export { encodeTrashPath, decodeTrashPath, formatDeletionDate, formatTrashInfo, parseTrashInfo, type TrashInfo } from './trash-info.js';
export { shellQuote } from './shell-quote.js';
