import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { optionNames } from '../../../cli/command-tree.js';
import { buildProgram } from '../../../cli/program.js';
import { spawnCommand, spawnTswatch } from '../../helpers/spawn-cli.js';
import { tmpDir } from '../../helpers/tmp-dir.js';

const has = (shell: string) => spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0;

/** `tswatch completion SHELL`, written to a file. */
async function script(shell: string): Promise<string> {
  const run = spawnTswatch(['completion', shell]);
  assert.equal(await run.exited, 0, run.stderr);
  const file = join(tmpDir(), `tswatch.${shell}`);
  writeFileSync(file, run.stdout);
  return file;
}

/** Run `source` under `shell` (an argv prefix), then `body`; its stdout. */
async function runIn(shell: string[], source: string, body: string, cwd?: string): Promise<string> {
  const run = spawnCommand(shell[0]!, [...shell.slice(1), `source ${JSON.stringify(source)}\n${body}`], {}, cwd);
  assert.equal(await run.exited, 0, run.stderr);
  assert.equal(run.stderr, '');
  return run.stdout;
}

/** What bash's completion function offers for the words typed (the last one is the one completed). */
async function bashComplete(cases: string[][], cwd?: string): Promise<string[][]> {
  const body = cases
    .map((words) => {
      const quoted = words.map((w) => `'${w.replaceAll("'", `'\\''`)}'`).join(' ');
      return `COMP_WORDS=(tswatch ${quoted}); COMP_CWORD=${words.length}; COMPREPLY=(); _tswatch; printf '%s\\n' "\${COMPREPLY[@]}" | sort; echo '--'`;
    })
    .join('\n');
  const out = await runIn(['bash', '-c'], await script('bash'), body, cwd);
  return out
    .split('--\n')
    .slice(0, -1)
    .map((block) => block.split('\n').filter((l) => l !== ''));
}

test('bash: options, event lists, subcommands, shells and file names complete', async () => {
  const dir = tmpDir();
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, '$(touch pwned); x'), '');
  const [ev, cr, list, afterEq, eqPrefix, sub, shells, files, none] = await bashComplete(
    [
      ['--ev'],
      ['-e', 'cr'],
      ['-e', 'create,de'],
      ['--event', '=', ''],
      ['--event', '=', 'mo'],
      ['comp'],
      ['completion', ''],
      ['-m', './'],
      ['-t', ''],
    ],
    dir,
  );
  assert.deepEqual(ev, ['--event', '--events']);
  assert.deepEqual(cr, ['create']);
  assert.deepEqual(list, ['create,delete', 'create,delete_self']);
  assert.equal(afterEq!.length, 16);
  assert.deepEqual(eqPrefix, ['modify', 'move', 'move_self', 'moved_from', 'moved_to']);
  assert.deepEqual(sub, ['completion']);
  assert.deepEqual(shells, ['bash', 'fish', 'zsh']);
  assert.deepEqual(files, ['./$(touch pwned); x', './sub']); // names offered, never run
  assert.ok(!existsSync(join(dir, 'pwned')));
  assert.deepEqual(none, []); // --timeout takes seconds: nothing to offer
});

test('bash: every option and subcommand --help lists is offered (read from the live command tree)', async () => {
  const program = await buildProgram();
  const help = program.createHelp();
  const [options, words] = await bashComplete([['-'], ['']], tmpDir());
  assert.deepEqual(options, help.visibleOptions(program).flatMap(optionNames).sort());
  assert.deepEqual(
    words,
    help
      .visibleCommands(program)
      .map((c) => c.name())
      .sort(),
  );
});

test('zsh: the script parses, and sourced under compinit registers _tswatch', {
  skip: !has('zsh') && 'zsh not installed (apt-get install zsh)',
}, async () => {
  const file = await script('zsh');
  assert.equal(spawnSync('zsh', ['-n', file]).status, 0);
  const home = tmpDir();
  const body = `autoload -U compinit && compinit -u -d ${home}/.zcompdump && source ${file} && print -r -- $_comps[tswatch] $+functions[_tswatch__completion]`;
  const run = spawnCommand('zsh', ['-fc', body], { HOME: home });
  assert.equal(await run.exited, 0, run.stderr);
  assert.equal(run.stderr, '');
  assert.equal(run.stdout, '_tswatch 1\n');
});

/**
 * Drives an interactive zsh in a pseudo-terminal (zsh/zpty): for each (typed, expected) pair, types the
 * line and TAB TAB, then waits until the listing shows `expected` (a 60 s failure bound per step: zsh under a loaded CI machine is slow to start).
 * No signal is sent: a Ctrl-C landing while the second TAB's completion still runs kills it ("Killed by
 * signal in _tags") and may leave no prompt. Instead `synced` types ^Xm, bound to a widget showing
 * MARK<n>END; zle reads keys in order, so seeing it means everything typed before is done. The line is
 * then cleared with ^U (emacs keymap chosen, whatever $EDITOR says), and synced again.
 */
const ZSH_DRIVER = String.raw`setopt extendedglob
zmodload zsh/zpty
zpty z 'zsh -f -i'
out=''
expect() {
  local deadline=$((SECONDS + 60)) chunk plain
  while (( SECONDS < deadline )); do
    while zpty -r -t z chunk; do out+=$chunk; done
    plain=${'$'}{${'$'}{out//$'\e'\[[0-9;?]#[A-Za-z]/}//$'\r'/}
    [[ $plain == *"$1"* ]] && { out=''; return 0 }
    sleep 0.05
  done
  print -r -- "timed out waiting for ${'$'}{(q)1} in: ${'$'}{(q)plain}"
  exit 1
}
marks=0
synced() {
  zpty -w -n z $'\x18m'
  expect "MARK$((++marks))END"
}
zpty -w z "PS1='READY> '; bindkey -e; fpath=($1 \$fpath); autoload -U compinit; compinit -u -d $1/dump; zstyle ':completion:*' menu no; marks=0; mark() { zle -M MARK\$((++marks))END }; zle -N mark; bindkey '^Xm' mark"
synced
shift
while (( $# >= 2 )); do
  zpty -w -n z "$1"$'\t\t'
  expect "$2"
  print -r -- "ok $1"
  synced
  zpty -w -n z $'\x15'
  synced
  shift 2
done
zpty -d z
`;

test('zsh: an interactive shell completes options, event lists and subcommands', {
  skip: !has('zsh') && 'zsh not installed (apt-get install zsh)',
  timeout: 240_000,
}, async () => {
  const fpath = tmpDir();
  const generated = spawnTswatch(['completion', 'zsh']);
  assert.equal(await generated.exited, 0);
  writeFileSync(join(fpath, '_tswatch'), generated.stdout);
  writeFileSync(join(fpath, 'driver.zsh'), ZSH_DRIVER);
  const cases = [
    ['tswatch --ev', '--events  -- same as --event'],
    ['tswatch -e create,de', 'delete_self'],
    ['tswatch completion ', 'bash  fish  zsh'],
    ['tswatch doctor --', '--json  -- print the report as JSON'],
  ];
  const run = spawnCommand('zsh', ['-f', join(fpath, 'driver.zsh'), fpath, ...cases.flat()], { HOME: fpath });
  assert.equal(await run.exited, 0, run.stdout + run.stderr);
  assert.deepEqual(
    run.lines(),
    cases.map(([typed]) => `ok ${typed}`),
  );
});

test('fish: the script parses and completes options, event lists and subcommands', {
  skip: !has('fish') && 'fish not installed (apt-get install fish)',
}, async () => {
  const file = await script('fish');
  assert.equal(spawnSync('fish', ['-n', file]).status, 0);
  const home = tmpDir();
  const complete = (line: string) => `complete -C${JSON.stringify(line)} | string replace -r '\\t.*' ''; echo ==`;
  const run = spawnCommand(
    'fish',
    ['-c', `source ${file}\n${['tswatch --ev', 'tswatch -e create,de', 'tswatch completion ', 'tswatch comp'].map(complete).join('\n')}`],
    {
      HOME: home,
      XDG_CONFIG_HOME: home,
      XDG_DATA_HOME: home,
    },
  );
  assert.equal(await run.exited, 0, run.stderr);
  const [ev, list, shells, sub] = run.stdout.split('==\n').map((block) => block.split('\n').filter((l) => l !== ''));
  assert.deepEqual(ev, ['--event', '--events']);
  assert.deepEqual(list, ['create,delete', 'create,delete_self']);
  assert.deepEqual(shells, ['bash', 'fish', 'zsh']);
  assert.deepEqual(sub, ['completion']);
});

test('completion: an unknown shell is refused, naming the valid ones', async () => {
  const run = spawnTswatch(['completion', 'tcsh']);
  assert.equal(await run.exited, 1);
  assert.match(run.stderr, /value 'tcsh' is invalid for argument 'shell'\. Allowed choices are bash, zsh, fish\./);
});
