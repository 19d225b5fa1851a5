/** inotifywait's status codes, in a module of their own so that every command can name them cheaply. */
export const EXIT = { event: 0, error: 1, timeout: 2 } as const;
