import { execa } from 'execa';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/services/os/freePort.js';

/**
 * A real sshd on 127.0.0.1 for the SSH tests: its own host key, config and
 * free port, the generated client key authorised for root and postgres.
 *
 * sshd's StrictModes wants the authorized_keys file and every directory above
 * it owned by root (or the user) and not group/world-writable, which /tmp is
 * not; so the instance lives in a fresh directory under /run/pgcockpit-test-sshd.
 * UsePAM is on, as on a stock Debian server: without PAM sshd refuses accounts
 * whose password is locked ("!" in /etc/shadow), which is how Debian creates postgres.
 */
export interface TestSshd {
  host: '127.0.0.1';
  port: number;
  dir: string;
  /** The host's public key line: `ssh-ed25519 AAAA...`. */
  hostPublicKey: string;
  /** `SHA256:...` of the host key, as ssh-keygen -l prints it. */
  hostKeyFingerprint: string;
  /** A private key (ed25519, no passphrase) authorised for root and postgres. */
  clientKeyFile: string;
  clientPublicKey: string;
  /** The known_hosts line for this server: `[127.0.0.1]:PORT ssh-ed25519 AAAA...`. */
  knownHostsLine: string;
  pid: number;
  /** What sshd logged so far (-e: to stderr). */
  log(): string;
  /** Kills every session process: each client connection drops; the listener stays. */
  dropConnections(): Promise<void>;
  /** Stops the server and everything it started, removes its directory; idempotent. */
  stop(): Promise<void>;
}

const BASE = '/run/pgcockpit-test-sshd';

export interface StartSshdOptions {
  /** More public keys to authorise (e.g. another server's client key). */
  authorizedKeys?: string[];
}

export async function startSshd(options: StartSshdOptions = {}): Promise<TestSshd> {
  if (process.getuid?.() !== 0) throw new Error('the SSH tests start sshd and log in as root and postgres: run them as root');
  // The privilege separation directory sshd insists on.
  await fs.mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  await fs.mkdir(BASE, { recursive: true });
  await fs.chmod(BASE, 0o755);
  const dir = await fs.mkdtemp(path.join(BASE, 'sshd-'));
  await fs.chmod(dir, 0o755);
  try {
    const hostKey = path.join(dir, 'host_ed25519');
    const clientKeyFile = path.join(dir, 'client_ed25519');
    await Promise.all([keygen(hostKey, 'pgcockpit-test-host'), keygen(clientKeyFile, 'pgcockpit-test-client')]);
    const hostPublicKey = publicKeyLine(await fs.readFile(`${hostKey}.pub`, 'utf8'));
    const clientPublicKey = publicKeyLine(await fs.readFile(`${clientKeyFile}.pub`, 'utf8'));
    const fingerprint = (await execa('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${hostKey}.pub`])).stdout.split(/\s+/)[1] ?? '';
    const authorizedKeys = path.join(dir, 'authorized_keys');
    await fs.writeFile(authorizedKeys, [clientPublicKey, ...(options.authorizedKeys ?? [])].join('\n') + '\n', { mode: 0o644 });
    await fs.chmod(authorizedKeys, 0o644);

    for (let attempt = 1; ; attempt += 1) {
      const port = await freePort();
      try {
        return await launch({ dir, port, hostKey, hostPublicKey, fingerprint, clientKeyFile, clientPublicKey, authorizedKeys });
      } catch (error) {
        // Someone took the port between freePort() and sshd's bind: try another.
        if (attempt < 5 && /Address already in use/.test((error as Error).message)) continue;
        throw error;
      }
    }
  } catch (error) {
    await fs.rm(dir, { recursive: true, force: true });
    throw error;
  }
}

async function launch(setup: {
  dir: string;
  port: number;
  hostKey: string;
  hostPublicKey: string;
  fingerprint: string;
  clientKeyFile: string;
  clientPublicKey: string;
  authorizedKeys: string;
}): Promise<TestSshd> {
  const { dir, port } = setup;
  const config = path.join(dir, 'sshd_config');
  await fs.writeFile(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${setup.hostKey}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${setup.authorizedKeys}`,
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'UsePAM yes',
      'StrictModes yes',
      'UseDNS no',
      'PrintMotd no',
      'AllowTcpForwarding yes',
      'LogLevel VERBOSE',
      '',
    ].join('\n'),
  );
  const child = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    log += chunk;
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start /usr/sbin/sshd');
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A test worker that dies without its teardown must not leave sshd behind.
  const killOnExit = (): void => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.once('exit', killOnExit);

  const listening = await Promise.race([
    (async () => {
      while (!log.includes('Server listening on')) await new Promise((resolve) => setTimeout(resolve, 20));
      return true;
    })(),
    exited.then(() => false),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), 10_000)),
  ]);
  if (!listening) {
    killOnExit();
    process.removeListener('exit', killOnExit);
    throw new Error(`sshd did not start on 127.0.0.1:${port}:\n${log}`);
  }

  let stopped = false;
  return {
    host: '127.0.0.1',
    port,
    dir,
    hostPublicKey: setup.hostPublicKey,
    hostKeyFingerprint: setup.fingerprint,
    clientKeyFile: setup.clientKeyFile,
    clientPublicKey: setup.clientPublicKey,
    knownHostsLine: `[127.0.0.1]:${port} ${setup.hostPublicKey}`,
    pid,
    log: () => log,
    async dropConnections() {
      signalAll(descendantsOf(pid), 'SIGKILL');
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      const sessions = descendantsOf(pid);
      killOnExit();
      signalAll(sessions, 'SIGKILL');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      process.removeListener('exit', killOnExit);
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

async function keygen(file: string, comment: string): Promise<void> {
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file]);
}

/** `type base64`, without the comment. */
function publicKeyLine(text: string): string {
  const [type, key] = text.trim().split(/\s+/);
  return `${type} ${key}`;
}

/** Every process below `root`, read from /proc. */
export function descendantsOf(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // it ended meanwhile
    }
    // The command name is in parentheses and may itself hold spaces or ")".
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const list = children.get(ppid) ?? [];
    list.push(Number(name));
    children.set(ppid, list);
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    for (const child of children.get(pid) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function signalAll(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** A scratch home for one test: its own ~/.ssh, never the real one. */
export async function scratchHome(): Promise<string> {
  const home = await fs.mkdtemp(path.join(os.tmpdir(), 'pgcockpit-ssh-home-'));
  await fs.mkdir(path.join(home, '.ssh'), { mode: 0o700 });
  return home;
}
