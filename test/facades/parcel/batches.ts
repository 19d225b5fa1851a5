import { after } from 'node:test';
import { subscribe, type Event, type Options } from '../../../facades/parcel/index.js';
import { waitFor } from '../../helpers/wait-for.js';

/** A live subscription recording every batch (and error) it is handed; unsubscribed when the file ends. */
export async function batches(dir: string, options?: Options) {
  const seen: Event[][] = [];
  const errors: Error[] = [];
  const sub = await subscribe(dir, (err, events) => (err ? errors.push(err) : seen.push(events)), options);
  after(() => sub.unsubscribe());
  return {
    seen,
    errors,
    sub,
    /** Every event so far, batches joined. */
    all: () => seen.flat(),
    /** The first batch after `count` batches have come (waits for it). */
    async batch(index: number): Promise<Event[]> {
      await waitFor(
        () => seen.length > index,
        () => `batch ${index} (have ${JSON.stringify(seen)})`,
      );
      return seen[index]!;
    },
  };
}
