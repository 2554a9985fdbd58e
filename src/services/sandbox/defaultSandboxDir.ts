import os from 'node:os';
import path from 'node:path';
import type { OsUser } from '../os/osUser.js';

/**
 * $XDG_STATE_HOME/pgcockpit/demo (default ~/.local/state/pgcockpit/demo).
 * When root runs the sandbox for another account (postgres), root's home is
 * out of that account's reach, so the sandbox goes under the server account's
 * own home instead.
 */
export function defaultSandboxDir(serverUser: OsUser, env: NodeJS.ProcessEnv = process.env): string {
  const me = os.userInfo();
  if (serverUser.uid !== me.uid) {
    return path.join(serverUser.home, '.local', 'state', 'pgcockpit', 'demo');
  }
  // The XDG spec says a relative XDG_STATE_HOME is invalid and must be ignored.
  const xdg = env.XDG_STATE_HOME;
  const stateHome = xdg && path.isAbsolute(xdg) ? xdg : path.join(me.homedir, '.local', 'state');
  return path.join(stateHome, 'pgcockpit', 'demo');
}
