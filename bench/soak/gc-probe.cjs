'use strict';
// Bench-only preload for the soak benchmark's app process (bench/soak/app.ts starts the app with
// `node --expose-gc --require <this file>`); the app itself is unchanged.
//
// SIGUSR2 (used by neither the app nor Node, whose --report-on-signal is not set) runs full
// collections and prints one line to stderr: `uaip-soak-memory {"heapUsed":…}`. Passive samples
// of a running heap hold whatever garbage the last collection left, which alone wandered by more
// than the 10 % bar; after forced full collections only what is reachable is left.
//
// With UAIP_SOAK_SNAPSHOT_DIR set, SIGHUP (which the app does not handle either) writes a heap
// snapshot there and prints `uaip-soak-snapshot {"file":…}`: the heap's contents, to compare
// the start and the end of a run by constructor.
const { join } = require('node:path');
const v8 = require('node:v8');

process.on('SIGUSR2', () => {
  // Twice: what a finalizer or a weak callback of the first collection released goes in the second.
  global.gc();
  global.gc();
  const { heapUsed, heapTotal, rss, external, arrayBuffers } = process.memoryUsage();
  const line = JSON.stringify({ heapUsed, heapTotal, rss, external, arrayBuffers });
  process.stderr.write(`uaip-soak-memory ${line}\n`);
});

const dir = process.env.UAIP_SOAK_SNAPSHOT_DIR;
if (dir) {
  let count = 0;
  process.on('SIGHUP', () => {
    // writeHeapSnapshot collects garbage first; the snapshot holds only reachable objects.
    const file = v8.writeHeapSnapshot(join(dir, `${++count}.heapsnapshot`));
    process.stderr.write(`uaip-soak-snapshot ${JSON.stringify({ file })}\n`);
  });
}
