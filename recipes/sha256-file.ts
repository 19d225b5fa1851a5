import { createReadStream } from 'node:fs';
import { lazyBuiltin } from '../src/index.js';

/** Loaded when a file is first hashed: node:crypto costs a backup's start-up a few ms, and most never hash. */
const crypto = lazyBuiltin<typeof import('node:crypto')>('node:crypto');

/** The sha256 of a file's content, hex, streamed (a large file is never read into memory at once). */
export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = crypto().createHash('sha256');
    createReadStream(path)
      .on('error', reject)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')));
  });
}
