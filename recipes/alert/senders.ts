import { TswatchError } from '../../src/index.js';
import { deliveryProblem } from './delivery-problem.js';
import { type Delivered, PermanentDeliveryError, type Senders } from './outbox.js';
import type { SmtpTransportConfig } from './smtp-config.js';
import type { SpooledMail, SpooledWebhook } from './spool.js';

/** nodemailer is loaded when the first mail goes out, with an error naming it if it is missing. */
async function loadNodemailer(): Promise<typeof import('nodemailer')> {
  try {
    return await import('nodemailer');
  } catch (err) {
    throw new TswatchError('the nodemailer package is needed to send mail', {
      code: 'EMISSINGDEP',
      cause: err,
      hint: 'install it next to tswatch: npm install nodemailer',
    });
  }
}

/** SMTP through nodemailer, and webhooks through fetch. */
export function createSenders(smtp: SmtpTransportConfig, webhookTimeoutMs = 15_000): Senders {
  let transport: ReturnType<typeof import('nodemailer').createTransport> | undefined;
  return {
    async mail(mail: SpooledMail): Promise<Delivered> {
      transport ??= (await loadNodemailer()).createTransport(smtp);
      try {
        // The raw message is sent as spooled: same bytes, same Message-ID on every attempt.
        const info = await transport.sendMail({ envelope: mail.envelope, raw: mail.raw });
        return {
          rejected: ((info.rejected ?? []) as Array<string | { address: string }>).map((r) => (typeof r === 'string' ? r : r.address)),
        };
      } catch (err) {
        const e = err as Error & { code?: string; responseCode?: number };
        // 5xx for the recipients will not change by retrying; a refused or missing login may (fix the config, restart).
        if (e.code === 'EENVELOPE' && (e.responseCode ?? 0) >= 500 && !deliveryProblem(e, smtp))
          throw new PermanentDeliveryError(e.message);
        throw err;
      }
    },
    async webhook(hook: SpooledWebhook): Promise<Delivered> {
      const response = await fetch(hook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'tswatch' },
        body: JSON.stringify(hook.body),
        signal: AbortSignal.timeout(webhookTimeoutMs),
      });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`webhook ${hook.url} answered ${response.status} ${response.statusText}`);
      return { rejected: [] };
    },
  };
}
