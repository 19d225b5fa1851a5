import { CLI_EVENTS } from '../masks.js';

/** commander argParser for repeatable options: `-e a -e b` → ['a', 'b']. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** The event names, for the --help of every command that takes -e. */
export const EVENTS_HELP = `Events (comma-separated, repeatable; default: all):
  ${Object.keys(CLI_EVENTS).join(', ')}`;
