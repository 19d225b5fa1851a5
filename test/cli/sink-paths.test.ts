import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { TSWATCH_BIN, spawnCommand } from '../helpers/spawn-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

// A fleet record is read on another host, where the agent's working directory means nothing.
test('--sink: an agent watching a relative path publishes absolute paths (and --json stays as given)', async () => {
  const cwd = tmpDir();
  mkdirSync(join(cwd, 'watched'));
  const sinkFile = join(tmpDir(), 'events.jsonl');
  const args = [TSWATCH_BIN, '-m', '-e', 'create,moved_to', '--json', '--sink', `file://${sinkFile}`, 'watched'];
  const cli = spawnCommand(process.execPath, args, {}, cwd);
  try {
    await cli.waitStderr('Watches established.');
    writeFileSync(join(cwd, 'watched', 'a'), '');
    renameSync(join(cwd, 'watched', 'a'), join(cwd, 'watched', 'b'));
    const records = () => (existsSync(sinkFile) ? readFileSync(sinkFile, 'utf8').trim().split('\n').filter(Boolean) : []);
    await waitFor(() => records().length >= 2, 'two fleet records');
    const [created, moved] = records().map((line) => JSON.parse(line) as Record<string, unknown>);
    const dir = join(cwd, 'watched');
    assert.deepEqual([created!.path, created!.pathname], [dir, join(dir, 'a')]);
    assert.deepEqual([moved!.pathname, moved!.src_pathname, moved!.src], [join(dir, 'b'), join(dir, 'a'), join(dir, 'a')]);
    await cli.waitLines(2);
    assert.equal((JSON.parse(cli.lines()[0]!) as Record<string, unknown>).pathname, 'watched/a');
  } finally {
    cli.child.kill('SIGTERM');
    await cli.exited;
  }
});
