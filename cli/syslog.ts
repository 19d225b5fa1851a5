import { Writable } from 'node:stream';
import { lazyBuiltin } from '../src/lazy-builtin.js';

/** Only -s and -d write to syslog: a plain watch does not load node:child_process. */
const childProcess = lazyBuiltin<typeof import('node:child_process')>('node:child_process');

/**
 * `-s/--syslog`: messages go to the system log instead of stderr, one entry per line, through
 * logger(1) (util-linux; Node has no syslog socket API). Where there is no logger or no syslog daemon
 * the message is lost, as with syslog(3).
 */
export function syslogStream(tag = 'tswatch'): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) {
        if (line.trim() === '') continue;
        const child = childProcess().spawn('logger', ['-t', tag, '-p', 'user.notice', '--', line], { stdio: 'ignore' });
        child.on('error', () => {}); // no logger(1): nowhere to log to
        child.unref();
      }
      done();
    },
  });
}
