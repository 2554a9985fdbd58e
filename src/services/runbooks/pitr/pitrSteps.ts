import path from 'node:path';
import { commandLine } from '../../os/shellQuote.js';
import { formatElapsed } from '../../runner/formatElapsed.js';
import type { ReplayRange } from '../../runner/progress/walReplayProgress.js';
import type { CommandSpec } from '../../runner/runner.js';
import type { PlanStep } from '../plan.js';
import { script } from '../rebuild/rebuildSteps.js';
import { appendSettingsCommand } from '../switchover/switchoverSteps.js';
import type { RecoveryEnd } from './recoveryEnd.js';
import { minimalConf } from './minimalConf.js';
import { replayStep } from './replayStep.js';
import { settingsCleanupStep } from './settingsCleanupStep.js';
import type { RecoveryAction } from './recoverySettings.js';

/**
 * The side-by-side recovery's steps, all on the host holding the base backup,
 * as the OS user that owns it (its runner): the copy belongs to that user, as
 * a data directory must (the runbook's copy made as root would not start).
 */
export interface PitrStepFacts {
  /** The runner name of the host: a node's name or "jump host". */
  host: string;
  osUser: string;
  backupId: string;
  backupPath: string;
  format: 'plain' | 'tar';
  dest: string;
  /** The plan found no directory at dest: a cancelled copy's directory goes whole (else only what step 1 put in it). */
  destCreated: boolean;
  /** Where a failed copy is moved (kept: its recovery log says why it failed), and, in place, a cancelled one. */
  asideDir: string;
  port: number;
  /** pg_ctl and postgres on that host. */
  pgCtl: string;
  postgres: string;
  settings: readonly string[];
  action: RecoveryAction;
  /** The target's setting as written, read back through postgres -C as proof the copy's configuration is the one written. */
  targetSetting: { name: string; value: string };
  /** The copy's server log (recoveryLogFile): new to this run; one left by an earlier one is moved aside by the settings step. */
  logFile: string;
  /**
   * Written into dest by step 1 once it found the directory empty (or made
   * it): the proof that what is there is this run's. Every undo (stop, move
   * aside, remove) acts only where it is, so a cancel or a refusal never
   * touches a directory step 1 did not take (one filled since the plan, say
   * by another recovery into the same --restore-to).
   */
  claimFile: string;
  /** The plain backup has no postgresql.conf (Debian-style: it lives in /etc): a minimal one is written into the copy (tar: if it has none once unpacked). */
  writeConf: 'no' | 'yes' | 'if missing';
  /** The copy's listen address (minimal postgresql.conf). */
  address: string;
  /** --in-place: the node recovered (its postgresql.auto.conf keeps the node's settings after the recovery). */
  inPlaceNode?: string;
  /** The range the progress bar spans: the backup's start, and the target (or the newest archived WAL). */
  replay: ReplayRange;
}


/** Shell: stop here, changing nothing, unless $1 holds this run's claim ($CLAIM). */
const CLAIMED = 'if [ ! -f "$CLAIM" ]; then echo "$1 is not this run\'s copy (no $(basename -- "$CLAIM")): left as it is"; exit 0; fi';

/** The copy's server stopped if it runs (status first: exit 3 is none), then its directory moved aside, kept. */
function stopCopyStep(facts: PitrStepFacts): PlanStep {
  const stop = script(`CLAIM="$3"; set -- "$2" "$1"; ${CLAIMED}; if "$2" -D "$1" status >/dev/null 2>&1; then "$2" -D "$1" -m fast -w -t 300 stop >/dev/null && echo "the copy's server on $1 stopped"; else echo "no server runs on $1"; fi`, [facts.pgCtl, facts.dest, facts.claimFile], { mutating: true, timeoutMs: 330_000 });
  return {
    node: facts.host,
    description: `stop the copy's server on ${facts.dest} if it runs`,
    detail: `${facts.pgCtl} -D ${facts.dest} status && ${facts.pgCtl} -D ${facts.dest} -m fast -w stop`,
    mutating: true,
    run: async (ctx) => (await ctx.command(facts.host, stop)).trim(),
  };
}

function moveAsideStep(facts: PitrStepFacts): PlanStep {
  const move = script(`CLAIM="$3"; if [ ! -e "$1" ]; then echo "no copy was made at $1"; exit 0; fi; ${CLAIMED}; [ ! -e "$2" ] || { echo "$2 exists already: $1 is left where it is" >&2; exit 1; }; mv -- "$1" "$2" && echo "the copy is kept at $2"`, [facts.dest, facts.asideDir, facts.claimFile]);
  return {
    node: facts.host,
    description: 'move the copy aside (kept, not deleted)',
    detail: `mv ${facts.dest} ${facts.asideDir}`,
    mutating: true,
    run: async (ctx) => (await ctx.command(facts.host, move)).trim(),
  };
}

/**
 * A cancelled side-by-side copy removed: it is pgcockpit's own (step 1 refuses
 * a directory with anything in it), made from a backup that stays in the
 * catalog, and nothing else was touched. Run after the copy's server is
 * stopped (the undo stops at a stop that fails). A directory the DBA gave
 * (--restore-to, empty) is emptied, not removed: it may be a mount point.
 */
function removeCopyStep(facts: PitrStepFacts): PlanStep {
  const remove = script(
    [
      'CLAIM="$3"',
      'if [ ! -e "$1" ]; then echo "no copy was made at $1"; exit 0; fi',
      CLAIMED,
      'if [ -f "$1/postmaster.pid" ] && kill -0 "$(head -n 1 -- "$1/postmaster.pid")" 2>/dev/null; then echo "a server still runs on $1: it is left where it is" >&2; exit 1; fi',
      'if [ "$2" = whole ]; then rm -rf -- "$1" && echo "the copy at $1 is removed"; else find "$1" -mindepth 1 -maxdepth 1 -exec rm -rf -- {} + && echo "the copy in $1 is removed (the directory itself was there before, and stays)"; fi',
    ].join('\n'),
    [facts.dest, facts.destCreated ? 'whole' : 'contents', facts.claimFile],
    { mutating: true, timeoutMs: 3600_000 },
  );
  return {
    node: facts.host,
    description: `remove the copy (pgcockpit's own, cancelled; the backup stays)`,
    detail: facts.destCreated ? `rm -rf ${facts.dest}` : `rm -rf ${facts.dest}/* (the directory stays)`,
    mutating: true,
    run: async (ctx) => (await ctx.command(facts.host, remove)).trim(),
  };
}

/** Step 1: the base backup copied (plain: cp -a) or unpacked (tar: tar -xf base.tar*) into a new directory, 0700. */
export function restoreBackupStep(facts: PitrStepFacts): PlanStep {
  // The claim is written at once after the emptiness check: from then on the directory is this run's (the undo acts only where it is).
  const prepare = 'umask 077; mkdir -p -- "$2" || exit 1; if [ -n "$(ls -A -- "$2")" ]; then echo "$2 is not empty: nothing was copied" >&2; exit 1; fi; : > "$3" || exit 1; chmod 0700 "$2" || exit 1';
  const copy =
    facts.format === 'plain'
      ? 'cp -a -- "$1/." "$2/" || exit 1'
      : 'set -- "$1" "$2" "$1"/base.tar*; [ -e "$3" ] || { echo "no base.tar in $1" >&2; exit 1; }; tar -xf "$3" -C "$2" || exit 1';
  const spec = script(`${prepare}\n${copy}\necho "$(du -sh -- "$2" | cut -f1) in $2"`, [facts.backupPath, facts.dest, facts.claimFile], { mutating: true, timeoutMs: 24 * 3600_000 });
  return {
    node: facts.host,
    description: `copy base backup ${facts.backupId} into the new data directory ${facts.dest} as ${facts.osUser} (mode 0700)`,
    detail: facts.format === 'plain' ? `mkdir -m 0700 ${facts.dest}; cp -a ${facts.backupPath}/. ${facts.dest}/` : `mkdir -m 0700 ${facts.dest}; tar -xf ${facts.backupPath}/base.tar* -C ${facts.dest}   (its pg_wal.tar is not used: the archive's WAL is)`,
    mutating: true,
    cancellable: true,
    // A cancel removes a side-by-side copy (nothing in it is anyone's); a failure keeps it aside, its log says why; in place it is kept aside either way.
    undo: (why) => [stopCopyStep(facts), why === 'cancel' && !facts.inPlaceNode ? removeCopyStep(facts) : moveAsideStep(facts)],
    async run(ctx) {
      const startedAt = Date.now();
      const said = (await ctx.command(facts.host, spec)).trim();
      return `copied in ${formatElapsed(Date.now() - startedAt)}: ${said}`;
    },
    // Moved, never removed: in place, the node's own directory is kept aside and this copy sits where it was.
    ifStoppedAfter: () => `the copy is at ${facts.dest}, not started; to set it aside: mv ${facts.dest} ${facts.asideDir}`,
  };
}

/**
 * Step 2: the copy made a recovery: its pg_wal emptied (the archived WAL
 * must be what is replayed: restore_command is tried first, but a segment
 * the archive lacks would be taken from the backup's own pg_wal, which ends
 * at the backup's end), standby.signal removed (with it the server would
 * stay a standby for ever), the settings appended, recovery.signal created.
 * Tablespaces are refused: their links point at production's directories.
 */
export function recoverySettingsStep(facts: PitrStepFacts): PlanStep {
  const autoConf = path.posix.join(facts.dest, 'postgresql.auto.conf');
  const empty = script(
    [
      'cd -- "$1" || exit 1',
      'if [ -n "$(ls -A pg_tblspc 2>/dev/null)" ]; then echo "the backup has tablespaces (pg_tblspc: $(ls pg_tblspc | tr "\\n" " ")): their links lead to production\'s directories; recover it by hand with pg_basebackup -T mappings" >&2; exit 1; fi',
      'n=$(find pg_wal -mindepth 1 -maxdepth 1 ! -name archive_status | wc -l)',
      'find pg_wal -mindepth 1 -maxdepth 1 ! -name archive_status -exec rm -rf -- {} + && mkdir -p pg_wal/archive_status && find pg_wal/archive_status -mindepth 1 -delete || exit 1',
      'if [ -e standby.signal ]; then rm -f standby.signal; s="; standby.signal removed"; else s=""; fi',
      // A log of the same name from another run would be read as this one's: moved aside, kept.
      'if [ -e "$2" ]; then mv -- "$2" "$2.earlier" || exit 1; s="$s; an earlier $(basename -- "$2") moved to $(basename -- "$2").earlier"; fi',
      'echo "pg_wal emptied ($n files of the backup\'s own WAL)$s"',
    ].join('\n'),
    [facts.dest, facts.logFile],
  );
  const conf = minimalConf(facts);
  const append = appendSettingsCommand(autoConf, facts.settings, 'pitr');
  const signal = script(
    [
      'touch "$1/recovery.signal" && chmod 0700 "$1" || exit 1',
      'foreign=$(find "$1" ! -user "$(id -un)" -print | head -n 5)',
      'if [ -n "$foreign" ]; then echo "files not owned by $(id -un): $foreign" >&2; exit 1; fi',
      'echo "recovery.signal written; mode 0700; every file owned by $(id -un)"',
    ].join('\n'),
    [facts.dest],
  );
  return {
    node: facts.host,
    description: "empty the copy's pg_wal (the archive's WAL is replayed), write the recovery settings and recovery.signal",
    detail: [
      `rm ${facts.dest}/pg_wal/* (not archive_status); rm -f ${facts.dest}/standby.signal`,
      ...(conf ? conf.detail : []),
      `append to ${autoConf}:`,
      ...facts.settings.map((line) => `  ${line}`),
      `touch ${facts.dest}/recovery.signal; chmod 0700 ${facts.dest}; every file owned by ${facts.osUser}`,
    ].join('\n'),
    mutating: true,
    async run(ctx) {
      const emptied = (await ctx.command(facts.host, empty)).trim();
      const wrote = conf ? (await ctx.command(facts.host, conf.command)).trim() : '';
      await ctx.command(facts.host, append);
      const signalled = (await ctx.command(facts.host, signal)).trim();
      return [emptied, wrote, signalled].filter(Boolean).join('; ');
    },
  };
}

/** What `postgres -D DEST -C name` must say before the server is started there. */
export function startProof(facts: Pick<PitrStepFacts, 'dest' | 'port' | 'targetSetting'>): Array<{ name: string; expected: string }> {
  return [
    { name: 'data_directory', expected: facts.dest },
    { name: 'port', expected: String(facts.port) },
    { name: 'archive_mode', expected: 'off' },
    { name: facts.targetSetting.name, expected: facts.targetSetting.value },
  ];
}

/**
 * Step 3: proof that the start command starts this copy as a recovery, read
 * the way the server will read it (postgres -C parses postgresql.conf, its
 * includes and postgresql.auto.conf): the data directory is the copy (a
 * data_directory in the copied configuration would start production's, the
 * runbook's mistake), the port is the new one, archiving is off, and the
 * target is the one written.
 */
export function proveStartStep(facts: PitrStepFacts): PlanStep {
  const proof = startProof(facts);
  const read = (name: string): CommandSpec => ({ program: facts.postgres, args: ['-D', facts.dest, '-C', name], env: { LC_ALL: 'C' }, mutating: false, timeoutMs: 30_000 });
  // One shell for the four readings (postgres -C reads one setting a run): "name=value" lines.
  const readAll = script('postgres="$1"; dest="$2"; shift 2; for name in "$@"; do value=$("$postgres" -D "$dest" -C "$name") || exit 1; printf \'%s=%s\\n\' "$name" "$value"; done', [facts.postgres, facts.dest, ...proof.map((item) => item.name)], { mutating: false, timeoutMs: 60_000 });
  // The port was free when the plan looked, maybe minutes ago: a listener on it now, or a client's connection from it, and the server could not bind it.
  // Closing sockets are left out: a stopped server's own (in place, its port) linger a while and do not stop the next one binding (SO_REUSEADDR).
  const portFree = script('command -v ss >/dev/null 2>&1 || { echo "no ss here: port $1 not re-checked"; exit 0; }; held=$(ss -Htan state listening state established "sport = :$1" | head -n 3 | tr -s " \\n" " "); if [ -n "$held" ]; then echo "port $1 is held on this host since the plan chose it (${held% }): the copy could not listen there; nothing was started; plan it again (a free port is chosen) or give --port" >&2; exit 1; fi; echo "port $1 free"', [String(facts.port)], { mutating: false, timeoutMs: 15_000 });
  return {
    node: facts.host,
    description: `check that the start command really uses ${facts.dest}, on port ${facts.port}, as a recovery to the target`,
    detail: [...proof.map((item) => `${commandLine(read(item.name))}  -- must say ${item.expected}`), `ss -Htan state listening state established "sport = :${facts.port}"  -- must list no socket (the port still free)`].join('\n'),
    mutating: false,
    async run(ctx) {
      const free = (await ctx.command(facts.host, portFree)).trim();
      const output = await ctx.command(facts.host, readAll);
      const said = new Map(output.split('\n').flatMap((line) => (line.includes('=') ? [[line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const] : [])));
      for (const item of proof) {
        const value = said.get(item.name) ?? '(nothing)';
        const same = item.name === 'data_directory' ? path.posix.normalize(value) === path.posix.normalize(item.expected) : value === item.expected;
        if (!same) throw new Error(`postgres -D ${facts.dest} -C ${item.name} says "${value}", not "${item.expected}": the copied configuration overrides it; nothing was started`);
      }
      return [...proof.map((item) => `${item.name}=${said.get(item.name)}`), free].join(', ');
    },
  };
}

/** Step 4: the copy's server started (pg_ctl -W: not waiting, replay may take hours; the next step watches it). */
export function startCopyStep(facts: PitrStepFacts): PlanStep {
  const spec: CommandSpec = { program: facts.pgCtl, args: ['-D', facts.dest, '-l', facts.logFile, '-W', 'start'], mutating: true, timeoutMs: 60_000 };
  return {
    node: facts.host,
    description: `start the copy's server on ${facts.dest}, port ${facts.port}`,
    detail: commandLine(spec),
    mutating: true,
    undo: () => [stopCopyStep(facts)],
    async run(ctx) {
      await ctx.command(facts.host, spec);
      return `started; its log: ${facts.logFile}`;
    },
    ifStoppedAfter: () => `the copy's server runs on ${facts.dest}, port ${facts.port}; stop it: ${facts.pgCtl} -D ${facts.dest} stop`,
  };
}

/** Every step, in order. */
export function pitrSteps(facts: PitrStepFacts, onEnd: (end: RecoveryEnd) => void): PlanStep[] {
  let end: RecoveryEnd | undefined;
  const steps = [restoreBackupStep(facts), recoverySettingsStep(facts), proveStartStep(facts), startCopyStep(facts), replayStep(facts, (reached) => {
    end = reached;
    onEnd(reached);
  })];
  // In place, the copy is the node for good: the recovery's settings must not outlive the recovery.
  if (facts.inPlaceNode) steps.push(settingsCleanupStep(facts, () => end));
  return steps;
}
