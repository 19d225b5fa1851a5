import { endianness } from 'node:os';
import { fsDecode } from '../fs-names.js';
import type { RawEvent, Writer } from './backend.js';

/** native/fanotify-records.h's RecordHeader: wd, mask, cookie, pid, uid, then name, exe and comm lengths. */
const HEADER = 28;
const LE = endianness() === 'LE';

/** Bytes that are plain ASCII decode exactly (and cheaply) as latin1; others keep their bytes (fsDecode). */
function text(buf: Buffer, start: number, end: number): string {
  for (let i = start; i < end; i++) if (buf[i]! >= 0x80) return fsDecode(buf.subarray(start, end));
  return buf.toString('latin1', start, end);
}

/** Split the records the fanotify reader wrote into raw events, each with its writer when known. */
export function parseFanotifyRecords(buf: Buffer): RawEvent[] {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const events: RawEvent[] = [];
  // One writer object per process and batch: a burst from one process shares it.
  let last: Writer | undefined;
  for (let off = 0; off + HEADER <= buf.length; ) {
    const pid = view.getInt32(off + 12, LE);
    const uid = view.getInt32(off + 16, LE);
    const nameLen = view.getUint16(off + 20, LE);
    const exeLen = view.getUint16(off + 22, LE);
    const commLen = view.getUint8(off + 24);
    const nameAt = off + HEADER;
    const commAt = nameAt + nameLen;
    const exeAt = commAt + commLen;
    const event: RawEvent = {
      wd: view.getInt32(off, LE),
      mask: view.getUint32(off + 4, LE),
      cookie: view.getUint32(off + 8, LE),
      name: nameLen === 0 ? '' : text(buf, nameAt, commAt),
    };
    // pid 0: the kernel could not name it in our pid namespace. Nothing is made up for it.
    if (pid > 0) {
      const comm = commLen > 0 ? text(buf, commAt, exeAt) : undefined;
      const exe = exeLen > 0 ? text(buf, exeAt, exeAt + exeLen) : undefined;
      if (last?.pid !== pid || last.uid !== (uid < 0 ? undefined : uid) || last.comm !== comm || last.exe !== exe) {
        last = { pid, ...(uid >= 0 && { uid }), ...(comm !== undefined && { comm }), ...(exe !== undefined && { exe }) };
      }
      event.writer = last;
    }
    events.push(event);
    off = exeAt + exeLen;
  }
  return events;
}
