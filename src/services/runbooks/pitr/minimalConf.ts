import path from 'node:path';
import type { CommandSpec } from '../../runner/runner.js';
import { script } from '../rebuild/rebuildSteps.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * A backup of a Debian/Ubuntu-style cluster has no postgresql.conf,
 * pg_hba.conf or pg_ident.conf: they live in /etc/postgresql/N/main, not in
 * the data directory, and the server refuses to start without the first two.
 * The copy gets minimal ones, each only where the backup has none:
 *
 * - listen_addresses localhost (and the host's address, where the copy-back
 *   connects), and no Unix socket (Debian's compiled-in /var/run/postgresql
 *   may not be there for this user, and a lock file in /tmp may be anyone's):
 *   TCP only; the port and the rest are in postgresql.auto.conf.
 * - max_connections, max_worker_processes, max_wal_senders,
 *   max_prepared_transactions and max_locks_per_transaction as pg_controldata
 *   reads them from the copy: a hot standby below the primary's values
 *   refuses to replay (the defaults may well be lower).
 * - pg_hba.conf: peer over the socket, md5 over TCP (md5 accepts
 *   scram-sha-256 passwords too), so production's logins work as before.
 */
export function minimalConf(facts: { dest: string; postgres: string; address: string; writeConf: 'no' | 'yes' | 'if missing' }): { command: CommandSpec; detail: string[] } | undefined {
  if (facts.writeConf === 'no') return undefined;
  const listen = LOOPBACK.has(facts.address) ? 'localhost' : `localhost, ${facts.address}`;
  const hostLines = ['127.0.0.1/32', '::1/128', ...(LOOPBACK.has(facts.address) ? [] : [facts.address.includes(':') ? `${facts.address}/128` : `${facts.address}/32`])];
  const controldata = path.posix.isAbsolute(facts.postgres) ? path.posix.join(path.posix.dirname(facts.postgres), 'pg_controldata') : 'pg_controldata';
  const text = [
    'cd -- "$1" || exit 1; said=""',
    'if [ ! -f postgresql.conf ]; then',
    '  c=$(LC_ALL=C "$2" -D . 2>/dev/null) || { echo "$2 -D $1 failed: no postgresql.conf could be written" >&2; exit 1; }',
    "  v() { printf '%s\\n' \"$c\" | sed -n \"s/^$1 setting: *//p\"; }",
    '  {',
    "    echo '# written by pgcockpit pitr: the backup had no postgresql.conf (a Debian-style cluster keeps it in /etc/postgresql); the recovery settings are in postgresql.auto.conf'",
    '    echo "listen_addresses = \'$3\'"',
    "    echo \"unix_socket_directories = ''\"",
    '    for pair in max_connections:max_connections max_worker_processes:max_worker_processes max_wal_senders:max_wal_senders max_prepared_xacts:max_prepared_transactions max_locks_per_xact:max_locks_per_transaction; do',
    '      n=$(v "${pair%%:*}"); [ -n "$n" ] && echo "${pair#*:} = $n"',
    '    done',
    '  } > postgresql.conf && chmod 0600 postgresql.conf || exit 1',
    '  said="postgresql.conf written (the backup had none)"',
    'fi',
    'shift 3',
    'if [ ! -f pg_hba.conf ]; then',
    "  { echo '# written by pgcockpit pitr: the backup had no pg_hba.conf'; echo 'local all all peer'; for net in \"$@\"; do echo \"host all all $net md5\"; done; } > pg_hba.conf && chmod 0600 pg_hba.conf || exit 1",
    '  said="${said:+$said; }pg_hba.conf written (the backup had none)"',
    'fi',
    '[ -f pg_ident.conf ] || { : > pg_ident.conf && chmod 0600 pg_ident.conf; } || exit 1',
    'echo "${said:-postgresql.conf and pg_hba.conf are the backup\'s}"',
  ].join('\n');
  return {
    command: script(text, [facts.dest, controldata, listen, ...hostLines], { mutating: true }),
    detail: [
      `${facts.writeConf === 'yes' ? 'write' : 'if the copy has none, write'} ${facts.dest}/postgresql.conf: listen_addresses = '${listen}', unix_socket_directories = '' (TCP only), max_connections and its kin as ${controldata} reads them`,
      `and, where missing, pg_hba.conf (local peer; host ${hostLines.join(', ')} md5) and an empty pg_ident.conf`,
    ],
  };
}
