import { InotifyBackend } from '../../src/backends/inotify.js';
import { conformance } from './suite.js';

conformance('inotify', () => new InotifyBackend());
