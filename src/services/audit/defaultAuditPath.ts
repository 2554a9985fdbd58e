import os from 'node:os';
import path from 'node:path';

/** $XDG_STATE_HOME/pgcockpit/audit.jsonl (default ~/.local/state/pgcockpit/audit.jsonl). */
export function defaultAuditPath(env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string {
  // The XDG spec says a relative XDG_STATE_HOME is invalid and must be ignored.
  const xdg = env.XDG_STATE_HOME;
  const stateHome = xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.local', 'state');
  return path.join(stateHome, 'pgcockpit', 'audit.jsonl');
}
