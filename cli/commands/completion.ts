import { Argument, Command } from 'commander';
import { bashCompletion } from '../completion-bash.js';
import { fishCompletion } from '../completion-fish.js';
import { completionSpec } from '../completion-spec.js';
import { zshCompletion } from '../completion-zsh.js';
import { packageVersion } from '../package-version.js';

const GENERATORS = { bash: bashCompletion, zsh: zshCompletion, fish: fishCompletion } as const;

/** `tswatch completion bash|zsh|fish`: print the shell's completion script, made from the live command tree. */
export function completionCommand(): Command {
  return new Command('completion')
    .description('print the shell completion script for bash, zsh or fish')
    .addArgument(new Argument('<shell>', 'the shell to complete in').choices(Object.keys(GENERATORS)))
    .addHelpText(
      'after',
      `
Completes subcommands, options, event names (after -e/--event) and paths.

Examples:
  source <(tswatch completion bash)                  bash, this shell only
  tswatch completion bash > ~/.local/share/bash-completion/completions/tswatch
  tswatch completion zsh > "\${fpath[1]}/_tswatch"    zsh (then restart it)
  tswatch completion fish > ~/.config/fish/completions/tswatch.fish`,
    )
    .action((shell: keyof typeof GENERATORS, _options: unknown, command: Command) => {
      let root = command;
      while (root.parent) root = root.parent;
      process.stdout.write(GENERATORS[shell](root.name(), completionSpec(root), packageVersion()));
    });
}
