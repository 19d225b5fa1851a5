import { z } from 'zod';
import { parseSize } from '../recipes/alert/alert-options.js';
import { parseSinkUrl } from '../recipes/fleet/open-sink.js';

/** A TswatchError as a zod issue: its message (the flag or key name cut) and hint. */
function addError(ctx: z.RefinementCtx, err: unknown): void {
  const { message, hint } = err as { message: string; hint?: string };
  ctx.addIssue({ code: 'custom', message: `${message.replace(/^\w+: /, '')}${hint ? ` (${hint})` : ''}` });
}
/** A check that throws a TswatchError, as a zod refinement. */
export const checked =
  <T>(check: (value: T) => unknown) =>
  (value: T, ctx: z.RefinementCtx): void => {
    try {
      check(value);
    } catch (err) {
      addError(ctx, err);
    }
  };
export const file = z.string().min(1);
/** '100M' or bytes, as a number of bytes. */
export const size = (key: string, parse: (key: string, value: string | number) => number = parseSize) =>
  z.union([z.number(), z.string()], { error: 'a size: bytes, or with a unit (500000, 512k, 100M, 1G)' }).transform((value, ctx) => {
    try {
      return parse(key, value);
    } catch (err) {
      addError(ctx, err);
      return z.NEVER;
    }
  });

/** What a sink and a stream to follow both say besides the URL: TLS files, the NATS stream, credential files. */
export const SOURCE_KEYS = {
  tls: z
    .strictObject({ ca: file.optional(), cert: file.optional(), key: file.optional(), rejectUnauthorized: z.boolean().optional() })
    .optional(),
  stream: z.string().min(1).optional(),
  credsFile: file.optional(),
  passwordFile: file.optional(),
};

/** A sink: its URL, or the URL with options (SinkConfig in recipes/fleet/sink.ts). */
export const sinkSchema = z.preprocess(
  (entry) => (typeof entry === 'string' ? { url: entry } : entry),
  z.strictObject(
    {
      url: z.string({ error: 'required: the sink URL' }).superRefine(checked((url) => parseSinkUrl(url, 'url'))),
      ...SOURCE_KEYS,
      maxLen: z.number().int().positive().optional(),
      rotateBytes: size('rotateBytes').optional(),
      keep: z.number().int().nonnegative().optional(),
    },
    { error: 'a sink URL (nats://HOST:4222/SUBJECT, file:///PATH.jsonl, …) or { url: URL, … }' },
  ),
);
