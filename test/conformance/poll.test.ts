import { PollBackend } from '../../src/backends/poll.js';
import { conformance } from './suite.js';

conformance('poll', () => new PollBackend({ interval: 50 }));
