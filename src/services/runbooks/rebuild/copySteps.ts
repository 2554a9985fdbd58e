import type { NodeConfig } from '../../config/schema.js';
import { commandLine } from '../../os/shellQuote.js';
import { formatElapsed } from '../../runner/formatElapsed.js';
import { basebackupProgressReport } from '../../runner/progress/basebackupProgress.js';
import type { CommandSpec } from '../../runner/runner.js';
import { formatConninfo, parseConninfo } from '../conninfoEdit.js';
import { sqlLiteral } from '../failover/repointStandby.js';
import type { PlanStep } from '../plan.js';
import { pgTool } from '../serviceControl.js';
import { script } from './rebuildSteps.js';

/** The pg_basebackup method's own steps: keep the data directory aside, copy the source into its place. */

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
    program: pgTool(node, 'pg_basebackup'),
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
