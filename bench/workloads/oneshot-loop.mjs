// oneshot-loop: the way scripts use inotifywait without -m, `while CMD -e create DIR; do …; done`, while
// a writer creates one file every 10 ms. Each start of the command is a window in which creates are
// missed, so the share of files reported shows what the start-up costs a script.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fmt, fresh, sleep } from './common.mjs';

/** The loop, as a script would write it: each run prints the one file it saw, then exits; the loop starts it again. */
function startLoop(cmd, args, out, env) {
  const script = 'out=$1; shift; while "$@" >> "$out"; do :; done';
  const p = spawn('/bin/sh', ['-c', script, 'sh', out, cmd, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...env },
    detached: true,
  });
  let err = '';
  p.stderr.setEncoding('utf8').on('data', (chunk) => (err += chunk.slice(-4096)));
  return {
    ready: async () => {
      while (!err.includes('Watches established.')) await sleep(5);
    },
    stop: () => {
      try {
        process.kill(-p.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}

export function oneshotLoop(seconds, everyMs = 10) {
  const expected = Math.floor((seconds * 1000) / everyMs);
  return {
    id: 'oneshot-loop',
    family: 'oneshot-loop',
    subjects: ['tswatch', 'inotifywait'],
    title: `oneshot-loop: \`while CMD -e create --format %f DIR; do :; done\` while a writer creates one file every ${everyMs} ms for ${seconds} s (${expected} files): files reported`,
    columns: [
      ['seen', 'files reported', fmt.int],
      ['expected', 'files created', fmt.int],
      ['share', 'reported %', (v) => (v === undefined ? '–' : v.toFixed(1)), 'ratio'],
    ],
    async run(subject) {
      const tmp = fresh('oneshot');
      const dir = join(tmp.dir, 'w');
      const out = join(tmp.dir, 'seen');
      try {
        writeFileSync(out, '');
        mkdirSync(dir);
        const loop = startLoop(subject.cli.cmd, [...subject.cli.args, '-e', 'create', '--format', '%f', dir], out, subject.env);
        await loop.ready();
        const t0 = performance.now();
        for (let i = 0; i < expected; i++) {
          const due = t0 + i * everyMs - performance.now();
          if (due > 0) await sleep(due);
          writeFileSync(join(dir, `f${String(i).padStart(5, '0')}`), '');
        }
        await sleep(500); // the last run reports its file
        loop.stop();
        const seen = new Set(existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter(Boolean) : []).size;
        return { seen, expected, share: (100 * seen) / expected };
      } finally {
        tmp.cleanup();
      }
    },
  };
}
