import { safeArchiveCommand } from '../postgres/archiveCommand.js';
import { confLines } from '../postgres/confValue.js';

/** The file each node keeps its own settings in, included from postgresql.conf. */
export const NODE_CONF = 'pgcockpit.node.conf';

/**
 * Settings every sandbox node shares, appended to postgresql.conf of the
 * primary before its first start (standbys inherit them through
 * pg_basebackup). Loopback TCP only, no Unix socket, so sandboxes of several
 * users and test workers never meet.
 */
export function sharedSettings(archiveDir: string): string {
  return (
    '\n# --- pgcockpit sandbox ---\n' +
    confLines({
      listen_addresses: '127.0.0.1',
      unix_socket_directories: '',
      wal_level: 'replica',
      max_wal_senders: 10,
      max_replication_slots: 10,
      // pg_rewind needs hint bits WAL-logged when data checksums are off.
      wal_log_hints: true,
      hot_standby: true,
      hot_standby_feedback: true,
      archive_mode: true,
      archive_command: safeArchiveCommand(archiveDir),
      // A switch at least every minute keeps the archive current on an idle demo.
      archive_timeout: 60,
      shared_buffers: '32MB',
      max_connections: 50,
      fsync: true,
      log_line_prefix: '%m [%p] %q%u@%d ',
    }) +
    `include_if_exists = '${NODE_CONF}'\n`
  );
}

/** What differs between nodes: where each listens and what it calls itself in ps and pg_stat_replication. */
export function nodeSettings(name: string, port: number): string {
  return `# written by pgcockpit for node ${name}\n` + confLines({ port, cluster_name: name });
}

/** Loopback only, passwords checked with SCRAM, replication only for the replication role. */
export function sandboxHba(replicationUser: string): string {
  return [
    '# pgcockpit sandbox: loopback only; passwords (scram-sha-256) are in the sandbox .pgpass',
    '# TYPE  DATABASE     USER          ADDRESS        METHOD',
    `host    all          all           127.0.0.1/32   scram-sha-256`,
    `host    replication  ${replicationUser}  127.0.0.1/32   scram-sha-256`,
    '',
  ].join('\n');
}
