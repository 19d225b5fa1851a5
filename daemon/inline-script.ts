import { basename } from 'node:path';

/**
 * Programs that run their `-c` argument as shell code. A placeholder filled into that argument would be
 * parsed by the shell, so a file named `$(touch x)` would run touch: such scripts are refused.
 */
const SHELLS = new Set([
  'sh',
  'bash',
  'rbash',
  'dash',
  'ash',
  'hush',
  'zsh',
  'ksh',
  'ksh93',
  'mksh',
  'pdksh',
  'oksh',
  'yash',
  'posh',
  'fish',
  'csh',
  'tcsh',
]);
/** Bash's long options that take a value (`--rcfile FILE`). */
const LONG_WITH_VALUE = new Set(['--rcfile', '--init-file']);

/** Where a shell's inline script sits in a command line: the shell as written and the script's index. */
export interface InlineScript {
  shell: string;
  index: number;
}

/**
 * Every inline shell script in `argv`: the argument a shell word (`sh`, `/bin/bash`, `busybox sh`, …)
 * runs as code because of `-c` (`-c`, `-ec`, `-lc`, fish's `--command`). Every position is looked at, so
 * a shell behind `env`, `sudo`, `nice`, `timeout` or `xargs` is found as well as one in front; the
 * arguments after the script ($0, $1, …) are plain values, which is the safe way to pass a file name.
 */
export function inlineScripts(argv: readonly string[]): InlineScript[] {
  const found: InlineScript[] = [];
  for (let i = 0; i < argv.length; i++) {
    let name = basename(argv[i]!);
    let start = i + 1;
    if (name === 'busybox' && i + 1 < argv.length && SHELLS.has(basename(argv[i + 1]!))) {
      name = basename(argv[i + 1]!);
      start = i + 2;
    }
    if (!SHELLS.has(name)) continue;
    const index = scriptIndex(argv, start);
    if (index !== undefined) found.push({ shell: argv.slice(i, start).join(' '), index });
    i = start - 1; // `busybox sh`: the shell word is not looked at twice
  }
  return found;
}

/** The index of the script a shell whose options start at `start` runs with -c, or undefined. */
function scriptIndex(argv: readonly string[], start: number): number | undefined {
  let inline = false;
  let j = start;
  for (; j < argv.length; j++) {
    const arg = argv[j]!;
    if (arg === '--' || arg === '-') {
      j++;
      break;
    }
    if (arg.startsWith('--command=')) return j; // fish: the script is inside the argument itself
    if (arg === '--command') {
      inline = true;
      continue;
    }
    if (arg.startsWith('--')) {
      if (LONG_WITH_VALUE.has(arg)) j++;
      continue;
    }
    if (!/^[-+][A-Za-z]+$/.test(arg)) break; // the first operand
    if (arg[0] === '-' && arg.includes('c')) inline = true;
    if (/[oO]/.test(arg)) j++; // -o OPTION, +O SHOPT: the next word is the option's value
  }
  return inline && j < argv.length ? j : undefined;
}
