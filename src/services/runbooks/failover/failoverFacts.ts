import { collectClusterView } from '../../cluster/collectClusterView.js';
import type { ClusterView } from '../../cluster/clusterView.js';
import type { LastSeenSlots } from '../../cluster/lastSeenSlots.js';
import type { CockpitConfig } from '../../config/schema.js';
import { withNodeClient } from '../../postgres/connectNode.js';
import type { RunnerSource } from '../plan.js';
import { tcpAnswers } from '../../os/tcpAnswers.js';
import { rememberConninfoPasswords } from '../conninfoEdit.js';
import type { DataDirFacts } from '../preflight/dataDirProof.js';
import { readDataDirFacts } from '../preflight/dataDirProof.js';
import type { ReplicationLoginResult } from '../preflight/replicationLogin.js';
import type { ServerLogPlace } from '../../postgres/serverLogPlace.js';
import { readServerLogPlace } from '../../postgres/serverLogPlace.js';
import { defaultServerLogFile, serviceCommand } from '../serviceControl.js';

/** What the live view's snapshot does not carry and a failover plan needs, per reachable node. */
export interface NodeExtras {
  /** primary_conninfo unmasked (needs superuser or pg_read_all_settings): its passfile and options are kept when re-pointing. */
  primaryConninfo: string;
  /** transaction_read_only of a new session: a primary that says on refuses writes. */
  transactionReadOnly: boolean;
  /** recovery_target_timeline: a standby follows a promotion only with "latest". */
  recoveryTargetTimeline: string;
  /** primary_slot_name ('' when none): a re-pointed standby keeps its slot's name. */
  primarySlotName: string;
  /** pg_control_system().system_identifier: the same on every node of one cluster. */
  systemIdentifier: string;
}

/**
 * What a down node's host says about its server, asked through the node's
 * runner (pg_ctl status -D dataDir, or its service status command):
 * - running: the host answers and the server process is there (it only does
 *   not answer here: it could come back as a second primary)
 * - stopped: the host answers and no server runs
 * - noAnswer: the host does not answer (runner error, ssh refused, timeout)
 * - unknown: the host answers but the status command could not tell (exit 4: no data directory, ...)
 */
export interface HostServerState {
  state: 'running' | 'stopped' | 'noAnswer' | 'unknown';
  /** What was seen, for the check line: "pg_ctl: server is running (PID: 1234)", "connect ECONNREFUSED". */
  detail: string;
}

export interface FailoverFacts {
  view: ClusterView;
  extras: Record<string, NodeExtras>;
  /** Down nodes' hosts asked whether their server still runs; absent: not asked. */
  hosts?: Record<string, HostServerState>;
  /** Down nodes whose server did not answer: whether something still accepts TCP on their address. */
  tcpOpen?: Record<string, boolean>;
  /** Nodes pgcockpit may act on through their host: what their data directory says (port, system identifier). */
  dataDirs?: Record<string, DataDirFacts>;
  /** Each follower's replication login, tried with the conninfo the plan gives it (by follower name). */
  logins?: Record<string, ReplicationLoginResult>;
  /** Nodes a plan starts or restarts with pg_ctl: where their server logs, so that it goes on logging there (absent: not asked). */
  serverLogs?: Record<string, ServerLogPlace>;
  /** The slots each node held when the cockpit last saw it (absent from the CLI: it has seen nothing before). */
  lastSeenSlots?: Readonly<Record<string, LastSeenSlots>>;
}

const EXTRAS_SQL = `select
  coalesce((select setting from pg_settings where name = 'primary_conninfo'), '') as primary_conninfo,
  current_setting('transaction_read_only') = 'on' as transaction_read_only,
  current_setting('recovery_target_timeline') as recovery_target_timeline,
  coalesce((select setting from pg_settings where name = 'primary_slot_name'), '') as primary_slot_name,
  (select system_identifier::text from pg_control_system()) as system_identifier`;

/** One look at the cluster (the live view's snapshot) plus each reachable node's extras. */
export async function gatherFailoverFacts(config: CockpitConfig, timeoutMs = 5000): Promise<FailoverFacts> {
  const view = await collectClusterView(config, timeoutMs);
  const extras: Record<string, NodeExtras> = {};
  await Promise.all(
    view.nodes
      .filter((node) => node.status === 'up')
      .map(async (snapshot) => {
        const node = config.nodes.find((candidate) => candidate.name === snapshot.name);
        if (!node) return;
        try {
          const row = await withNodeClient(node, config, async (client) => (await client.query(EXTRAS_SQL)).rows[0], {
            connectTimeoutMs: timeoutMs,
            statementTimeoutMs: timeoutMs,
          });
          rememberConninfoPasswords(String(row?.primary_conninfo ?? ''));
          extras[node.name] = {
            primaryConninfo: String(row?.primary_conninfo ?? ''),
            transactionReadOnly: row?.transaction_read_only === true,
            recoveryTargetTimeline: String(row?.recovery_target_timeline ?? ''),
            primarySlotName: String(row?.primary_slot_name ?? ''),
            systemIdentifier: String(row?.system_identifier ?? ''),
          };
        } catch {
          // Gone since the snapshot: the plan treats a node without extras with care.
        }
      }),
  );
  return { view, extras };
}

/**
 * Asks each configured node the view shows down whether its server process
 * is still there, through its host's runner: `pg_ctl status -D dataDir` (or
 * its service status command), which changes nothing. Exit 0: running, 3: not
 * running; a runner that fails (ssh refused, timeout): the host does not answer.
 */
export async function probeDownHosts(config: CockpitConfig, view: ClusterView, runners: RunnerSource, timeoutMs = 10_000): Promise<Record<string, HostServerState>> {
  const down = config.nodes.filter((node) => view.nodes.find((snapshot) => snapshot.name === node.name)?.status !== 'up');
  const entries = await Promise.all(down.map(async (node) => [node.name, await probeHost(node, runners, timeoutMs)] as const));
  return Object.fromEntries(entries);
}

async function probeHost(node: CockpitConfig['nodes'][number], runners: RunnerSource, timeoutMs: number): Promise<HostServerState> {
  const spec = { ...serviceCommand(node, 'status'), timeoutMs };
  const lines: string[] = [];
  try {
    const result = await runners.forNode(node.name).run(spec, { onLine: (line) => lines.push(line.text.trim()) });
    const said = lines.find((line) => line !== '') ?? '';
    if (result.timedOut) return { state: 'noAnswer', detail: `${spec.program} status timed out after ${timeoutMs / 1000} s` };
    if (result.exitCode === 0) return { state: 'running', detail: said || 'server is running' };
    if (result.exitCode === 3) return { state: 'stopped', detail: said || 'no server running' };
    return { state: 'unknown', detail: `${said || 'status'} (exit ${result.exitCode ?? result.signal ?? '?'})` };
  } catch (error) {
    return { state: 'noAnswer', detail: error instanceof Error ? error.message : String(error) };
  }
}

/** The cluster's system identifier, as any node that answered reports it. */
export function clusterSystemIdentifier(facts: Pick<FailoverFacts, 'extras'>): string | undefined {
  return Object.values(facts.extras).find((extras) => extras.systemIdentifier !== '')?.systemIdentifier;
}

/** For each down node whose server did not answer a login: does anything accept TCP on its address? */
export async function probeDownTcp(config: CockpitConfig, view: ClusterView, timeoutMs = 2000): Promise<Record<string, boolean>> {
  const silent = config.nodes.filter((node) => {
    const snapshot = view.nodes.find((candidate) => candidate.name === node.name);
    return snapshot?.status !== 'up' && !snapshot?.serverAnswered;
  });
  const entries = await Promise.all(silent.map(async (node) => [node.name, await tcpAnswers(node.host, node.port, timeoutMs)] as const));
  return Object.fromEntries(entries);
}

/** What the data directories of `names` say, read through their hosts' runners (nothing changes). */
export async function probeDataDirs(config: CockpitConfig, names: readonly string[], runners: RunnerSource): Promise<Record<string, DataDirFacts>> {
  const nodes = config.nodes.filter((node) => names.includes(node.name));
  const entries = await Promise.all(
    nodes.map(async (node) => {
      try {
        return [node.name, await readDataDirFacts(node, runners.forNode(node.name))] as const;
      } catch (error) {
        return [node.name, { problem: error instanceof Error ? error.message : String(error) }] as const;
      }
    }),
  );
  return Object.fromEntries(entries);
}

/** Where the servers of `names` log now, read through their hosts' runners (nothing changes); a node whose own service starts it is left out. */
export async function probeServerLogs(config: CockpitConfig, names: readonly string[], runners: RunnerSource): Promise<Record<string, ServerLogPlace>> {
  const nodes = config.nodes.filter((node) => names.includes(node.name));
  const entries = await Promise.all(
    nodes.map(async (node) => {
      try {
        return [node.name, await readServerLogPlace(node, runners.forNode(node.name), defaultServerLogFile(node))] as const;
      } catch {
        return [node.name, undefined] as const;
      }
    }),
  );
  return Object.fromEntries(entries.filter((entry): entry is readonly [string, ServerLogPlace] => entry[1] !== undefined));
}
