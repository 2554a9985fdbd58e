import os from 'node:os';
import path from 'node:path';

/**
 * Where pgcockpit finds what a DBA's ssh already uses. Injectable so tests
 * never read or write the real ~/.ssh.
 */
export interface SshEnvironment {
  /** The local home: `~` in paths, and where the default identity files live. */
  home: string;
  /** The local account name: the login when neither the node nor ~/.ssh/config names one. */
  localUser: string;
  /** ~/.ssh/config; null to read none. */
  configFile: string | null;
  /** Checked first; accept-new appends to the first one. */
  userKnownHostsFiles: readonly string[];
  /** Checked too, never written. */
  globalKnownHostsFiles: readonly string[];
  /** ssh-agent's socket (SSH_AUTH_SOCK); undefined when there is no agent. */
  agentSocket: string | undefined;
}

/** The real places, as OpenSSH's defaults name them. */
export function defaultSshEnvironment(): SshEnvironment {
  const home = os.homedir();
  return {
    home,
    localUser: os.userInfo().username,
    configFile: path.join(home, '.ssh', 'config'),
    userKnownHostsFiles: [path.join(home, '.ssh', 'known_hosts'), path.join(home, '.ssh', 'known_hosts2')],
    globalKnownHostsFiles: ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'],
    agentSocket: process.env.SSH_AUTH_SOCK || undefined,
  };
}

/** `~` and `~/...` against the environment's home, as ssh does. */
export function expandTilde(file: string, home: string): string {
  if (file === '~') return home;
  if (file.startsWith('~/')) return path.join(home, file.slice(2));
  return file;
}

