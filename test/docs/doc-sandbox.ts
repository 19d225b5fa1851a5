import { chmodSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../helpers/brokers.js';
import { tmpDir } from '../helpers/tmp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import { PLACEHOLDERS, serviceAddress, smtpCaFile } from './doc-services.js';

/** The checkout: dist/test/docs → the repository root. */
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * One page's sandbox: a temp dir that is the working directory and HOME, `tswatch` on PATH running this
 * checkout's bin/tswatch.js, and `import 'tswatch'` resolving to the checkout. Every process a block
 * starts carries TSWATCH_DOCTEST=<dir> in its environment, so the ones that outlive their block (a
 * `tswatch -d`) are found exactly, by that mark, and stopped at the end.
 */
export class DocSandbox {
  readonly dir = tmpDir('tswatch-doc-');
  readonly home = join(this.dir, 'work');
  readonly env: NodeJS.ProcessEnv;
  private readonly ports = new Map<string, number>();

  constructor() {
    const bin = join(this.dir, 'bin');
    const runtime = join(this.dir, 'run');
    mkdirSync(bin);
    mkdirSync(this.home);
    mkdirSync(runtime, { mode: 0o700 });
    writeFileSync(join(bin, 'tswatch'), `#!/bin/sh\nexec '${process.execPath}' '${join(REPO, 'bin/tswatch.js')}' "$@"\n`);
    chmodSync(join(bin, 'tswatch'), 0o755);
    mkdirSync(join(this.home, 'node_modules'));
    symlinkSync(REPO, join(this.home, 'node_modules/tswatch'));
    symlinkSync(join(REPO, 'node_modules/tsx'), join(this.home, 'node_modules/tsx'));
    writeFileSync(join(this.home, 'package.json'), '{ "type": "module" }\n');
    const { TSWATCH_BACKEND: _b, TSWATCH_NO_NATIVE: _n, TSWATCH_SPOOL: _s, TSWATCH_OUTBOX: _o, ...inherited } = process.env;
    this.env = {
      ...inherited,
      HOME: this.home,
      XDG_RUNTIME_DIR: runtime,
      XDG_DATA_HOME: join(this.home, '.local/share'),
      PATH: `${bin}:${process.env.PATH}`,
      TSWATCH_DOCTEST: this.dir,
      ...(smtpCaFile() === undefined ? {} : { NODE_EXTRA_CA_CERTS: smtpCaFile() }),
    };
  }

  /**
   * The block's text as run here: `broker:PORT` becomes a real loopback broker, `127.0.0.1:80NN` and
   * `localhost:80NN` a free port (the same one for the same number on this page), and `/var/log/tswatch`
   * a directory of the sandbox.
   */
  async rewrite(text: string): Promise<string> {
    text = text.replaceAll('/var/log/tswatch', join(this.dir, 'var/log/tswatch'));
    for (const [placeholder, service] of Object.entries(PLACEHOLDERS)) {
      if (text.includes(placeholder)) text = text.replaceAll(placeholder, serviceAddress(service));
    }
    for (const [, , port] of text.matchAll(/\b(127\.0\.0\.1|localhost):(80\d\d)\b/g)) {
      if (!this.ports.has(port!)) this.ports.set(port!, await freePort());
    }
    return text.replace(/\b(127\.0\.0\.1|localhost):(80\d\d)\b/g, (_all, host: string, port: string) => `${host}:${this.ports.get(port)}`);
  }

  /** Pids of the live processes started from this sandbox (by their environment mark). */
  processes(): number[] {
    const mark = `TSWATCH_DOCTEST=${this.dir}\0`;
    const pids: number[] = [];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        if (
          readFileSync(`/proc/${entry}/environ`, 'latin1').includes(mark) &&
          !readFileSync(`/proc/${entry}/stat`, 'latin1').includes(') Z ')
        )
          pids.push(Number(entry));
      } catch {
        // gone meanwhile, or not ours to read
      }
    }
    return pids;
  }

  /** Does a process of process group `group` hold an inotify watch (its watches are set)? */
  holdsInotifyWatch(group: number): boolean {
    const inGroup = (pid: number) => {
      try {
        return (
          Number(
            readFileSync(`/proc/${pid}/stat`, 'latin1')
              .replace(/^.*\) /s, '')
              .split(' ')[2],
          ) === group
        );
      } catch {
        return false;
      }
    };
    return this.processes()
      .filter(inGroup)
      .some((pid) => {
        try {
          return readdirSync(`/proc/${pid}/fdinfo`).some((fd) => {
            try {
              return readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'latin1').includes('inotify wd:');
            } catch {
              return false;
            }
          });
        } catch {
          return false;
        }
      });
  }

  /** SIGTERM whatever of this sandbox still runs, and wait until it is gone (SIGKILL after 5 s). */
  async stopAll(): Promise<void> {
    const signal = (sig: NodeJS.Signals) => {
      for (const pid of this.processes()) {
        try {
          process.kill(pid, sig);
        } catch {
          // exited meanwhile
        }
      }
    };
    signal('SIGTERM');
    try {
      await waitFor(() => this.processes().length === 0, 'the sandbox processes to exit', 5000);
    } catch {
      signal('SIGKILL');
      await waitFor(() => this.processes().length === 0, 'the sandbox processes to exit after SIGKILL');
    }
  }
}
