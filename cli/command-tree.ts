import type { Argument, Command, Help, Option } from 'commander';
import type { EventEmitter } from 'node:events';

/** One command of the tree, seen as its --help shows it. */
export interface CommandNode {
  /** Names from the root down: ['tswatch'], ['tswatch', 'completion']. */
  path: string[];
  command: Command;
  /** The command it is listed under (commander's implicit `help` command has no .parent). */
  parent: Command | undefined;
  description: string;
  usage: string;
  /** What --help lists, in its order (the implicit -h/--help and `help` command included). */
  options: readonly Option[];
  arguments: readonly Argument[];
  subcommands: readonly Command[];
  /** Text added with addHelpText('before' | 'after'), as --help prints it. */
  beforeHelp: string;
  afterHelp: string;
}

/**
 * Every command reachable from `root`, depth first, root first, read through commander's own Help (the
 * same calls --help makes), so the man page and shell completions can never list something else.
 */
export function commandTree(root: Command): CommandNode[] {
  const nodes: CommandNode[] = [];
  const visit = (command: Command, path: string[], parent?: Command): void => {
    const help: Help = command.createHelp();
    const subcommands = help.visibleCommands(command);
    nodes.push({
      path,
      command,
      parent,
      description: help.commandDescription(command),
      usage: help.commandUsage(command),
      options: help.visibleOptions(command),
      // visibleArguments is empty when no argument has a description; completion still wants them.
      arguments: command.registeredArguments,
      subcommands,
      beforeHelp: helpText(command, 'beforeHelp'),
      afterHelp: helpText(command, 'afterHelp'),
    });
    for (const sub of subcommands) visit(sub, [...path, sub.name()], command);
  };
  visit(root, [root.name()]);
  return nodes;
}

/** addHelpText() registers listeners that write into the help; run them into a string. */
function helpText(command: Command, event: 'beforeHelp' | 'afterHelp'): string {
  let text = '';
  (command as unknown as EventEmitter).emit(event, { error: false, command, write: (chunk: string) => (text += chunk) });
  return text.replace(/^\n+|\n+$/g, '');
}

/** The flags of an option as typed: ['-e', '--event']. */
export function optionNames(option: Option): string[] {
  return option.flags.split(/[\s,|]+/).filter((word) => word.startsWith('-'));
}

/** The value placeholder of an option (`events` for `-e, --event <events>`), if it takes one. */
export function optionValueName(option: Option): string | undefined {
  return /[<[]([^>\]]+)[>\]]/.exec(option.flags)?.[1]?.replace(/\.\.\.$/, '');
}
