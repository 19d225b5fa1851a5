/** What the trash holds: shared by the Trash and the restore choice, so neither imports the other. */
/** One item in a trash directory. */
export interface TrashedItem {
  /** Where it was trashed from (absolute). A name that is not UTF-8 is in fsDecode's form (fsEncode gives its bytes). */
  path: string;
  /** DeletionDate= as local time; undefined if the trashinfo had none or a malformed one. */
  deletionDate: Date | undefined;
  /** Bytes: the file's size, or for a directory its disk usage (`du -B1`, as `directorysizes` keeps it). */
  size: number;
  isDirectory: boolean;
  /** The trash directory holding it (`~/.local/share/Trash`, `/mnt/.Trash-1000`, …). */
  trashDir: string;
  /** Its name in `files/` (and `info/NAME.trashinfo`). */
  name: string;
}

export interface RestoredItem extends TrashedItem {
  /** Where it was put back. */
  restoredTo: string;
}
