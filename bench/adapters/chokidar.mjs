// chokidar@5 with the options a user watching for changes would pick (no initial add events).
import { watch } from 'chokidar';
import { emit, ready } from './out.mjs';

const watcher = watch(process.argv[2], { ignoreInitial: true });
watcher
  .on('add', (p) => emit(`CREATE ${p}`))
  .on('addDir', (p) => emit(`CREATE ${p}`))
  .on('change', (p) => emit(`WRITE ${p}`))
  .on('unlink', (p) => emit(`DELETE ${p}`))
  .on('unlinkDir', (p) => emit(`DELETE ${p}`))
  .on('error', (e) => emit(`ERROR ${String(e?.message ?? e).replace(/\n/g, ' ')}`))
  .on('ready', ready);
