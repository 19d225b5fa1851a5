import type { Writer } from './backends/backend.js';
import { IN_ISDIR, IN_MOVE, maskname } from './masks.js';

export interface EventInit {
  wd: number;
  mask: number;
  cookie?: number;
  name?: string;
  /** The watched path the event happened in (the watch's path at the time). */
  path: string;
  src_pathname?: string | undefined;
  synthetic?: boolean;
  /** The event is about a directory. Defaults to IN_ISDIR in the mask; the kernel leaves that bit off
   * IN_DELETE_SELF and IN_MOVE_SELF, so for those the watch says (as pyinotify does). */
  dir?: boolean;
  /** The machine the event happened on, for an event read from a fleet stream. */
  host?: string | undefined;
  /** The process that caused it, where the backend knows (fanotify). */
  writer?: Writer | undefined;
}

/** The writer fields of an event's JSON form (a fleet record, a journal line), as an EventInit's `writer`. */
export function writerOfRecord(r: { pid?: unknown; uid?: unknown; comm?: unknown; exe?: unknown }): Writer | undefined {
  if (typeof r.pid !== 'number') return undefined;
  return {
    pid: r.pid,
    ...(typeof r.uid === 'number' && { uid: r.uid }),
    ...(typeof r.comm === 'string' && { comm: r.comm }),
    ...(typeof r.exe === 'string' && { exe: r.exe }),
  };
}

/**
 * One filesystem event, with pyinotify's field names. Paths are captured when the event is made, so
 * a later rename of a directory never changes an event already handed out.
 */
export class Event {
  readonly wd: number;
  readonly mask: number;
  readonly cookie: number;
  /** Entry name inside the watched directory; '' when the event is about the watched path itself. */
  readonly name: string;
  readonly path: string;
  /** On a paired IN_MOVED_TO: where the entry came from. */
  readonly src_pathname: string | undefined;
  /** True when tswatch made this event from a directory scan (new directory, overflow recovery). */
  readonly synthetic: boolean;
  readonly dir: boolean;
  /** The machine the event happened on: set on events read from a fleet stream, undefined for local ones. */
  readonly host: string | undefined;
  /**
   * The process that caused the event, its uid, command name and executable (read from /proc when the
   * event was read: a process already gone has its pid only). Only the fanotify backend knows them;
   * elsewhere they are undefined, never guessed.
   */
  readonly pid: number | undefined;
  readonly uid: number | undefined;
  readonly comm: string | undefined;
  readonly exe: string | undefined;

  constructor(init: EventInit) {
    this.wd = init.wd;
    this.mask = init.mask >>> 0;
    this.cookie = init.cookie ?? 0;
    this.name = init.name ?? '';
    this.path = init.path;
    this.src_pathname = init.src_pathname;
    this.synthetic = init.synthetic ?? false;
    this.dir = init.dir ?? (this.mask & IN_ISDIR) !== 0;
    this.host = init.host;
    this.pid = init.writer?.pid;
    this.uid = init.writer?.uid;
    this.comm = init.writer?.comm;
    this.exe = init.writer?.exe;
  }

  get maskname(): string {
    return maskname(this.mask);
  }

  get pathname(): string {
    if (this.name === '') return this.path;
    return this.path.endsWith('/') ? this.path + this.name : `${this.path}/${this.name}`;
  }

  /** The fields pyinotify's repr shows, in its (sorted) order. */
  private fields(): Array<[string, string | number | boolean]> {
    const fields: Array<[string, string | number | boolean]> = [];
    if (this.mask & IN_MOVE) fields.push(['cookie', this.cookie]);
    fields.push(['dir', this.dir], ['mask', this.mask], ['maskname', this.maskname], ['name', this.name]);
    fields.push(['path', this.path], ['pathname', this.pathname]);
    if (this.src_pathname !== undefined) fields.push(['src_pathname', this.src_pathname]);
    if (this.synthetic) fields.push(['synthetic', true]);
    fields.push(['wd', this.wd]);
    return fields;
  }

  /** pyinotify's repr: `<Event dir=False mask=0x100 maskname=IN_CREATE name=f path=/tmp pathname=/tmp/f wd=1 >`. */
  toString(): string {
    const show = (key: string, value: string | number | boolean): string => {
      if (key === 'mask') return `0x${(value as number).toString(16)}`;
      if (typeof value === 'boolean') return value ? 'True' : 'False';
      return value === '' ? "''" : String(value);
    };
    return `<Event ${this.fields()
      .map(([key, value]) => `${key}=${show(key, value)}`)
      .join(' ')} >`;
  }

  toJSON(): Record<string, unknown> {
    return {
      wd: this.wd,
      mask: this.mask,
      maskname: this.maskname,
      cookie: this.cookie,
      name: this.name,
      path: this.path,
      pathname: this.pathname,
      dir: this.dir,
      ...(this.src_pathname !== undefined && { src_pathname: this.src_pathname }),
      ...(this.synthetic && { synthetic: true }),
      ...(this.pid !== undefined && { pid: this.pid }),
      ...(this.uid !== undefined && { uid: this.uid }),
      ...(this.comm !== undefined && { comm: this.comm }),
      ...(this.exe !== undefined && { exe: this.exe }),
    };
  }
}
