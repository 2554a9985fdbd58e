import type { CheckpointerStats } from '../services/cluster/nodeSnapshot.js';
import { formatDuration } from '../services/cluster/formatDuration.js';
import { ageText } from './ageText.js';

/**
 * The checkpointer's counters as one detail line, naming the view they came
 * from (pg_stat_checkpointer on 17+, pg_stat_bgwriter before): many requested
 * checkpoints against timed ones says max_wal_size is too small.
 */
export function checkpointerText(stats: CheckpointerStats, now: number | undefined): string {
  const restartpoints = stats.restartpointsDone === null ? '' : ` · ${stats.restartpointsDone} restartpoints`;
  const since = stats.statsResetAt === null || now === undefined ? '' : `, since ${ageText(now, stats.statsResetAt)} ago`;
  return (
    `checkpoints ${stats.timed} timed · ${stats.requested} requested${restartpoints} · ` +
    `write ${formatDuration(stats.writeTimeMs / 1000)} · sync ${formatDuration(stats.syncTimeMs / 1000)} · ${stats.buffersWritten} buffers (${stats.view}${since})`
  );
}
