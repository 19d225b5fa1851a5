import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { commandTree } from '../../cli/command-tree.js';
import { manPage } from '../../cli/man-page.js';
import { packageVersion } from '../../cli/package-version.js';
import { buildProgram } from '../../cli/program.js';
import { spawnCommand, spawnTswatch } from '../helpers/spawn-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

/** `man -l FILE` as a reader sees it: plain text, and whatever groff warned. */
async function render(file: string): Promise<{ text: string; warnings: string }> {
  const run = spawnCommand('man', ['--warnings', '-l', file], { MANWIDTH: '100', LC_ALL: 'C.UTF-8', MANPAGER: 'cat', PAGER: 'cat' });
  assert.equal(await run.exited, 0, run.stderr);
  // groff draws \- as a minus sign in UTF-8; a reader types a hyphen.
  return { text: run.stdout.replace(/[\u2010\u2212]/g, '-'), warnings: run.stderr };
}

/** The items of one `--help` section ("Options:", "Commands:"): each term and its description. */
function helpItems(help: string, heading: string): Array<{ term: string; description: string }> {
  const start = help.indexOf(`\n${heading}\n`);
  if (start === -1) return [];
  const body = help.slice(start + heading.length + 2).split('\n\n')[0]!;
  const items: Array<{ term: string; description: string }> = [];
  for (const line of body.split('\n')) {
    const m = /^ {2}(\S.*?)(?: {2,}(.*))?$/.exec(line);
    if (m) items.push({ term: m[1]!, description: m[2] ?? '' });
    else if (items.length > 0) items.at(-1)!.description += ` ${line.trim()}`; // a wrapped description
  }
  return items;
}

/** The part of the rendered page about one command: from its heading to the next top-level heading. */
function section(text: string, heading: string): string {
  const lines = text.split('\n');
  const start = lines.indexOf(heading);
  assert.notEqual(start, -1, `man page has a ${heading} section`);
  const end = lines.findIndex((line, i) => i > start && /^\S/.test(line));
  return lines.slice(start, end === -1 ? undefined : end).join('\n');
}

test('man/tswatch.1 is what the generator makes from the current command tree (npm run build writes it)', async () => {
  const onDisk = readFileSync(join(ROOT, 'man', 'tswatch.1'), 'utf8');
  assert.equal(onDisk, manPage(await buildProgram(), packageVersion()), 'man/tswatch.1 is stale: run `npm run build`');
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { man?: string[]; files?: string[] };
  assert.deepEqual(pkg.man, ['./man/tswatch.1']);
  assert.ok(pkg.files?.includes('man/'));
});

test('man -l renders the page without warnings', async () => {
  const { text, warnings } = await render(join(ROOT, 'man', 'tswatch.1'));
  assert.equal(warnings, '');
  assert.match(text, /^NAME\n {7}tswatch - Watch files and directories/m);
});

test('the man page lists every option, argument and subcommand --help lists, for every command', async () => {
  const file = join(tmpDir(), 'tswatch.1');
  writeFileSync(file, manPage(await buildProgram(), packageVersion()));
  const { text } = await render(file);
  const nodes = commandTree(await buildProgram());
  assert.ok(nodes.length > 1, 'tswatch has subcommands');
  for (const node of nodes) {
    // commander's implicit `help` command answers --help with its parent's help: nothing of its own to compare.
    if (node.parent !== undefined && !node.parent.commands.includes(node.command)) continue;
    const path = node.path.slice(1);
    const run = spawnTswatch([...path, '--help']);
    assert.equal(await run.exited, 0, run.stderr);
    const where =
      path.length === 0
        ? section(text, 'OPTIONS') + section(text, 'ARGUMENTS') + section(text, 'COMMANDS')
        : section(text, node.path.join(' ').toUpperCase());
    const items = [...helpItems(run.stdout, 'Options:'), ...helpItems(run.stdout, 'Arguments:'), ...helpItems(run.stdout, 'Commands:')];
    assert.ok(items.length > 0, `tswatch ${path.join(' ')} --help lists something`);
    for (const { term, description } of items) {
      assert.ok(squash(where).includes(squash(term)), `man page section for ${node.path.join(' ')} lists ${term}`);
      assert.ok(
        squash(where).includes(squash(description)),
        `man page section for ${node.path.join(' ')} describes ${term}: ${description}`,
      );
    }
  }
});
