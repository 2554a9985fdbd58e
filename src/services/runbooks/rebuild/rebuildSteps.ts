import path from 'node:path';
import type { NodeConfig } from '../../config/schema.js';
import { tcpAnswers } from '../../os/tcpAnswers.js';
import { commandLine } from '../../os/shellQuote.js';
import { confString } from '../../postgres/confValue.js';
import { formatElapsed } from '../../runner/formatElapsed.js';
import type { CommandSpec } from '../../runner/runner.js';
import { sqlLiteral, waitForStandbyStreaming } from '../failover/repointStandby.js';
import type { PlanStep, StepContext } from '../plan.js';
import { pgTool, serviceCommand } from '../serviceControl.js';
import { appendSettingsCommand, rejoinSettings } from '../switchover/switchoverSteps.js';

/**
 * The steps every rebuild shares, whatever the method: stop the node and
 * free its port, give the copy the node's own settings, start it streaming,
 * make its slot. The method's own steps: copySteps.ts (pg_basebackup) and
 * rewindSteps.ts (pg_rewind).
 */

/** A shell script run with its values as $1, $2, ...: never spliced into the script's text. */
export function script(text: string, args: readonly string[], options: { mutating: boolean; timeoutMs?: number } = { mutating: true }): CommandSpec {
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
  const port: CommandSpec = { program: pgTool(node, 'postgres'), args: ['-D', dataDir, '-C', 'port'], mutating: false, timeoutMs: 30_000 };
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
