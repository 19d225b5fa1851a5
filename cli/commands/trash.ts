import { createInterface, type Interface } from 'node:readline';
import { Command, Option } from 'commander';
import type { Trash, TrashedItem } from '../../recipes/trash/index.js';
import { hasUnprintable, shellQuote } from '../../recipes/trash/shell-quote.js';
import { TswatchError } from '../../src/errors.js';

/** du -h style: 512, 4.0K, 12K, 1.5M. */
function humanSize(bytes: number): string {
  let value = bytes;
  for (const unit of ['', 'K', 'M', 'G', 'T', 'P']) {
    if (value < 1024 || unit === 'P') return unit === '' ? String(value) : `${value < 10 ? value.toFixed(1) : Math.round(value)}${unit}`;
    value /= 1024;
  }
  return String(bytes);
}

/**
 * A path on one line of text: as it is, unless a control character (a newline) would break the line or a
 * byte is not UTF-8; then quoted as ls and rm quote it ('name'$'\377'), which a shell turns back into it.
 */
const onOneLine = (path: string): string => (hasUnprintable(path) ? shellQuote(path) : path);

const dateText = (item: TrashedItem): string => (item.deletionDate ? lib().formatDeletionDate(item.deletionDate) : '????-??-??T??:??:??');

function listLine(item: TrashedItem): string {
  return `${dateText(item).replace('T', ' ')} ${humanSize(item.size).padStart(5)} ${onOneLine(item.path)}${item.isDirectory ? '/' : ''}`;
}

function parseCount(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min) {
    throw new TswatchError(`${flag} '${value}': not a number ≥ ${min}`, {
      code: 'EINVAL',
      hint: `give ${flag} a number, e.g. ${flag} ${min === 0 ? 30 : 2}`,
    });
  }
  return n;
}

/** Answers read line by line from stdin; EOF (no stdin, as in CI) answers no, as rm does. */
function stdinAsker(): { ask: (prompt: string) => Promise<boolean>; close: () => void } {
  let lines: AsyncIterator<string> | undefined;
  let rl: Interface | undefined;
  return {
    async ask(prompt: string) {
      process.stderr.write(prompt);
      rl ??= createInterface({ input: process.stdin, terminal: false });
      lines ??= rl[Symbol.asyncIterator]();
      const { value, done } = await lines.next();
      return !done && /^[yY]/.test(value as string);
    },
    close: () => rl?.close(),
  };
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
const TRASH_DIR_HELP = "only this trash directory (repeatable; default: the home trash and every volume's)";

/** The trash, restricted to --trash-dir directories when given. */
/** The trash library, loaded by the `trash` command's preAction hook: other commands never load it. */
let library: typeof import('../../recipes/trash/index.js') | undefined;
const lib = (): NonNullable<typeof library> => library!;

const trashFor = (flags: { trashDir?: string[] }): Trash => new (lib().Trash)(flags.trashDir ? { trashDirs: flags.trashDir } : {});

function putCommand(): Command {
  return new Command('put')
    .description('Move files and directories to the trash (FreeDesktop.org spec; trash-cli reads it)')
    .argument('<paths...>', 'what to trash (a symlink is trashed, not its target)')
    .option('-v, --verbose', 'say where each one went')
    .addHelpText('after', '\nExamples:\n  tswatch trash put old.log build/\n  tswatch trash put -- -file-starting-with-dash')
    .action((paths: string[], flags: { verbose?: boolean }) => {
      const trash = new (lib().Trash)();
      for (const path of paths) {
        try {
          const item = trash.put(path);
          if (flags.verbose) process.stdout.write(`trashed ${shellQuote(path)} to ${item.trashDir}\n`);
        } catch (err) {
          if (!(err instanceof TswatchError)) throw err;
          process.stderr.write(`tswatch trash put: ${err.describe()}\n`);
          process.exitCode = 1;
        }
      }
    });
}

function listCommand(): Command {
  return new Command('list')
    .description('List what is in the trash: deletion date, size, original path (home and volume trashes)')
    .option('--trash-dir <dir>', TRASH_DIR_HELP, collect)
    .option('--json', 'a JSON array: path, deletionDate (local time), size (bytes), isDirectory, trashDir, name')
    .addHelpText(
      'after',
      "\nSize is bytes for a file, disk usage (du -B1) for a directory; a trailing / marks a directory.\n\nExamples:\n  tswatch trash list\n  tswatch trash list --json | jq -r '.[].path'",
    )
    .action((flags: { json?: boolean; trashDir?: string[] }) => {
      const items = trashFor(flags).list();
      if (flags.json) {
        const rows = items.map((item) => ({
          ...item,
          deletionDate: item.deletionDate ? lib().formatDeletionDate(item.deletionDate) : null,
        }));
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      } else {
        for (const item of items) process.stdout.write(`${listLine(item)}\n`);
      }
    });
}

function restoreCommand(): Command {
  return new Command('restore')
    .description('Put trashed files back where they were (non-interactive)')
    .argument('<path-or-glob>', 'the original path, or a quoted glob over original paths')
    .option('--to <dir>', 'restore into this directory instead')
    .option('--version <n>', 'with several trashed items of one path: 1 = newest (default), 2 = the one before, …')
    .option('-f, --force', 'if something is in the way, move it to the trash first instead of refusing')
    .option('--trash-dir <dir>', TRASH_DIR_HELP, collect)
    .addHelpText(
      'after',
      `
Examples:
  tswatch trash restore notes.txt             the newest trashed notes.txt of this directory
  tswatch trash restore notes.txt --version 2 the one trashed before that
  tswatch trash restore '/srv/logs/*.log' --to /tmp/old-logs`,
    )
    .action((pathOrGlob: string, flags: { to?: string; version?: string; force?: boolean; trashDir?: string[] }) => {
      const version = flags.version === undefined ? 1 : parseCount('--version', flags.version, 1);
      const restored = trashFor(flags).restore(pathOrGlob, {
        version,
        force: flags.force ?? false,
        ...(flags.to === undefined ? {} : { to: flags.to }),
      });
      for (const item of restored) process.stdout.write(`restored ${onOneLine(item.restoredTo)}\n`);
    });
}

function emptyCommand(): Command {
  return new Command('empty')
    .description("Delete for good what is in the trash: the home trash and every volume's, unless --trash-dir")
    .option('--older-than <days>', 'only what was trashed more than this many days ago (fractions allowed)')
    .option('--trash-dir <dir>', TRASH_DIR_HELP, collect)
    .addHelpText('after', '\nExamples:\n  tswatch trash empty\n  tswatch trash empty --older-than 30 --trash-dir ~/.local/share/Trash')
    .action((flags: { olderThan?: string; trashDir?: string[] }) => {
      const olderThanDays = flags.olderThan === undefined ? undefined : parseCount('--older-than', flags.olderThan, 0);
      const removed = trashFor(flags).empty(olderThanDays === undefined ? {} : { olderThanDays });
      const bytes = removed.reduce((sum, item) => sum + item.size, 0);
      process.stdout.write(`removed ${removed.length} item(s), ${bytes} bytes\n`);
    });
}

function rmCommand(): Command {
  // rm lets the later of -f and -i win; commander reports options in command-line order.
  let lastOfForceInteractive: 'force' | 'interactive' | undefined;
  const command = new Command('rm')
    .description("A drop-in for rm that moves to the trash: alias rm='tswatch trash rm'")
    .argument('[files...]')
    .option('-f, --force', 'ignore nonexistent files, never prompt')
    .option('-i, --interactive', 'prompt before every removal (answers read from stdin)')
    .option('-r, --recursive', 'remove directories and their contents')
    .addOption(new Option('-R', 'same as -r').hideHelp())
    .option('-d, --dir', 'remove empty directories')
    .option('-v, --verbose', 'explain what is being done')
    .option('--permanent', 'delete for good, not to the trash (e.g. on a full disk, where the trash has no room)')
    .addHelpText(
      'after',
      `
Messages, prompts and exit status are rm's (0, or 1 if anything was not removed); '/' '.' and '..' are
refused. Everything removed can be listed and restored with tswatch trash list / restore, or trash-cli.

Examples:
  alias rm='tswatch trash rm'      in ~/.bashrc
  tswatch trash rm -rf build/      gone from here, kept in the trash
  tswatch trash rm -- -dash-file`,
    )
    .action(
      async (
        files: string[],
        flags: {
          force?: boolean;
          interactive?: boolean;
          recursive?: boolean;
          R?: boolean;
          dir?: boolean;
          verbose?: boolean;
          permanent?: boolean;
        },
      ) => {
        const asker = stdinAsker();
        try {
          process.exitCode = await lib().trashRm(
            new (lib().Trash)(),
            files,
            {
              recursive: Boolean(flags.recursive || flags.R),
              force: lastOfForceInteractive === 'force',
              interactive: lastOfForceInteractive === 'interactive',
              dir: Boolean(flags.dir),
              verbose: Boolean(flags.verbose),
              permanent: Boolean(flags.permanent),
            },
            { stdout: process.stdout, stderr: process.stderr, ask: asker.ask, isTTY: Boolean(process.stdin.isTTY) },
          );
        } finally {
          asker.close();
        }
      },
    );
  command.on('option:force', () => (lastOfForceInteractive = 'force'));
  command.on('option:interactive', () => (lastOfForceInteractive = 'interactive'));
  return command;
}

/** `tswatch trash put|list|restore|empty|rm`. */
export function trashCommand(): Command {
  return new Command('trash')
    .description('The FreeDesktop.org trash, shared with trash-cli and desktop file managers')
    .hook('preAction', async () => {
      library = await import('../../recipes/trash/index.js');
    })
    .addCommand(putCommand())
    .addCommand(listCommand())
    .addCommand(restoreCommand())
    .addCommand(emptyCommand())
    .addCommand(rmCommand())
    .addHelpText(
      'after',
      '\nExamples:\n  tswatch trash put file\n  tswatch trash list\n  tswatch trash restore file\n  tswatch trash empty --older-than 30',
    );
}
