// Copies a full run's tables into the docs, so the figures users read are the ones a run printed:
// docs/performance.md gets every table (between `bench:start`/`bench:end`), the README the 100k burst
// (between `bench-headline:start`/`end`). Usage: node bench/update-docs.mjs [bench/results/latest.md]
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './build.mjs';

const source = process.argv[2] ?? join(ROOT, 'bench/results/latest.md');
const run = readFileSync(source, 'utf8');
if (!/^# tswatch benchmarks \(full run\)/.test(run)) {
  console.error(`${source}: not a full run (run \`npm run bench\` without --quick or --only first)`);
  process.exit(1);
}

const [, stamp = '', versions = ''] = run.match(/\n\n(.+?)\n\nVersions: (.+?)\n/) ?? [];
const sections = run.split(/\n(?=### )/).slice(1);
const notAvailable = run.match(/\*\*Not available:\*\*\n\n((?:- .+\n)+)/)?.[1] ?? '';

/** A section as the docs show it: its heading in bold, then its table (the run's own text). */
const asDoc = (section) =>
  section
    .replace(/\n+Total [\d.]+ s\.\s*$/, '')
    .trim()
    .replace(/^### (.+)$/m, '**$1**');
const find = (heading) => {
  const section = sections.find((s) => s.startsWith(`### ${heading}`));
  if (!section) throw new Error(`${source}: no "### ${heading}" table`);
  return asDoc(section);
};

function replaceBetween(file, name, body) {
  const path = join(ROOT, file);
  const text = readFileSync(path, 'utf8');
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${file}: markers ${start} … ${end} not found`);
  writeFileSync(path, `${text.slice(0, from + start.length)}\n${body}\n${text.slice(to)}`);
  console.log(`${file}: ${name} block updated from ${source}`);
}

const header = `One full run, ${stamp}; versions: ${versions} (\`bench/results/latest.md\` has the same tables):`;
const missing = notAvailable ? `\n\nNot available in that run:\n\n${notAvailable.trim()}` : '';
replaceBetween('docs/performance.md', 'bench', `${header}${missing}\n\n${sections.map(asDoc).join('\n\n')}`);
replaceBetween('README.md', 'bench-headline', find('burst: 100,000'));
// The docs are under the formatter's gate (`npm run lint`): pad the tables as it would.
execFileSync('npx', ['biome', 'format', '--write', 'README.md', 'docs/performance.md'], { cwd: ROOT, stdio: 'ignore' });
