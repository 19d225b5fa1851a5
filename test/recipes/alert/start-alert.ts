import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { AlertEmail, type AlertOptions, type Digest } from '../../../recipes/alert/index.js';
import { tmpDir } from '../../helpers/tmp-dir.js';

/** An AlertEmail on real inotify, with small windows and retries; stopped when the test ends. */
export async function startAlert(t: { after: (fn: () => unknown) => void }, options: Partial<AlertOptions> & Pick<AlertOptions, 'rules'>) {
  const spoolDir = join(tmpDir(), 'spool');
  const alert = new AlertEmail(
    { mail: { to: ['ops@example.com'] }, spoolDir, window: 0.3, retryMin: 0.05, retryMax: 0.2, ...options },
    { cpuSampleMs: 20 },
  );
  const digests: Digest[] = [];
  const errors: Error[] = [];
  const retries: Error[] = [];
  alert.on('digest', (d: Digest) => digests.push(d));
  alert.on('error', (err: Error) => errors.push(err));
  alert.on('retry', (_entry, err: Error) => retries.push(err));
  await alert.start();
  let stopped = false;
  const stop = async () => {
    if (!stopped) await alert.stop();
    stopped = true;
  };
  t.after(stop);
  const spooled = () => readdirSync(spoolDir).filter((n) => n.endsWith('.json') || n.endsWith('.sending'));
  return { alert, digests, errors, retries, spoolDir, spooled, stop };
}
