import type { Writable } from 'node:stream';
import { deliveryProblem } from './delivery-problem.js';
import { DigestMailer } from './digest-mailer.js';
import { MailTemplates } from './mail-templates.js';
import { Outbox } from './outbox.js';
import { createSenders } from './senders.js';
import { smtpTransportConfig, type SmtpOptions } from './smtp-config.js';
import { Spool } from './spool.js';

export interface MailPipelineOptions {
  from: string;
  subjectPrefix: string;
  smtp: SmtpOptions;
  spoolDir: string;
  retryMinMs: number;
  retryMaxMs: number;
  templateDir: string | undefined;
  webhook: string | undefined;
  /** undefined: mails carry no host report. */
  hostReportPaths: string[] | undefined;
  /** Print mails here instead of sending them. */
  dryRunOut?: Writable | undefined;
  cpuSampleMs?: number;
  /** A custom template failed and the built-in one was used. */
  onWarning?: (message: string) => void;
}

export interface MailPipeline {
  spool: Spool;
  outbox: Outbox;
  mailer: DigestMailer;
}

/**
 * templates → spool → outbox → SMTP / webhook, checked up front: a bad SMTP setting, template or
 * spool directory is an error at start, not when the first alert fires. Mails left in the spool by
 * an earlier run go out first.
 */
export function openMailPipeline(o: MailPipelineOptions): MailPipeline {
  const smtp = smtpTransportConfig(o.smtp, process.env, o.dryRunOut === undefined);
  const templates = new MailTemplates(o.templateDir, o.onWarning);
  const spool = new Spool(o.spoolDir);
  if (!o.dryRunOut) spool.open();
  const outbox = new Outbox(spool, createSenders(smtp), {
    retryMinMs: o.retryMinMs,
    retryMaxMs: o.retryMaxMs,
    explain: (err, entry) => (entry.mail ? deliveryProblem(err, smtp) : undefined),
  });
  const mailer = new DigestMailer({
    from: o.from,
    subjectPrefix: o.subjectPrefix,
    templates,
    hostReportPaths: o.hostReportPaths,
    webhook: o.webhook,
    dryRunOut: o.dryRunOut,
    spool,
    outbox,
    ...(o.cpuSampleMs === undefined ? {} : { cpuSampleMs: o.cpuSampleMs }),
  });
  if (!o.dryRunOut) outbox.kick(true);
  return { spool, outbox, mailer };
}
