/** The alert-mail recipe: `AlertEmail` for watching, `sendHostReport` for the status mail alone. */
export { AlertEmail, type AlertEmailIO } from './alert-email.js';
export {
  DEFAULT_EVENTS,
  TAMPER_EVENTS,
  defaultSpoolDir,
  parseSize,
  resolveAlertOptions,
  type AlertOptions,
  type AlertRule,
  type CheckOptions,
  type MailOptions,
} from './alert-options.js';
export type { Condition, Digest, Finding, PathGroup } from './digest-queue.js';
export type { WebhookBody } from './digest-mailer.js';
export { deliveryProblem, type DeliveryProblem, type DeliveryProblemKind } from './delivery-problem.js';
export { hostReport, type DiskUsage, type HostReport } from './host-report.js';
export { sendHostReport, type HostReportMailOptions, type HostReportResult } from './send-host-report.js';
export { DEFAULT_TEMPLATES, type TemplateName } from './default-templates.js';
export type { MailView } from './mail-templates.js';
export { describeSmtp, smtpTransportConfig, SMTP_SECURITY, type SmtpOptions, type SmtpSecurity } from './smtp-config.js';
export type { SpoolEntry } from './spool.js';
export { LogTail } from './log-tail.js';
