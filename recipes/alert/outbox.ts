import { EventEmitter } from 'node:events';
import type { DeliveryProblem } from './delivery-problem.js';
import type { Spool, SpoolEntry, SpooledMail, SpooledWebhook } from './spool.js';

/** What the server said: recipients it refused while accepting the mail for the others. */
export interface Delivered {
  rejected: string[];
}

/** How each kind of entry is handed over; a rejection means "not delivered, try again later". */
export interface Senders {
  mail(mail: SpooledMail): Promise<Delivered>;
  webhook(hook: SpooledWebhook): Promise<Delivered>;
}

export interface OutboxOptions {
  retryMinMs: number;
  retryMaxMs: number;
  /** A failed send → the setting at fault and its fix, when it is one (see deliveryProblem). */
  explain?: (err: unknown, entry: SpoolEntry) => DeliveryProblem | undefined;
}

/** An error no retry will cure (the server refused the recipients for good). */
export class PermanentDeliveryError extends Error {}

/**
 * Delivers what the spool holds, oldest first, one pass at a time. A failed entry goes back with
 * exponential backoff (retryMin · 2^(attempts-1), at most retryMax); the retry state is in the entry's
 * file, so it carries across restarts.
 *
 * Events: `sent` (entry, Delivered), `retry` (entry, err), `problem` (DeliveryProblem, entry: said once per
 * kind, not on every retry, until a mail is delivered), `failed` (entry, err: permanent, entry kept aside),
 * `idle` (after a pass; entries still waiting), `error` (err).
 */
export class Outbox extends EventEmitter {
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Problems said since the last delivery: a retry of the same one stays quiet. */
  private readonly said = new Set<string>();

  constructor(
    private readonly spool: Spool,
    private readonly senders: Senders,
    private readonly options: OutboxOptions,
  ) {
    super();
  }

  /**
   * Try everything that is due, now (or right after the pass under way). `replay`: everything, due or
   * not, as at start: whatever kept the server away may have been fixed by the restart.
   */
  kick(replay = false): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.pass(replay).finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  /** Stop retrying; resolves once the send under way (if any) has ended, its entry back in the spool. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private backoff(attempts: number): number {
    return Math.min(this.options.retryMaxMs, this.options.retryMinMs * 2 ** Math.min(attempts - 1, 30));
  }

  private async pass(replay: boolean): Promise<void> {
    let next = Infinity;
    let waiting = 0;
    // Once the mail server failed, the other mails wait for the next pass instead of each knocking too.
    let mailDown = false;
    try {
      for (const entry of this.spool.list()) {
        if (this.closed) break;
        if (entry.mail && mailDown) {
          waiting++;
          continue;
        }
        if (!replay && entry.nextAttempt > Date.now()) {
          next = Math.min(next, entry.nextAttempt);
          waiting++;
          continue;
        }
        if (!this.spool.claim(entry)) continue; // another tswatch has it
        try {
          const delivered = await this.send(entry);
          this.spool.done(entry);
          if (entry.mail) this.said.clear(); // the mail server works again (a webhook's success says nothing of it)
          this.emit('sent', entry, delivered);
        } catch (err) {
          entry.attempts++;
          entry.lastError = (err as Error).message;
          if (err instanceof PermanentDeliveryError) {
            this.spool.reject(entry);
            this.emit('failed', entry, err);
            continue;
          }
          mailDown ||= entry.mail !== undefined;
          entry.nextAttempt = Date.now() + this.backoff(entry.attempts);
          this.spool.release(entry);
          next = Math.min(next, entry.nextAttempt);
          waiting++;
          this.emit('retry', entry, err);
          const problem = this.options.explain?.(err, entry);
          if (problem && !this.said.has(problem.kind)) {
            this.said.add(problem.kind);
            this.emit('problem', problem, entry);
          }
        }
      }
    } catch (err) {
      this.emit('error', err);
    }
    if (next < Infinity && !this.closed) this.timer = setTimeout(() => this.kick(), Math.max(0, next - Date.now()));
    this.emit('idle', waiting);
  }

  private send(entry: SpoolEntry): Promise<Delivered> {
    if (entry.mail) return this.senders.mail(entry.mail);
    if (entry.webhook) return this.senders.webhook(entry.webhook);
    return Promise.reject(new PermanentDeliveryError(`spool entry ${entry.id} holds neither a mail nor a webhook`));
  }
}
