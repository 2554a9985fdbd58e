/**
 * A child spawned detached leads a process group of its own (setsid), so one
 * signal to the group reaches everything it started: `sh -c 'a & b'`,
 * pg_basebackup's WAL receiver, a pipeline. process.kill(-pgid) signals it.
 * (pg_ctl start puts the postmaster in a session of its own, so stopping a
 * pg_ctl never takes a server down with it.)
 */

/** Signals every process in the group; false when the group is gone. */
export function signalProcessGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** True while any process of the group exists (zombies included, which a container's init may never reap). */
export function processGroupExists(pgid: number): boolean {
  return signalProcessGroup(pgid, 0);
}

const liveGroups = new Set<number>();
let exitHookInstalled = false;

/**
 * Remembers a group to TERM if pgcockpit exits while it runs: execa's own
 * cleanup does not apply to detached children, and an orphaned pg_basebackup
 * would go on writing with nobody watching.
 */
export function trackProcessGroup(pgid: number): () => void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const group of liveGroups) signalProcessGroup(group, 'SIGTERM');
    });
  }
  liveGroups.add(pgid);
  return () => liveGroups.delete(pgid);
}

/**
 * Stops a process tree: SIGTERM to the group now, SIGKILL after `graceMs`
 * unless the group has gone by then. Returns a function that calls off the
 * SIGKILL (once the group is known to be gone).
 */
export function terminateProcessGroup(pgid: number, graceMs: number): () => void {
  signalProcessGroup(pgid, 'SIGTERM');
  const timer = setTimeout(() => {
    if (processGroupExists(pgid)) signalProcessGroup(pgid, 'SIGKILL');
  }, graceMs);
  return () => clearTimeout(timer);
}
