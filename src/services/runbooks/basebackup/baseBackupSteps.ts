import path from 'node:path';
import type { BaseBackupPaths } from '../../backups/baseBackupCatalog.js';
import { writeBaseBackupEntrySpec } from '../../backups/baseBackupCatalog.js';
import type { BaseBackupEntry } from '../../backups/baseBackupEntry.js';
import { manifestChecksum, parseBackupLabel, START_TIME_SQL, startTimeLocal, walEndPoint } from '../../backups/baseBackupLabel.js';
import { formatBytes } from '../../cluster/formatBytes.js';
import type { CockpitConfig, NodeConfig } from '../../config/schema.js';
import { commandLine } from '../../os/shellQuote.js';
import { formatElapsed } from '../../runner/formatElapsed.js';
import { basebackupProgressReport } from '../../runner/progress/basebackupProgress.js';
import type { CommandSpec } from '../../runner/runner.js';
import type { PlanStep, StepContext } from '../plan.js';
import { script } from '../rebuild/rebuildSteps.js';
import { splitPassword } from './baseBackupConninfo.js';

/** The server's clock in ms since the epoch. */
const SERVER_CLOCK_SQL = 'select (extract(epoch from clock_timestamp()) * 1000)::float8 as now_ms';

export interface BaseBackupStepFacts {
  config: CockpitConfig;
  /** The node backed up. */
  node: NodeConfig;
  /** The node whose host runs pg_basebackup (backups.host's, or the node itself), and its runner's name. */
  host: NodeConfig;
  runnerName: string;
  paths: BaseBackupPaths;
  format: BaseBackupEntry['format'];
  maxRateKbps?: number;
  /** The replication login (a password in it goes to PGPASSWORD). */
  conninfo: string;
  pgBasebackup: string;
  pgBasebackupVersion: string;
  /** pg_verifybackup, when the backup can be verified (a manifest, a format it reads). */
  pgVerifybackup?: string;
  /** pg_verifybackup parses the WAL too (plain format, its major the server's); else -n. */
  verifyParsesWal?: boolean;
  manifest: boolean;
  serverVersion: string;
  systemIdentifier?: string;
  walSegmentBytes?: number;
}

/**
 * pg_basebackup's argv and environment: a fast checkpoint (the copy starts
 * now, not at the next scheduled checkpoint), the WAL streamed beside it
 * (-X stream, over a temporary slot: the backup is self-contained, and
 * nothing is left on the server if it is stopped), --progress for the bar,
 * --verbose for the end point, a SHA-256 manifest where there is one (13+:
 * pg_verifybackup then checks every file's content, not only its size).
 * The password travels in PGPASSWORD, never in argv (ps shows argv to
 * everyone); LC_MESSAGES=C so its lines are read by their words.
 */
export function pgBasebackupCommand(facts: BaseBackupStepFacts): CommandSpec {
  const { connection, password } = splitPassword(facts.conninfo);
  return {
    program: facts.pgBasebackup,
    args: [
      '-d', connection,
      '-D', facts.paths.partial,
      '--format', facts.format,
      '--checkpoint=fast',
      ...(facts.maxRateKbps ? ['--max-rate', `${facts.maxRateKbps}k`] : []),
      '--wal-method=stream',
      '--label', `pgcockpit-${facts.paths.stamp}`,
      ...(facts.manifest ? ['--manifest-checksums=SHA256'] : []),
      '--progress',
      '--verbose',
    ],
    env: { LC_MESSAGES: 'C', ...(password !== undefined ? { PGPASSWORD: password } : {}) },
    mutating: true,
    timeoutMs: 7 * 24 * 3600_000,
  };
}

/** The backup_label's text: a file of a plain backup, a member of base.tar. */
function labelSpec(facts: BaseBackupStepFacts): CommandSpec {
  const { partial } = facts.paths;
  return facts.format === 'plain'
    ? { program: 'cat', args: ['--', path.posix.join(partial, 'backup_label')], mutating: false, timeoutMs: 60_000 }
    : { program: 'tar', args: ['-xOf', path.posix.join(partial, 'base.tar'), 'backup_label'], mutating: false, timeoutMs: 3600_000 };
}

/** `du -sk` (POSIX): the backup's size in 1024-byte blocks; the manifest's tail for its own checksum. */
const SIZE_SCRIPT = 'du -sk -- "$1" | cut -f1; if [ -f "$1/backup_manifest" ]; then tail -c 300 -- "$1/backup_manifest"; fi';

/**
 * The steps of a base backup, on the backups host as its OS user: the
 * catalog entry (running); pg_basebackup into `<stamp>.partial`; its
 * backup_label, end point and size read; pg_verifybackup over its manifest;
 * renamed and recorded complete. A cancel stops pg_basebackup, removes the
 * partial copy and records the entry cancelled; a failure removes it and
 * records failed with the reason: neither is ever used for a recovery.
 */
export function baseBackupSteps(facts: BaseBackupStepFacts): PlanStep[] {
  const { paths, runnerName: host, node } = facts;
  let entry: BaseBackupEntry = {
    id: paths.id,
    kind: 'basebackup',
    path: paths.path,
    host,
    osUser: facts.host.osUser,
    cluster: facts.config.cluster,
    node: node.name,
    format: facts.format,
    serverVersion: facts.serverVersion,
    pgBasebackupVersion: facts.pgBasebackupVersion,
    ...(facts.systemIdentifier ? { systemIdentifier: facts.systemIdentifier } : {}),
    ...(facts.walSegmentBytes ? { walSegmentBytes: facts.walSegmentBytes } : {}),
    label: `pgcockpit-${paths.stamp}`,
    startedAt: new Date().toISOString(),
    manifest: facts.manifest,
    status: 'running',
  };
  const record = async (ctx: StepContext, change: Partial<BaseBackupEntry>) => {
    const next = { ...entry, ...change };
    await ctx.command(host, writeBaseBackupEntrySpec(next), { logStdout: false });
    entry = next;
  };
  const removePartial = script('rm -rf -- "$1"', [paths.partial], { mutating: true, timeoutMs: 3600_000 });
  /** The partial copy removed and the entry closed as `status`: what a cancel or a failure leaves. */
  const abandon = async (ctx: StepContext, status: 'failed' | 'cancelled', error?: string) => {
    await ctx.command(host, removePartial);
    if (entry.status === 'running') await record(ctx, { status, finishedAt: new Date().toISOString(), ...(error ? { error } : {}) });
  };
  const failing = async (ctx: StepContext, error: unknown): Promise<never> => {
    const message = error instanceof Error ? error.message : String(error);
    // A cancel is the undo's to record; a failure is recorded here, the plan stopping after it.
    if (!ctx.signal?.aborted) await abandon(ctx, 'failed', message);
    throw new Error(message);
  };
  const spec = pgBasebackupCommand(facts);
  /**
   * The plan stopped after a step: a failure has recorded the entry failed and removed the
   * partial copy already; an interruption (not a cancel) leaves it running, and nothing half-made is of use.
   */
  const leftRunning = () =>
    entry.status !== 'running'
      ? `${paths.id} is recorded ${entry.status}, its partial copy removed; to take it again: pgcockpit basebackup --node ${node.name} --yes`
      : `${paths.id} is recorded running but was not finished: it is no backup to recover from. Remove ${paths.partial} and ${paths.entry} (as ${facts.host.osUser} on ${host}'s host), then: pgcockpit basebackup --node ${node.name} --yes`;
  let endLsn: string | undefined;
  let endAt: number | undefined;

  const catalogStep: PlanStep = {
    node: host,
    description: 'record the base backup in the catalog as running',
    detail: `mkdir -p -m 0750 ${paths.folder}\nwrite ${paths.entry} (status running)`,
    mutating: true,
    undo: [
      {
        node: host,
        description: 'record the base backup cancelled',
        detail: `rm -rf ${paths.partial}\nwrite ${paths.entry} (status cancelled)`,
        mutating: true,
        run: async (ctx) => {
          await abandon(ctx, 'cancelled');
          return `${paths.id} is recorded cancelled (not usable for a recovery)`;
        },
      },
    ],
    ifStoppedAfter: leftRunning,
    async run(ctx) {
      await ctx.command(host, script('mkdir -p -m 0750 -- "$1"', [paths.folder]));
      await record(ctx, { startedAt: new Date().toISOString() });
      return `${paths.entry}: running`;
    },
  };

  const copyStep: PlanStep = {
    node: host,
    description: `copy ${node.name} with pg_basebackup as ${facts.host.osUser} (${facts.format})`,
    detail: `${commandLine(spec)}  (LC_MESSAGES=C${spec.env?.PGPASSWORD !== undefined ? ', PGPASSWORD from the replication login' : ''})`,
    mutating: true,
    cancellable: true,
    ifStoppedAfter: leftRunning,
    undo: [
      {
        node: host,
        description: 'remove the partial copy',
        detail: `rm -rf ${paths.partial}`,
        mutating: true,
        run: async (ctx) => {
          await ctx.command(host, removePartial);
          return `${paths.partial} removed`;
        },
      },
    ],
    async run(ctx) {
      const startedAt = Date.now();
      let said: string | undefined;
      try {
        await ctx.command(host, spec, {
          parseProgress: (line) => {
            const end = walEndPoint(line);
            if (end) {
              endLsn = end;
              // The server ended the backup just before saying so: a recovery may stop no earlier than this.
              endAt = Date.now();
            }
            if (/^pg_basebackup: error: /.test(line)) said = line.replace(/^pg_basebackup: error: /, '');
            return basebackupProgressReport(line);
          },
        });
      } catch (error) {
        return failing(ctx, said ? new Error(`pg_basebackup: ${said}`) : error);
      }
      return `copied ${node.name} in ${formatElapsed(Date.now() - startedAt)}${endLsn ? `, WAL end point ${endLsn}` : ''}`;
    },
  };

  const readStep: PlanStep = {
    node: host,
    description: 'read the backup back: backup_label, end point, size',
    detail: `${commandLine(labelSpec(facts))}\ndu -sk ${paths.partial}${facts.manifest ? `; tail of ${paths.partial}/backup_manifest (its checksum)` : ''}`,
    mutating: false,
    cancellable: true,
    ifStoppedAfter: leftRunning,
    async run(ctx) {
      try {
        const label = parseBackupLabel(await ctx.command(host, labelSpec(facts)));
        if (!label.startLsn || label.timeline === undefined) throw new Error(`the backup's backup_label says no START WAL LOCATION or START TIMELINE: not a backup to recover from`);
        if (!endLsn || endAt === undefined) throw new Error('pg_basebackup did not say its write-ahead log end point (--verbose): the end of the backup is unknown');
        const sized = (await ctx.command(host, script(SIZE_SCRIPT, [paths.partial], { mutating: false, timeoutMs: 3600_000 }), { logStdout: false })).split('\n');
        const sizeBytes = Number(sized[0]) * 1024;
        const manifestSha256 = facts.manifest ? manifestChecksum(sized.slice(1).join('\n')) : undefined;
        if (facts.manifest && !manifestSha256) throw new Error(`${paths.partial}/backup_manifest is missing or has no Manifest-Checksum`);
        // endAt is this machine's clock: moved onto the server's (one round trip, halved), whose commit times the window compares it with.
        const askedAt = Date.now();
        const serverNow = (await ctx.sql<{ now_ms: number }>(node.name, SERVER_CLOCK_SQL, { mutating: false }).catch(() => []))[0]?.now_ms;
        const skewMs = typeof serverNow === 'number' ? serverNow - (askedAt + Date.now()) / 2 : 0;
        const local = label.startTimeText ? startTimeLocal(label.startTimeText) : undefined;
        const startTime = local ? (await ctx.sql<{ start_time: string }>(node.name, START_TIME_SQL, { mutating: false, params: [local] }).catch(() => []))[0]?.start_time : undefined;
        entry = {
          ...entry,
          ...(label.label ? { label: label.label } : {}),
          timeline: label.timeline,
          startLsn: label.startLsn,
          endLsn,
          ...(startTime ? { startTime } : {}),
          endTime: new Date(endAt + skewMs).toISOString(),
          ...(Number.isFinite(sizeBytes) ? { sizeBytes } : {}),
          ...(manifestSha256 ? { manifestSha256 } : {}),
        };
        return `timeline ${label.timeline}, ${label.startLsn} → ${endLsn}, ${Number.isFinite(sizeBytes) ? formatBytes(sizeBytes) : 'size unknown'}${label.backupFrom ? `, taken from a ${label.backupFrom}` : ''}`;
      } catch (error) {
        return failing(ctx, error);
      }
    },
  };

  const verifySpec: CommandSpec | undefined = facts.pgVerifybackup
    ? // -n: a tar backup's WAL is inside pg_wal.tar, and another major's pg_waldump cannot read the server's WAL.
      { program: facts.pgVerifybackup, args: [...(facts.verifyParsesWal ? [] : ['-n']), paths.partial], env: { LC_MESSAGES: 'C' }, mutating: false, timeoutMs: 7 * 24 * 3600_000 }
    : undefined;
  const verifyStep: PlanStep | undefined = verifySpec
    ? {
        node: host,
        description: 'verify the backup against its manifest with pg_verifybackup',
        detail: commandLine(verifySpec),
        mutating: false,
        cancellable: true,
        ifStoppedAfter: leftRunning,
        async run(ctx) {
          try {
            await ctx.command(host, verifySpec);
          } catch (error) {
            return failing(ctx, new Error(`pg_verifybackup found the backup damaged: ${error instanceof Error ? error.message : String(error)}`));
          }
          entry = { ...entry, verifiedAt: new Date().toISOString() };
          return `every file matches its SHA-256 in the manifest${facts.verifyParsesWal ? '; the WAL it needs parses' : ''}`;
        },
      }
    : undefined;

  const completeStep: PlanStep = {
    node: host,
    description: 'rename it and record it complete',
    detail: `mv ${paths.partial} ${paths.path}\nwrite ${paths.entry} (status complete)`,
    mutating: true,
    async run(ctx) {
      try {
        await ctx.command(host, script('[ ! -e "$2" ] || { echo "$2 exists already" >&2; exit 1; }; mv -- "$1" "$2"', [paths.partial, paths.path]));
        await record(ctx, { status: 'complete', path: paths.path, finishedAt: new Date().toISOString() });
      } catch (error) {
        return failing(ctx, error);
      }
      return `${paths.id} is complete: ${paths.path}${entry.verifiedAt ? ' (verified)' : ''}`;
    },
  };
  return [catalogStep, copyStep, readStep, ...(verifyStep ? [verifyStep] : []), completeStep];
}
