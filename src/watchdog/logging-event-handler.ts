import type { FileSystemEvent } from './events.js';
import { FileSystemEventHandler } from './file-system-event-handler.js';

/** Anything with an `info` method: `console`, pino, winston… */
export interface Logger {
  info(message: string): void;
}

const what = (event: FileSystemEvent): string => (event.is_directory ? 'directory' : 'file');

/** watchdog's LoggingEventHandler: one log line per event, in watchdog's words. */
export class LoggingEventHandler extends FileSystemEventHandler {
  readonly logger: Logger;

  constructor(options: { logger?: Logger } = {}) {
    super();
    this.logger = options.logger ?? console;
  }

  override on_moved(event: FileSystemEvent): void {
    this.logger.info(`Moved ${what(event)}: from ${event.src_path} to ${event.dest_path}`);
  }
  override on_created(event: FileSystemEvent): void {
    this.logger.info(`Created ${what(event)}: ${event.src_path}`);
  }
  override on_deleted(event: FileSystemEvent): void {
    this.logger.info(`Deleted ${what(event)}: ${event.src_path}`);
  }
  override on_modified(event: FileSystemEvent): void {
    this.logger.info(`Modified ${what(event)}: ${event.src_path}`);
  }
  override on_closed(event: FileSystemEvent): void {
    this.logger.info(`Closed modified file: ${event.src_path}`);
  }
  override on_closed_no_write(event: FileSystemEvent): void {
    this.logger.info(`Closed read file: ${event.src_path}`);
  }
  override on_opened(event: FileSystemEvent): void {
    this.logger.info(`Opened file: ${event.src_path}`);
  }
}
