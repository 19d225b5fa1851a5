import { TswatchError } from '../src/errors.js';

/** strtol's range: inotifywait and inotifywatch refuse a timeout outside it ("Numerical result out of range"). */
const LONG_MAX = 2n ** 63n - 1n;
/** The longest delay one Node timer takes (a longer one fires at once, with a warning). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * `-t SECONDS` as inotifywait and inotifywatch read it, in milliseconds (0: no timeout). A negative
 * value means no timeout, as there; decimals are accepted (a tswatch extension).
 */
export function parseTimeout(value: string, hint = 'give a whole or decimal number of seconds (0 or less: never)'): number {
  const seconds = Number(value);
  if (value.trim() === '' || Number.isNaN(seconds)) {
    throw new TswatchError(`--timeout: '${value}' is not a number of seconds`, { code: 'EBADFLAG', hint });
  }
  const whole = /^\s*[+-]?\d+$/.test(value) ? BigInt(value.trim()) : undefined;
  if (
    (whole !== undefined && (whole > LONG_MAX || whole < -LONG_MAX - 1n)) ||
    !Number.isFinite(seconds) ||
    Math.abs(seconds) > Number(LONG_MAX)
  ) {
    throw new TswatchError(`--timeout: '${value}': numerical result out of range`, { code: 'ERANGE', hint });
  }
  return seconds > 0 ? seconds * 1000 : 0;
}

/** A timer for any delay: past Node's 24.8-day limit it is re-armed until the time has come. */
export function setLongTimeout(callback: () => void, ms: number): { clear(): void } {
  let timer: NodeJS.Timeout;
  const arm = (left: number): void => {
    timer = left > MAX_TIMER_MS ? setTimeout(() => arm(left - MAX_TIMER_MS), MAX_TIMER_MS) : setTimeout(callback, left);
  };
  arm(ms);
  return { clear: () => clearTimeout(timer) };
}
