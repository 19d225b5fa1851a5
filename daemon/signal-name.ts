import { constants } from 'node:os';
import { TswatchError } from '../src/index.js';

/** `TERM`, `SIGTERM`, `term`, `15` → 'SIGTERM'. */
export function parseSignal(flag: string, value: string): NodeJS.Signals {
  const upper = value.trim().toUpperCase();
  const byNumber = Object.entries(constants.signals).find(([, n]) => String(n) === upper)?.[0];
  const name = byNumber ?? (upper.startsWith('SIG') ? upper : `SIG${upper}`);
  if (!(name in constants.signals)) {
    throw new TswatchError(`${flag}: unknown signal '${value}'`, {
      code: 'EBADFLAG',
      hint: 'give a signal name or number: TERM, INT, HUP, USR1, USR2, KILL, QUIT, 15, …',
    });
  }
  return name as NodeJS.Signals;
}
