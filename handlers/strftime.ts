/**
 * strftime(3) in the C locale, as glibc formats it (inotifywait's --timefmt passes the string straight
 * to strftime). All C99/POSIX/GNU conversions, the GNU flags `-` (no padding), `_` (spaces), `0`
 * (zeros) and `^` (upper case), in local time. `%Z` comes from Intl, which knows fewer abbreviations
 * than tzdata: where it has none it gives `GMT+1`. An unknown conversion is copied as written.
 */
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

type Pad = '0' | ' ' | '';

const pad = (value: number, width: number, fill: Pad): string =>
  fill === ''
    ? String(value)
    : String(Math.abs(value))
        .padStart(width, fill)
        .replace(/^/, value < 0 ? '-' : '');

function dayOfYear(d: Date): number {
  return Math.round((Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()) - Date.UTC(d.getFullYear(), 0, 1)) / 86400000);
}

/** ISO 8601 week number and week-based year. */
function isoWeek(d: Date): { week: number; year: number } {
  const thursday = new Date(Date.UTC(d.getFullYear(), d.getMonth(), d.getDate() + 3 - ((d.getDay() + 6) % 7)));
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / 604800000);
  return { week, year };
}

function zoneName(d: Date): string {
  for (const locale of ['en-US', 'en-GB']) {
    const name = new Intl.DateTimeFormat(locale, { timeZoneName: 'short' }).formatToParts(d).find((p) => p.type === 'timeZoneName')?.value;
    if (name && !/^GMT[+-]/.test(name)) return name;
  }
  return new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ?? '';
}

/** [value, width, default fill] for numeric conversions; strings for the rest. */
function conversion(c: string, d: Date): [number, number, Pad] | string | undefined {
  const hour12 = d.getHours() % 12 || 12;
  switch (c) {
    case 'a':
      return DAYS[d.getDay()]!.slice(0, 3);
    case 'A':
      return DAYS[d.getDay()]!;
    case 'b':
    case 'h':
      return MONTHS[d.getMonth()]!.slice(0, 3);
    case 'B':
      return MONTHS[d.getMonth()]!;
    case 'c':
      return strftime('%a %b %e %H:%M:%S %Y', d);
    case 'C':
      return [Math.floor(d.getFullYear() / 100), 2, '0'];
    case 'd':
      return [d.getDate(), 2, '0'];
    case 'D':
    case 'x':
      return strftime('%m/%d/%y', d);
    case 'e':
      return [d.getDate(), 2, ' '];
    case 'F':
      return strftime('%Y-%m-%d', d);
    case 'g':
      return [isoWeek(d).year % 100, 2, '0'];
    case 'G':
      return [isoWeek(d).year, 1, '0'];
    case 'H':
      return [d.getHours(), 2, '0'];
    case 'I':
      return [hour12, 2, '0'];
    case 'j':
      return [dayOfYear(d) + 1, 3, '0'];
    case 'k':
      return [d.getHours(), 2, ' '];
    case 'l':
      return [hour12, 2, ' '];
    case 'm':
      return [d.getMonth() + 1, 2, '0'];
    case 'M':
      return [d.getMinutes(), 2, '0'];
    case 'n':
      return '\n';
    case 'p':
      return d.getHours() < 12 ? 'AM' : 'PM';
    case 'P':
      return d.getHours() < 12 ? 'am' : 'pm';
    case 'r':
      return strftime('%I:%M:%S %p', d);
    case 'R':
      return strftime('%H:%M', d);
    case 's':
      return [Math.floor(d.getTime() / 1000), 1, '0'];
    case 'S':
      return [d.getSeconds(), 2, '0'];
    case 't':
      return '\t';
    case 'T':
    case 'X':
      return strftime('%H:%M:%S', d);
    case 'u':
      return [d.getDay() || 7, 1, '0'];
    case 'U':
      return [Math.floor((dayOfYear(d) + 7 - d.getDay()) / 7), 2, '0'];
    case 'V':
      return [isoWeek(d).week, 2, '0'];
    case 'w':
      return [d.getDay(), 1, '0'];
    case 'W':
      return [Math.floor((dayOfYear(d) + 7 - ((d.getDay() + 6) % 7)) / 7), 2, '0'];
    case 'y':
      return [d.getFullYear() % 100, 2, '0'];
    case 'Y':
      return [d.getFullYear(), 1, '0'];
    case 'z': {
      const off = -d.getTimezoneOffset();
      return `${off < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(off) / 60), 2, '0')}${pad(Math.abs(off) % 60, 2, '0')}`;
    }
    case 'Z':
      return zoneName(d);
    case '%':
      return '%';
    default:
      return undefined;
  }
}

export function strftime(format: string, date: Date): string {
  return format.replace(/%([-_0^#]?)([a-zA-Z%])/g, (whole, flag: string, c: string) => {
    const value = conversion(c, date);
    if (value === undefined) return whole;
    if (typeof value === 'string') return flag === '^' ? value.toUpperCase() : value;
    const [number, width, fill] = value;
    const chosen: Pad = flag === '-' ? '' : flag === '_' ? ' ' : flag === '0' ? '0' : fill;
    return pad(number, width, chosen);
  });
}
