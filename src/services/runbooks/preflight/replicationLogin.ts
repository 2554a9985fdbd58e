import path from 'node:path';
import type { NodeConfig } from '../../config/schema.js';
import { runCollected } from '../../runner/runChecked.js';
import type { CommandSpec } from '../../runner/runner.js';
import type { PreflightCheck, RunnerSource } from '../plan.js';
import { formatConninfo, parseConninfo } from '../conninfoEdit.js';

/** A standby that will follow a new upstream, and the exact conninfo it will get. */
export interface FollowerLogin {
  node: NodeConfig;
  upstream: string;
  conninfo: string;
}

export interface ReplicationLoginResult {
  ok: boolean;
  /** "system 7713915368345848931, timeline 1", or the server's (psql's) message. */
  detail: string;
}

/**
 * The login a standby's WAL receiver will make, made now from the standby's
 * own host as its OS user: `psql "<conninfo> replication=true" -c
 * IDENTIFY_SYSTEM`. replication=true is a physical replication connection,
 * the one pg_hba.conf's `replication` keyword matches, as the WAL receiver's
 * is. A password in the conninfo travels in PGPASSWORD, never in argv (ps
 * shows argv to every user of the host); libpq uses it exactly as the
 * conninfo's own password key.
 */
export function replicationLoginSpec(node: Pick<NodeConfig, 'pgBinDir'>, conninfo: string): CommandSpec {
  const entries = parseConninfo(conninfo);
  const password = entries.find(([key]) => key === 'password')?.[1];
  const rest = entries.filter(([key]) => key !== 'password' && key !== 'replication' && key !== 'dbname');
  if (!rest.some(([key]) => key === 'connect_timeout')) rest.push(['connect_timeout', '5']);
  rest.push(['replication', 'true']);
  return {
    program: node.pgBinDir ? path.join(node.pgBinDir, 'psql') : 'psql',
    args: ['-X', '-A', '-t', '-w', '-d', formatConninfo(rest), '-c', 'IDENTIFY_SYSTEM'],
    env: password !== undefined ? { PGPASSWORD: password } : {},
    mutating: false,
    timeoutMs: 20_000,
  };
}

/** Tries each follower's login through its host's runner; never throws. */
export async function probeReplicationLogins(followers: readonly FollowerLogin[], runners: RunnerSource): Promise<Record<string, ReplicationLoginResult>> {
  const entries = await Promise.all(
    followers.map(async (follower) => [follower.node.name, await probeOne(follower, runners)] as const),
  );
  return Object.fromEntries(entries);
}

async function probeOne(follower: FollowerLogin, runners: RunnerSource): Promise<ReplicationLoginResult> {
  try {
    const run = await runCollected(runners.forNode(follower.node.name), replicationLoginSpec(follower.node, follower.conninfo));
    const lines = (text: string) => text.split('\n').map((line) => line.trim()).filter((line) => line !== '');
    if (run.result.exitCode === 0) {
      const [systemId, timeline] = (lines(run.stdout).find((line) => line.includes('|')) ?? '').split('|');
      return { ok: true, detail: `IDENTIFY_SYSTEM answered: system ${systemId ?? '?'}, timeline ${timeline ?? '?'}` };
    }
    const said = lines(run.stderr).map((line) => line.replace(/^psql: error: /, '')).at(-1);
    return { ok: false, detail: said ?? `psql ${run.result.timedOut ? 'timed out' : `exited with ${run.result.exitCode ?? run.result.signal}`}` };
  } catch (error) {
    return { ok: false, detail: `could not run psql on ${follower.node.name}'s host: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/**
 * The check line for one follower's login. In a switchover a failed login
 * blocks (the old primary must come back as a standby); in a failover the
 * promotion may go on, and the plan says which standby will not follow.
 */
export function replicationLoginCheck(follower: FollowerLogin, result: ReplicationLoginResult | undefined, failStatus: 'fail' | 'warn'): PreflightCheck {
  const label = `${follower.node.name} can log in to ${follower.upstream} for replication (psql replication=true from its host as ${follower.node.osUser})`;
  if (!result) return { label, status: 'warn', observed: 'not tried (no runner for its host)' };
  if (result.ok) return { label, status: 'ok', observed: result.detail };
  const line = missingHbaLine(result.detail);
  if (line) {
    return {
      label,
      status: failStatus,
      observed: result.detail,
      fix: `add this line to ${follower.upstream}'s pg_hba.conf (above any line that rejects it), then select pg_reload_conf() on ${follower.upstream} and plan again: ${line}`,
    };
  }
  return {
    label,
    status: failStatus,
    observed: result.detail,
    fix:
      failStatus === 'fail'
        ? `make the login work (a pg_hba.conf line on ${follower.upstream} for ${follower.node.name}'s address and the replication user, the password in ${follower.node.name}'s primary_conninfo or in a passfile its OS user can read), then plan again`
        : `${follower.node.name} will not follow ${follower.upstream} until this login works: fix it (pg_hba.conf on ${follower.upstream}, the password), then re-point it`,
  };
}

/**
 * The pg_hba.conf line the server's refusal asks for: `no pg_hba.conf entry
 * for replication connection from host "10.0.0.5", user "replication", no
 * encryption` becomes `host replication replication 10.0.0.5/32
 * scram-sha-256` (/128 for an IPv6 address). Null for any other failure.
 */
export function missingHbaLine(message: string): string | null {
  const match = /no pg_hba\.conf entry for replication connection from host "([^"]+)", user "([^"]+)"(?:, (no encryption|SSL encryption|GSS encryption))?/.exec(message);
  if (!match) return null;
  const [, address, user, encryption] = match;
  const type = encryption === 'SSL encryption' ? 'hostssl' : 'host';
  const quoted = /^[A-Za-z0-9_]+$/.test(user!) ? user! : `"${user!.replaceAll('"', '""')}"`;
  return `${type} replication ${quoted} ${address}/${address!.includes(':') ? 128 : 32} scram-sha-256`;
}
