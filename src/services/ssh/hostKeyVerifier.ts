import fs from 'node:fs';
import path from 'node:path';
import type { KnownHostsEntry } from './knownHosts.js';
import { checkHostKey, fingerprintSha256, keyTypeLabel, keyTypeOf, knownHostsLine, parseKnownHosts } from './knownHosts.js';

export interface HostKeyPolicy {
  /** The name the host is filed under: HostKeyAlias, or `host` / `[host]:port`. */
  name: string;
  /** For messages: `admin@db1:22`. */
  display: string;
  userKnownHostsFiles: readonly string[];
  globalKnownHostsFiles: readonly string[];
  /** OpenSSH's StrictHostKeyChecking=accept-new: record an unknown key, still refuse a changed one. */
  acceptNew: boolean;
  /** Write recorded keys hashed (HashKnownHosts yes). */
  hashNew: boolean;
}

/** The host's key was not accepted; nothing was sent to it. */
export class HostKeyError extends Error {
  constructor(
    readonly kind: 'unknown' | 'changed' | 'revoked',
    /** SHA256:... of the key the server offered. */
    readonly fingerprint: string,
    /** The known_hosts line at issue: the one that disagrees, or the one to add. */
    readonly knownHostsLine: string,
    message: string,
  ) {
    super(message);
    this.name = 'HostKeyError';
  }
}

/** Every entry of the files that exist, in order; a missing file holds none. */
export function readKnownHostsFiles(files: readonly string[]): KnownHostsEntry[] {
  return files.flatMap((file) => {
    try {
      return parseKnownHosts(fs.readFileSync(file, 'utf8'), file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  });
}

export interface HostKeyVerifier {
  /**
   * For ssh2's `hostVerifier`. It answers through the callback, synchronously:
   * ssh2 accepts any truthy return value, a Promise included, so this returns
   * nothing and never goes async.
   */
  hostVerifier: (key: Buffer, verify: (accepted: boolean) => void) => void;
  /** Why the key was refused, once it was. */
  rejection(): Error | undefined;
  /** What happened to an accepted key. */
  outcome(): 'known' | 'recorded' | undefined;
}

/**
 * Checks the server's key against the known_hosts files at the moment it is
 * offered (read afresh, so a reconnect sees what the DBA fixed meanwhile).
 */
export function createHostKeyVerifier(policy: HostKeyPolicy): HostKeyVerifier {
  let rejection: Error | undefined;
  let outcome: 'known' | 'recorded' | undefined;
  const hostVerifier = (key: Buffer, verify: (accepted: boolean) => void): void => {
    try {
      const entries = readKnownHostsFiles([...policy.userKnownHostsFiles, ...policy.globalKnownHostsFiles]);
      const verdict = checkHostKey(entries, policy.name, key);
      if (verdict.kind === 'known') {
        outcome = 'known';
      } else if (verdict.kind === 'unknown' && policy.acceptNew) {
        recordKey(policy, key);
        outcome = 'recorded';
      } else {
        rejection = refusal(policy, key, verdict);
      }
    } catch (error) {
      rejection = new Error(`ssh ${policy.display}: could not check the host key: ${(error as Error).message}`);
    }
    verify(rejection === undefined);
  };
  return { hostVerifier, rejection: () => rejection, outcome: () => outcome };
}

function refusal(policy: HostKeyPolicy, key: Buffer, verdict: ReturnType<typeof checkHostKey>): HostKeyError {
  const fingerprint = fingerprintSha256(key);
  const type = keyTypeOf(key) ?? 'unknown';
  const offered = `${keyTypeLabel(type)} key ${fingerprint}`;
  const where = (entry: KnownHostsEntry): string => `${entry.file}:${entry.lineNumber}`;
  switch (verdict.kind) {
    case 'revoked':
      return new HostKeyError(
        'revoked',
        fingerprint,
        verdict.entry.line,
        `ssh ${policy.display}: host key REVOKED: the server offers ${offered}, marked @revoked at ${where(verdict.entry)}:\n` +
          `${verdict.entry.line}\nRefused.`,
      );
    case 'changed': {
      const old = verdict.entry;
      const oldKey = `${keyTypeLabel(old.keyType)} key ${fingerprintSha256(old.key)}`;
      const says = verdict.sameType
        ? `but ${where(old)} has a different key for ${policy.name} (${oldKey}):`
        : `but ${where(old)} has a ${oldKey} for ${policy.name}, a type the server no longer offers:`;
      return new HostKeyError(
        'changed',
        fingerprint,
        old.line,
        `ssh ${policy.display}: host key CHANGED: the server offers ${offered}, ${says}\n${old.line}\n` +
          `Refused: someone may be intercepting the connection, or the host was reinstalled. ` +
          `If the change is expected, remove the old key (ssh-keygen -R '${policy.name}' -f ${old.file}) and connect again.`,
      );
    }
    default: {
      const line = knownHostsLine(policy.name, key);
      const files = [...policy.userKnownHostsFiles, ...policy.globalKnownHostsFiles].join(', ');
      return new HostKeyError(
        'unknown',
        fingerprint,
        line,
        `ssh ${policy.display}: host key unknown: the server offers ${offered}, which none of ${files} has for ${policy.name}. ` +
          `Refused. Check that this is the host's key (on the host: ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub), ` +
          `then add this line to ${policy.userKnownHostsFiles[0] ?? '~/.ssh/known_hosts'}:\n${line}\n` +
          `or set ssh.acceptNewHostKeys: true for this node to record a new host's key on first contact.`,
      );
    }
  }
}

/** Appends the key to the first user known_hosts file, creating it (and ~/.ssh, mode 0700) as ssh does. */
function recordKey(policy: HostKeyPolicy, key: Buffer): void {
  const file = policy.userKnownHostsFiles[0];
  if (file === undefined) throw new Error('no user known_hosts file to record the new key in');
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  let separator = '';
  try {
    const existing = fs.readFileSync(file, 'utf8');
    if (existing !== '' && !existing.endsWith('\n')) separator = '\n';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  fs.appendFileSync(file, `${separator}${knownHostsLine(policy.name, key, { hashed: policy.hashNew })}\n`, { mode: 0o600 });
}

// ssh2's own list, strongest first.
const HOST_KEY_ALGORITHMS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

/**
 * Host key algorithms to ask for, those of the key types known_hosts already
 * holds for the host first, as ssh does: a server with several host keys then
 * shows the one on file instead of one that would look unknown.
 */
export function preferredHostKeyAlgorithms(knownTypes: readonly string[]): string[] {
  const preferred = knownTypes.flatMap((type) => (type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [type]));
  const supported = preferred.filter((algorithm) => HOST_KEY_ALGORITHMS.includes(algorithm));
  return [...new Set([...supported, ...HOST_KEY_ALGORITHMS])];
}
