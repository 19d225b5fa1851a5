import { ParcelBackend } from '../../src/backends/parcel.js';
import { conformance } from './suite.js';

conformance('parcel', () => new ParcelBackend(), {
  // Reproduced with @parcel/watcher alone (2.5): in a tree made by `mkdir -p`, the innermost new
  // directory often gets no inotify watch, so files created in it later are never reported.
  subtree: '@parcel/watcher misses later files in a directory created inside a just-created one',
});
