/** The inotify backend's life in a process: its fd, reader thread and the event loop, from start to exit. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tmpDir } from '../helpers/tmp-dir.js';

const BACKEND_URL = new URL('../../src/backends/inotify.js', import.meta.url).href;

/** Run a script in a fresh node; resolves with its exit code and output. */
function runChild(source: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const dir = tmpDir();
  const file = join(dir, 'child.mjs');
  writeFileSync(file, source);
  const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000); // only a failure bound
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

test('close() releases the fd and thread, and the process exits on its own', async () => {
  const dir = tmpDir();
  const { code, stdout, stderr } = await runChild(`
    import { readdirSync } from 'node:fs';
    const { InotifyBackend } = await import(${JSON.stringify(BACKEND_URL)});
    const count = () => ({ fds: readdirSync('/proc/self/fd').length, threads: readdirSync('/proc/self/task').length });
    const before = count();
    const backend = new InotifyBackend();
    backend.addWatch(${JSON.stringify(dir)}, 0xfff);
    backend.start(() => {}, (err) => { throw err; });
    const during = count();
    backend.close();
    backend.close(); // idempotent
    console.log(JSON.stringify({ before, during, after: count() }));
  `);
  assert.equal(code, 0, stderr);
  const { before, during, after } = JSON.parse(stdout) as Record<string, { fds: number; threads: number }>;
  assert.equal(during!.fds, before!.fds + 2); // the inotify fd and the wake eventfd
  assert.equal(during!.threads, before!.threads + 1); // the reader
  assert.deepEqual(after, before);
});

test('while started the event loop stays alive; process.exit() with the reader running is clean', async () => {
  const dir = tmpDir();
  // An unref'd timer fires only if something else (the reader's tsfn) holds the loop open.
  const alive = await runChild(`
    const { InotifyBackend } = await import(${JSON.stringify(BACKEND_URL)});
    const backend = new InotifyBackend();
    backend.addWatch(${JSON.stringify(dir)}, 0xfff);
    backend.start(() => {}, () => {});
    setTimeout(() => { console.log('alive'); backend.close(); }, 100).unref();
  `);
  assert.equal(alive.code, 0, alive.stderr);
  assert.equal(alive.stdout.trim(), 'alive');

  const exiting = await runChild(`
    import { writeFileSync } from 'node:fs';
    const { InotifyBackend } = await import(${JSON.stringify(BACKEND_URL)});
    const backend = new InotifyBackend();
    backend.addWatch(${JSON.stringify(dir)}, 0xfff);
    backend.start((batch) => { if (batch.some((e) => e.name === 'go')) process.exit(0); }, () => {});
    writeFileSync(${JSON.stringify(join(dir, 'go'))}, '');
  `);
  assert.equal(exiting.code, 0, exiting.stderr);
});

test('a worker terminated with its reader running leaves no fd or thread behind', async () => {
  const { code, stdout, stderr } = await runChild(`
    import { Worker } from 'node:worker_threads';
    import { readdirSync } from 'node:fs';
    const count = () => readdirSync('/proc/self/fd').length + '/' + readdirSync('/proc/self/task').length;
    // A first worker sets up what workers share for good (an fd of the process's own); count after it.
    await new Worker('', { eval: true }).terminate();
    const before = count();
    for (let i = 0; i < 3; i++) {
      const worker = new Worker(\`
        import(${JSON.stringify(BACKEND_URL)}).then(({ InotifyBackend }) => {
          const backend = new InotifyBackend();
          backend.addWatch(${JSON.stringify(tmpDir())}, 0xfff);
          backend.start(() => {}, () => {});
          require('node:worker_threads').parentPort.postMessage('started');
        });\`, { eval: true });
      await new Promise((resolve) => worker.once('message', resolve));
      await worker.terminate();
    }
    // Worker threads themselves finish exiting a little after terminate() resolves: poll, bounded.
    const deadline = Date.now() + 10_000;
    while (count() !== before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    console.log(JSON.stringify({ before, after: count() }));
  `);
  assert.equal(code, 0, stderr);
  const { before, after } = JSON.parse(stdout) as { before: string; after: string };
  assert.equal(after, before);
});

test('TSWATCH_NO_NATIVE=1 makes the addon look missing', async () => {
  const { code, stdout, stderr } = await runChild(`
    process.env.TSWATCH_NO_NATIVE = '1';
    const { loadNativeAddon } = await import(${JSON.stringify(new URL('../../src/backends/native-addon.js', import.meta.url).href)});
    console.log(JSON.stringify(loadNativeAddon()));
  `);
  assert.equal(code, 0, stderr);
  assert.match(JSON.parse(stdout).error, /TSWATCH_NO_NATIVE/);
});

test("the reader thread is named, so its CPU shows apart from node's own threads", async () => {
  const { code, stdout, stderr } = await runChild(`
    import { readdirSync, readFileSync } from 'node:fs';
    const { InotifyBackend } = await import(${JSON.stringify(BACKEND_URL)});
    const names = () => readdirSync('/proc/self/task').map((t) => readFileSync('/proc/self/task/' + t + '/comm', 'utf8').trim());
    const backend = new InotifyBackend();
    backend.start(() => {}, (err) => { throw err; });
    console.log(JSON.stringify(names()));
    backend.close();
  `);
  assert.equal(code, 0, stderr);
  assert.ok((JSON.parse(stdout) as string[]).includes('tswatch-inotify'), stdout);
});
