/** Issue 16.5: a placeholder inside a shell's `-c` script is refused at start, on the CLI and in a config. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnCommand, TSWATCH_BIN } from '../../helpers/spawn-cli.js';
import { tmpDir } from '../../helpers/tmp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';

const HOSTILE = '$(touch PWNED)';

/**
 * Start `tswatch ARGS` in `cwd`. If it watches instead of refusing, feed it the hostile name and report
 * what the shell then did (the failure this test exists for) rather than hang.
 */
async function mustRefuse(args: string[], cwd: string, watched: string) {
  const run = spawnCommand(process.execPath, [TSWATCH_BIN, ...args], {}, cwd);
  const outcome = await Promise.race([run.exited, run.waitStderr('Watches established.').then(() => 'watching' as const)]);
  if (outcome === 'watching') {
    writeFileSync(join(watched, HOSTILE), '');
    await waitFor(() => existsSync(join(cwd, 'PWNED')), 'the shell to run the name', 5000).catch(() => undefined);
    run.child.kill('SIGKILL');
    assert.fail(`not refused; the file name was run as code: PWNED ${existsSync(join(cwd, 'PWNED')) ? 'created' : 'not seen'}`);
  }
  return { code: outcome, stderr: run.stderr };
}

test('CLI: exec -- sh/bash/env bash -c "… {name} …" is refused at start with the "$1" form; a file named $(touch PWNED) never runs', {
  timeout: 60_000,
}, async () => {
  for (const command of [
    ['sh', '-c', 'echo {name}'],
    ['env', 'bash', '-c', 'echo {path}'],
    ['/bin/sh', '-ec', ': {dir}'],
  ]) {
    const cwd = tmpDir();
    const dir = join(cwd, 'w');
    mkdirSync(dir);
    const { code, stderr } = await mustRefuse(['exec', dir, '--', ...command], cwd, dir);
    assert.equal(code, 1, stderr);
    assert.match(
      stderr,
      new RegExp(`placeholders are not substituted into the script of '${command.includes('env') ? 'bash' : command[0]} -c'`),
    );
    assert.match(stderr, / -c '… "\$1"' sh \{path\}/, 'the hint shows the safe form');
    assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
    assert.ok(!existsSync(join(cwd, 'PWNED')));
  }
});

test('CLI: the "$1" form runs, and the hostile name is only a value', { timeout: 30_000 }, async () => {
  const cwd = tmpDir();
  const dir = join(cwd, 'w');
  mkdirSync(dir);
  const out = join(cwd, 'out');
  const run = spawnCommand(
    process.execPath,
    [TSWATCH_BIN, 'exec', dir, '--', 'bash', '-c', 'printf "%s\\n" "$1" >> "$0"', out, '{name}'],
    {},
    cwd,
  );
  await run.waitStderr('Watches established.');
  writeFileSync(join(dir, HOSTILE), '');
  await waitFor(() => existsSync(out), 'the run');
  run.child.kill('SIGTERM');
  assert.equal(await run.exited, 0);
  assert.ok(!existsSync(join(cwd, 'PWNED')));
});

test('daemon: a config with exec: [bash, -c, "echo {name}"] is refused at load, with file, line, key and the safe form', {
  timeout: 30_000,
}, async () => {
  const root = tmpDir();
  mkdirSync(join(root, 'in'));
  const config = join(root, 'tswatch.yaml');
  writeFileSync(config, 'watches:\n  - name: unsafe\n    paths: [in]\n    exec: [bash, -c, "echo {name}"]\n');
  const { code, stderr } = await mustRefuse(['daemon', '--config', config, '--pidfile', join(root, 'pid')], root, join(root, 'in'));
  assert.notEqual(code, 0);
  assert.match(
    stderr,
    /tswatch\.yaml:4:5: watches\[0\]\.exec: placeholders are not substituted into the script of 'bash -c': '\{name\}' there would run file names as shell code/,
  );
  assert.match(stderr, /bash -c '… "\$1"' sh \{path\}/);
  assert.ok(!existsSync(join(root, 'PWNED')));
});
