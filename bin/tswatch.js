#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';

// A watcher's allocations are short-lived and small (a directory's entries, an event's line), yet V8
// grows its young generation to 16 MiB × 3 under a big tree's walk or a burst, and that stays resident:
// kept at its first 1 MiB, a 20,000-directory tree is watched in 10 MB less, at no measurable CPU cost.
setFlagsFromString('--semi-space-growth-factor=1');
const { main } = await import('../dist/src/cli/main.js');

await main();
