import type { SmtpTransportConfig } from './smtp-config.js';

/** Failures that no retry will cure until the setting is fixed, and that a raw SMTP or TLS error does not explain. */
export type DeliveryProblemKind = 'login-refused' | 'login-required' | 'tls-to-plain-port';

export interface DeliveryProblem {
  kind: DeliveryProblemKind;
  /** What happened, in words. */
  message: string;
  /** How to fix it. */
  hint: string;
}

type SendError = Error & { code?: string; responseCode?: number; command?: string; reason?: string };

/** The ways to give the login, as `tswatch alert`/`report` and a config file take them. */
const LOGIN = 'the user (smtp://USER@HOST, --smtp-user or TSWATCH_SMTP_USER) and the password (TSWATCH_SMTP_PASS or --smtp-pass-file)';

/** TLS records cannot parse a plain-text greeting ("220 …"): OpenSSL's words for it. */
const PLAIN_GREETING = /wrong version number|unknown protocol|packet length too long|record layer failure/i;
/** What some plain servers do instead: hang up on the ClientHello. Likely the same mistake, not certain. */
const HUNG_UP = /ECONNRESET|socket hang up/i;

/**
 * A failed mail send → the setting at fault and its fix, or undefined for anything else (a server
 * down, a full mailbox: the raw error says it well enough). `smtp`: the transport it was sent through.
 */
export function deliveryProblem(err: unknown, smtp: SmtpTransportConfig): DeliveryProblem | undefined {
  const e = err as SendError;
  const host = smtp.host.includes(':') ? `[${smtp.host}]` : smtp.host;
  const server = `${host}:${smtp.port}`;
  // 535: credentials invalid; 534: the server wants another mechanism or an app password (RFC 4954).
  const refused = e.responseCode === undefined || e.responseCode >= 500; // 454: a passing failure of the server's own
  if (e.responseCode === 535 || e.responseCode === 534 || (e.code === 'EAUTH' && refused && smtp.auth)) {
    return {
      kind: 'login-refused',
      message: `the SMTP server ${server} refused the login of '${smtp.auth?.user ?? ''}' (${e.message.trim()})`,
      hint: `check ${LOGIN}${e.responseCode === 534 ? '; the server may want an app password' : ''}`,
    };
  }
  // 530: the server takes mail only after a login, and none was given.
  if (e.responseCode === 530 || (e.code === 'EAUTH' && refused && !smtp.auth)) {
    return {
      kind: 'login-required',
      message: `the SMTP server ${server} wants a login, and none is set (${e.message.trim()})`,
      hint: `give ${LOGIN}`,
    };
  }
  const said = `${e.reason ?? ''} ${e.message} ${e.code ?? ''}`;
  if (smtp.secure && e.command === 'CONN' && (PLAIN_GREETING.test(said) || HUNG_UP.test(said))) {
    const likely = PLAIN_GREETING.test(said) ? '' : 'hung up on the TLS handshake: it likely ';
    return {
      kind: 'tls-to-plain-port',
      message: `port ${smtp.port} of ${host} ${likely}speaks plain SMTP, not TLS from the first byte as smtps:// does (${(e.reason ?? e.message).trim()})`,
      hint: `use smtp://${host}:${smtp.port} (with STARTTLS: --smtp-security starttls), or smtps:// to the server's TLS port (usually 465)`,
    };
  }
  return undefined;
}
