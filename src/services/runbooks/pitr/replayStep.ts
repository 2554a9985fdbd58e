import path from 'node:path';
import { formatElapsed } from '../../runner/formatElapsed.js';
import { walReplayProgress } from '../../runner/progress/walReplayProgress.js';
import type { PlanStep } from '../plan.js';
import { script } from '../rebuild/rebuildSteps.js';
import type { PitrStepFacts } from './pitrSteps.js';
import type { RecoveryEnd } from './recoveryEnd.js';
import { readRecoveryEnd, RECOVERY_OVER } from './recoveryEnd.js';

/**
 * pg_ctl -l: inside the copy, so one directory holds all of it; the job reads
 * replay off it. Named by the run's UTC second: a backup of a data directory
 * that was itself recovered carries an earlier run's log, whose "pausing at
 * the end of recovery" must never be read as this run's (pg_ctl -l appends).
 */
export function recoveryLogFile(dest: string, stamp?: string): string {
  return path.posix.join(dest, stamp ? `pgcockpit-recovery-${stamp}.log` : 'pgcockpit-recovery.log');
}

/**
 * The watch: the server's log as the job's output (tail -F, so replay
 * progress reaches the job bar) until recovery is over: paused, promoted, or
 * the server gone (shut down at the target, or stopped by a FATAL). Then the
 * lines that say how it ended, once more, for the reading.
 */
function watchScript(): string {
  return [
    'log="$1"; dir="$2"',
    'tail -n +1 -s 0.2 -F -- "$log" 2>/dev/null &',
    'tailer=$!',
    "trap 'kill $tailer 2>/dev/null' EXIT",
    'seen=""; n=0',
    'while :; do',
    `  if grep -qE '${RECOVERY_OVER}' -- "$log" 2>/dev/null; then break; fi`,
    '  pid=$(head -n 1 -- "$dir/postmaster.pid" 2>/dev/null)',
    '  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then seen=1',
    // Gone before it was ever seen alive: its last words say so (a FATAL at startup ends in one of these).
    "  elif [ -n \"$seen\" ] || [ $n -gt 600 ] || grep -qE 'database system is shut down|aborting startup due to startup process failure' -- \"$log\" 2>/dev/null; then break; fi",
    // Every 0.1 s: the end is seen at once (the grep reads a log of a few lines a segment).
    '  n=$((n + 1)); sleep 0.1',
    'done',
    // tail -F follows by inotify (at once): 50 ms lets it print the last lines; how it ended is read off the file below anyway.
    'sleep 0.05; kill $tailer 2>/dev/null; wait $tailer 2>/dev/null',
    "echo '--- how recovery ended ---'",
    "grep -E 'recovery stopping|pausing at the end|recovery has paused|archive recovery complete|last completed transaction|recovery ended before|shutdown at recovery target|database system is (shut down|ready to accept connections)|FATAL|PANIC' -- \"$log\" | tail -n 20",
    'if [ -f "$dir/postmaster.pid" ]; then echo "postmaster.pid: $(sed -n 2p "$dir/postmaster.pid") port $(sed -n 4p "$dir/postmaster.pid")"; fi',
  ].join('\n');
}

/** Step 5: replay followed as a job until the target; the point reached is the result, a target not reached a failure with the reason. */
export function replayStep(facts: PitrStepFacts, onEnd: (end: RecoveryEnd) => void): PlanStep {
  const log = facts.logFile;
  const spec = script(watchScript(), [log, facts.dest], { mutating: false, timeoutMs: 7 * 24 * 3600_000 });
  return {
    node: facts.host,
    description: `replay the archived WAL up to the target (recovery_target_action ${facts.action}), following ${log}`,
    detail: `tail -F ${log} until "pausing at the end of recovery", "database system is ready to accept connections" or the server stops; its replay lines feed the progress`,
    mutating: false,
    cancellable: true,
    async run(ctx) {
      const startedAt = Date.now();
      const output = await ctx.command(facts.host, spec, { parseProgress: walReplayProgress(facts.replay) });
      const lines = output.split('\n');
      const end = readRecoveryEnd(lines, facts.action);
      onEnd(end);
      if (end.state === 'not reached' || end.state === 'failed') throw new Error(`${end.reason ?? 'recovery failed'}; the server log: ${log}`);
      if (end.state !== 'shut down') {
        // postmaster.pid line 2 is the data directory the running server uses, line 4 its port.
        const pid = lines.find((line) => line.startsWith('postmaster.pid: '));
        const expected = `postmaster.pid: ${facts.dest} port ${facts.port}`;
        if (pid !== expected) throw new Error(`the running server is not the copy on port ${facts.port}: ${pid ?? 'no postmaster.pid in ' + facts.dest}`);
      }
      const point = [end.stoppedAt, end.lastTransaction ? `last commit replayed at ${end.lastTransaction}` : undefined].filter(Boolean).join('; ');
      return `${end.state} after ${formatElapsed(Date.now() - startedAt)}: ${point || 'no stop line in the log'}`;
    },
    ifStoppedAfter: () => `the copy's server runs on ${facts.dest}, port ${facts.port}; stop it: ${facts.pgCtl} -D ${facts.dest} stop`,
  };
}

