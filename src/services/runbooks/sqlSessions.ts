import type pg from 'pg';
import type { CockpitConfig } from '../config/schema.js';
import { connectNode } from '../postgres/connectNode.js';
import { ReadOnlyError } from '../runner/runner.js';

export interface SqlSessions {
  /**
   * One statement on the node's session. With `signal`, an abort while the
   * statement runs cancels it on the server (pg_cancel_backend from a second
   * session as the same role) and the statement fails with "canceling
   * statement due to user request"; the session stays usable.
   */
  query<Row extends Record<string, unknown>>(node: string, text: string, options: QueryOptions): Promise<Row[]>;
  /** Drops a node's session (the server went away or restarted); the next query reconnects. */
  reset(node: string): Promise<void>;
  /** Ends every session; afterwards nothing opens a new one. */
  close(): Promise<void>;
}

export interface QueryOptions {
  mutating: boolean;
  params?: unknown[];
  signal?: AbortSignal;
}

/** The sessions a plan will run on, which can be opened before it runs. */
export interface PlanSessions extends SqlSessions {
  /**
   * Opens these nodes' sessions now, while the plan is on screen, so that
   * no step waits for a connect after the DBA confirmed. A node that cannot
   * be reached is left alone: its first statement connects again and fails
   * with the reason. Resolves once every attempt has ended.
   */
  open(nodes: readonly string[]): Promise<void>;
}

export interface SqlSessionsOptions {
  readOnly: boolean;
  statementTimeoutMs?: number;
  /**
   * A session that has been idle this long gets a `select 1` (default 15 s):
   * it keeps the session alive while the DBA reads a plan, through an
   * idle_session_timeout (PostgreSQL 14+) or a firewall that forgets quiet
   * connections, and finds a session whose server went away, which is then
   * dropped so the step that needs it connects afresh instead of waiting on
   * a dead socket.
   */
  keepAliveMs?: number;
  /** How a session is opened (default connectNode); tests count connects through it. */
  connect?: typeof connectNode;
}

interface Session {
  client: Promise<pg.Client>;
  /** Statements in flight (a keep-alive never queues behind one). */
  busy: number;
  lastUsedAt: number;
}

/**
 * One node-postgres session per node for a whole runbook, opened on first
 * use or ahead of it (open). SQL does not go through a Runner, so read-only
 * mode is enforced here: a statement marked mutating is refused before it is
 * sent, with the same ReadOnlyError the runners throw.
 */
export function createSqlSessions(config: CockpitConfig, options: SqlSessionsOptions): PlanSessions {
  const connect = options.connect ?? connectNode;
  const keepAliveMs = options.keepAliveMs ?? 15_000;
  const sessions = new Map<string, Session>();
  let keepAlive: NodeJS.Timeout | undefined;
  let closed = false;
  const nodeConfig = (name: string) => {
    const node = config.nodes.find((candidate) => candidate.name === name);
    if (!node) throw new Error(`no node named "${name}" in the config`);
    return node;
  };
  const forget = (name: string, session: Session) => {
    if (sessions.get(name) === session) sessions.delete(name);
  };
  const session = (name: string): Session => {
    const existing = sessions.get(name);
    if (existing) return existing;
    // Closed for good: a session opened now would outlive its plan (a preparer still running when the DBA cancelled).
    if (closed) throw new Error('the plan\'s sessions are closed');
    const client = connect(nodeConfig(name), config, {
      applicationName: 'pgcockpit runbook',
      statementTimeoutMs: options.statementTimeoutMs ?? 60_000,
    }).then((connected) => {
      // A session the server ended (restart, pg_terminate_backend, idle_session_timeout) is forgotten; the next statement reconnects.
      connected.on('error', () => forget(name, opened));
      connected.on('end', () => forget(name, opened));
      return connected;
    });
    const opened: Session = { client, busy: 0, lastUsedAt: Date.now() };
    client.catch(() => forget(name, opened));
    sessions.set(name, opened);
    startKeepAlive();
    return opened;
  };
  const end = async (name: string) => {
    const existing = sessions.get(name);
    sessions.delete(name);
    await existing?.client.then((c) => c.end()).catch(() => undefined);
  };
  const ping = async (name: string, idle: Session) => {
    idle.busy++;
    let timer: NodeJS.Timeout | undefined;
    try {
      const client = await idle.client;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('no answer')), Math.max(1000, keepAliveMs / 3));
      });
      await Promise.race([client.query('select 1'), late]);
      idle.lastUsedAt = Date.now();
    } catch {
      // Gone or silent: not waited for (ending a dead socket can take the kernel's minutes).
      forget(name, idle);
      void idle.client.then((c) => c.end()).catch(() => undefined);
    } finally {
      clearTimeout(timer);
      idle.busy--;
    }
  };
  /**
   * Cancels the statement a session's backend runs, from a second session: the
   * same login may signal its own backends. A failure to cancel is not fatal
   * (the statement then runs to its end, or to statement_timeout).
   */
  async function cancelStatement(name: string, backendPid: number | null | undefined): Promise<void> {
    if (!backendPid) return;
    const canceller = await connect(nodeConfig(name), config, { applicationName: 'pgcockpit cancel', statementTimeoutMs: 10_000 }).catch(() => undefined);
    if (!canceller) return;
    try {
      await canceller.query('select pg_cancel_backend($1)', [backendPid]);
    } catch {
      // Gone already, or not allowed: the statement ends by itself.
    } finally {
      await canceller.end().catch(() => undefined);
    }
  }
  function startKeepAlive() {
    if (keepAlive || closed) return;
    keepAlive = setInterval(() => {
      const now = Date.now();
      for (const [name, idle] of sessions) if (idle.busy === 0 && now - idle.lastUsedAt >= keepAliveMs) void ping(name, idle);
    }, keepAliveMs);
    // Never what keeps the process running.
    keepAlive.unref();
  }
  return {
    async query(name, text, { mutating, params, signal }) {
      const node = nodeConfig(name);
      if (mutating && options.readOnly) {
        throw new ReadOnlyError({ program: `"${text}"`, args: [], mutating }, `${name} (${node.host}:${node.port})`);
      }
      signal?.throwIfAborted();
      const used = session(name);
      used.busy++;
      let cancelling: Promise<void> | undefined;
      try {
        const client = await used.client;
        const onAbort = () => {
          cancelling = cancelStatement(name, (client as { processID?: number | null }).processID);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        try {
          const result = await client.query(text, params);
          return result.rows;
        } finally {
          signal?.removeEventListener('abort', onAbort);
          await cancelling;
        }
      } finally {
        used.busy--;
        used.lastUsedAt = Date.now();
      }
    },
    async open(nodes) {
      if (closed) return;
      await Promise.all(nodes.map((name) => session(name).client.then(() => undefined, () => undefined)));
    },
    reset: end,
    async close() {
      closed = true;
      clearInterval(keepAlive);
      keepAlive = undefined;
      await Promise.all([...sessions.keys()].map(end));
    },
  };
}
