import { createHash, createHmac, randomBytes } from 'node:crypto';

/**
 * OpenSSH's known_hosts format (sshd(8), "SSH_KNOWN_HOSTS FILE FORMAT"), pure:
 *
 *   [@marker] hostpatterns keytype base64-key [comment]
 *
 * Host patterns are comma-separated, may use `*` and `?`, may be negated with
 * `!`, and name a non-standard port as `[host]:port`. With HashKnownHosts a
 * pattern list is replaced by `|1|base64(salt)|base64(HMAC-SHA1(salt, name))`.
 */
export interface KnownHostsEntry {
  /** The file the line came from, for messages. */
  file: string;
  lineNumber: number;
  /** The line as written, for messages. */
  line: string;
  /**
   * `@revoked`: the key must never be accepted. `@cert-authority`: a CA that signs
   * host certificates; ssh2 does not speak host certificates, so these never
   * vouch for a plain key.
   */
  marker: 'revoked' | 'cert-authority' | null;
  /** The host field as written: patterns, or one hashed name. */
  hosts: string;
  /** The key type inside the key blob (`ssh-ed25519`, `ssh-rsa`, ...). */
  keyType: string;
  /** The public key blob (SSH wire format). */
  key: Buffer;
}

export function parseKnownHosts(text: string, file: string): KnownHostsEntry[] {
  const entries: KnownHostsEntry[] = [];
  text.split('\n').forEach((rawLine, index) => {
    const line = rawLine.replace(/\r$/, '');
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const fields = trimmed.split(/\s+/);
    let marker: KnownHostsEntry['marker'] = null;
    if (fields[0]?.startsWith('@')) {
      const name = fields.shift();
      if (name === '@revoked') marker = 'revoked';
      else if (name === '@cert-authority') marker = 'cert-authority';
      else return; // an unknown marker: OpenSSH skips the line too
    }
    const [hosts, , base64] = fields;
    if (hosts === undefined || base64 === undefined) return;
    const key = Buffer.from(base64, 'base64');
    const keyType = keyTypeOf(key);
    // A line whose key does not decode is skipped, as OpenSSH does.
    if (keyType === null || key.toString('base64').replace(/=+$/, '') !== base64.replace(/=+$/, '')) return;
    entries.push({ file, lineNumber: index + 1, line, marker, hosts, keyType, key });
  });
  return entries;
}

/** The name a host is filed under: `host` on port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  const lower = host.toLowerCase();
  return port === 22 ? lower : `[${lower}]:${port}`;
}

/** The key type at the start of an SSH public key blob, or null when the blob is malformed. */
export function keyTypeOf(key: Buffer): string | null {
  if (key.length < 4) return null;
  const length = key.readUInt32BE(0);
  if (length === 0 || length > 64 || key.length < 4 + length) return null;
  const type = key.subarray(4, 4 + length).toString('latin1');
  return /^[A-Za-z0-9@._-]+$/.test(type) ? type : null;
}

/** `SHA256:` and the unpadded base64 of the key blob's SHA-256, exactly as `ssh-keygen -l` prints it. */
export function fingerprintSha256(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** Does a known_hosts host field (patterns or a hashed name) cover `name` (as from knownHostsName)? */
export function hostFieldMatches(hosts: string, name: string): boolean {
  const lookup = name.toLowerCase();
  if (hosts.startsWith('|')) return hashedNameMatches(hosts, lookup);
  let matched = false;
  for (const pattern of hosts.split(',')) {
    if (pattern === '') continue;
    const negated = pattern.startsWith('!');
    if (!globMatches(negated ? pattern.slice(1) : pattern, lookup)) continue;
    // A matching negated pattern rules the line out whatever else matches.
    if (negated) return false;
    matched = true;
  }
  return matched;
}

function hashedNameMatches(hosts: string, name: string): boolean {
  const parts = hosts.split('|');
  // ['', '1', salt, hash]; only version 1 (HMAC-SHA1) exists.
  if (parts.length !== 4 || parts[1] !== '1' || !parts[2] || !parts[3]) return false;
  const salt = Buffer.from(parts[2], 'base64');
  const expected = Buffer.from(parts[3], 'base64');
  return createHmac('sha1', salt).update(name).digest().equals(expected);
}

function globMatches(pattern: string, name: string): boolean {
  const source = [...pattern.toLowerCase()]
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 's').test(name);
}

export type HostKeyVerdict =
  | { kind: 'known'; entry: KnownHostsEntry }
  | { kind: 'unknown' }
  /** The host is filed with another key: of the same type (the key changed), or only of other types. */
  | { kind: 'changed'; entry: KnownHostsEntry; sameType: boolean }
  | { kind: 'revoked'; entry: KnownHostsEntry };

/**
 * Decides what the entries say about `key` offered by the host filed as `name`.
 * Stricter than OpenSSH in one place: a host known only with keys of other types
 * counts as changed, not new (pgcockpit asks the server for the known types
 * first, so a server that no longer offers them is suspicious), and a revoked
 * key is refused for every host.
 */
export function checkHostKey(entries: readonly KnownHostsEntry[], name: string, key: Buffer): HostKeyVerdict {
  const revoked = entries.find((entry) => entry.marker === 'revoked' && entry.key.equals(key));
  if (revoked) return { kind: 'revoked', entry: revoked };
  const forHost = entries.filter((entry) => entry.marker === null && hostFieldMatches(entry.hosts, name));
  const same = forHost.find((entry) => entry.key.equals(key));
  if (same) return { kind: 'known', entry: same };
  const offeredType = keyTypeOf(key);
  const sameType = forHost.find((entry) => entry.keyType === offeredType);
  if (sameType) return { kind: 'changed', entry: sameType, sameType: true };
  const other = forHost[0];
  if (other) return { kind: 'changed', entry: other, sameType: false };
  return { kind: 'unknown' };
}

/** The key types the entries hold for `name`, in file order, without duplicates. */
export function knownKeyTypes(entries: readonly KnownHostsEntry[], name: string): string[] {
  const types = entries
    .filter((entry) => entry.marker === null && hostFieldMatches(entry.hosts, name))
    .map((entry) => entry.keyType);
  return [...new Set(types)];
}

/** A known_hosts line for `name` and `key`; hashed as HashKnownHosts writes it when asked. */
export function knownHostsLine(name: string, key: Buffer, options: { hashed?: boolean; salt?: Buffer } = {}): string {
  const type = keyTypeOf(key) ?? 'unknown';
  const lower = name.toLowerCase();
  let hosts = lower;
  if (options.hashed) {
    const salt = options.salt ?? randomBytes(20);
    hosts = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(lower).digest('base64')}`;
  }
  return `${hosts} ${type} ${key.toString('base64')}`;
}

/** How ssh-keygen names a key type in fingerprint lines: ED25519, ECDSA, RSA. */
export function keyTypeLabel(keyType: string): string {
  if (keyType === 'ssh-ed25519') return 'ED25519';
  if (keyType.startsWith('ecdsa-')) return 'ECDSA';
  if (keyType === 'ssh-rsa') return 'RSA';
  if (keyType === 'ssh-dss') return 'DSA';
  return keyType;
}
