import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../daemon/config-loader.js';
import { TswatchError } from '../../src/index.js';
import { tmpDir } from './tmp-dir.js';

/** A config file with this text, in a fresh temp dir. */
export function writeConfig(text: string): string {
  const file = join(tmpDir(), 'tswatch.yaml');
  writeFileSync(file, text);
  return file;
}

/** The problems loadConfig reports for `file`, one per line, without the file name (`LINE:COL: key: why`). */
export function configProblems(file: string): string[] {
  try {
    loadConfig(file);
  } catch (err) {
    assert.ok(err instanceof TswatchError);
    assert.equal(err.code, 'EBADCONFIG');
    return err.message
      .split('\n')
      .slice(1)
      .map((line) => line.trim().replace(`${file}:`, ''));
  }
  assert.fail('the config was accepted');
}
