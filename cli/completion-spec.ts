import type { Argument, Command, Option } from 'commander';
import { CLI_EVENTS } from '../src/masks.js';
import { commandTree, optionNames, optionValueName } from './command-tree.js';

/**
 * What a word can be: one of fixed words (`list`: a comma-separated list of them, as --event takes),
 * a file or directory name, or anything (no suggestion).
 */
export type Completion = { words: readonly string[]; list: boolean } | 'files' | 'dirs' | 'any';

export interface OptionSpec {
  names: string[];
  description: string;
  /** undefined: a flag without a value. */
  value: Completion | undefined;
  /** Its placeholder: `events` for `-e, --event <events>`. */
  valueName: string | undefined;
}

export interface CommandSpec {
  /** Subcommand names from the root, without the program name: [] for tswatch, ['completion']. */
  path: string[];
  description: string;
  options: OptionSpec[];
  subcommands: Array<{ name: string; description: string }>;
  /** What its positional arguments are. */
  operands: Completion;
}

/**
 * The completion data of every command, read from the live commander tree. Conventions, so a new
 * option gets the right completion without touching this file: a value named `events`/`event` takes a
 * comma list of CLI event names; `path`/`file`/`dir` (and positional arguments by default) take file
 * names; declared `.choices()` complete to those; any other value completes to nothing.
 */
export function completionSpec(program: Command): CommandSpec[] {
  return commandTree(program).map((node) => ({
    path: node.path.slice(1),
    description: node.description,
    options: node.options.map((option) => ({
      names: optionNames(option),
      description: option.description,
      value: optionCompletion(option),
      valueName: optionValueName(option),
    })),
    subcommands: node.subcommands.map((sub) => ({ name: sub.name(), description: sub.description() })),
    operands: operandCompletion(node.command, node.arguments, node.parent),
  }));
}

const EVENT_LIST: Completion = { words: Object.keys(CLI_EVENTS), list: true };

function optionCompletion(option: Option): Completion | undefined {
  const name = optionValueName(option);
  if (name === undefined) return undefined;
  if (option.argChoices) return { words: option.argChoices, list: false };
  return byName(name) ?? 'any';
}

function operandCompletion(command: Command, args: readonly Argument[], parent: Command | undefined): Completion {
  const first = args[0];
  if (first === undefined) return 'any';
  if (first.argChoices) return { words: first.argChoices, list: false };
  // commander's implicit `help [command]` names a sibling command.
  if (command.name() === 'help' && first.name() === 'command' && parent) {
    return { words: parent.commands.map((sub) => sub.name()), list: false };
  }
  return byName(first.name()) ?? 'files';
}

function byName(name: string): Completion | undefined {
  if (/^events?$/.test(name)) return EVENT_LIST;
  if (/dir/.test(name)) return 'dirs';
  if (/path|file/.test(name)) return 'files';
  return undefined;
}

/** `text` as one POSIX shell word (bash, zsh). */
export function shQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** The words of a completion, for the generated scripts: `list a b`, `words a b`, `files`, `dirs`, `any`. */
export function completionWords(completion: Completion): string {
  return typeof completion === 'string' ? completion : `${completion.list ? 'list' : 'words'} ${completion.words.join(' ')}`;
}
