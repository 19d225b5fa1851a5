import { hostname as osHostname } from 'node:os';
import type { Writable } from 'node:stream';
import { composeMail } from './compose-mail.js';
import type { Digest } from './digest-queue.js';
import { hostReport, type HostReport } from './host-report.js';
import { type MailTemplates, mailView } from './mail-templates.js';
import type { Outbox } from './outbox.js';
import type { Spool, SpoolEntry } from './spool.js';

export interface DigestMailerOptions {
  from: string;
  subjectPrefix: string;
  templates: MailTemplates;
  /** Filesystems for the host report's disk usage; undefined: no host report. */
  hostReportPaths: string[] | undefined;
  webhook: string | undefined;
  /** Dry run: print here instead of spooling. */
  dryRunOut: Writable | undefined;
  spool: Spool;
  outbox: Outbox;
  hostname?: string;
  /** CPU sample for the host report, ms. */
  cpuSampleMs?: number;
}

/** The JSON a webhook receives: the digest and host report a mail was made from, plus its ids. */
export interface WebhookBody {
  messageId: string;
  subject: string;
  hostname: string;
  digest: Digest | undefined;
  host: HostReport | undefined;
}

/** Turns a digest (or nothing: a host report alone) into a mail, written to the spool and then sent. */
export class DigestMailer {
  private readonly hostname: string;

  constructor(private readonly options: DigestMailerOptions) {
    this.hostname = options.hostname ?? osHostname();
  }

  /** Resolves once the mail (and webhook post) is in the spool, or printed on a dry run. */
  async send(digest: Digest | undefined, to: string[]): Promise<SpoolEntry[]> {
    const o = this.options;
    const host = o.hostReportPaths ? await hostReport(o.hostReportPaths, o.cpuSampleMs) : undefined;
    const rendered = o.templates.render(mailView(o.subjectPrefix, this.hostname, digest, host));
    const headers: Record<string, string> = { 'X-Tswatch-Kind': digest?.kind ?? 'report' };
    if (digest) headers['X-Tswatch-Rule'] = digest.rule.replace(/[\r\n]+/g, ' ');
    // For mail filters: the fleet hosts the findings come from.
    if (digest?.hosts.length) headers['X-Tswatch-Hosts'] = digest.hosts.join(', ').replace(/[\r\n]+/g, ' ');
    const mail = await composeMail(rendered, { from: o.from, to, hostname: this.hostname, headers });
    const body: WebhookBody = { messageId: mail.messageId, subject: rendered.subject, hostname: this.hostname, digest, host };
    if (o.dryRunOut) {
      o.dryRunOut.write(`--- mail to ${to.join(', ') || '(no recipient)'} ---\n${mail.raw.replace(/\r\n/g, '\n')}\n`);
      if (o.webhook) o.dryRunOut.write(`--- POST ${o.webhook} ---\n${JSON.stringify(body, null, 2)}\n`);
      return [];
    }
    const entries = [o.spool.add({ mail })];
    if (o.webhook) entries.push(o.spool.add({ webhook: { url: o.webhook, body } }));
    o.outbox.kick();
    return entries;
  }
}
