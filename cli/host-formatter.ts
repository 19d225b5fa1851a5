import { csvField, type EventFormatter } from '../handlers/event-format.js';
import { buildFormatter, type OutputFlags } from './options-output.js';

/**
 * How a fleet record is printed (but --json: the record as sent, the local --json object with host and
 * id): the local CLI's form led by the host (`HOST WATCHED EVENTS NAME`, `HOST,…` in CSV); in --format,
 * %H is the host.
 */
export function formatterFor(flags: OutputFlags): (host: string) => EventFormatter {
  const local = buildFormatter(flags); // the local CLI's checks (conflicts, %T without --timefmt)
  const cache = new Map<string, EventFormatter>();
  if (flags.format !== undefined) {
    return (host) => {
      let f = cache.get(host);
      if (f === undefined) {
        // %H → the host ('%' in it doubled); %%H stays a literal "%H".
        const format = flags.format!.replace(/%%|%H/g, (m) => (m === '%H' ? host.replaceAll('%', '%%') : m));
        f = buildFormatter({ ...flags, format });
        cache.set(host, f);
      }
      return f;
    };
  }
  const lead = flags.csv ? (host: string) => `${csvField(host)},` : (host: string) => `${host} `;
  return (host) => (event, now) => lead(host) + local(event, now);
}
