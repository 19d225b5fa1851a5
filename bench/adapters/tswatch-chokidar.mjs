// tswatch/chokidar: the same program as chokidar.mjs with the one import changed.
import { watch } from '../../dist/facades/chokidar/index.js';
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
