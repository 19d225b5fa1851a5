import { TswatchError } from '../../src/errors.js';

/** A duration flag given in `unit`s, returned in ms. */
export function parseDuration(flag: string, value: string, unit: 'ms' | 's'): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new TswatchError(`${flag}: '${value}' is not a duration`, {
      code: 'EBADFLAG',
      hint: `give ${flag} a number of ${unit === 'ms' ? 'milliseconds' : 'seconds'}, 0 or more`,
    });
  }
  return unit === 'ms' ? n : n * 1000;
}

export function parseCount(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    throw new TswatchError(`${flag}: '${value}' is not a whole number`, {
      code: 'EBADFLAG',
      hint: `give ${flag} a whole number, 0 or more`,
    });
  }
  return n;
}
