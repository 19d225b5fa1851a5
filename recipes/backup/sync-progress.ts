/** Where the initial sync's copies are: sent as the backup's `progress` event. */
export interface BackupProgress {
  files: number;
  filesTotal: number;
  bytes: number;
  bytesTotal: number;
}

/**
 * The running count of a sync pass's copies, said after each file and each chunk of bytes. The bytes
 * come from every copy while a pass runs (a live change's too), so the count is kept apart from the
 * pass that sets it.
 */
export class SyncProgress {
  private current: BackupProgress | undefined;

  constructor(private readonly say: (progress: BackupProgress) => void) {}

  /** A pass starts its copies: counted from zero. */
  begin(filesTotal: number, bytesTotal: number): void {
    this.current = { files: 0, filesTotal, bytes: 0, bytesTotal };
  }

  bytes(bytes: number): void {
    if (this.current === undefined) return;
    this.current.bytes += bytes;
    this.say(this.current);
  }

  /** One planned copy is done (or failed). */
  file(): void {
    if (this.current !== undefined) {
      this.current.files++;
      this.say(this.current);
    }
  }

  end(): void {
    this.current = undefined;
  }
}
