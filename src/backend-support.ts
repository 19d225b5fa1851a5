import type { Backend } from './backends/backend.js';
import { ALL_EVENTS, maskname } from './masks.js';

/** The bits `backend` delivers for the watch `wd`. */
export function supportedMaskOf(backend: Backend, wd: number): number {
  return backend.supportedMaskOf?.(wd) ?? backend.supportedMask;
}

const warnedUnsupported = new Set<string>();

/** Asked for events this watch's backend cannot give: say so, once per backend and set of bits. */
export function warnUnsupported(backend: Backend, wd: number, mask: number, path: string): void {
  const missing = mask & ALL_EVENTS & ~supportedMaskOf(backend, wd);
  const key = `${backend.name}:${missing}`;
  if (missing === 0 || warnedUnsupported.has(key)) return;
  warnedUnsupported.add(key);
  process.emitWarning(
    `the ${backend.name} backend cannot deliver ${maskname(missing).replaceAll('|', ', ')} (asked for on '${path}'); ` +
      'those events will not be reported there',
    { type: 'TswatchWarning', code: 'TSWATCH_UNSUPPORTED' },
  );
}
