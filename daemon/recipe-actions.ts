import { readdirSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { z } from 'zod';
import { TswatchError } from '../src/index.js';
import type { Action, ActionContext, ActionFactory } from './action.js';
import type { alertOptionsSchema, backupOptionsSchema } from './recipe-schemas.js';

/** Mails and webhook posts waiting in an alert spool (each a .json entry). */
function spooledMails(dir: string): number {
  try {
    return readdirSync(dir).filter((name) => name.endsWith('.json')).length;
  } catch {
    return 0;
  }
}

const describe = (err: unknown): string => (err instanceof TswatchError ? err.describe() : (err as Error).message);

/** An action for a recipe that watches by itself: events come through the recipe, not the watch. */
function selfWatching(
  stop: () => Promise<unknown>,
  watching: Action['watching'],
  status: () => Record<string, unknown> = () => ({}),
  pausing?: Pick<Action, 'pause' | 'resume'>,
): Action {
  return {
    handler() {},
    drain: async () => true,
    close: async () => void (await stop()),
    status: () => ({ running: [], ...status() }),
    watching,
    ...pausing,
  };
}

/** `recipe: backup`: a LiveBackup of `src` into `dest` (paths relative to the config file). */
export const backupActionFactory: ActionFactory = async (raw, context: ActionContext) => {
  const { src, dest, exclude, ...options } = raw as z.output<typeof backupOptionsSchema>;
  const { LiveBackup } = await import('../recipes/backup/index.js');
  const job = new LiveBackup(resolve(context.baseDir, src), resolve(context.baseDir, dest), { ...options, exclude: exclude ?? [] });
  job.on('error', (err: unknown) => context.log(`backup: ${describe(err)}`));
  job.on('notice', (line: string) => context.log(`backup: ${line}`));
  const summary = await job.start();
  context.log(`backup: initial sync of ${job.src} into ${job.dest}: ${summary.copied} copied, ${summary.unchanged} unchanged`, 'info');
  let lastChange: string | undefined;
  job.on('action', () => {
    lastChange = new Date().toISOString();
  });
  return selfWatching(
    async () => {
      await job.idle();
      await job.stop();
    },
    () => job.watching(),
    () => ({
      queued: job.queued,
      lastSync: lastChange ?? 'initial sync only',
      ...(job.incomplete.size > 0 && { notBackedUp: job.incomplete.size }),
    }),
    {
      // Paused: SRC is not watched. Resumed: watched again, and a resync copies what changed meanwhile.
      pause: () => job.pause(),
      resume: async () => {
        const resumed = await job.resume();
        resumed?.synced.then(
          (s) =>
            context.log(
              `backup: resumed; resync of ${job.src}: ${s.copied} copied, ${s.deleted} deleted, ${s.unchanged} unchanged`,
              'info',
            ),
          (err: unknown) => context.log(`backup: resync after resume: ${describe(err)}`),
        );
      },
    },
  );
};

/** `recipe: alert`: AlertEmail with the AlertOptions object (relative paths relative to the config file). */
export const alertActionFactory: ActionFactory = async (raw, context: ActionContext) => {
  const options = raw as z.output<typeof alertOptionsSchema>;
  const local = <T extends string | undefined>(path: T): T =>
    path === undefined || isAbsolute(path) ? path : (resolve(context.baseDir, path) as T);
  const { AlertEmail } = await import('../recipes/alert/index.js');
  const stream = typeof options.stream === 'object' ? options.stream : undefined;
  const alert = new AlertEmail({
    ...options,
    // With a stream, rule paths are on the watched hosts: nothing to resolve here.
    rules: options.stream ? options.rules : options.rules.map((rule) => ({ ...rule, paths: rule.paths.map((path) => local(path)) })),
    ...(stream && {
      stream: {
        ...stream,
        ...(stream.tls && { tls: { ...stream.tls, ca: local(stream.tls.ca), cert: local(stream.tls.cert), key: local(stream.tls.key) } }),
        credsFile: local(stream.credsFile),
        passwordFile: local(stream.passwordFile),
      },
    }),
    ...(options.smtp && { smtp: { ...options.smtp, passFile: local(options.smtp.passFile), caFile: local(options.smtp.caFile) } }),
    spoolDir: local(options.spoolDir),
    templateDir: local(options.templateDir),
  });
  alert.on('error', (err: unknown) => context.log(`alert: ${describe(err)}`));
  alert.on('sent', (entry: { mail?: { messageId: string }; id: string }) =>
    context.log(`alert: ${entry.mail ? `mail ${entry.mail.messageId}` : `webhook post ${entry.id}`} delivered`, 'info'),
  );
  alert.on('retry', (_entry: unknown, err: Error) => context.log(`alert: not delivered yet (${err.message}); retrying`));
  alert.on('problem', ({ message, hint }: { message: string; hint: string }) =>
    context.log(`alert: mail not delivered: ${message}; ${hint}; retrying`),
  );
  alert.on('failed', (entry: { id: string }, err: Error) =>
    context.log(`alert: refused for good (${err.message}); kept in ${alert.options.spoolDir}/failed/${entry.id}.json`),
  );
  let lastSent: string | undefined;
  alert.on('sent', () => {
    lastSent = new Date().toISOString();
  });
  await alert.start();
  return selfWatching(
    () => alert.stop(),
    () => alert.watching(),
    () => ({ spooled: spooledMails(alert.options.spoolDir), lastSent: lastSent ?? 'none yet' }),
  );
};
