// Buffered line output shared by the Node adapters: lines queued in one tick leave in one write.
const lines = [];
let scheduled = false;

function flush() {
  scheduled = false;
  if (lines.length === 0) return;
  process.stdout.write(`${lines.join('\n')}\n`);
  lines.length = 0;
}

export function emit(line) {
  lines.push(line);
  if (!scheduled) {
    scheduled = true;
    setImmediate(flush);
  }
}

export function ready() {
  emit('READY');
}
