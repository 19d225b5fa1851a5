import { statSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { TswatchError } from '../../src/index.js';
import { checkAddresses, defaultSpoolDir, seconds } from './alert-options.js';
import type { DeliveryProblem } from './delivery-problem.js';
import { openMailPipeline } from './mail-pipeline.js';
import type { SmtpOptions } from './smtp-config.js';
import type { SpoolEntry } from './spool.js';

export interface HostReportMailOptions {
  to: string[];
  from?: string;
  subjectPrefix?: string;
  smtp?: SmtpOptions;
  spoolDir?: string;
  retryMin?: number;
  retryMax?: number;
  templateDir?: string;
  webhook?: string;
  /** Filesystems to report the disk usage of. Default ['/']. */
  paths?: string[];
  /** Seconds to keep retrying before giving up (the mail stays in the spool for the next run). Default 60. */
  wait?: number;
  dryRun?: boolean;
}

export interface HostReportResult {
  /** The server accepted the mail (and the webhook its post). */
  delivered: boolean;
  messageId: string | undefined;
  /** Why the last attempt failed, when not delivered. */
  lastError: string | undefined;
  /** The setting at fault and its fix, when the failure was one (a refused login, smtps:// to a plain port). */
  problem: DeliveryProblem | undefined;
}

/** `tswatch report`: one host report mail, through the spool; older spooled mails go out too. */
export async function sendHostReport(
  options: HostReportMailOptions,
  io: { dryRunOut?: Writable; cpuSampleMs?: number; onWarning?: (message: string) => void } = {},
): Promise<HostReportResult> {
  if (options.to.length === 0 && !options.dryRun) {
    throw new TswatchError('no recipient for the host report', { code: 'EBADOPTION', hint: 'give one with --to ops@example.com' });
  }
  checkAddresses('to', options.to);
  if (options.from !== undefined) checkAddresses('from', [options.from]);
  const paths = (options.paths?.length ? options.paths : ['/']).map((p) => resolve(p));
  // A typo would silently report the filesystem of the nearest existing parent (often '/').
  for (const path of paths) {
    try {
      statSync(path);
    } catch (err) {
      throw new TswatchError(
        `cannot report on '${path}': ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`,
        {
          code: (err as NodeJS.ErrnoException).code ?? 'EIO',
          path,
          hint: 'give existing paths on the filesystems to report (tswatch report / /srv)',
        },
      );
    }
  }
  const retryMinMs = seconds('retryMin', options.retryMin, 2) * 1000;
  const { outbox, mailer } = openMailPipeline({
    from: options.from ?? `tswatch@${hostname()}`,
    subjectPrefix: options.subjectPrefix ?? '[tswatch]',
    smtp: options.smtp ?? {},
    spoolDir: options.spoolDir ?? defaultSpoolDir(),
    retryMinMs,
    retryMaxMs: Math.max(retryMinMs, seconds('retryMax', options.retryMax, 600) * 1000),
    templateDir: options.templateDir,
    webhook: options.webhook,
    hostReportPaths: paths,
    dryRunOut: options.dryRun ? (io.dryRunOut ?? process.stdout) : undefined,
    ...(io.cpuSampleMs === undefined ? {} : { cpuSampleMs: io.cpuSampleMs }),
    ...(io.onWarning === undefined ? {} : { onWarning: io.onWarning }),
  });
  const waiting = new Set<string>();
  let lastError: string | undefined;
  let problem: DeliveryProblem | undefined;
  let finish!: () => void;
  const finished = new Promise<void>((done) => (finish = done));
  outbox.on('sent', (entry: SpoolEntry) => waiting.delete(entry.id) && waiting.size === 0 && finish());
  outbox.on('retry', (entry: SpoolEntry, err: Error) => {
    if (waiting.has(entry.id)) lastError = err.message;
  });
  // Said once, for whichever mail met it first (an older spooled one, maybe): it is about the server, not the mail.
  outbox.on('problem', (p: DeliveryProblem) => {
    problem = p;
  });
  const end = (err: Error): void => {
    lastError = err.message;
    finish();
  };
  outbox.on('failed', (entry: SpoolEntry, err: Error) => waiting.has(entry.id) && end(err));
  outbox.on('error', end);
  const entries = await mailer.send(undefined, options.to);
  if (entries.length === 0) return { delivered: true, messageId: undefined, lastError: undefined, problem: undefined }; // dry run
  for (const entry of entries) waiting.add(entry.id);
  const timer = setTimeout(finish, seconds('wait', options.wait, 60) * 1000);
  await finished;
  clearTimeout(timer);
  await outbox.close();
  const delivered = waiting.size === 0;
  return { delivered, messageId: entries[0]!.mail?.messageId, lastError, problem: delivered ? undefined : problem };
}
