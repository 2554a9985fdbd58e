import type { Duplex } from 'node:stream';
import ssh2 from 'ssh2';
import type { Client as SshClient } from 'ssh2';
import type { SshEnvironment } from './sshEnvironment.js';
import type { SshEndpoint } from './sshEndpoint.js';
import { describeEndpoint, endpointKey } from './sshEndpoint.js';
import { SshConnectError, planAuthentication } from './sshAuth.js';
import { createHostKeyVerifier, preferredHostKeyAlgorithms, readKnownHostsFiles } from './hostKeyVerifier.js';
import { knownKeyTypes } from './knownHosts.js';
import type { RemoteExec } from './remoteExec.js';
import { watchExec } from './remoteExec.js';

export interface SshPoolOptions {
  env: SshEnvironment;
  /** How long the TCP connect, handshake and login may take. */
  readyTimeoutMs?: number;
  /** SSH keepalives, so a dead peer is noticed and the connection replaced. */
  keepaliveIntervalMs?: number;
  /**
   * Commands open at once on one connection; more wait their turn. OpenSSH
   * allows 10 sessions per connection (MaxSessions); the rest are kept for
   * the `kill` that cancels a command.
   */
  maxChannelsPerConnection?: number;
}

interface Connection {
  key: string;
  endpoint: SshEndpoint;
  client: SshClient;
  /** Usable for new commands. */
  open: boolean;
  /** The client emitted 'close': the socket is gone. */
  ended: boolean;
  channels: number;
  waiting: Array<() => void>;
}

/** exec() was aborted while it waited for the connection: the command was never started. */
export class CommandNotStartedError extends Error {
  constructor() {
    super('aborted before the command started');
    this.name = 'CommandNotStartedError';
  }
}

/** The server closed the connection, or it broke, before the command could start. */
function isConnectionGone(error: unknown, connection: Connection): boolean {
  const message = (error as Error).message ?? '';
  return !connection.open || message === 'Not connected' || message === 'No response from server';
}

/**
 * One SSH connection per user@host:port (and route), opened on first use,
 * shared by every command to that host, replaced when the server drops it.
 * Jump hosts (ProxyJump) are connections of the pool too: the target's
 * connection runs inside a direct-tcpip channel of the jump host's.
 */
/** How often a refused channel (sshd's MaxSessions met for a moment) is tried again before the command fails. */
const CHANNEL_OPEN_RETRIES = 10;

export class SshConnectionPool {
  /** Per key, the connection being opened or open. */
  private readonly entries = new Map<string, Promise<Connection>>();
  /** Per key, the connection its entry resolved to. */
  private readonly current = new Map<string, Connection>();
  private readonly live = new Set<Connection>();
  private opened = 0;
  private closed = false;

  constructor(private readonly options: SshPoolOptions) {}

  /** How many connections were made so far (reconnects included). */
  get connectionsOpened(): number {
    return this.opened;
  }

  /** The keys (`user@host:port [via ...]`) of the connections open now. */
  openConnections(): string[] {
    return [...this.live].filter((connection) => connection.open).map((connection) => connection.key);
  }

  /**
   * Starts `command` on the endpoint's host, connecting (or reconnecting) as
   * needed. `urgent` skips the per-connection limit: for the kill that cancels
   * a command, which must not wait behind it.
   */
  async exec(endpoint: SshEndpoint, command: string, options: { urgent?: boolean; signal?: AbortSignal } = {}): Promise<RemoteExec> {
    let refusedChannels = 0;
    for (let attempt = 0; ; attempt += 1) {
      const connection = await this.acquire(endpoint);
      if (!options.urgent) await this.takeChannel(connection);
      let released = false;
      const release = (): void => {
        if (released || options.urgent) return;
        released = true;
        connection.channels -= 1;
        connection.waiting.shift()?.();
      };
      if (options.signal?.aborted) {
        release();
        throw new CommandNotStartedError();
      }
      try {
        return await new Promise<RemoteExec>((resolve, reject) => {
          connection.client.exec(command, (error, channel) => {
            if (error) {
              reject(error);
              return;
            }
            // Synchronously, before ssh2 parses the next packet (see watchExec).
            const watched = watchExec(channel);
            void watched.closed.then(release);
            resolve(watched);
          });
        });
      } catch (error) {
        release();
        // The command never started, so a second try on a fresh connection cannot run it twice.
        if (attempt === 0 && isConnectionGone(error, connection)) {
          this.retire(connection);
          continue;
        }
        // sshd counts a session until both ends' close messages crossed: a channel opened right after another
        // closed can meet its MaxSessions for a moment. Nothing started; try again shortly, a bounded number of times.
        if (/Channel open failure/i.test((error as Error).message) && refusedChannels < CHANNEL_OPEN_RETRIES && connection.open) {
          refusedChannels += 1;
          await new Promise((resolve) => setTimeout(resolve, 20 * refusedChannels));
          attempt -= 1;
          continue;
        }
        throw new SshConnectError(`ssh ${describeEndpoint(endpoint)}: could not start a command: ${(error as Error).message}`);
      }
    }
  }

  /** Ends every connection; idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    const pending = [...this.entries.values()];
    this.entries.clear();
    this.current.clear();
    // A connection still logging in ends itself once it is up (see connect).
    await Promise.all(pending.map((entry) => entry.catch(() => undefined)));
    await Promise.all([...this.live].map(endConnection));
    this.live.clear();
  }

  private acquire(endpoint: SshEndpoint): Promise<Connection> {
    if (this.closed) return Promise.reject(new Error('the SSH connection pool is closed'));
    const key = endpointKey(endpoint);
    const existing = this.entries.get(key);
    if (existing) return existing;
    const entry = this.connect(endpoint, key);
    this.entries.set(key, entry);
    entry.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return entry;
  }

  private async takeChannel(connection: Connection): Promise<void> {
    const limit = this.options.maxChannelsPerConnection ?? 8;
    while (connection.channels >= limit && connection.open) {
      await new Promise<void>((resolve) => connection.waiting.push(resolve));
    }
    connection.channels += 1;
  }

  /** Forgets a connection (it is dead or dying) so the next command opens a new one. */
  private retire(connection: Connection): void {
    connection.open = false;
    this.live.delete(connection);
    // Only drop the entry if it still is this connection, not a newer one.
    if (this.current.get(connection.key) === connection) {
      this.current.delete(connection.key);
      this.entries.delete(connection.key);
    }
    for (const wake of connection.waiting.splice(0)) wake();
    connection.client.end();
  }

  private async connect(endpoint: SshEndpoint, key: string): Promise<Connection> {
    const { env } = this.options;
    const sock = endpoint.via ? await this.tunnel(endpoint, endpoint.via) : undefined;
    const auth = await planAuthentication(endpoint, env.agentSocket);
    const knownHostsFiles = [...env.userKnownHostsFiles, ...env.globalKnownHostsFiles];
    const verifier = createHostKeyVerifier({
      name: endpoint.hostKeyName,
      display: describeEndpoint(endpoint),
      userKnownHostsFiles: env.userKnownHostsFiles,
      globalKnownHostsFiles: env.globalKnownHostsFiles,
      acceptNew: endpoint.acceptNewHostKeys,
      hashNew: endpoint.hashKnownHosts,
    });
    const client = new ssh2.Client();
    const readyTimeout = this.options.readyTimeoutMs ?? 20_000;
    await new Promise<void>((resolve, reject) => {
      const fail = (error: Error & { level?: string; code?: string }): void => {
        client.removeListener('ready', ready);
        reject(verifier.rejection() ?? connectError(endpoint, error, auth.offered, readyTimeout));
        client.end();
      };
      const ready = (): void => {
        client.removeListener('error', fail);
        client.removeListener('close', closedEarly);
        resolve();
      };
      const closedEarly = (): void => fail(new Error('the connection closed during login'));
      client.once('ready', ready);
      client.once('error', fail);
      client.once('close', closedEarly);
      client.connect({
        host: endpoint.hostname,
        port: endpoint.port,
        username: endpoint.user,
        ...(sock ? { sock } : {}),
        authHandler: auth.methods,
        hostVerifier: verifier.hostVerifier,
        algorithms: {
          serverHostKey: preferredHostKeyAlgorithms(knownKeyTypes(readKnownHostsFiles(knownHostsFiles), endpoint.hostKeyName)) as never,
        },
        readyTimeout,
        keepaliveInterval: this.options.keepaliveIntervalMs ?? 15_000,
        keepaliveCountMax: 3,
      });
    });
    const connection: Connection = { key, endpoint, client, open: true, ended: false, channels: 0, waiting: [] };
    this.opened += 1;
    // Errors after login end in 'close', which retires the connection; a listener keeps them from crashing the process.
    client.on('error', () => {});
    client.once('close', () => {
      connection.ended = true;
      this.retire(connection);
    });
    if (this.closed) {
      await endConnection(connection);
      throw new Error('the SSH connection pool is closed');
    }
    this.live.add(connection);
    this.current.set(key, connection);
    return connection;
  }

  /** A direct-tcpip channel through the jump host to the endpoint: the socket its SSH connection runs over. */
  private async tunnel(endpoint: SshEndpoint, via: SshEndpoint): Promise<Duplex> {
    for (let attempt = 0; ; attempt += 1) {
      const jump = await this.acquire(via);
      try {
        return await new Promise<Duplex>((resolve, reject) => {
          jump.client.forwardOut('127.0.0.1', 0, endpoint.hostname, endpoint.port, (error, stream) => (error ? reject(error) : resolve(stream)));
        });
      } catch (error) {
        if (attempt === 0 && isConnectionGone(error, jump)) {
          this.retire(jump);
          continue;
        }
        throw new SshConnectError(
          `ssh ${describeEndpoint(endpoint)}: the jump host ${describeEndpoint(via)} could not open a tunnel to ` +
            `${endpoint.hostname}:${endpoint.port}: ${(error as Error).message}`,
        );
      }
    }
  }
}

function connectError(endpoint: SshEndpoint, error: Error & { level?: string; code?: string }, offered: string[], readyTimeoutMs: number): Error {
  const where = describeEndpoint(endpoint);
  const address = `${endpoint.hostname}:${endpoint.port}`;
  if (error.level === 'client-authentication') {
    return new SshConnectError(
      `ssh ${where}: the server refused every key offered for ${endpoint.user} (${offered.join(', ')}). ` +
        `Authorise one of them in ~${endpoint.user}/.ssh/authorized_keys on ${endpoint.hostname}, or set ssh.user / ssh.identityFile for the node.`,
    );
  }
  if (error.code === 'ECONNREFUSED') return new SshConnectError(`ssh ${where}: connection refused at ${address}: is sshd running there, on that port?`);
  if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') {
    return new SshConnectError(`ssh ${where}: cannot resolve the host name ${endpoint.hostname}: check ssh.host or HostName in ~/.ssh/config`);
  }
  if (/timed out/i.test(error.message)) {
    return new SshConnectError(`ssh ${where}: no answer from ${address} within ${Math.round(readyTimeoutMs / 1000)} s (a firewall, or the wrong address?)`);
  }
  return new SshConnectError(`ssh ${where}: ${error.message}`);
}

function endConnection(connection: Connection): Promise<void> {
  connection.open = false;
  if (connection.ended) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      connection.client.destroy();
      resolve();
    }, 2000);
    connection.client.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    connection.client.end();
  });
}
