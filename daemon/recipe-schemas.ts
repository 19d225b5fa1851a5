import { z } from 'zod';
import { SOURCE_KEYS } from './sink-schema.js';

/** A string or a list of them, as a list (`paths: /etc` or `paths: [/etc, /srv]`). */
const list = z
  .union([z.string().min(1), z.array(z.string().min(1)).min(1)], { error: 'a string or a non-empty list of strings' })
  .transform((value) => (typeof value === 'string' ? [value] : value));
const seconds = z.number().nonnegative();
const size = z.union([z.number().nonnegative(), z.string().regex(/^\s*\d+(\.\d+)?\s*[bkmgt]?(i?b)?\s*$/i)], {
  error: 'a size in bytes or with a unit: 500000, 512k, 10M, 1G',
});

/** `recipe: backup`: LiveBackup's options, SRC and DEST included (relative to the config file). */
export const backupOptionsSchema = z.strictObject({
  src: z.string().min(1),
  dest: z.string().min(1),
  /** Keep this many earlier copies of each path (0: none). */
  versions: z.number().int().nonnegative().optional(),
  /** Globs (as tswatch backup --exclude) never copied or deleted. */
  exclude: list.optional(),
  delete: z.boolean().optional(),
  checksum: z.boolean().optional(),
  concurrency: z.number().int().positive().optional(),
  dryRun: z.boolean().optional(),
});

const ruleSchema = z.strictObject({
  name: z.string().min(1).optional(),
  paths: list,
  events: list.optional(),
  glob: list.optional(),
  ignore: list.optional(),
  recursive: z.boolean().optional(),
  checks: z
    .strictObject({
      checksum: z.boolean().optional(),
      permissions: z.boolean().optional(),
      sizeAbove: size.optional(),
      match: z.string().min(1).optional(),
      matchFlags: z
        .string()
        .regex(/^[imsu]*$/, "regular expression flags such as 'i'")
        .optional(),
    })
    .optional(),
  to: list.optional(),
  /** With `stream`: globs on the hosts events come from. */
  hosts: list.optional(),
});

const streamUrl = z.string().regex(/^(nats|redis|rediss|mqtt|mqtts):\/\//, 'a nats://, redis:// or mqtt:// URL');
/** A fleet stream to read: its URL, or { url, tls, stream, credsFile, passwordFile } (SinkConfig's source part). */
const streamSchema = z.union([streamUrl, z.strictObject({ url: streamUrl, ...SOURCE_KEYS })]);

/** `recipe: alert`: the AlertOptions object (durations in seconds). */
export const alertOptionsSchema = z.strictObject({
  rules: z.array(ruleSchema).min(1, 'at least one rule with the paths to watch'),
  mail: z.strictObject({ to: list, from: z.string().min(1).optional(), subjectPrefix: z.string().optional() }),
  smtp: z
    .strictObject({
      url: z
        .string()
        .regex(/^smtps?:\/\//, 'an smtp:// or smtps:// URL')
        .optional(),
      host: z.string().min(1).optional(),
      port: z.number().int().min(1).max(65535).optional(),
      security: z.enum(['tls', 'starttls', 'none', 'auto']).optional(),
      user: z.string().optional(),
      passFile: z.string().optional(),
      caFile: z.string().optional(),
      insecure: z.boolean().optional(),
      timeout: seconds.optional(),
    })
    .optional(),
  window: seconds.optional(),
  maxPerHour: z.number().int().positive().optional(),
  remindAfter: seconds.optional(),
  spoolDir: z.string().min(1).optional(),
  retryMin: seconds.optional(),
  retryMax: seconds.optional(),
  templateDir: z.string().min(1).optional(),
  hostReport: z.boolean().optional(),
  webhook: z.url().optional(),
  dryRun: z.boolean().optional(),
  /** Alert on a fleet stream's events instead of watching here (rule paths: paths on the watched hosts). */
  stream: streamSchema.optional(),
  /** The durable consumer's name (default tswatch-alert-HOSTNAME-HASH); false: none. */
  durable: z.union([z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _'), z.literal(false)]).optional(),
  /** Where reading starts the first time: an ISO time. */
  since: z.iso.datetime({ offset: true }).optional(),
});
