import { FanotifyBackend } from '../../src/backends/fanotify.js';
import { fanotifyProblem } from '../../src/backends/fanotify-support.js';
import { conformance } from './suite.js';

// Root only (CI runs as root): elsewhere the backend refuses to start, which test/backends/fanotify.test.ts checks.
if (fanotifyProblem() === undefined) conformance('fanotify', () => new FanotifyBackend());
