import { z } from 'zod';
import { pgCtlPathProblem } from '../postgres/pgCtlPath.js';
import { slotNameFor } from '../postgres/slotName.js';
import { SSL_MODES } from '../postgres/sslOptions.js';

/**
 * The shape of pgcockpit.yaml. Objects are strict: an unknown key is a typo the
 * DBA wants to hear about, not silently ignore. Passwords have no place here;
 * libpq's own conventions (PGPASSWORD, ~/.pgpass, PGPASSFILE, passfile) apply,
 * and a node may take its connection settings from a pg_service.conf service.
 */

const nodeName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'must start with a letter or digit and use only letters, digits, "_", "." and "-"')
  .max(63);

const port = z.number().int('must be a whole number').min(1, 'must be between 1 and 65535').max(65535, 'must be between 1 and 65535');

/** A command as an argument vector: never a string a shell would re-split. */
const argv = z.array(z.string().min(1)).min(1, 'must name a program');

export const sshSchema = z.strictObject({
  /** A host name, an address, or an alias from ~/.ssh/config. */
  host: z.string().min(1),
  user: z.string().min(1).optional(),
  port: port.optional(),
  identityFile: z.string().min(1).optional(),
  /** OpenSSH's StrictHostKeyChecking=accept-new: record an unknown host key in ~/.ssh/known_hosts; a changed one is still refused. */
  acceptNewHostKeys: z.boolean().default(false),
});

/**
 * How to start, stop, restart and ask the status of a node's server.
 * Placeholders: {pgBinDir}, {dataDir}, {node}. Absent commands default to pg_ctl.
 */
export const serviceSchema = z.strictObject({
  start: argv.optional(),
  stop: argv.optional(),
  restart: argv.optional(),
  status: argv.optional(),
});

export const nodeSchema = z.strictObject({
  name: nodeName,
  /** Required, unless the node's pgService sets it. */
  host: z.string().min(1),
  port: port.default(5432),
  user: z.string().min(1).default('postgres'),
  database: z.string().min(1).default('postgres'),
  /**
   * A libpq connection service (pg_service.conf) whose host, port, user,
   * dbname and passfile fill in what the node leaves out. Merged before
   * validation by parseConfig; the name stays here for reference.
   */
  pgService: z.string().min(1).optional(),
  /** libpq passfile for this node; defaults to the cluster's passfile, then libpq's own lookup. */
  passfile: z.string().min(1).optional(),
  /** libpq's sslmode for pgcockpit's own connections; absent: $PGSSLMODE, else plaintext. */
  sslmode: z.enum(SSL_MODES, { error: `must be one of ${SSL_MODES.join(', ')} (libpq's sslmode values)` }).optional(),
  /** The CA file for sslmode verify-ca / verify-full (default ~/.postgresql/root.crt), or "system". */
  sslrootcert: z.string().min(1).optional(),
  dataDir: z.string().min(1).optional(),
  osUser: z.string().min(1).default('postgres'),
  pgBinDir: z.string().min(1).optional(),
  /**
   * The file `pg_ctl start -l` writes when pgcockpit starts this node's server
   * itself (no service.start): its output up to the logging collector, or all
   * of it without one. Absent: where the server logs now (see
   * runbooks/serverLogPlace.ts), else <parent of dataDir>/server.log.
   */
  serverLog: z.string().min(1).optional(),
  /** Absent: the node's host is this machine. */
  ssh: sshSchema.optional(),
  service: serviceSchema.optional(),
});

export const replicationSchema = z.strictObject({
  user: z.string().min(1).default('replication'),
  /**
   * The passfile on the nodes' hosts (readable by their OS user) that holds
   * the replication user's password: a standby pgcockpit sets up with the
   * config's credentials gets passfile=<it> in its primary_conninfo.
   */
  passfile: z.string().min(1).refine((value) => value.startsWith('/'), 'must be an absolute path (it is read on the nodes\' hosts)').optional(),
  /** Physical slot name for a standby; {node} is replaced by the standby's name. */
  slotNamePattern: z
    .string()
    // Braces only as the whole {node} placeholder: a stray "{" would end up in the slot name, which PostgreSQL rejects.
    .regex(/^(?:[a-z0-9_]|\{node\})+$/, 'may use only lower-case letters, digits, "_" and the {node} placeholder')
    .default('slot_{node}'),
});

export const archiveSchema = z.strictObject({
  dir: z.string().min(1),
  /** The node whose host holds the archive; absent: this machine. */
  host: z.string().min(1).optional(),
});

export const backupsSchema = z.strictObject({
  dir: z.string().min(1),
  /** The node whose host holds the backups dir and runs pg_dump/pg_restore there (as its OS user); absent: the jump host. */
  host: z.string().min(1).optional(),
});

const MiB = 1024 * 1024;

/** When the live view raises an alert. Bytes and seconds; a warning below its critical. */
export const thresholdsSchema = z.strictObject({
  lagBytesWarning: z.number().int().positive().default(16 * MiB),
  lagBytesCritical: z.number().int().positive().default(256 * MiB),
  lagSecondsWarning: z.number().positive().default(30),
  lagSecondsCritical: z.number().positive().default(300),
  /** An inactive slot holding more WAL than this. */
  slotRetainedBytesWarning: z.number().int().positive().default(1024 * MiB),
  /** WAL segments waiting for archive_command. */
  archiveReadyWarning: z.number().int().positive().default(10),
  /** Age of the oldest segment waiting for archive_command. */
  archiveReadyAgeSecondsWarning: z.number().positive().default(300),
  /** Forecast of pg_wal filling its file system within this many hours. */
  walFullHoursWarning: z.number().positive().default(24),
});

export const DEFAULT_THRESHOLDS = thresholdsSchema.parse({});

export const configSchema = z
  .strictObject({
    cluster: z.string().min(1),
    passfile: z.string().min(1).optional(),
    nodes: z.array(nodeSchema).min(1, 'must list at least one node'),
    replication: replicationSchema.default({ user: 'replication', slotNamePattern: 'slot_{node}' }),
    archive: archiveSchema.optional(),
    backups: backupsSchema.optional(),
    thresholds: thresholdsSchema.default(DEFAULT_THRESHOLDS),
  })
  .superRefine((config, ctx) => {
    const seenNames = new Map<string, number>();
    const seenEndpoints = new Map<string, number>();
    config.nodes.forEach((node, index) => {
      const firstName = seenNames.get(node.name);
      if (firstName !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['nodes', index, 'name'],
          message: `duplicate node name "${node.name}" (first used by nodes[${firstName}])`,
        });
      } else {
        seenNames.set(node.name, index);
      }
      const endpoint = `${node.host}:${node.port}`;
      const firstEndpoint = seenEndpoints.get(endpoint);
      if (firstEndpoint !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['nodes', index, 'port'],
          message: `${endpoint} is already used by node "${config.nodes[firstEndpoint]?.name}"`,
        });
      } else {
        seenEndpoints.set(endpoint, index);
      }
      if (node.ssh === undefined && node.dataDir === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['nodes', index, 'dataDir'],
          message: 'is required for a local node (one without ssh): pgcockpit must know where its data lives',
        });
      }
      for (const key of ['dataDir', 'pgBinDir', 'serverLog'] as const) {
        const value = node[key];
        const problem = value === undefined ? undefined : serverPathProblem(value, node.ssh?.host);
        if (problem !== undefined) ctx.addIssue({ code: 'custom', path: ['nodes', index, key], message: problem });
      }
    });
    for (const [kind, warning, critical] of [
      ['bytes', 'lagBytesWarning', 'lagBytesCritical'],
      ['seconds', 'lagSecondsWarning', 'lagSecondsCritical'],
    ] as const) {
      const { [warning]: warn, [critical]: crit } = config.thresholds;
      if (warn > crit) {
        ctx.addIssue({
          code: 'custom',
          path: ['thresholds', warning],
          message: `is above ${critical} (${warn} > ${crit} ${kind}): the warning must come before the critical alert; lower it or raise ${critical}`,
        });
      }
    }
    // Each standby needs a slot of its own, within PostgreSQL's 63-byte name limit.
    const slotOwners = new Map<string, string>();
    for (const [index, node] of config.nodes.entries()) {
      const slot = slotNameFor(config.replication.slotNamePattern, node.name);
      const owner = slotOwners.get(slot);
      if (seenNames.get(node.name) !== index) {
        // a duplicate name, reported above already
      } else if (owner !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['nodes', index, 'name'],
          message: `gives the same replication slot name "${slot}" as node "${owner}": rename one of them`,
        });
      } else if (slot.length > 63) {
        ctx.addIssue({
          code: 'custom',
          path: ['nodes', index, 'name'],
          message: `makes the slot name "${slot}" longer than PostgreSQL's 63 characters: use a shorter name or slotNamePattern`,
        });
      }
      slotOwners.set(slot, node.name);
    }
    if (config.archive?.host !== undefined && !seenNames.has(config.archive.host)) {
      ctx.addIssue({
        code: 'custom',
        path: ['archive', 'host'],
        message: `names no node: "${config.archive.host}" is not one of ${[...seenNames.keys()].join(', ')}`,
      });
    }
    if (config.backups?.host !== undefined && !seenNames.has(config.backups.host)) {
      ctx.addIssue({
        code: 'custom',
        path: ['backups', 'host'],
        message: `names no node: "${config.backups.host}" is not one of ${[...seenNames.keys()].join(', ')}`,
      });
    }
    if (config.backups?.host !== undefined && !config.backups.dir.startsWith('/')) {
      ctx.addIssue({
        code: 'custom',
        path: ['backups', 'dir'],
        message: `must be an absolute path on ${config.backups.host}'s host, got ${JSON.stringify(config.backups.dir)}: neither "~" nor a relative path is expanded there`,
      });
    }
  });

/**
 * Why a data or binary directory (or the server log file) cannot be used, if it cannot. pg_ctl and
 * pg_controldata take a relative path from their working directory (the OS
 * user's home, or wherever pgcockpit was started), never from this file;
 * `~/` is expanded for a node on this machine only (on an ssh host nobody
 * expands it). pg_ctl hands both directories to a shell (see pgCtlPath).
 */
function serverPathProblem(dir: string, sshHost: string | undefined): string | undefined {
  const shell = pgCtlPathProblem(dir);
  if (shell !== undefined) return shell;
  if (dir.startsWith('/')) return undefined;
  if (sshHost === undefined) {
    if (dir === '~' || dir.startsWith('~/')) return undefined;
    return `must be an absolute path (or start with ~/), got ${JSON.stringify(dir)}: pg_ctl would read it relative to its working directory, not to this file`;
  }
  return `must be an absolute path on ${sshHost}, got ${JSON.stringify(dir)}: neither "~" nor a relative path is expanded there`;
}

export type SshConfig = z.infer<typeof sshSchema>;
export type ServiceConfig = z.infer<typeof serviceSchema>;
export type NodeConfig = z.infer<typeof nodeSchema>;
export type ReplicationConfig = z.infer<typeof replicationSchema>;
export type Thresholds = z.infer<typeof thresholdsSchema>;
export type CockpitConfig = z.infer<typeof configSchema>;
/** What a config file looks like before defaults are applied (what the sandbox writes). */
export type CockpitConfigInput = z.input<typeof configSchema>;
