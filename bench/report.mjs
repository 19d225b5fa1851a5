// Markdown tables, one per workload, with a ratio column (subject / tswatch) after each cost metric.
const REF = 'tswatch';

/** v / ref; '–' when tswatch's value is under the metric's resolution (CPU: 10 ms clock ticks). */
function ratio(v, ref, min = 0) {
  if (typeof v !== 'number' || typeof ref !== 'number' || !Number.isFinite(v) || !Number.isFinite(ref)) return 'n/a';
  if (ref < min || ref === 0) return '–';
  const r = v / ref;
  return `${r < 10 ? r.toFixed(2) : r.toFixed(0)}×`;
}

/** One workload's table. `rows` is [{subject, result?, error?}] in subject order. */
export function table(workload, rows) {
  const refName = workload.ref ?? REF; // the backup table compares with rsync
  const ref = rows.find((r) => r.subject === refName)?.result;
  const head = ['subject'];
  for (const [, label, , kind] of workload.columns) head.push(label, ...(kind === 'ratio' ? [`× ${refName}`] : []));
  const lines = [`### ${workload.title}`, '', `| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const { subject, result, error } of rows) {
    const cells = [subject];
    if (!result) {
      cells.push(error.replace(/\|/g, '\\|'));
      while (cells.length < head.length) cells.push('–');
    } else {
      for (const [key, , f, kind, min] of workload.columns) {
        cells.push(f(result[key]));
        if (kind === 'ratio') cells.push(ratio(result[key], ref?.[key], min));
      }
    }
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

export function header({ quick, env, missing }) {
  const lines = [
    `# tswatch benchmarks (${quick ? 'quick' : 'full'} run)`,
    '',
    `${env.date} · ${env.kernel} · ${env.cpus} CPUs · node ${env.node} · max_queued_events ${env.maxQueued} · temp dirs on ${env.tmp}${env.certsUnset ? ' · NODE_EXTRA_CA_CERTS unset for every subject' : ''}`,
    '',
    `Versions: ${Object.entries(env.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(' · ')}`,
    '',
    'Ratios are subject value / tswatch value (below 1× = cheaper or faster than tswatch). CPU and RSS are',
    "the watcher process's own (/proc/<pid>/stat utime+stime over all threads, VmHWM), CPU counted from READY",
    'to just before stopping; CPU ratios are left out (–) when tswatch used under 20 ms (10 ms clock ticks).',
    'Event times are when the adapter line reaches the harness, for every subject.',
  ];
  if (missing.length) lines.push('', '**Not available:**', '', ...missing.map(([s, why]) => `- ${s}: ${why}`));
  return lines.join('\n');
}
