import { execa } from 'execa';
import os from 'node:os';

/** An account on this machine, as the tools that own a data directory must run. */
export interface OsUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

/** Looks an account up through NSS (getent), so LDAP and sssd users work too. */
export async function lookupOsUser(name: string): Promise<OsUser> {
  const result = await execa('getent', ['passwd', name], { reject: false });
  if (result.exitCode !== 0 || result.stdout.trim() === '') {
    throw new Error(
      `OS user "${name}" does not exist on this machine. PostgreSQL's files must belong to it: ` +
        `install the PostgreSQL server package (it creates "postgres"), or set osUser in the config.`,
    );
  }
  const [user = name, , uid = '', gid = '', , home = '/'] = result.stdout.trim().split(':');
  return { name: user, uid: Number(uid), gid: Number(gid), home };
}

export function currentOsUser(): OsUser {
  const info = os.userInfo();
  return { name: info.username, uid: info.uid, gid: info.gid, home: info.homedir };
}

export function runningAsRoot(): boolean {
  return process.getuid?.() === 0;
}

/**
 * The account PostgreSQL's tools run as here: root hands them to `preferred`
 * (PostgreSQL refuses to run as root, and files root writes into a data
 * directory stop the server from starting); anyone else runs them as themselves.
 */
export async function serverOsUser(preferred = 'postgres'): Promise<OsUser> {
  return runningAsRoot() ? lookupOsUser(preferred) : currentOsUser();
}
