import { parse } from 'ssh-config';

/** What ~/.ssh/config says about one host name, before defaults. Values as written (tokens and `~` unexpanded). */
export interface SshHostSettings {
  hostName?: string;
  port?: number;
  user?: string;
  /** In the order ssh would offer them. */
  identityFiles: string[];
  /** Raw: `none`, or a comma-separated list of `[user@]host[:port]` hops. */
  proxyJump?: string;
  proxyCommand?: string;
  hostKeyAlias?: string;
  hashKnownHosts?: boolean;
}

/** A parsed ssh config: look a host up with lookupSshHost. */
export type SshConfigFile = ReturnType<typeof parse>;

export function parseSshConfig(text: string): SshConfigFile {
  return parse(text);
}

/**
 * Applies the Host and Match blocks of an ssh config to `host` the way ssh does
 * (the first value of each option wins), through the ssh-config library.
 * `Match exec` is never run: pgcockpit does not execute commands from a config file.
 */
export function lookupSshHost(config: SshConfigFile | null, host: string): SshHostSettings {
  if (config === null) return { identityFiles: [] };
  const computed = config.compute(host, { ignoreCase: true, matchExec: false });
  const first = (key: string): string | undefined => {
    const value = computed[key];
    return Array.isArray(value) ? value[0] : value;
  };
  const identityFile = computed['identityfile'];
  const port = first('port');
  const hashKnownHosts = first('hashknownhosts');
  const settings: SshHostSettings = {
    identityFiles: identityFile === undefined ? [] : Array.isArray(identityFile) ? identityFile : [identityFile],
  };
  const hostName = first('hostname');
  const user = first('user');
  const proxyJump = first('proxyjump');
  const proxyCommand = first('proxycommand');
  const hostKeyAlias = first('hostkeyalias');
  if (hostName !== undefined) settings.hostName = hostName;
  if (port !== undefined) {
    const number = Number(port);
    if (!Number.isInteger(number) || number < 1 || number > 65535) {
      throw new Error(`ssh config: Port "${port}" for host "${host}" is not a port number`);
    }
    settings.port = number;
  }
  if (user !== undefined) settings.user = user;
  if (proxyJump !== undefined) settings.proxyJump = proxyJump;
  if (proxyCommand !== undefined) settings.proxyCommand = proxyCommand;
  if (hostKeyAlias !== undefined) settings.hostKeyAlias = hostKeyAlias;
  if (hashKnownHosts !== undefined) settings.hashKnownHosts = hashKnownHosts.toLowerCase() === 'yes';
  return settings;
}

/** One hop of a ProxyJump list: `[ssh://][user@]host[:port]`, the host possibly `[v6-address]`. */
export interface JumpHop {
  user?: string;
  host: string;
  port?: number;
}

export function parseJumpHop(spec: string): JumpHop {
  const text = spec.trim().replace(/^ssh:\/\//, '');
  const at = text.lastIndexOf('@');
  const user = at >= 0 ? text.slice(0, at) : undefined;
  const rest = at >= 0 ? text.slice(at + 1) : text;
  const match = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest) ?? /^([^:]+)(?::(\d+))?$/.exec(rest);
  if (!match || !match[1] || user === '') throw new Error(`ssh config: cannot read ProxyJump hop "${spec}" (expected [user@]host[:port])`);
  const hop: JumpHop = { host: match[1] };
  if (user !== undefined) hop.user = user;
  if (match[2] !== undefined) {
    const port = Number(match[2]);
    if (port < 1 || port > 65535) throw new Error(`ssh config: ProxyJump hop "${spec}" has an invalid port`);
    hop.port = port;
  }
  return hop;
}

export function parseProxyJump(value: string): JumpHop[] {
  if (value.trim().toLowerCase() === 'none') return [];
  return value.split(',').map(parseJumpHop);
}
