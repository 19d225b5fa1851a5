// The package as a user gets it: `npm pack` (which builds the prebuilt addon at prepack), installed
// into a fresh project with no install scripts and no compiler on PATH, must watch with the native
// inotify backend. Slow by nature (a pack, two installs): ~30 s.
import assert from 'node:assert/strict';
import { cpSync, existsSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, delimiter, join } from 'node:path';
import { before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { spawnCommand } from '../helpers/spawn-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const TIMEOUT = { timeout: 180_000 }; // a failure bound only

/** Find `name` on the test's own PATH. */
function which(name: string): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) if (dir && existsSync(join(dir, name))) return join(dir, name);
  throw new Error(`${name} not found on PATH`);
}

/** A PATH holding only node, npm, npx, a shell and a few coreutils: no compiler, no make, no python. */
function bareBin(bin: string): void {
  for (const tool of ['node', 'npm', 'npx', 'sh', 'env', 'cat', 'ls', 'mkdir', 'rm']) symlinkSync(which(tool), join(bin, tool));
}

/** Changes to the test's environment making it a user's shell: no npm_* variables from the `npm test` running us. */
function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const key of Object.keys(process.env)) if (/^npm_/i.test(key)) env[key] = undefined;
  return { ...env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false', ...extra };
}

/** Run to completion; fail with its output when the status is not 0. */
async function run(command: string, args: string[], options: { cwd?: string; env: NodeJS.ProcessEnv }) {
  const child = spawnCommand(command, args, options.env, options.cwd);
  const code = await child.exited;
  assert.equal(code, 0, `${command} ${args.join(' ')} exited ${code}\n${child.stdout}\n${child.stderr}`);
  return child;
}

// Made here, not in before(): a tmpDir made in a hook is removed when the hook ends.
const copy = tmpDir('tswatch-pack-src-');
const out = tmpDir('tswatch-pack-out-');
const bin = tmpDir('tswatch-bare-bin-');
const tarball = join(out, `tswatch-${VERSION}.tgz`);
const bare = userEnv({ PATH: bin, CXX: '/nonexistent/g++', CC: '/nonexistent/gcc' });

before(async () => {
  // Pack a copy of the checkout: the pack rebuilds dist/ and man/, which other test files are reading.
  const skip = new Set(['node_modules', 'dist', 'build', 'prebuilds', 'man', '.git']);
  cpSync(ROOT, copy, { recursive: true, filter: (src) => !skip.has(basename(src)) && !src.endsWith('.tgz') });
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
  await run('npm', ['pack', '--pack-destination', out], { cwd: copy, env: userEnv() });
  assert.ok(existsSync(tarball), `npm pack made ${readdirSync(out).join(', ')}`);
  assert.ok(!existsSync(join(copy, 'prebuilds')), 'postpack leaves no prebuilds/ in the checkout');
  bareBin(bin);
  for (const tool of ['c++', 'g++', 'gcc', 'cc', 'clang++', 'make', 'python3']) assert.ok(!existsSync(join(bin, tool)));
}, TIMEOUT);

/** `tswatch DIR -e EVENTS` run by `command`; a file written in DIR once watches are set. */
async function watchOnce(command: string, args: string[], events: string, cwd: string, env: NodeJS.ProcessEnv) {
  const dir = tmpDir();
  const watch = spawnCommand(command, [...args, dir, '-e', events, '-t', '30'], env, cwd);
  await watch.waitStderr('Watches established.');
  writeFileSync(join(dir, 'foo'), 'x');
  assert.equal(await watch.exited, 0, watch.stderr);
  return { dir, stdout: watch.stdout, stderr: watch.stderr };
}

test('npm install of the packed tarball, without scripts or a compiler, runs on the prebuilt native addon', TIMEOUT, async () => {
  const project = tmpDir('tswatch-user-project-');
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-project', private: true }));
  await run('npm', ['install', tarball, '--ignore-scripts', '--prefer-offline'], { cwd: project, env: bare });
  const installed = join(project, 'node_modules', 'tswatch');
  assert.ok(!existsSync(join(installed, 'build')), 'nothing was built at install');
  assert.deepEqual(readdirSync(join(installed, 'prebuilds')), ['linux-x64']);
  assert.ok(existsSync(join(installed, 'man', 'tswatch.1')));

  // doctor says which addon file loads (its exit status speaks of limits too: not checked here)
  const doctor = spawnCommand('npx', ['tswatch', 'doctor', '--json'], bare, project);
  await doctor.exited;
  const why = (JSON.parse(doctor.stdout) as { backend: { why: string } }).backend.why;
  assert.equal(why, `native addon ${join(installed, 'prebuilds', 'linux-x64', 'tswatch.glibc.node')}`);

  const plain = await watchOnce('npx', ['tswatch'], 'create', project, bare);
  assert.equal(plain.stdout, `${plain.dir}/ CREATE foo\n`);
  assert.doesNotMatch(plain.stderr, /tswatch: warning|parcel/, 'no fallback warning');
  // Only the native backend delivers CLOSE_WRITE, and TSWATCH_BACKEND=inotify refuses any other.
  const native = await watchOnce('npx', ['tswatch'], 'close_write', project, { ...bare, TSWATCH_BACKEND: 'inotify' });
  assert.equal(native.stdout, `${native.dir}/ CLOSE_WRITE,CLOSE foo\n`);

  // The @parcel/watcher facade as a user's program imports it from the installed package.
  const watched = tmpDir();
  const parcel = `import watcher from 'tswatch/parcel';
    const sub = await watcher.subscribe(${JSON.stringify(watched)}, async (err, events) => {
      console.log(JSON.stringify(err ? err.message : events));
      await sub.unsubscribe();
    });
    (await import('node:fs')).writeFileSync(${JSON.stringify(join(watched, 'foo'))}, 'x');`;
  const facade = await run('node', ['--input-type=module', '-e', parcel], { cwd: project, env: bare });
  assert.deepEqual(JSON.parse(facade.stdout), [{ type: 'create', path: join(watched, 'foo') }]);
});

test('npm install -g of the tarball gives a working tswatch command, its man page and completions', TIMEOUT, async () => {
  const prefix = tmpDir('tswatch-global-');
  const install = await run('npm', ['install', '-g', tarball, '--prefix', prefix, '--prefer-offline'], { env: bare });
  assert.doesNotMatch(install.stderr, /falling back|not built/, 'the install script, if npm ran it, took the prebuild');
  const tswatch = join(prefix, 'bin', 'tswatch');
  assert.equal((await run(tswatch, ['--version'], { env: bare })).stdout, `${VERSION}\n`);
  // npm extracts dist/bundle before dist/src, so the bundle is the older file: it is still the one that runs
  const traced = await run(tswatch, ['--version'], { env: { ...bare, TSWATCH_BUNDLE_TRACE: '1' } });
  assert.match(traced.stderr, /^tswatch: bundle, code cache (used|not used)$/m, 'the installed command runs the bundle');
  const watched = await watchOnce(tswatch, [], 'close_write', prefix, bare);
  assert.equal(watched.stdout, `${watched.dir}/ CLOSE_WRITE,CLOSE foo\n`);
  assert.doesNotMatch(watched.stderr, /tswatch: warning|parcel/, 'no fallback warning');
  assert.ok(existsSync(join(prefix, 'share', 'man', 'man1', 'tswatch.1')), 'npm links the man page');
  assert.match((await run(tswatch, ['completion', 'bash'], { env: bare })).stdout, /^complete -F _tswatch tswatch$/m);
});
