import type { FleetRecord } from '../sink.js';
import type { SourceOptions } from './source-options.js';

/**
 * A message of the stream as a record, or undefined for one that is not a tswatch record (another
 * publisher on the subject, a hand-typed test): said through `onSkip` and passed over (acknowledged),
 * never fatal, or a durable consumer would meet it again at every start.
 */
export function parseRecord(text: string, options: SourceOptions): FleetRecord | undefined {
  try {
    const record = JSON.parse(text) as Partial<FleetRecord> | null;
    if (
      typeof record?.id === 'string' &&
      typeof record.host === 'string' &&
      typeof record.mask === 'number' &&
      typeof record.path === 'string'
    ) {
      return record as FleetRecord;
    }
  } catch {
    // said below
  }
  options.onSkip?.(`skipped a message that is not a tswatch record: ${JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text)}`);
  return undefined;
}
