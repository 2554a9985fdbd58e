import { randomBytes } from 'node:crypto';
import { appendFile, chown, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import type { CockpitConfig } from '../config/schema.js';
import { configSchema } from '../config/schema.js';
import { freePort } from '../os/freePort.js';
import type { OsUser } from '../os/osUser.js';
import { makeOwnedDir, writeOwnedFile } from '../os/ownedPath.js';
import { firstBlockingAncestor } from '../os/reachableBy.js';
import { withNodeClient } from '../postgres/connectNode.js';
import { pgCtlStart } from '../postgres/pgCtl.js';
import { assertPgCtlPath } from '../postgres/pgCtlPath.js';
import { localRunner } from '../runner/localRunner.js';
import type { OutputLine } from '../runner/runner.js';
import { runChecked } from '../runner/runChecked.js';
import { slotNameFor } from '../postgres/slotName.js';
import { waitForStreaming } from '../postgres/waitForStreaming.js';
import { SAMPLE_SCHEMA_SQL } from './sampleData.js';
import { executePlan } from '../runbooks/executePlan.js';
import { prepareRebuild } from '../runbooks/rebuild/prepareRebuild.js';
import { createNodeRunners } from '../runner/nodeRunners.js';
import { SANDBOX_DATABASE, SANDBOX_SUPERUSER, sandboxConfig, sandboxConfigYaml } from './sandboxConfig.js';
import type { SandboxLayout } from './sandboxLayout.js';
import { sandboxNodeNames } from './sandboxLayout.js';
import { NODE_CONF, nodeSettings, sandboxHba, sharedSettings } from './sandboxSettings.js';

export interface SandboxProgress {
  /** A step begins ("initdb pg1", "pg_basebackup pg2 from pg1", ...). */
  onStep?: (message: string) => void;
  /** A line a PostgreSQL tool printed. */
  onLine?: (line: OutputLine) => void;
}

export interface CreateSandboxOptions extends SandboxProgress {
  layout: SandboxLayout;
  nodeCount: number;
  pgBinDir: string;
  osUser: OsUser;
}

const REPLICATION_USER = 'replication';
const SLOT_PATTERN = 'slot_{node}';

/**
 * Builds a real streaming-replication cluster the way the runbook does:
 * archive directory owned by the server account (0750), archive_mode with a
 * safe archive_command, a replication role and its pg_hba line, one physical
 * slot per standby, standbys made by the rebuild runbook (pg_basebackup
 * through the slot as the server account, never root: the one clone path),
 * wal_log_hints on, and a small sample database.
 */
export async function createSandbox(options: CreateSandboxOptions): Promise<CockpitConfig> {
  const { layout, osUser, pgBinDir } = options;
  assertPgCtlPath('sandbox directory', layout.root);
  assertPgCtlPath('PostgreSQL binary directory', pgBinDir);
  const step = options.onStep ?? (() => undefined);
  const names = sandboxNodeNames(options.nodeCount);
  const [primaryName, ...standbyNames] = names;
  if (primaryName === undefined) throw new Error('a sandbox needs at least one node');
  const ports = await Promise.all(names.map(() => freePort()));
  const configInput = sandboxConfig({
    layout,
    nodes: names.map((name, i) => ({ name, port: ports[i] ?? 0 })),
    osUser: osUser.name,
    pgBinDir,
    replicationUser: REPLICATION_USER,
    slotNamePattern: SLOT_PATTERN,
  });
  const config = configSchema.parse(configInput);
  const nodes = config.nodes;
  const primary = nodes[0]!;
  // Every PostgreSQL tool runs as the server account: root would leave files the server cannot use.
  const runner = localRunner(osUser);
  const tool = (program: string, args: string[], env?: Record<string, string>) =>
    runChecked(runner, { program: path.join(pgBinDir, program), args, env, mutating: true }, options.onLine);

  const blocked = await firstBlockingAncestor(layout.root, osUser);
  if (blocked) {
    throw new Error(
      `${osUser.name} cannot reach ${layout.root}: ${blocked.dir} (mode ${blocked.mode.toString(8)}) does not let ${osUser.name} in, ` +
        `and PostgreSQL runs as ${osUser.name}. Choose a --dir ${osUser.name} can reach, e.g. under ${osUser.home}.`,
    );
  }
  step(`sandbox directory ${layout.root} (owned by ${osUser.name})`);
  await makeOwnedDir(layout.root, osUser, 0o750);
  await writeOwnedFile(layout.marker, 'This directory is a pgcockpit sandbox; `pgcockpit demo down` removes it.\n', osUser, 0o644);
  await makeOwnedDir(layout.archiveDir, osUser, 0o750);
  await makeOwnedDir(layout.backupsDir, osUser, 0o750);
  for (const name of names) await makeOwnedDir(layout.nodeDir(name), osUser, 0o750);

  const superuserPassword = randomBytes(18).toString('base64url');
  const replicationPassword = randomBytes(18).toString('base64url');
  await writeOwnedFile(
    layout.passfile,
    `127.0.0.1:*:*:${SANDBOX_SUPERUSER}:${superuserPassword}\n127.0.0.1:*:*:${REPLICATION_USER}:${replicationPassword}\n`,
    osUser,
  );

  step(`initdb ${primaryName}`);
  const pwfile = path.join(layout.nodeDir(primaryName), '.initdb-pw');
  await writeOwnedFile(pwfile, `${superuserPassword}\n`, osUser);
  try {
    await tool('initdb', [
      '-D', layout.dataDir(primaryName),
      '-U', SANDBOX_SUPERUSER,
      `--pwfile=${pwfile}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      '--no-locale',
    ]);
  } finally {
    await rm(pwfile, { force: true });
  }
  const primaryData = layout.dataDir(primaryName);
  await appendOwned(path.join(primaryData, 'postgresql.conf'), sharedSettings(layout.archiveDir), osUser);
  await writeOwnedFile(path.join(primaryData, 'pg_hba.conf'), sandboxHba(REPLICATION_USER), osUser);
  await writeOwnedFile(path.join(primaryData, NODE_CONF), nodeSettings(primaryName, primary.port), osUser);

  step(`start ${primaryName} on 127.0.0.1:${primary.port}`);
  await pgCtlStart({ pgBinDir, dataDir: primaryData, runner, onLine: options.onLine }, layout.logFile(primaryName));

  step(`replication role, ${standbyNames.length} slot(s) and the sample database on ${primaryName}`);
  await withNodeClient({ ...primary, database: 'postgres' }, config, async (client) => {
    await client.query(`create role ${REPLICATION_USER} with replication login password ${literal(client, replicationPassword)}`);
    await client.query(`create database ${SANDBOX_DATABASE}`);
    for (const standby of standbyNames) {
      await client.query('select pg_create_physical_replication_slot($1)', [slotNameFor(SLOT_PATTERN, standby)]);
    }
  });
  await withNodeClient(primary, config, (client) => client.query(SAMPLE_SCHEMA_SQL));

  // The standbys are made by the rebuild runbook, the one clone path there is: pg_basebackup as the
  // server account, the node's own port, name, primary_conninfo and slot, started and streaming.
  const runners = createNodeRunners(config, { readOnly: false });
  try {
    await Promise.all(
      nodes.slice(1).map(async (standby) => {
        step(`rebuild ${standby.name} as a standby of ${primaryName} (pg_basebackup, slot ${slotNameFor(SLOT_PATTERN, standby.name)})`);
        const plan = await prepareRebuild(config, standby.name, { method: 'basebackup' }, { runners });
        if (plan.blocked) throw new Error(`the sandbox could not plan ${standby.name}'s copy: ${plan.blockedReasons.join('; ')}`);
        const lines: string[] = [];
        const outcome = await executePlan(plan, { config, readOnly: false, runners, log: (text) => lines.push(text) });
        if (!outcome.succeeded) {
          throw new Error(`the sandbox could not make ${standby.name} a standby: ${outcome.failedStep?.error ?? outcome.advice ?? 'stopped'}\n${lines.slice(-30).join('\n')}`);
        }
        // The sandbox's own per-node file, as for the primary (the copy holds the primary's).
        await writeOwnedFile(path.join(layout.dataDir(standby.name), NODE_CONF), nodeSettings(standby.name, standby.port), osUser);
      }),
    );
  } finally {
    await runners.close();
  }

  if (standbyNames.length > 0) {
    step(`wait for ${standbyNames.length} standby(s) to stream from ${primaryName}`);
    await waitForStreaming(primary, config, standbyNames, 30_000);
  }

  await writeFile(layout.configFile, sandboxConfigYaml(configInput, layout.root), { mode: 0o644 });
  return config;
}

async function appendOwned(file: string, text: string, owner: OsUser): Promise<void> {
  await appendFile(file, text);
  await chown(file, owner.uid, owner.gid);
}

/** A string literal for SQL that cannot be expressed as a bind parameter (utility statements). */
function literal(client: pg.Client, value: string): string {
  return client.escapeLiteral(value);
}
