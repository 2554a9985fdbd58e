import fs from 'node:fs';
import path from 'node:path';
import type { SshEnvironment } from './sshEnvironment.js';
import { expandTilde } from './sshEnvironment.js';
import type { SshConfigFile } from './sshConfigLookup.js';
import { lookupSshHost, parseProxyJump, parseSshConfig } from './sshConfigLookup.js';
import { knownHostsName } from './knownHosts.js';

/** What the config file's `ssh:` block asks for; these beat ~/.ssh/config, as ssh's command-line options do. */
export interface SshTargetSpec {
  /** A host name, an address, or an alias from ~/.ssh/config. */
  host: string;
  user?: string | undefined;
  port?: number | undefined;
  identityFile?: string | undefined;
  acceptNewHostKeys?: boolean | undefined;
}

/** A host to connect to, fully resolved: every hop of the way is one of these. */
export interface SshEndpoint {
  /** As the DBA wrote it: the alias or the host. */
  name: string;
  /** Where to connect (HostName applied). */
  hostname: string;
  port: number;
  user: string;
  /** Absolute paths, in the order to offer them. */
  identityFiles: string[];
  /** The identity files are ssh's defaults (~/.ssh/id_*): a missing one is skipped, not an error. */
  identityFilesAreDefaults: boolean;
  /** The name its key is filed under in known_hosts. */
  hostKeyName: string;
  hashKnownHosts: boolean;
  acceptNewHostKeys: boolean;
  /** The jump host this one is reached through (ProxyJump). */
  via?: SshEndpoint;
}

const DEFAULT_IDENTITY_FILES = ['id_ed25519', 'id_ecdsa', 'id_rsa'];
const MAX_JUMP_DEPTH = 8;

/** ~/.ssh/config parsed, or null when there is none. Synchronous: a small file, read once per runner. */
export function readSshConfigFile(env: SshEnvironment): SshConfigFile | null {
  if (env.configFile === null) return null;
  try {
    return parseSshConfig(fs.readFileSync(env.configFile, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`cannot read the ssh config ${env.configFile}: ${(error as Error).message}`);
  }
}

/** Resolves a node's ssh settings through ~/.ssh/config into the chain of hosts to connect through. */
export function resolveSshEndpoint(target: SshTargetSpec, env: SshEnvironment, config: SshConfigFile | null): SshEndpoint {
  return resolve(target, env, config, target.acceptNewHostKeys ?? false, 0);
}

function resolve(
  target: SshTargetSpec,
  env: SshEnvironment,
  config: SshConfigFile | null,
  acceptNew: boolean,
  depth: number,
  via?: SshEndpoint,
): SshEndpoint {
  if (depth > MAX_JUMP_DEPTH) throw new Error(`ssh config: more than ${MAX_JUMP_DEPTH} ProxyJump hops to reach ${target.host} (a loop?)`);
  const settings = lookupSshHost(config, target.host);
  const hostname = expandTokens(settings.hostName ?? target.host, { h: target.host }, 'HostName');
  const port = target.port ?? settings.port ?? 22;
  const user = target.user ?? settings.user ?? env.localUser;
  const tokens = { h: hostname, p: String(port), r: user, u: env.localUser, d: env.home, n: target.host };
  const written = target.identityFile !== undefined ? [target.identityFile] : settings.identityFiles;
  const identityFiles = (written.length > 0 ? written : DEFAULT_IDENTITY_FILES.map((name) => `~/.ssh/${name}`)).map((file) =>
    path.resolve(env.home, expandTilde(expandTokens(file, tokens, 'IdentityFile'), env.home)),
  );
  const endpoint: SshEndpoint = {
    name: target.host,
    hostname,
    port,
    user,
    identityFiles,
    identityFilesAreDefaults: written.length === 0,
    hostKeyName: settings.hostKeyAlias ?? knownHostsName(hostname, port),
    hashKnownHosts: settings.hashKnownHosts ?? false,
    acceptNewHostKeys: acceptNew,
  };
  if (via !== undefined) {
    // A later hop of a ProxyJump list goes through the hop before it.
    endpoint.via = via;
    return endpoint;
  }
  if (settings.proxyJump !== undefined) {
    let previous: SshEndpoint | undefined;
    for (const hop of parseProxyJump(settings.proxyJump)) {
      previous = resolve(hop, env, config, acceptNew, depth + 1, previous);
    }
    if (previous !== undefined) endpoint.via = previous;
  } else if (settings.proxyCommand !== undefined && settings.proxyCommand.toLowerCase() !== 'none') {
    throw new Error(
      `ssh config: host ${target.host} uses ProxyCommand, which pgcockpit does not run; ` +
        `use ProxyJump (ssh -J) for a jump host instead`,
    );
  }
  return endpoint;
}

/** ssh's % tokens (ssh_config(5), TOKENS); an unknown one is an error, as in ssh. */
function expandTokens(value: string, tokens: Record<string, string>, option: string): string {
  return value.replace(/%(.)/g, (whole, letter: string) => {
    if (letter === '%') return '%';
    const replacement = tokens[letter];
    if (replacement === undefined) throw new Error(`ssh config: ${option} "${value}" uses the token %${letter}, which pgcockpit does not know`);
    return replacement;
  });
}

/** One connection per key: the same user, host, port and route share it. */
export function endpointKey(endpoint: SshEndpoint): string {
  const self = `${endpoint.user}@${endpoint.hostname}:${endpoint.port}`;
  return endpoint.via ? `${self} via ${endpointKey(endpoint.via)}` : self;
}

/** `admin@db1:22` or `admin@db1:22 via admin@bastion:22`, for messages and Runner.where. */
export function describeEndpoint(endpoint: SshEndpoint): string {
  const self = `${endpoint.user}@${endpoint.name === endpoint.hostname ? endpoint.hostname : `${endpoint.name} (${endpoint.hostname})`}:${endpoint.port}`;
  return endpoint.via ? `${self} via ${describeEndpoint(endpoint.via)}` : self;
}
