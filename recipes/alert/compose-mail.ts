import { randomUUID } from 'node:crypto';
import { TswatchError } from '../../src/index.js';
import type { RenderedMail } from './mail-templates.js';
import type { SpooledMail } from './spool.js';

export interface MailHeaders {
  from: string;
  to: string[];
  hostname: string;
  /** Extra headers (X-Tswatch-Rule …). */
  headers?: Record<string, string>;
}

/**
 * The finished RFC 5322 message, built once: every retry sends these bytes, so the unique Message-ID
 * lets a reader (or a filter) recognize a resend after a crash between "accepted" and "removed".
 */
export async function composeMail(rendered: RenderedMail, h: MailHeaders): Promise<SpooledMail> {
  let MailComposer: typeof import('nodemailer/lib/mail-composer').default;
  try {
    MailComposer = (await import('nodemailer/lib/mail-composer')).default;
  } catch (err) {
    throw new TswatchError('the nodemailer package is needed to compose mail', {
      code: 'EMISSINGDEP',
      cause: err,
      hint: 'install it next to tswatch: npm install nodemailer',
    });
  }
  const messageId = `<tswatch.${randomUUID()}@${h.hostname}>`;
  const raw = await new MailComposer({
    from: h.from,
    to: h.to,
    subject: rendered.subject,
    text: rendered.text,
    html: rendered.html,
    messageId,
    date: new Date(),
    // RFC 3834: a machine wrote this; vacation responders must not answer it.
    headers: { 'Auto-Submitted': 'auto-generated', ...h.headers },
  })
    .compile()
    .build();
  return { messageId, envelope: { from: h.from, to: h.to }, raw: raw.toString('utf8') };
}
