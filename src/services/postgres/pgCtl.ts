import path from 'node:path';
import type { OsUser } from '../os/osUser.js';
import type { LocalResult } from '../os/runLocal.js';
import { runLocal, runLocalChecked } from '../os/runLocal.js';

export interface PgCtlTarget {
  pgBinDir: string;
  dataDir: string;
  osUser: OsUser;
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

function pgCtl(target: PgCtlTarget, args: string[], checked: boolean): Promise<LocalResult> {
  const command = {
    file: path.join(target.pgBinDir, 'pg_ctl'),
    args: ['-D', target.dataDir, ...args],
    osUser: target.osUser,
    onLine: target.onLine,
  };
  return checked ? runLocalChecked(command) : runLocal(command);
}

/** Starts the server and waits until it accepts connections (pg_ctl -w). */
export async function pgCtlStart(target: PgCtlTarget, logFile: string, timeoutSeconds = 60): Promise<void> {
  await pgCtl(target, ['-l', logFile, '-w', '-t', String(timeoutSeconds), 'start'], true);
}

/** Stops the server; `fast` rolls back open transactions, `immediate` skips the shutdown checkpoint. */
export async function pgCtlStop(target: PgCtlTarget, mode: 'smart' | 'fast' | 'immediate' = 'fast'): Promise<void> {
  await pgCtl(target, ['-m', mode, '-w', 'stop'], true);
}

/** pg_ctl status: exit 0 running, 3 not running, 4 no data directory. */
export async function pgCtlIsRunning(target: PgCtlTarget): Promise<boolean> {
  const result = await pgCtl(target, ['status'], false);
  return result.exitCode === 0;
}
