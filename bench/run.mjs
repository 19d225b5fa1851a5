// `npm run bench [-- --quick] [--only burst,race] [--subjects tswatch,inotifywait] [--no-build]`
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, release } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH, ROOT, buildHelpers, buildTswatch } from './build.mjs';
import { header, table } from './report.mjs';
import { allSubjects, smokeCheck } from './subjects.mjs';
import { backup } from './workloads/backup.mjs';
import { bigTree } from './workloads/big-tree.mjs';
import { burst } from './workloads/burst.mjs';
import { latency } from './workloads/latency.mjs';
import { moves } from './workloads/moves.mjs';
import { maxQueued, overflow } from './workloads/overflow.mjs';
import { race } from './workloads/race.mjs';
import { startup } from './workloads/startup.mjs';
import { startupCli } from './workloads/startup-cli.mjs';
import { oneshotLoop } from './workloads/oneshot-loop.mjs';
import { unrelatedActivity } from './workloads/unrelated-activity.mjs';
import { SINK_KINDS, sinks } from './workloads/sinks.mjs';
import { setTmpBase, tmpBase } from './workloads/common.mjs';

const { values: opt } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    subjects: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    out: { type: 'string', default: join(BENCH, 'results') },
    tmp: { type: 'string' },
    'backup-tmp': { type: 'string' },
  },
});
// Where NODE_EXTRA_CA_CERTS is set (this sandbox sets it; users rarely do), Node parses that bundle at
// every start, ~35 ms that inotifywait and rsync never pay: every subject runs without it.
const certsUnset = process.env.NODE_EXTRA_CA_CERTS !== undefined;
delete process.env.NODE_EXTRA_CA_CERTS;
const list = (s) =>
  s
    ?.split(',')
    .map((x) => x.trim())
    .filter(Boolean);
const log = (...a) => console.error(...a);

const q = opt.quick;
const tmp = setTmpBase(tmpBase(opt.tmp));
const over = Math.max(maxQueued() + 4000, Math.ceil(maxQueued() * 1.25));
const workloads = [
  ...(q ? [5000] : [20000, 100000]).map(burst),
  startupCli(q ? 5 : 9),
  oneshotLoop(q ? 3 : 10),
  startup(q ? 200 : 2000, 25),
  bigTree(q ? 2000 : 20000, 10, q ? 10000 : 100000),
  race(q ? 100 : 500),
  moves(q ? 200 : 1000, q ? 50 : 200),
  latency(q ? 50 : 200),
  overflow(over),
  unrelatedActivity(q ? 20000 : 100000),
  // tswatch only; a broker that is not installed gives a "failed" row.
  ...SINK_KINDS.map((kind) => sinks(kind, q ? 20000 : 100000)),
  // tswatch backup beside rsync -a and cp -a, on a disk (--backup-tmp; the OS temp dir by default).
  q ? backup(2000, 195, 1, opt['backup-tmp']) : backup(10000, 977, 3, opt['backup-tmp']),
].filter((w) => !list(opt.only) || list(opt.only).some((o) => o === w.family || o === w.id));

const helpers = buildHelpers();
if (!opt['no-build'] && (!list(opt.subjects) || list(opt.subjects).includes('tswatch'))) {
  log('building tswatch (tsc -p tsconfig.json, then the bundle)…');
  const err = buildTswatch();
  if (err) log(`  ${err} — benchmarking whatever dist/ holds`);
}
const subjects = allSubjects(helpers).filter((s) => !list(opt.subjects) || list(opt.subjects).some((n) => n === s.key || n === s.name));

const missing = [];
for (const s of subjects) {
  s.unavailable = await smokeCheck(s).catch((e) => `smoke check failed: ${e.message}`);
  log(`${s.name.padEnd(16)} ${s.unavailable ? `NOT AVAILABLE: ${s.unavailable}` : 'ok'}`);
  if (s.unavailable) missing.push([s.name, s.unavailable]);
}

const ctx = { helpers, quick: q, quietMs: q ? 1500 : 3000 };
const t0 = Date.now();
const results = {};
const sections = [];
for (const w of workloads) {
  log(`\n== ${w.title}`);
  const rows = [];
  if (w.runAll)
    rows.push(...(await w.runAll(ctx).catch((e) => [{ subject: 'tswatch', error: `failed: ${String(e.message).split('\n')[0]}` }])));
  for (const s of subjects.filter(
    (s) => !w.runAll && (!w.subjects || w.subjects.includes(s.key)) && (!s.families || s.families.includes(w.family)),
  )) {
    if (s.unavailable) {
      rows.push({ subject: s.name, error: 'not available (reason above the tables)' });
      continue;
    }
    const t = Date.now();
    try {
      rows.push({ subject: s.name, result: await w.run(s.forWorkload ? s.forWorkload(w.family, s) : s, ctx) });
    } catch (e) {
      rows.push({ subject: s.name, error: `failed: ${String(e.message).split('\n')[0]}` });
    }
    log(`  ${s.name.padEnd(16)} ${((Date.now() - t) / 1000).toFixed(1)}s ${JSON.stringify(rows.at(-1).result ?? rows.at(-1).error)}`);
  }
  results[w.id] = { title: w.title, rows };
  sections.push(table(w, rows));
  console.log(`\n${sections.at(-1)}\n`);
}

const env = {
  date: new Date().toISOString().slice(0, 16).replace('T', ' '),
  kernel: `Linux ${release()}`,
  cpus: cpus().length,
  node: process.versions.node,
  maxQueued: maxQueued(),
  tmp: `${tmp} (${fsType(tmp)})`,
  certsUnset,
  versions: versions(),
  seconds: (Date.now() - t0) / 1000,
};
const md = `${header({ quick: q, env, missing })}\n\n${sections.join('\n\n')}\n\nTotal ${env.seconds.toFixed(0)} s.\n`;
mkdirSync(opt.out, { recursive: true });
writeFileSync(join(opt.out, 'latest.md'), md);
writeFileSync(join(opt.out, 'latest.json'), JSON.stringify({ quick: q, env, missing, results }, null, 2));
log(`\nwrote ${join(opt.out, 'latest.md')} and latest.json (${env.seconds.toFixed(0)} s)`);

function versions() {
  const pkg = (name) => {
    try {
      return JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
    } catch {
      return 'missing';
    }
  };
  const sh = (cmd, args) => {
    const r = spawnSync(cmd, args, { encoding: 'utf8' }); // inotifywait --help exits 1
    return r.error ? 'missing' : `${r.stdout}${r.stderr}`.trim().split('\n')[0];
  };
  return {
    tswatch: JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version,
    inotifywait: sh('/usr/bin/inotifywait', ['--help']).replace('inotifywait ', ''),
    pyinotify: sh('/usr/bin/python3', ['-c', 'import pyinotify; print(pyinotify.__version__)']),
    watchdog: sh('/usr/bin/python3', ['-c', 'from watchdog.version import VERSION_STRING as v; print(v)']),
    chokidar: pkg('chokidar'),
    '@parcel/watcher': pkg('@parcel/watcher'),
    python: sh('/usr/bin/python3', ['--version']).replace('Python ', ''),
  };
}

function fsType(dir) {
  try {
    return execFileSync('stat', ['-f', '-c', '%T', dir], { encoding: 'utf8' }).trim();
  } catch {
    return '?';
  }
}
