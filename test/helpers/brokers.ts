import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import { after } from 'node:test';
import type { TestCerts } from './test-certs.js';
import { tmpDir } from './tmp-dir.js';
import { waitFor } from './wait-for.js';

/** A port nothing listens on now (the kernel picks it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * A real broker on 127.0.0.1 on a free port, its data in a temp dir, so `stop` then `start` is a
 * restart that keeps what it stored. Stopped when the test file ends.
 */
export class Broker {
  private child: ChildProcess | undefined;
  private log = '';

  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly command: string,
    private readonly args: string[],
  ) {
    after(() => this.stop());
  }

  get url(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    const child = spawn(this.command, this.args, { cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout!.on('data', (d: Buffer) => (this.log += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (this.log += d.toString()));
    let up = false;
    let exited = false;
    child.once('exit', () => (exited = true));
    await waitFor(() => {
      if (exited) throw new Error(`${this.command} exited: ${this.log}`);
      void accepts(this.port).then((ok) => (up ||= ok));
      return up;
    }, `${this.command} to listen on ${this.port}: ${this.log}`);
    return this;
  }

  /** SIGTERM (a clean shutdown: brokers save their state) and wait for the exit. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await gone;
  }

  /** nats-server with JetStream, storing in its temp dir; with TLS (server cert and key) and/or auth. */
  static async nats(secure: BrokerSecurity = {}): Promise<Broker> {
    const dir = tmpDir('tswatch-nats-');
    const port = await freePort();
    const args = ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', join(dir, 'js')];
    if (secure.tls) args.push('--tls', '--tlscert', secure.tls.cert, '--tlskey', secure.tls.key);
    if (secure.token) args.push('--auth', secure.token);
    if (secure.user) args.push('--user', secure.user, '--pass', secure.password!);
    return new Broker(port, dir, 'nats-server', args).start();
  }

  /** redis-server with an append-only file synced on every write: a restart keeps every acknowledged XADD. */
  static async redis(secure: BrokerSecurity = {}): Promise<Broker> {
    const dir = tmpDir('tswatch-redis-');
    const port = await freePort();
    const args = ['--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', ''];
    if (secure.tls) {
      args.push('--port', '0', '--tls-port', String(port), '--tls-cert-file', secure.tls.cert, '--tls-key-file', secure.tls.key);
      args.push('--tls-ca-cert-file', secure.tls.ca, '--tls-auth-clients', 'no');
    } else args.push('--port', String(port));
    if (secure.password !== undefined && secure.user === undefined) args.push('--requirepass', secure.password);
    if (secure.user !== undefined)
      args.push('--user', secure.user, 'on', `>${secure.password}`, '~*', '&*', '+@all', '--user', 'default', 'off');
    return new Broker(port, dir, 'redis-server', args).start();
  }

  /** mosquitto with persistence (queued QoS 1 messages for persistent sessions survive a restart). */
  static async mosquitto(secure: BrokerSecurity = {}): Promise<Broker> {
    const dir = tmpDir('tswatch-mqtt-');
    const port = await freePort();
    const conf = join(dir, 'mosquitto.conf');
    const lines = [
      `listener ${port} 127.0.0.1`,
      'persistence true',
      'user root',
      `persistence_location ${dir}/`,
      'max_queued_messages 0',
      'max_inflight_messages 0',
    ];
    if (secure.tls) lines.push(`cafile ${secure.tls.ca}`, `certfile ${secure.tls.cert}`, `keyfile ${secure.tls.key}`);
    if (secure.user === undefined) lines.push('allow_anonymous true');
    else {
      const passwords = join(dir, 'passwords');
      execFileSync('mosquitto_passwd', ['-b', '-c', passwords, secure.user, secure.password!]);
      lines.push('allow_anonymous false', `password_file ${passwords}`);
    }
    writeFileSync(conf, `${lines.join('\n')}\n`);
    return new Broker(port, dir, 'mosquitto', ['-c', conf]).start();
  }
}

/** How a test broker is secured: TLS with these files, a NATS token, a user and password. */
export interface BrokerSecurity {
  tls?: TestCerts;
  token?: string;
  user?: string;
  password?: string;
}
