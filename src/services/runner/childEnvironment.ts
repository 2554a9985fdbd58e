/**
 * The whole environment a program pgcockpit starts on this machine gets:
 * nothing of pgcockpit's own environment but the locale, the time zone and
 * PATH, the account's HOME, USER and LOGNAME, and what the command itself
 * names (CommandSpec.env).
 *
 * Why not inherit: libpq reads PGPASSWORD, PGUSER, PGHOST, PGPASSFILE,
 * PGSERVICE, PGSSLMODE, ... from the environment of whatever links it. A
 * server started by `pg_ctl start` keeps its starter's environment for life
 * (/proc/<postmaster>/environ), every backend, archive_command and the WAL
 * receiver inherit it, and the WAL receiver's libpq then prefers a stray
 * PGPASSWORD over the password in primary_conninfo's passfile. A DBA's shell
 * variables must never decide how a server logs in.
 */

/** What pgcockpit's own environment may hand on: locale and time zone shape output and initdb's defaults, never a login. */
const INHERITED = /^(LANG|LANGUAGE|LC_[A-Z_]+|TZ)$/;

/** When pgcockpit itself has no PATH (a bare cron or systemd unit), the usual system one. */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface ChildAccount {
  name: string;
  home: string;
}

export function childEnvironment(
  account: ChildAccount,
  commandEnv: Readonly<Record<string, string>> = {},
  parent: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(parent)) {
    if (value !== undefined && INHERITED.test(name)) env[name] = value;
  }
  env.PATH = parent.PATH !== undefined && parent.PATH !== '' ? parent.PATH : DEFAULT_PATH;
  env.HOME = account.home;
  env.USER = account.name;
  env.LOGNAME = account.name;
  return { ...env, ...commandEnv };
}
