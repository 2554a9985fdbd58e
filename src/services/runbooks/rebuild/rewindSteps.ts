import path from 'node:path';
import type { NodeConfig } from '../../config/schema.js';
import { commandLine } from '../../os/shellQuote.js';
import { confString } from '../../postgres/confValue.js';
import { formatElapsed } from '../../runner/formatElapsed.js';
import { rewindProgressReport } from '../../runner/progress/rewindProgress.js';
import type { CommandSpec } from '../../runner/runner.js';
import { formatConninfo } from '../conninfoEdit.js';
import type { PlanStep } from '../plan.js';
import { pgTool, serviceCommand } from '../serviceControl.js';
import { appendSettingsCommand } from '../switchover/switchoverSteps.js';
import { script } from './rebuildSteps.js';

/** The pg_rewind method's own steps: finish a crash recovery, save the node's configuration, rewind in place. */

/**
 * A data directory left by a crash ("in production" with no server
 * running) must finish crash recovery before pg_rewind takes it: a
 * single-user server replays its WAL and, at the end of its input, shuts
 * down cleanly. It listens on no port; archive_mode off keeps it from
 * waiting on an archiver that single-user mode does not start.
 */
export function crashRecoveryStep(node: NodeConfig): PlanStep {
  const spec = script('"$1" --single -D "$2" -c archive_mode=off postgres < /dev/null', [pgTool(node, 'postgres'), node.dataDir ?? ''], { mutating: true, timeoutMs: 3600_000 });
  return {
    node: node.name,
    description: `finish ${node.name}'s crash recovery (single-user, no port) so that pg_rewind can take it`,
    detail: `${pgTool(node, 'postgres')} --single -D ${node.dataDir} -c archive_mode=off postgres < /dev/null`,
    mutating: true,
    async run(ctx) {
      await ctx.command(node.name, spec);
      return `${node.name} recovered and shut down cleanly`;
    },
    ifStoppedAfter: () => `${node.name} is stopped, its data directory recovered and untouched otherwise; start it again: ${commandLine(serviceCommand(node, 'start'))}`,
  };
}

/** pg_rewind overwrites the node's config files with the source's: they are copied aside first, and put back after. */
export function saveConfigStep(node: NodeConfig, confDir: string): PlanStep {
  const dataDir = node.dataDir ?? '';
  const save = script(
    [
      '[ ! -e "$2" ] || { echo "$2 exists already" >&2; exit 1; }',
      'mkdir -m 0700 "$2"',
      'saved=""',
      'for f in "$1"/*.conf; do if [ -f "$f" ]; then cp -p -- "$f" "$2"/ && saved="$saved ${f##*/}"; fi; done',
      'if [ -d "$1/conf.d" ]; then cp -Rp -- "$1/conf.d" "$2/" && saved="$saved conf.d"; fi',
      'echo "saved:${saved:- nothing (its configuration lives elsewhere)}"',
    ].join('\n'),
    [dataDir, confDir],
  );
  return {
    node: node.name,
    description: `save ${node.name}'s own configuration files (pg_rewind copies the source's over them)`,
    detail: `mkdir ${confDir}; cp -p ${dataDir}/*.conf (and conf.d) ${confDir}/`,
    mutating: true,
    async run(ctx) {
      return (await ctx.command(node.name, save)).trim();
    },
    ifStoppedAfter: () => `${node.name} is stopped, its data directory untouched (its configuration also saved in ${confDir}); start it again: ${commandLine(serviceCommand(node, 'start'))}`,
  };
}

/** pg_rewind's source: pgcockpit's own login to the source (a superuser, or a role granted pg_rewind's file functions); the password in PGPASSWORD. */
export function rewindCommand(node: NodeConfig, source: NodeConfig, restoreTargetWal = false): CommandSpec {
  const conninfo = formatConninfo([
    ['host', source.host],
    ['port', String(source.port)],
    ['user', source.user],
    ['dbname', source.database],
    ['connect_timeout', '10'],
  ]);
  return {
    program: pgTool(node, 'pg_rewind'),
    args: [`--target-pgdata=${node.dataDir ?? ''}`, `--source-server=${conninfo}`, ...(restoreTargetWal ? ['--restore-target-wal'] : []), '--progress'],
    env: { LC_MESSAGES: 'C' },
    mutating: true,
    timeoutMs: 24 * 3600_000,
  };
}

/**
 * pg_rewind in place: what the node wrote after its timeline forked is
 * replaced by the source's blocks, and the source's WAL is copied. It cannot
 * be stopped half-way (the directory would be neither one nor the other), so
 * it finishes; when it fails the directory is not to be started, and a
 * rebuild with pg_basebackup (which keeps it aside) is the way on.
 */
export function rewindStep(node: NodeConfig, source: NodeConfig, options: { password: () => Promise<string | undefined>; restoreCommand?: string }): PlanStep {
  const spec = rewindCommand(node, source, options.restoreCommand !== undefined);
  const rebuild = `pgcockpit rebuild ${node.name} --from ${source.name} --method basebackup --yes`;
  const setting = options.restoreCommand === undefined ? undefined : `restore_command = ${confString(options.restoreCommand)}`;
  const append = setting === undefined ? undefined : appendSettingsCommand(path.posix.join(node.dataDir ?? '', 'postgresql.auto.conf'), [setting], 'rebuild (for pg_rewind)');
  return {
    node: node.name,
    description: `rewind ${node.name} onto ${source.name}'s history with pg_rewind (in place; not stopped half-way)`,
    detail: [
      ...(setting ? [`append to ${node.dataDir}/postgresql.auto.conf (the saved configuration comes back after): ${setting}`] : []),
      commandLine(spec),
    ].join('\n'),
    mutating: true,
    async run(ctx) {
      const secret = await options.password();
      const startedAt = Date.now();
      // Its WAL from before the fork may be recycled already: --restore-target-wal fetches it from the archive.
      if (append) await ctx.command(node.name, append);
      try {
        await ctx.command(node.name, { ...spec, env: { ...spec.env, ...(secret !== undefined ? { PGPASSWORD: secret } : {}) } }, { parseProgress: rewindProgressReport });
      } catch (error) {
        throw new Error(`${error instanceof Error ? error.message : String(error)}; ${node.name}'s data directory may be half rewound: do not start it; rebuild it with pg_basebackup instead (its directory is kept aside): ${rebuild}`);
      }
      return `rewound onto ${source.name}'s history in ${formatElapsed(Date.now() - startedAt)}`;
    },
    ifStoppedAfter: () => `${node.name}'s data directory is rewound but still has ${source.name}'s configuration: do not start it as it is; rebuild it: ${rebuild}`,
  };
}
