import path from 'node:path';
import type { CommandSpec } from '../../runner/runner.js';
import type { PlanStep } from '../plan.js';
import type { PitrStepFacts } from './pitrSteps.js';
import type { RecoveryEnd } from './recoveryEnd.js';

/** The line appendSettingsCommand writes before the recovery settings (by 'pitr'). */
export const PITR_MARKER = '# added by pgcockpit pitr';

/** What stays of the block in place: the node's port and name (its postgresql.conf is now the backup's node's, with that node's port). */
const KEPT = /^(port|cluster_name) = /;

/**
 * Replaces the marker line and exactly the settings written after it, in
 * order, by the node's port and name; anything else in the file stays as it
 * is. Exit 3: no such block (ALTER SYSTEM rewrites the file without comments).
 */
function removeBlockCommand(file: string, settings: readonly string[], node: string): CommandSpec {
  const kept = settings.filter((line) => KEPT.test(line));
  const text = [
    'f="$1"; n="$2"; tmp="$f.pgcockpit-tmp"',
    `awk -v n="$n" -v marker='${PITR_MARKER}' '`,
    '  state == 1 { if ($0 == ENVIRON["PGCOCKPIT_SETTING_" i]) { held = held $0 "\\n"; i++; if (i > n) { state = 2; held = ""; found = 1; printf "%s", ENVIRON["PGCOCKPIT_KEPT"] }; next } printf "%s", held; held = ""; state = 0 }',
    '  state == 0 && $0 == marker { held = $0 "\\n"; i = 1; state = 1; next }',
    '  { print }',
    '  END { if (state == 1) printf "%s", held; exit (found ? 0 : 3) }',
    `' "$f" > "$tmp"; rc=$?`,
    // cat over the file, not mv: its owner and mode stay the server's.
    'if [ $rc = 0 ]; then cat "$tmp" > "$f" && rm -f "$tmp" && echo removed; exit; fi',
    'rm -f "$tmp"; [ $rc = 3 ] && echo absent && exit 0; exit 1',
  ].join('\n');
  return {
    program: 'sh',
    args: ['-c', text, 'sh', file, String(settings.length)],
    env: {
      ...Object.fromEntries(settings.map((line, index) => [`PGCOCKPIT_SETTING_${index + 1}`, line])),
      PGCOCKPIT_KEPT: kept.length > 0 ? [`# kept by pgcockpit pitr: ${node}'s own port and name (its postgresql.conf came with the backup)`, ...kept, ''].join('\n') : '',
    },
    mutating: true,
    timeoutMs: 30_000,
  };
}

/**
 * In place, the recovered directory is the node's for good, so the
 * recovery's settings must not stay in its postgresql.auto.conf: with
 * archive_mode 'off' a promoted node never archives again, and a later
 * switchover's rejoin (standby.signal) would replay to the old
 * recovery_target_* and stop there. Promoted, the block is removed (taking
 * effect at the next restart: archive_mode, logging_collector and port need
 * one). Paused or shut down at the target, it is what keeps a restart at the
 * target (without it a restart replays to the archive's end and promotes), so
 * it stays and the result says which lines to remove once promoted.
 */
export function settingsCleanupStep(facts: PitrStepFacts, endOf: () => RecoveryEnd | undefined): PlanStep {
  const file = path.posix.join(facts.dest, 'postgresql.auto.conf');
  const node = facts.inPlaceNode ?? facts.host;
  const lines = [PITR_MARKER, ...facts.settings];
  const listed = lines.map((line) => `  ${line}`).join('\n');
  return {
    node: facts.host,
    description: `take the recovery settings out of ${node}'s postgresql.auto.conf once it is promoted (paused or shut down: say which lines to remove)`,
    detail: `promoted: remove from ${file} the ${lines.length} lines added by step 2:\n${listed}`,
    mutating: true,
    async run(ctx) {
      const end = endOf();
      if (end?.state !== 'promoted') {
        const how = end?.state === 'shut down' ? `set recovery_target_action = 'promote' in that block and start it (${facts.pgCtl} -D ${facts.dest} start)` : 'promote it (select pg_wal_replay_resume())';
        return `left in ${file}: they keep ${node} at the target while it is ${end?.state ?? 'in recovery'}; once it is right, ${how}, then remove these ${lines.length} lines and restart it (keep ${facts.settings.filter((line) => KEPT.test(line)).join(' and ')}: ${node}'s own, its postgresql.conf came with the backup), or it never archives again (archive_mode = 'off') and a later rejoin replays to this target:\n${listed}`;
      }
      const said = (await ctx.command(facts.host, removeBlockCommand(file, facts.settings, node))).trim();
      const kept = facts.settings.filter((line) => KEPT.test(line));
      if (said === 'removed') return `the ${lines.length} lines of the recovery are out of ${file}${kept.length > 0 ? `, but for ${kept.join(', ')} (${node}'s own: its postgresql.conf came with the backup)` : ''} (archive_mode and the node's own settings again from its next restart: ${facts.pgCtl} -D ${facts.dest} restart; until then it does not archive)`;
      return `${file} no longer holds the block as written (ALTER SYSTEM rewrites the file): check it for these settings and remove them, then restart ${node}:\n${listed}`;
    },
  };
}
