import { execFileSync } from 'node:child_process';

/**
 * A test's `skip` reason when `command --version` does not run (undefined when it does), naming the
 * Debian package that brings it.
 */
export function needsCommand(command: string, aptPackage = command): string | undefined {
  try {
    execFileSync(command, ['--version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return `${command} is not installed (apt-get install ${aptPackage})`;
  }
}
