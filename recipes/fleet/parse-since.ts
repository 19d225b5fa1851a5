import { TswatchError } from '../../src/index.js';

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** --since / `since:`: an ISO date/time, or a duration back from now (90s, 15m, 2h, 7d). */
export function parseSince(value: string, now = Date.now()): Date {
  const ago = /^(\d+(?:\.\d+)?)([smhd])$/.exec(value.trim());
  const date = ago ? new Date(now - Number(ago[1]) * UNITS[ago[2]!]!) : new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new TswatchError(`--since: '${value}' is neither a date nor a duration`, {
      code: 'EBADFLAG',
      hint: "give an ISO time (2026-11-26T01:00:00Z, '2026-11-26 01:00') or a duration back from now (90s, 15m, 2h, 7d)",
    });
  }
  return date;
}
