import path from 'node:path';
import type { NodeConfig } from '../../config/schema.js';
import { runCollected } from '../../runner/runChecked.js';
import type { CommandSpec, Runner } from '../../runner/runner.js';
import type { PreflightCheck } from '../plan.js';
import { controlDataCommand, pgTool } from '../serviceControl.js';

/** What a node's data directory says about itself, read on its host as its OS user. */
export interface DataDirFacts {
  /** pg_controldata's "Database system identifier". */
  systemIdentifier?: string;
  /** The port its server listens on (postmaster.pid, line 4) or, stopped, would listen on (postgres -C port). */
  port?: number;
  portSource?: 'postmaster.pid' | 'its configuration';
  /** Why something could not be read. */
  problem?: string;
}

/**
 * Reads, changing nothing: pg_controldata (system identifier), then
 * postmaster.pid's port when a server runs there, else the port its
 * configuration sets (postgres -C port reads postgresql.conf, its includes
 * and postgresql.auto.conf exactly as the server would).
 */
export async function readDataDirFacts(node: NodeConfig, runner: Runner): Promise<DataDirFacts> {
  const dataDir = node.dataDir;
  if (!dataDir) return { problem: 'no dataDir is configured' };
  if (!path.isAbsolute(dataDir)) return { problem: `dataDir ${dataDir} is not an absolute path` };
  const facts: DataDirFacts = {};
  const control = await collect(runner, controlDataCommand(node));
  if (control.exitCode === 0) {
    facts.systemIdentifier = /^Database system identifier:\s*(\d+)/m.exec(control.stdout)?.[1];
  } else {
    return { problem: `pg_controldata -D ${dataDir}: ${lastLine(control) || `exit ${control.exitCode}`}` };
  }
  const pid = await collect(runner, { program: 'cat', args: [path.join(dataDir, 'postmaster.pid')], mutating: false, timeoutMs: 30_000 });
  const pidPort = pid.exitCode === 0 ? Number(pid.stdout.split('\n')[3]) : NaN;
  if (Number.isInteger(pidPort) && pidPort > 0) return { ...facts, port: pidPort, portSource: 'postmaster.pid' };
  const conf = await collect(runner, { program: pgTool(node, 'postgres'), args: ['-D', dataDir, '-C', 'port'], mutating: false, timeoutMs: 30_000 });
  const confPort = Number(conf.stdout.trim());
  if (conf.exitCode === 0 && Number.isInteger(confPort) && confPort > 0) return { ...facts, port: confPort, portSource: 'its configuration' };
  return { ...facts, problem: `could not read its port: ${lastLine(conf) || `postgres -C port exited ${conf.exitCode}`}` };
}

/**
 * Proof that a configured dataDir is this node's, before any service action
 * (stop, start, pg_controldata) runs on it: its port is the node's, and its
 * system identifier is the cluster's (what the nodes report over SQL). A
 * dataDir pointing at another node's directory would stop the wrong server.
 */
export function dataDirCheck(node: NodeConfig, facts: DataDirFacts | undefined, clusterSystemIdentifier: string | undefined): PreflightCheck {
  const label = `${node.name}'s data directory ${node.dataDir ?? '(none)'} is ${node.name}'s`;
  if (!node.dataDir || !path.isAbsolute(node.dataDir)) {
    return { label, status: 'fail', observed: node.dataDir ? `dataDir ${node.dataDir} is a relative path` : 'no dataDir in the config', fix: `set nodes[${node.name}].dataDir to the absolute path of its data directory on its host` };
  }
  if (!facts) return { label, status: 'fail', observed: 'its host was not asked', fix: 'plan again' };
  if (facts.problem && (!facts.systemIdentifier || facts.port === undefined)) {
    return { label, status: 'fail', observed: facts.problem, fix: `check nodes[${node.name}].dataDir and that ${node.osUser} can read it` };
  }
  const wrong: string[] = [];
  if (facts.port !== node.port) wrong.push(`its port is ${facts.port} (${facts.portSource}), ${node.name} listens on ${node.port}`);
  if (clusterSystemIdentifier && facts.systemIdentifier !== clusterSystemIdentifier) {
    wrong.push(`its system identifier is ${facts.systemIdentifier}, the cluster's is ${clusterSystemIdentifier}`);
  }
  if (wrong.length > 0) {
    return { label, status: 'fail', observed: `${wrong.join('; ')}: it belongs to another server`, fix: `fix nodes[${node.name}].dataDir (pgcockpit would stop or start the wrong server)` };
  }
  return { label, status: 'ok', observed: `port ${facts.port} (${facts.portSource}), system ${facts.systemIdentifier}` };
}

/** runCollected, with a runner that cannot start the program read as a failed run: the proof says why, it never throws. */
async function collect(runner: Runner, spec: CommandSpec): Promise<{ exitCode: number | null; stdout: string; stderr: string }> {
  try {
    const run = await runCollected(runner, spec);
    return { exitCode: run.result.exitCode, stdout: run.stdout, stderr: run.stderr };
  } catch (error) {
    return { exitCode: null, stdout: '', stderr: error instanceof Error ? error.message : String(error) };
  }
}

function lastLine(run: { stdout: string; stderr: string }): string {
  return (run.stderr || run.stdout).trim().split('\n').at(-1) ?? '';
}
