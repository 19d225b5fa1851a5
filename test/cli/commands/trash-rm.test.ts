/** `tswatch trash rm` against the real /bin/rm: same arguments on identical trees, same output and status. */
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runSync, trashEnv, tswatchSync } from '../../helpers/trash-env.js';
import { tmpDir } from '../../helpers/tmp-dir.js';

const NAMES = ['file', 'file2', 'a b', "it's", 'nl\nx', 't\tb', '$(touch pwned)', 'é', '-dash', '100%'];

function makeTree(dir: string): void {
  for (const name of NAMES) writeFileSync(join(dir, name), name === 'file2' ? '' : 'content');
  mkdirSync(join(dir, 'empty'));
  mkdirSync(join(dir, 'dir'));
  writeFileSync(join(dir, 'dir', 'x'), 'x');
  mkdirSync(join(dir, 'deep', 's'), { recursive: true });
  writeFileSync(join(dir, 'deep', 's', 'x'), 'x');
  symlinkSync('nowhere', join(dir, 'link'));
}

/** Every entry below `dir`: directories end in '/', symlinks in '@'. */
function tree(dir: string, prefix = ''): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const st = lstatSync(join(dir, name));
      if (st.isDirectory()) return [`${prefix}${name}/`, ...tree(join(dir, name), `${prefix}${name}/`)];
      return [`${prefix}${name}${st.isSymbolicLink() ? '@' : ''}`];
    });
}

const leaves = (entries: string[]): number => entries.filter((e) => !e.endsWith('/')).length;

/** Run ARGS through /bin/rm and through tswatch trash rm on identical trees; both results. */
function both(args: string[], input = '') {
  const real = tmpDir('rm-real-');
  makeTree(real);
  const ours = trashEnv();
  makeTree(ours.work);
  const before = tree(ours.work);
  const locale = { LC_ALL: 'C.UTF-8' };
  const rm = runSync('rm', args, { cwd: real, env: locale, input });
  const trm = tswatchSync(['trash', 'rm', ...args], { cwd: ours.work, env: { ...locale, ...ours.env }, input });
  const ourTree = tree(ours.work);
  const inTrash = ours.trash
    .list()
    .reduce((n, item) => n + (item.isDirectory ? leaves(tree(join(item.trashDir, 'files', item.name))) : 1), 0);
  return { rm, trm, realTree: tree(real), ourTree, removed: leaves(before) - leaves(ourTree), inTrash };
}

const SCENARIOS: Array<{ args: string[]; input?: string }> = [
  { args: ['missing'] },
  { args: ['-f', 'missing'] },
  { args: ['file', 'missing', 'file2'] },
  { args: ['dir'] },
  { args: ['-d', 'dir'] },
  { args: ['-d', 'empty', 'file'] },
  { args: ['-r', 'dir', 'empty'] },
  { args: ['-rv', 'deep'] },
  { args: ['-R', '-v', 'dir'] },
  { args: ['-rv', 'deep/', 'dir//x'] },
  { args: ['-dv', 'empty/'] },
  { args: ['-v', 'file', 'a b', "it's", 'nl\nx', 't\tb', '$(touch pwned)', 'é', '100%', 'link'] },
  { args: ['-v', '--', '-dash'] },
  { args: ['-f'] },
  { args: ['.'] },
  { args: ['..'] },
  { args: ['-r', '.'] },
  { args: ['-rf', './..', 'file'] },
  { args: ['/'] },
  { args: ['-fi', 'missing'] },
  { args: ['-if', 'missing'] },
  { args: ['-i', 'file', 'file2', 'a b'], input: 'y\nn\nyes\n' },
  { args: ['-i', 'file'] },
  { args: ['-ri', 'deep', 'empty'], input: 'y\ny\ny\ny\nn\nY\n' },
  { args: ['-ri', 'deep'], input: 'y\nn\n' },
  { args: ['-dir', 'link', 'dir/x'], input: 'y\nn\n' },
];

for (const { args, input } of SCENARIOS) {
  test(`rm ${JSON.stringify(args)}${input ? ` <<< ${JSON.stringify(input)}` : ''}: same status, output, prompts and result as /bin/rm`, () => {
    const r = both(args, input);
    assert.equal(r.trm.status, r.rm.status, r.trm.stderr);
    assert.equal(r.trm.stderr, r.rm.stderr);
    assert.equal(r.trm.stdout, r.rm.stdout);
    assert.deepEqual(r.ourTree, r.realTree);
    // Nothing lost: every file rm deleted is in the trash instead.
    assert.equal(r.inTrash, r.removed);
  });
}

test("rm with no operand, and rm -r /: rm's messages (the hint names tswatch trash rm), status 1, nothing touched", () => {
  const { work, env, trash } = trashEnv();
  const none = tswatchSync(['trash', 'rm'], { cwd: work, env });
  assert.equal(none.status, 1);
  assert.equal(none.stderr, "rm: missing operand\nTry 'tswatch trash rm --help' for more information.\n");
  const root = tswatchSync(['trash', 'rm', '-rf', '/'], { cwd: work, env });
  assert.equal(root.status, 1);
  assert.match(root.stderr, /^rm: it is dangerous to operate recursively on '\/'\n/);
  assert.deepEqual(trash.list(), []);
});

test('trash rm --help shows the alias; an unknown flag is an error naming it, exit 1', () => {
  const help = tswatchSync(['trash', 'rm', '--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /alias rm='tswatch trash rm'/);
  const bad = tswatchSync(['trash', 'rm', '-x', 'file']);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /^tswatch: unknown option '-x'\n/);
});
