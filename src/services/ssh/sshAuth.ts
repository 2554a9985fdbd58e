import fs from 'node:fs/promises';
import ssh2 from 'ssh2';
import type { AnyAuthMethod } from 'ssh2';
import type { SshEndpoint } from './sshEndpoint.js';
import { describeEndpoint } from './sshEndpoint.js';

/** Logging in failed before any command ran. */
export class SshConnectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SshConnectError';
  }
}

export interface SshAuthPlan {
  methods: AnyAuthMethod[];
  /** What is offered, in order, for messages: "ssh-agent (/run/agent.sock)", "/root/.ssh/id_ed25519". */
  offered: string[];
}

/**
 * The keys to offer, as ssh would: the identity files the node or
 * ~/.ssh/config names, then the agent's keys; with no file named, the agent
 * first, then ssh's default ~/.ssh/id_* files that exist. pgcockpit never asks
 * for a passphrase: an encrypted key has to be loaded into ssh-agent.
 */
export async function planAuthentication(endpoint: SshEndpoint, agentSocket: string | undefined): Promise<SshAuthPlan> {
  const fileMethods: AnyAuthMethod[] = [];
  const fileNames: string[] = [];
  const unusable: string[] = [];
  for (const file of endpoint.identityFiles) {
    let key: Buffer;
    try {
      key = await fs.readFile(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && endpoint.identityFilesAreDefaults) continue;
      throw new SshConnectError(`ssh ${describeEndpoint(endpoint)}: cannot read the identity file ${file}: ${(error as Error).message}`);
    }
    const parsed = ssh2.utils.parseKey(key);
    if (parsed instanceof Error) {
      unusable.push(
        /passphrase|encrypted/i.test(parsed.message)
          ? `${file} is protected by a passphrase (load it into ssh-agent: ssh-add ${file})`
          : `${file} is not a private key ssh2 can read (${parsed.message})`,
      );
      continue;
    }
    fileMethods.push({ type: 'publickey', username: endpoint.user, key });
    fileNames.push(file);
  }
  const agentMethods: AnyAuthMethod[] = agentSocket ? [{ type: 'agent', username: endpoint.user, agent: agentSocket }] : [];
  const agentNames = agentSocket ? [`ssh-agent (${agentSocket})`] : [];
  const agentFirst = endpoint.identityFilesAreDefaults;
  const methods = agentFirst ? [...agentMethods, ...fileMethods] : [...fileMethods, ...agentMethods];
  const offered = agentFirst ? [...agentNames, ...fileNames] : [...fileNames, ...agentNames];
  if (methods.length === 0) {
    const reasons = unusable.length > 0 ? unusable : [`none of ${endpoint.identityFiles.join(', ')} exists`];
    throw new SshConnectError(
      `ssh ${describeEndpoint(endpoint)}: no key to log in with: no ssh-agent (SSH_AUTH_SOCK is not set) and no usable identity file ` +
        `(${reasons.join('; ')}). Set ssh.identityFile for the node or IdentityFile in ~/.ssh/config, or start ssh-agent and ssh-add the key.`,
    );
  }
  return { methods, offered };
}
