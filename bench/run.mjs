// npm run bench: speed and memory figures, printed, never asserted (machines are shared and noisy).
import { benchBackup } from './backup.mjs';
import { benchCpu } from './cpu.mjs';
import { benchLogStream } from './logStream.mjs';
import { benchPitr } from './pitr.mjs';
import { benchPolling } from './poll.mjs';
import { benchPromote } from './promote.mjs';
import { benchRebuild } from './rebuild.mjs';
import { benchRender } from './render.mjs';
import { benchRunbookStream } from './runbookStream.mjs';
import { benchStartup } from './startup.mjs';
import { startBenchCluster } from './support.mjs';

const cluster = await startBenchCluster(3);
try {
  console.log(`pgcockpit benchmarks on a 3-node sandbox (${cluster.layout.root})\n`);
  await benchPolling(cluster);
  await benchRender(cluster);
  await benchLogStream(cluster);
  await benchRunbookStream(cluster);
  await benchCpu(cluster);
  await benchStartup(cluster);
} finally {
  await cluster.destroy();
}
// Failover timings: a fresh 2-node sandbox per sample, so after the shared cluster is gone.
await benchPromote();
// Rebuild timings: a 2-node sandbox with ~340 MB of data of its own.
await benchRebuild();
// Backup and restore timings: a 1-node sandbox with a database of its own.
await benchBackup();
// Point-in-time recovery: a 1-node sandbox, a base backup and ~400 MB of pgbench WAL; pgcockpit pitr beside the same by hand.
await benchPitr();
