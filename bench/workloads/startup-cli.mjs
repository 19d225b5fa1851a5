// startup-cli: how long the command users run takes to be ready, and its memory then, beside Node's own
// start (`node -e 0`, measured in the same rounds) and inotifywait. A one-shot script loop pays this
// on every event, so it is the window in which events are missed.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fmt, fresh, now } from './common.mjs';

/** Launch → `ready` on stderr (or exit when `ready` is undefined): ms, and VmRSS in MiB at that moment. */
function launch(cmd, args, env, ready) {
  return new Promise((resolve, reject) => {
    const t0 = now();
    const p = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
    let err = '';
    let done = false;
    const finish = (ms) => {
      if (done) return;
      done = true;
      let rss = NaN;
      try {
        rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p.pid}/status`, 'utf8'))[1]) / 1024;
      } catch {
        // already gone (a command timed to its exit)
      }
      if (ready !== undefined) p.kill('SIGKILL');
      resolve({ ms, rss });
    };
    p.stderr.setEncoding('utf8').on('data', (chunk) => {
      err += chunk;
      if (ready !== undefined && err.includes(ready)) finish(now() - t0);
    });
    p.on('error', reject);
    p.on('close', () =>
      ready === undefined ? finish(now() - t0) : !done && reject(new Error(`exited before '${ready}': ${err.slice(-200)}`)),
    );
  });
}

const median = (values) => {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  return v.length ? v[Math.floor(v.length / 2)] : NaN;
};

export function startupCli(rounds) {
  return {
    id: 'startup-cli',
    family: 'startup-cli',
    subjects: ['tswatch', 'inotifywait'],
    title: `startup-cli: the command as users run it, launch → "Watches established." on an empty directory, median of ${rounds} rounds; node -e 0 in the same rounds`,
    columns: [
      ['ready', 'ready ms', fmt.ms, 'ratio'],
      ['node', 'node -e 0 ms', fmt.ms],
      ['overNode', 'ready − node ms', fmt.ms],
      ['rss', 'RSS at ready MiB', fmt.mb, 'ratio'],
      ['version', '--version ms', fmt.ms],
      ['help', '--help ms', fmt.ms],
    ],
    async run(subject) {
      const tmp = fresh('startup-cli');
      const cli = subject.cli; // how this subject starts one watch, and its --version / --help
      try {
        const r = { ready: [], rss: [], node: [], version: [], help: [] };
        for (let i = 0; i < rounds; i++) {
          r.node.push((await launch(process.execPath, ['-e', '0'], {}, undefined)).ms);
          const w = await launch(cli.cmd, [...cli.args, '-m', '-e', 'create', tmp.dir], subject.env, 'Watches established.');
          r.ready.push(w.ms);
          r.rss.push(w.rss);
          if (cli.version) r.version.push((await launch(cli.cmd, [...cli.args, '--version'], subject.env, undefined)).ms);
          r.help.push((await launch(cli.cmd, [...cli.args, '--help'], subject.env, undefined)).ms);
        }
        const m = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, median(v)]));
        return { ...m, overNode: m.ready - m.node };
      } finally {
        tmp.cleanup();
      }
    },
  };
}
