import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { strftime } from '../../handlers/strftime.js';

test('every conversion matches glibc strftime (date +FORMAT) in several zones and dates', () => {
  const formats = [...'aAbBcCdDeFgGhHIjklmMnpPrRsStTuUVwWxXyYzZ%'].map((c) => `%${c}`).concat(['%-d', '%_H', '%^a', '%0e', '%Q']);
  const dates = [
    Date.UTC(2026, 0, 3, 7, 5, 9),
    Date.UTC(2020, 11, 31, 23, 59, 59),
    Date.UTC(2021, 0, 1, 12),
    Date.UTC(2024, 1, 29, 3, 4, 5),
  ];
  // One `date` call per zone and date: every conversion separated by a newline.
  const joined = formats.join('%n');
  for (const tz of ['UTC', 'America/New_York', 'Europe/Berlin']) {
    for (const ms of dates) {
      const theirs = execFileSync('date', ['-d', `@${ms / 1000}`, `+${joined}`], { env: { ...process.env, TZ: tz } })
        .toString()
        .replace(/\n$/, '');
      const ours = execFileSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `import { strftime } from ${JSON.stringify(new URL('../../handlers/strftime.js', import.meta.url).href)}; process.stdout.write(strftime(${JSON.stringify(joined)}, new Date(${ms})));`,
        ],
        {
          env: { ...process.env, TZ: tz },
        },
      ).toString();
      assert.deepEqual(ours.split('\n'), theirs.split('\n'), `${tz} ${new Date(ms).toISOString()}`);
    }
  }
  assert.equal(strftime('%%T', new Date()), '%T');
});
