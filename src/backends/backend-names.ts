/** The backends by name: a module of its own so that declaring --backend loads no backend. */
export const BACKEND_NAMES = ['inotify', 'fanotify', 'parcel', 'poll', 'auto'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
