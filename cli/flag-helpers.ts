import { TswatchError } from '../src/errors.js';
import { ALL_EVENTS, CLI_EVENTS, IN_DONT_FOLLOW, parseEventList, u32 } from '../src/masks.js';

/** commander argParser for repeatable options: `-e a -e b` → ['a', 'b']. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** commander argParser for an option inotifywait takes once (-o, --fromfile): a second is an error, not a silent override. */
export const once =
  (flag: string) =>
  (value: string, previous: string | undefined): string => {
    if (previous !== undefined)
      throw new TswatchError(`${flag} given twice ('${previous}', then '${value}')`, { code: 'EBADFLAG', hint: `give ${flag} once` });
    return value;
  };

/** The event names, for the --help of every command that takes -e. */
export const EVENTS_HELP = `Events (comma-separated, repeatable; default: all):
${wrap(Object.keys(CLI_EVENTS).join(', '), 96, '  ')}`;

function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  return [...lines, indent + line].join('\n');
}

/**
 * The mask for `-e` lists and `-P`; a bad name is reported with the flag. No event named (no -e, or
 * `-e ''`, `-e ,`) means all events, as in inotifywait.
 */
export function eventMask(lists: readonly string[], dereference: boolean | undefined): number {
  let mask = ALL_EVENTS;
  try {
    if (lists.length > 0) mask = parseEventList(lists) || ALL_EVENTS;
  } catch (err) {
    if (err instanceof TswatchError) throw new TswatchError(`-e/--event: ${err.message}`, { code: err.code, hint: err.hint });
    throw err;
  }
  return u32(mask | (dereference === false ? IN_DONT_FOLLOW : 0));
}
