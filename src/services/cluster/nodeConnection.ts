import type pg from 'pg';
import type { CockpitConfig, NodeConfig } from '../config/schema.js';
import { connectNode } from '../postgres/connectNode.js';
import { describeConnectError, serverAnswered } from './describeConnectError.js';
import { keepReceivedTimeline } from './keepReceivedTimeline.js';
import type { NodeSnapshot } from './nodeSnapshot.js';
import { probeNode } from './probeNode.js';
import type { ServerCapabilities } from './serverCapabilities.js';
import { readServerCapabilities } from './serverCapabilities.js';

export interface NodeConnectionOptions {
  connectTimeoutMs: number;
  /** Server-side statement_timeout; the client gives up a second later (a blackholed link never answers). */
  statementTimeoutMs: number;
  /** Longest wait between reconnect attempts after failures. */
  maxBackoffMs?: number;
  now?: () => number;
}

/**
 * One persistent connection to one node. poll() never throws: a failure
 * becomes a DOWN snapshot with the reason, drops the connection, and the
 * next attempt waits with exponential backoff (0, 0.5, 1, 2, 4 s ...).
 */
export class NodeConnection {
  private client: pg.Client | undefined;
  private capabilities: ServerCapabilities | undefined;
  private failures = 0;
  private nextAttemptAt = 0;
  private lastSeenUpAt: number | undefined;
  /** The standby's last received_tli, kept while its WAL receiver is gone (see keepReceivedTimeline). */
  private lastReceivedTimeline: number | undefined;

  constructor(
    readonly node: NodeConfig,
    private readonly config: Pick<CockpitConfig, 'passfile'>,
    private readonly options: NodeConnectionOptions,
  ) {}

  /** False while backing off after a failure. */
  ready(): boolean {
    return this.now() >= this.nextAttemptAt;
  }

  async poll(): Promise<NodeSnapshot> {
    try {
      if (!this.client) {
        const client = await connectNode(this.node, this.config, {
          connectTimeoutMs: this.options.connectTimeoutMs,
          statementTimeoutMs: this.options.statementTimeoutMs,
          queryTimeoutMs: this.options.statementTimeoutMs + 1000,
          applicationName: 'pgcockpit',
        });
        // A connection that dies between polls must not crash the process.
        client.on('error', () => this.drop());
        this.capabilities = await readServerCapabilities(client);
        this.client = client;
      }
      const remembered = keepReceivedTimeline(await probeNode(this.client, this.node, this.capabilities!), this.lastReceivedTimeline);
      this.lastReceivedTimeline = remembered.lastReceived;
      const snapshot = remembered.snapshot;
      this.failures = 0;
      this.nextAttemptAt = 0;
      this.lastSeenUpAt = snapshot.polledAt;
      return snapshot;
    } catch (error) {
      this.drop();
      this.failures += 1;
      const backoff = this.failures <= 1 ? 0 : Math.min(this.options.maxBackoffMs ?? 4000, 250 * 2 ** (this.failures - 1));
      this.nextAttemptAt = this.now() + backoff;
      return {
        name: this.node.name,
        host: this.node.host,
        port: this.node.port,
        status: 'down',
        role: 'unknown',
        downReason: describeConnectError(error),
        ...(serverAnswered(error) ? { serverAnswered: true } : {}),
        polledAt: this.now(),
        lastSeenUpAt: this.lastSeenUpAt,
      };
    }
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private drop(): void {
    const client = this.client;
    this.client = undefined;
    client?.end().catch(() => undefined);
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }
}
