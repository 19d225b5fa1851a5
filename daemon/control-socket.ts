import { chmodSync, lstatSync, statSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { TswatchError } from '../src/index.js';
import type { ControlCommand, ControlReply, Request } from './daemon-loop.js';
import { makeDirs } from '../recipes/make-dirs.js';

/**
 * Where the control socket lives unless told: next to the pidfile, else in $XDG_RUNTIME_DIR (private to
 * the user by systemd), else in a private directory under /tmp.
 */
export function defaultSocketPath(pidfile?: string): string {
  if (pidfile !== undefined) return `${pidfile.replace(/\.pid$/, '')}.sock`;
  if (process.env.XDG_RUNTIME_DIR) return join(process.env.XDG_RUNTIME_DIR, 'tswatch.sock');
  return join(tmpdir(), `tswatch-${process.getuid?.() ?? 0}`, 'daemon.sock');
}

/** Is a daemon answering on `path`? */
function answering(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Listen on a unix socket that only this user can connect to. Node does not expose SO_PEERCRED, so the
 * kernel's permission check is the guard: the socket is created mode 0600 (umask set around bind, so
 * there is no window with a wider mode) and connect(2) needs write permission on it. Another user's
 * connect fails with EACCES before the daemon reads a byte.
 */
export async function startControlServer(path: string, submit: (request: Request) => void): Promise<Server> {
  const dir = dirname(path);
  try {
    statSync(dir);
  } catch {
    makeDirs(dir, 0o700);
  }
  // In a directory others may write to (and that is not sticky), someone could swap the socket for theirs.
  const { mode, uid } = statSync(dir);
  if (mode & 0o002 && !(mode & 0o1000)) {
    throw new TswatchError(`unsafe directory for the control socket: '${dir}' is writable by every user`, {
      code: 'EUNSAFE',
      path: dir,
      hint: 'give --socket a path in a directory only this user can write (e.g. $XDG_RUNTIME_DIR)',
    });
  }
  if (uid !== process.getuid?.() && dir.startsWith(join(tmpdir(), 'tswatch-'))) {
    throw new TswatchError(`unsafe directory for the control socket: '${dir}' belongs to uid ${uid}`, {
      code: 'EUNSAFE',
      path: dir,
      hint: 'someone else created it: remove it, or give --socket a path in $XDG_RUNTIME_DIR',
    });
  }
  try {
    if (lstatSync(path).isSocket()) {
      if (await answering(path)) {
        throw new TswatchError(`another tswatch daemon is listening on '${path}'`, {
          code: 'EADDRINUSE',
          path,
          hint: 'stop it (tswatch ctl stop), or give this one another --socket',
        });
      }
      unlinkSync(path); // left by a daemon that died: stale
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const server = createServer((socket) => serve(socket, submit));
  const umask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => resolve());
    });
  } catch (err) {
    throw new TswatchError(`cannot create the control socket '${path}': ${(err as Error).message}`, {
      code: (err as NodeJS.ErrnoException).code ?? 'ESOCKET',
      path,
      cause: err,
      hint: 'give --socket a path in a directory this user owns',
    });
  } finally {
    process.umask(umask);
  }
  chmodSync(path, 0o600);
  return server;
}

const COMMANDS: readonly ControlCommand[] = ['status', 'reload', 'stop', 'pause', 'resume'];

/** One request per connection: a JSON line in, a JSON line out. */
function serve(socket: Socket, submit: (request: Request) => void): void {
  let buffer = '';
  socket.setEncoding('utf8');
  socket.on('error', () => {}); // a client that went away
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    const end = buffer.indexOf('\n');
    if (end === -1) {
      if (buffer.length > 65536) socket.destroy();
      return;
    }
    const reply = (result: ControlReply): void => void socket.end(`${JSON.stringify(result)}\n`);
    let request: { command?: unknown; name?: unknown };
    try {
      request = JSON.parse(buffer.slice(0, end)) as typeof request;
    } catch {
      return reply({ ok: false, error: 'malformed request: expected one JSON line' });
    }
    const command = request.command as ControlCommand;
    if (!COMMANDS.includes(command))
      return reply({ ok: false, error: `unknown command '${String(request.command)}' (commands: ${COMMANDS.join(', ')})` });
    submit({ kind: 'control', command, name: typeof request.name === 'string' ? request.name : undefined, reply });
  });
}

/** Send one request to the daemon on `path` and return its reply. */
export function controlRequest(path: string, command: ControlCommand, name?: string): Promise<ControlReply> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    let data = '';
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify({ command, name })}\n`));
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('end', () => {
      try {
        resolve(JSON.parse(data) as ControlReply);
      } catch {
        reject(new TswatchError(`the daemon on '${path}' sent no valid reply`, { code: 'EPROTO', path }));
      }
    });
    socket.on('error', (err: NodeJS.ErrnoException) => reject(connectError(path, err)));
  });
}

function connectError(path: string, err: NodeJS.ErrnoException): TswatchError {
  if (err.code === 'EACCES' || err.code === 'EPERM') {
    let whose = 'its directory is closed to this user';
    try {
      whose = `it belongs to uid ${statSync(path).uid}`;
    } catch {
      // the directory itself is closed to us
    }
    return new TswatchError(`permission denied on the control socket '${path}': ${whose}, and only the daemon's owner may control it`, {
      code: err.code,
      path,
      cause: err,
      hint: `run tswatch ctl as the user that started the daemon (this is uid ${process.getuid?.()})`,
    });
  }
  if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') {
    return new TswatchError(`no tswatch daemon is listening on '${path}'`, {
      code: err.code,
      path,
      cause: err,
      hint: 'start one with tswatch daemon --config FILE, or point ctl at it with --socket PATH or --pidfile PATH',
    });
  }
  return new TswatchError(`cannot reach the daemon on '${path}': ${err.message}`, { code: err.code ?? 'ESOCKET', path, cause: err });
}
