/** The events an automation reacts to unless told otherwise: changes, not reads (a command that reads
 * the files it is given must not trigger itself through IN_OPEN/IN_ACCESS). A module of its own, with
 * no imports, so that the CLI can declare its default without loading the daemon. */
export const CHANGE_EVENTS = ['close_write,moved_to,moved_from,delete'];
