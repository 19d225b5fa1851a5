import { Command } from 'commander';
import { addConfigOptions, CONFIG_EXAMPLE, configAction } from './config-run-options.js';

export function runCommand(): Command {
  return addConfigOptions(
    new Command('run')
      .summary('run the watches of a config file in the foreground')
      .description(
        'Run every watch of the config file until Ctrl-C: the same engine as tswatch daemon (SIGHUP ' +
          'reloads), without a control socket unless --socket is given.',
      ),
  )
    .addHelpText('after', `${CONFIG_EXAMPLE}\n\nExample:\n  tswatch run --config tswatch.yaml`)
    .action(configAction(false));
}
