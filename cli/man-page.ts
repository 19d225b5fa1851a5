import type { Command } from 'commander';
import { type CommandNode, commandTree } from './command-tree.js';

/** Text safe in roff: backslashes, hyphens as minus signs (options copy-paste right), no control lines. */
function roff(text: string): string {
  return text
    .replaceAll('\\', '\\e')
    .replaceAll('-', '\\-')
    .replace(/^([.'])/gm, '\\&$1');
}

/** `-e, --event <events>` with the flags bold and the placeholders italic. */
function term(flags: string): string {
  return flags
    .split(/(\s+)/)
    .map((word) => {
      if (/^\s+$/.test(word)) return word;
      const [, text = word, separator = ''] = /^(.*?)([,|]?)$/.exec(word) ?? [];
      return `\\f${text.startsWith('-') ? 'B' : 'I'}${roff(text)}\\fR${separator}`;
    })
    .join('');
}

/**
 * Help text (addHelpText) as roff: paragraphs of prose are filled; a paragraph whose lines after the
 * first are indented (a list, examples) keeps its layout, as --help shows it.
 */
function helpText(text: string): string[] {
  const out: string[] = [];
  for (const paragraph of text.split(/\n\s*\n/)) {
    const lines = paragraph.split('\n');
    const [first = '', ...rest] = lines;
    if (lines.every((line) => !/^\s/.test(line))) {
      out.push('.PP', roff(lines.join(' ')));
    } else if (!/^\s/.test(first) && rest.every((line) => /^\s/.test(line))) {
      out.push('.PP', roff(first), '.RS 2', '.nf', ...rest.map((line) => roff(line.replace(/^ {2}/, ''))), '.fi', '.RE');
    } else {
      out.push('.PP', '.nf', ...lines.map(roff), '.fi');
    }
  }
  return out;
}

/** Arguments, options and subcommands of one command, each a tagged paragraph, as --help lists them. */
function items(node: CommandNode, heading: (title: string) => string): string[] {
  const help = node.command.createHelp();
  const out: string[] = [];
  const list = (title: string, entries: Array<[string, string]>) => {
    if (entries.length === 0) return;
    out.push(heading(title));
    for (const [left, right] of entries) out.push('.TP', left, roff(right));
  };
  list(
    'ARGUMENTS',
    help.visibleArguments(node.command).map((arg) => [`\\fI${roff(help.argumentTerm(arg))}\\fR`, help.argumentDescription(arg)]),
  );
  list(
    'OPTIONS',
    node.options.map((option) => [term(help.optionTerm(option)), help.optionDescription(option)]),
  );
  list(
    'COMMANDS',
    node.subcommands.map((sub) => {
      const [subName = '', ...rest] = help.subcommandTerm(sub).split(' ');
      return [[`\\fB${roff(subName)}\\fR`, term(rest.join(' '))].join(' ').trim(), help.subcommandDescription(sub)];
    }),
  );
  return out;
}

/** commander's usage line starts with the command's path (only its name for the implicit `help`): that part bold. */
function usage(node: CommandNode): string {
  const path = node.path.join(' ');
  const own = [`${path} `, `${node.command.name()} `].find((prefix) => node.usage.startsWith(prefix));
  return `.B ${roff(path)}\n${roff(own ? node.usage.slice(own.length) : node.usage)}`;
}

/**
 * The man page (roff, man(7) macros) of `program` and every subcommand, read from the same commander
 * tree --help prints: one declaration, two views.
 */
export function manPage(program: Command, version: string): string {
  const [root, ...subs] = commandTree(program);
  if (root === undefined) throw new Error('manPage: empty command tree');
  const name = root.path[0]!;
  const lines = [
    `.\\" Generated from the ${name} command declarations (cli/man-page.ts); do not edit.`,
    `.TH ${name.toUpperCase()} 1 "" "${name} ${version}" "User Commands"`,
    '.nh', // option names and commands must not be hyphenated
    '.ad l',
    '.SH NAME',
    `${roff(name)} \\- ${roff(root.description.replace(/\.$/, ''))}`,
    '.SH SYNOPSIS',
    [root, ...subs].map(usage).join('\n.br\n'),
    '.SH DESCRIPTION',
    ...(root.beforeHelp ? helpText(root.beforeHelp) : []),
    '.PP',
    roff(root.description),
    ...items(root, (title) => `.SH ${title}`),
    ...(root.afterHelp ? ['.SH DETAILS', ...helpText(root.afterHelp)] : []),
  ];
  for (const node of subs) {
    lines.push(
      `.SH ${roff(node.path.join(' ').toUpperCase())}`,
      usage(node),
      ...(node.beforeHelp ? helpText(node.beforeHelp) : []),
      '.PP',
      roff(node.description),
      ...items(node, (title) => `.SS ${title[0]}${title.slice(1).toLowerCase()}`),
      ...(node.afterHelp ? helpText(node.afterHelp) : []),
    );
  }
  lines.push('.SH SEE ALSO', '.BR inotify (7),', '.BR inotifywait (1)');
  return `${lines.join('\n')}\n`;
}
