// The generators on a tree shaped like what other subcommands will add: nested subcommands (with
// commander's implicit `help`), choices, directory and file values.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Command, Option } from 'commander';
import { bashCompletion } from '../../cli/completion-bash.js';
import { fishCompletion } from '../../cli/completion-fish.js';
import { completionSpec } from '../../cli/completion-spec.js';
import { manPage } from '../../cli/man-page.js';
import { spawnCommand } from '../helpers/spawn-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';

function demo(): Command {
  const root = new Command('demo')
    .argument('<paths...>')
    .option('-x, --exclude <pattern>', 'skip these')
    .action(() => {});
  const trash = new Command('trash').description('the trash can');
  trash.addCommand(
    new Command('list')
      .description('list trashed files')
      .addOption(new Option('--sort <key>', 'order').choices(['name', 'date']))
      .action(() => {}),
  );
  trash.addCommand(
    new Command('restore')
      .description('put back')
      .argument('<file>')
      .option('-d, --dest <dir>', 'where to')
      .action(() => {}),
  );
  return root.addCommand(trash);
}

test('completionSpec reads nested commands, choices and value kinds from the tree', () => {
  const spec = completionSpec(demo());
  assert.deepEqual(
    spec.map((c) => c.path.join(' ')),
    ['', 'trash', 'trash list', 'trash restore', 'trash help'],
  );
  const [root, trash, list, restore, help] = spec;
  assert.equal(root!.operands, 'files');
  assert.deepEqual(
    root!.options.map((o) => [o.names, o.value]),
    [
      [['-x', '--exclude'], 'any'],
      [['-h', '--help'], undefined],
    ],
  );
  assert.deepEqual(
    trash!.subcommands.map((s) => s.name),
    ['list', 'restore', 'help'],
  );
  assert.deepEqual(list!.options[0]!.value, { words: ['name', 'date'], list: false });
  assert.equal(restore!.options[0]!.value, 'dirs');
  assert.deepEqual(help!.operands, { words: ['list', 'restore'], list: false });
});

/** A directory holding a subdirectory and a file to complete. */
function workDir(): string {
  const dir = tmpDir();
  mkdirSync(join(dir, 'subdir'));
  writeFileSync(join(dir, 'file'), '');
  return dir;
}

test('bash completes nested subcommands, choices and directories', async () => {
  const dir = workDir();
  const spec = completionSpec(demo());
  writeFileSync(join(dir, 'demo.bash'), bashCompletion('demo', spec, '1'));
  const cases = [
    ['trash', ''],
    ['trash', 'r'],
    ['trash', 'list', '--sort', ''],
    ['trash', 'restore', '-d', ''],
    ['trash', 'help', ''],
    ['-x', 'foo', 'tr'],
  ];
  const body = cases
    .map(
      (words) =>
        `COMP_WORDS=(demo ${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length}; COMPREPLY=(); _demo; echo "\${COMPREPLY[*]}"`,
    )
    .join('\n');
  const bash = spawnCommand('bash', ['-c', `source demo.bash\n${body}`], {}, dir);
  assert.equal(await bash.exited, 0, bash.stderr);
  assert.deepEqual(bash.lines(), ['list restore help', 'restore', 'name date', 'subdir', 'list restore', 'trash']);
});

const noFish = spawnSync('sh', ['-c', 'command -v fish']).status !== 0 && 'fish not installed (apt-get install fish)';

test('fish completes nested subcommands and choices', { skip: noFish }, async () => {
  const dir = workDir();
  const spec = completionSpec(demo());
  writeFileSync(join(dir, 'demo.fish'), fishCompletion('demo', spec, '1'));
  const lines = ['demo trash ', 'demo trash list --sort ', 'demo trash restore --'];
  const script = `source demo.fish\n${lines.map((l) => `complete -C'${l}' | string replace -r '\\t.*' '' | string join ' '`).join('\n')}`;
  const fish = spawnCommand('fish', ['-c', script], { HOME: dir, XDG_CONFIG_HOME: dir, XDG_DATA_HOME: dir }, dir);
  assert.equal(await fish.exited, 0, fish.stderr);
  assert.deepEqual(fish.lines(), ['help list restore', 'date name', '--dest --help']);
});

test('the man page has a section per nested command, with its own usage', () => {
  const page = manPage(demo(), '1');
  for (const heading of ['DEMO TRASH', 'DEMO TRASH LIST', 'DEMO TRASH RESTORE', 'DEMO TRASH HELP'])
    assert.ok(page.includes(`\n.SH ${heading}\n`), heading);
  assert.ok(page.includes('\n.B demo trash restore\n[options] <file>\n'));
  assert.ok(page.includes('\n.B demo trash help\n[command]\n'));
  assert.ok(page.includes('\\fB\\-\\-sort\\fR \\fI<key>\\fR\norder (choices: "name", "date")\n'));
});
