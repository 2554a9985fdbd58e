import path from 'node:path';
import type { NodeConfig } from '../../config/schema.js';
import { tcpAnswers } from '../../os/tcpAnswers.js';
import { commandLine } from '../../os/shellQuote.js';
import { formatElapsed } from '../../runner/formatElapsed.js';
import { basebackupProgressReport } from '../../runner/progress/basebackupProgress.js';
import { rewindProgressReport } from '../../runner/progress/rewindProgress.js';
import type { CommandSpec } from '../../runner/runner.js';
import { formatConninfo, parseConninfo } from '../conninfoEdit.js';
import { sqlLiteral, waitForStandbyStreaming } from '../failover/repointStandby.js';
import type { PlanStep, StepContext } from '../plan.js';
import { serviceCommand } from '../serviceControl.js';
import { appendSettingsCommand, rejoinSettings } from '../switchover/switchoverSteps.js';
import { confString } from '../../postgres/confValue.js';

function tool(node: Pick<NodeConfig, 'pgBinDir'>, name: string): string {
  return node.pgBinDir ? path.join(node.pgBinDir, name) : name;
}

/** A shell script run with its values as $1, $2, ...: never spliced into the script's text. */
function script(text: string, args: readonly string[], options: { mutating: boolean; timeoutMs?: number } = { mutating: true }): CommandSpec {
  return { program: 'sh', args: ['-c', text, 'sh', ...args], mutating: options.mutating, timeoutMs: options.timeoutMs ?? 60_000 };
}

async function waitPortClosed(node: NodeConfig, timeoutMs: number): Promise<boolean> {
  const startedAt = Date.now();
  while (Date.now() - startedAt < timeoutMs) {
    if (!(await tcpAnswers(node.host, node.port, 1000))) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

/** Starts the node's server (its service command), for undos: "pg1 was running, so it runs again". */
function startStep(node: NodeConfig, description: string): PlanStep {
  const spec = serviceCommand(node, 'start');
  return {
    node: node.name,
    description,
    detail: commandLine(spec),
    mutating: true,
    async run(ctx) {
      await ctx.command(node.name, spec);
      await ctx.resetSession(node.name);
      return `${node.name} started`;
    },
  };
}

/** Stops the node's server if one runs on its data directory (status first: exit 3 means none). */
function stopIfRunningStep(node: NodeConfig, description: string): PlanStep {
  const status = serviceCommand(node, 'status');
  const stop = serviceCommand(node, 'stop');
  return {
    node: node.name,
    description,
    detail: `${commandLine(status)} && ${commandLine(stop)}`,
    mutating: true,
    async run(ctx) {
      try {
        await ctx.command(node.name, status);
      } catch {
        return `no server runs on ${node.dataDir}`;
      }
      await ctx.command(node.name, stop);
      await ctx.resetSession(node.name);
      return `${node.name}'s server on ${node.dataDir} stopped`;
    },
  };
}

/**
 * Stops the node through its service command, then waits until nothing
 * answers on its port: starting the copy while the old server (or anything
 * else) holds the port fails with "Address already in use".
 */
export function stopTargetStep(node: NodeConfig, answered: boolean): PlanStep {
  const spec = serviceCommand(node, 'stop');
  return {
    node: node.name,
    description: `stop ${node.name} and wait until its port ${node.port} is free`,
    detail: `${commandLine(spec)}\nwait up to 30 s until nothing accepts connections on ${node.host}:${node.port}`,
    mutating: true,
    undo: [startStep(node, `start ${node.name} again (it was running)`)],
    async run(ctx) {
      await ctx.command(node.name, spec);
      if (answered) await ctx.resetSession(node.name);
      if (!(await waitPortClosed(node, 30_000))) {
        throw new Error(`${node.name} stopped, but something still accepts connections on ${node.host}:${node.port}; find it (ss -ltnp 'sport = :${node.port}' on ${node.host}) and stop it: the rebuilt server could not start`);
      }
      return `${node.name} stopped; port ${node.port} is free`;
    },
    ifStoppedAfter: () => `${node.name} is stopped, its data directory untouched; start it again: ${commandLine(serviceCommand(node, 'start'))}`,
  };
}

/** Moves the data directory aside (never deleted); the undo moves it back, unless something took its place. */
export function moveAsideStep(node: NodeConfig, asideDir: string): PlanStep {
  const dataDir = node.dataDir ?? '';
  const move = script('[ ! -e "$2" ] || { echo "$2 exists already" >&2; exit 1; }; mv -- "$1" "$2"', [dataDir, asideDir]);
  const back = script('if [ -e "$1" ]; then echo "$1 exists (a copy not moved away): $2 is left where it is" >&2; exit 1; fi; mv -- "$2" "$1"', [dataDir, asideDir]);
  return {
    node: node.name,
    description: `keep ${node.name}'s data directory aside (it is not deleted)`,
    detail: `mv ${dataDir} ${asideDir}`,
    mutating: true,
    undo: [
      {
        node: node.name,
        description: `put ${node.name}'s data directory back`,
        detail: `mv ${asideDir} ${dataDir}`,
        mutating: true,
        run: async (ctx) => {
          await ctx.command(node.name, back);
          return `${node.name}'s data directory is back at ${dataDir}`;
        },
      },
    ],
    async run(ctx) {
      await ctx.command(node.name, move);
      return `${dataDir} is now ${asideDir}`;
    },
    ifStoppedAfter: () => `${node.name}'s data directory is at ${asideDir}; to put it back: mv ${asideDir} ${dataDir}, then start ${node.name}`,
  };
}

export interface CopyFacts {
  /** The primary_conninfo the standby will use: its login for the copy too (a password travels in PGPASSWORD). */
  conninfo: string;
  slot: string;
  /** The slot is missing on the source: pg_basebackup --create-slot makes it (and the undo drops it). */
  createSlot: boolean;
  maxRateKbps?: number;
  asideDir: string;
}

/** pg_basebackup's argv and environment for a conninfo: the password in PGPASSWORD, never in argv (ps shows argv to everyone). */
export function basebackupCommand(node: NodeConfig, facts: CopyFacts): CommandSpec {
  const entries = parseConninfo(facts.conninfo);
  const password = entries.find(([key]) => key === 'password')?.[1];
  const connection = formatConninfo(entries.filter(([key]) => key !== 'password' && key !== 'replication' && key !== 'dbname'));
  return {
    program: tool(node, 'pg_basebackup'),
    args: [
      '-d', connection,
      '-D', node.dataDir ?? '',
      '-X', 'stream',
      '-S', facts.slot,
      ...(facts.createSlot ? ['--create-slot'] : []),
      '-c', 'fast',
      ...(facts.maxRateKbps ? ['--max-rate', `${facts.maxRateKbps}k`] : []),
      '--progress',
      '--verbose',
    ],
    // LC_MESSAGES=C: the progress lines are read by their words.
    env: { LC_MESSAGES: 'C', ...(password !== undefined ? { PGPASSWORD: password } : {}) },
    mutating: true,
    timeoutMs: 24 * 3600_000,
  };
}

/**
 * Before a partial copy is moved: a pg_basebackup of this OS user still
 * writing into $1 is stopped (TERM, then KILL), and $stray says so. When the
 * ssh connection breaks but the remote session lives on (a network cut), the
 * runner cannot stop the copy; moved aside, it would go on writing by path
 * into whatever sits at $1 next: the old data directory, once put back.
 * `ps -ww`: whole command lines (pg_basebackup's own, and its WAL streamer's).
 */
const STOP_STRAY_COPY = [
  'copies() { ps -ww -u "$(id -u)" -o pid= -o args= | while read -r pid args; do case "$args" in *pg_basebackup*" -D $1 "*) echo "$pid";; esac; done; }',
  'stray=""; pids=$(copies "$1")',
  'if [ -n "$pids" ]; then',
  '  kill -TERM $pids 2>/dev/null; n=0',
  '  while [ -n "$(copies "$1")" ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done',
  '  pids=$(copies "$1"); if [ -n "$pids" ]; then kill -KILL $pids 2>/dev/null; sleep 0.5; fi',
  '  stray="stopped a pg_basebackup still copying into $1; "',
  'fi',
].join('\n');

/**
 * The copy, made as the node's OS user (its runner), so every file belongs
 * to it: a copy made as root leaves a data directory the server refuses.
 * Cancellable: the undo stops a copy still running there, moves a partial
 * copy aside (kept, for a look) and drops the slot if this copy created it
 * (it would hold WAL for nobody).
 */
export function copyStep(node: NodeConfig, source: NodeConfig, facts: CopyFacts): PlanStep {
  const spec = basebackupCommand(node, facts);
  const dataDir = node.dataDir ?? '';
  const partial = `${facts.asideDir.replace(/\.pgcockpit-/, '.pgcockpit-partial-')}`;
  const movePartial = script([STOP_STRAY_COPY, 'if [ -e "$1" ]; then mv -- "$1" "$2"; echo "${stray}the partial copy is at $2"; else echo "${stray}no copy was started"; fi'].join('\n'), [dataDir, partial]);
  const dropSlot = `select slot_name from pg_replication_slots where slot_name = ${sqlLiteral(facts.slot)} and not active and pg_drop_replication_slot(slot_name) is not null`;
  const undo: PlanStep[] = [
    { node: node.name, description: 'move the partial copy aside', detail: `stop a pg_basebackup still copying into ${dataDir}, if any; mv ${dataDir} ${partial} (if it was started)`, mutating: true, run: async (ctx) => (await ctx.command(node.name, movePartial)).trim() },
  ];
  if (facts.createSlot) {
    undo.push({
      node: source.name,
      description: `drop slot ${facts.slot} that the copy created on ${source.name}`,
      detail: dropSlot,
      mutating: true,
      run: async (ctx) => ((await ctx.sql(source.name, dropSlot, { mutating: true })).length > 0 ? `dropped ${facts.slot}` : `no slot ${facts.slot} to drop`),
    });
  }
  return {
    node: node.name,
    description: `copy ${source.name} into ${dataDir} with pg_basebackup as ${node.osUser}`,
    detail: commandLine(spec),
    mutating: true,
    cancellable: true,
    undo,
    async run(ctx) {
      const startedAt = Date.now();
      await ctx.command(node.name, spec, { parseProgress: basebackupProgressReport });
      return `copied ${source.name} in ${formatElapsed(Date.now() - startedAt)}`;
    },
  };
}

/**
 * The node's own configuration, not the source's: pg_basebackup copies the
 * source's config files (its port, its include files) into the copy. The
 * node's own top-level *.conf files and conf.d come back from the directory
 * kept aside; primary_conninfo (its own credentials, kept out of argv) and
 * primary_slot_name are appended to postgresql.auto.conf; standby.signal;
 * mode 0700; then proof: every file belongs to the OS user, and the port the
 * copy will listen on is the node's.
 */
export function ownSettingsStep(node: NodeConfig, facts: { asideDir?: string; conninfo: string; slot: string }): PlanStep {
  const dataDir = node.dataDir ?? '';
  // A new standby has no configuration of its own to bring back: its port and name are set instead of the source's.
  const restore = facts.asideDir === undefined ? undefined : script(
    [
      'restored=""',
      'for f in "$1"/*.conf; do if [ -f "$f" ]; then cp -p -- "$f" "$2"/ && restored="$restored ${f##*/}"; fi; done',
      'if [ -d "$1/conf.d" ]; then mkdir -p "$2/conf.d" && cp -Rp -- "$1/conf.d/." "$2/conf.d/" && restored="$restored conf.d"; fi',
      'echo "from the directory kept aside:${restored:- nothing (its configuration lives elsewhere)}"',
    ].join('\n'),
    [facts.asideDir, dataDir],
  );
  const settings = [...(restore ? [] : [`port = ${node.port}`, `cluster_name = ${confString(node.name)}`]), ...rejoinSettings(facts)];
  const append = appendSettingsCommand(path.posix.join(dataDir, 'postgresql.auto.conf'), settings, 'rebuild');
  const finish = script(
    [
      'touch "$1/standby.signal" && chmod 0700 "$1"',
      'foreign=$(find "$1" ! -user "$(id -un)" -print | head -n 5)',
      'if [ -n "$foreign" ]; then echo "files not owned by $(id -un): $foreign" >&2; exit 1; fi',
      'echo "standby.signal written; mode 0700; every file owned by $(id -un)"',
    ].join('\n'),
    [dataDir],
  );
  const port: CommandSpec = { program: tool(node, 'postgres'), args: ['-D', dataDir, '-C', 'port'], mutating: false, timeoutMs: 30_000 };
  return {
    node: node.name,
    description: `give the copy ${node.name}'s own settings (port, primary_conninfo, slot), standby.signal, mode 0700`,
    detail: [
      ...(restore ? [`cp -p ${facts.asideDir}/*.conf (and conf.d) ${dataDir}/`] : []),
      `append to ${dataDir}/postgresql.auto.conf:`,
      ...settings.map((line) => `  ${line}`),
      `touch ${dataDir}/standby.signal; chmod 0700 ${dataDir}; every file owned by ${node.osUser}`,
      `${commandLine(port)}  -- must say ${node.port}`,
    ].join('\n'),
    mutating: true,
    async run(ctx: StepContext) {
      const restored = restore ? (await ctx.command(node.name, restore)).trim() : `a new standby: port ${node.port} and cluster_name ${node.name} set`;
      await ctx.command(node.name, append);
      const finished = (await ctx.command(node.name, finish)).trim();
      const said = (await ctx.command(node.name, port)).trim();
      if (said !== String(node.port)) {
        throw new Error(`the copy would listen on port ${said}, not ${node.name}'s ${node.port} (its configuration came from the source); set port = ${node.port} in ${dataDir}/postgresql.conf and start it by hand`);
      }
      return `${restored}; ${finished}; port ${said}`;
    },
  };
}

/** Starts the rebuilt standby (logging where it logged before) and waits until the source shows it streaming through its slot. */
export function startAndStreamStep(node: NodeConfig, source: NodeConfig, wait: { slot: string; timeoutMs: number }): PlanStep {
  const start = serviceCommand(node, 'start');
  return {
    node: node.name,
    description: `start ${node.name} and wait until it streams from ${source.name}`,
    detail: `${commandLine(start)}\nwait up to ${wait.timeoutMs / 1000} s: a WAL receiver on ${node.name} streaming from port ${source.port} through slot ${wait.slot}, active on ${source.name}`,
    mutating: true,
    undo: [stopIfRunningStep(node, `stop the rebuilt ${node.name} if it runs`)],
    async run(ctx) {
      await ctx.command(node.name, start);
      await ctx.resetSession(node.name);
      const { elapsedMs } = await waitForStandbyStreaming(ctx, node, source, { timeoutMs: wait.timeoutMs, slot: wait.slot });
      ctx.reportOutcome({ rebuilt: [node.name] });
      return `${node.name} streams from ${source.name} through ${wait.slot} (${formatElapsed(elapsedMs)} after the start)`;
    },
  };
}

/**
 * A data directory left by a crash ("in production" with no server
 * running) must finish crash recovery before pg_rewind takes it: a
 * single-user server replays its WAL and, at the end of its input, shuts
 * down cleanly. It listens on no port; archive_mode off keeps it from
 * waiting on an archiver that single-user mode does not start.
 */
export function crashRecoveryStep(node: NodeConfig): PlanStep {
  const spec = script('"$1" --single -D "$2" -c archive_mode=off postgres < /dev/null', [tool(node, 'postgres'), node.dataDir ?? ''], { mutating: true, timeoutMs: 3600_000 });
  return {
    node: node.name,
    description: `finish ${node.name}'s crash recovery (single-user, no port) so that pg_rewind can take it`,
    detail: `${tool(node, 'postgres')} --single -D ${node.dataDir} -c archive_mode=off postgres < /dev/null`,
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
    program: tool(node, 'pg_rewind'),
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

/** The standby's slot on the source, made before it starts (pg_basebackup --create-slot does this for a copy). */
export function createSlotStep(source: NodeConfig, slot: string): PlanStep {
  const sql = `select pg_create_physical_replication_slot(${sqlLiteral(slot)}) where not exists (select 1 from pg_replication_slots where slot_name = ${sqlLiteral(slot)})`;
  return {
    node: source.name,
    description: `create slot ${slot} on ${source.name}`,
    detail: sql,
    mutating: true,
    async run(ctx) {
      const rows = await ctx.sql(source.name, sql, { mutating: true });
      return rows.length > 0 ? `created ${slot}` : `${slot} exists`;
    },
  };
}
