import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OsUser } from '../../src/services/os/osUser.js';
import { currentOsUser } from '../../src/services/os/osUser.js';
import { defaultSandboxDir } from '../../src/services/sandbox/defaultSandboxDir.js';

const me = currentOsUser();

describe('defaultSandboxDir', () => {
  it('for the current user, lives under $XDG_STATE_HOME', () => {
    expect(defaultSandboxDir(me, { XDG_STATE_HOME: '/xdg/state' })).toBe('/xdg/state/pgcockpit/demo');
  });

  it('for the current user, falls back to ~/.local/state when XDG_STATE_HOME is unset or empty', () => {
    const fallback = path.join(os.userInfo().homedir, '.local', 'state', 'pgcockpit', 'demo');
    expect(defaultSandboxDir(me, {})).toBe(fallback);
    expect(defaultSandboxDir(me, { XDG_STATE_HOME: '' })).toBe(fallback);
  });

  it('takes the home from the account database, not from $HOME', () => {
    expect(defaultSandboxDir(me, { HOME: '/somewhere/else' })).toBe(path.join(os.userInfo().homedir, '.local', 'state', 'pgcockpit', 'demo'));
  });

  it("for another account, lives under that account's home and ignores the caller's XDG_STATE_HOME", () => {
    const postgres: OsUser = { name: 'postgres', uid: me.uid + 4242, gid: me.gid + 4242, home: '/var/lib/postgresql' };
    expect(defaultSandboxDir(postgres, {})).toBe('/var/lib/postgresql/.local/state/pgcockpit/demo');
    expect(defaultSandboxDir(postgres, { XDG_STATE_HOME: '/root/.state' })).toBe('/var/lib/postgresql/.local/state/pgcockpit/demo');
  });

  it('decides "another account" by uid, not by name', () => {
    const sameUidOtherName: OsUser = { ...me, name: `${me.name}-alias`, home: '/nowhere' };
    expect(defaultSandboxDir(sameUidOtherName, { XDG_STATE_HOME: '/xdg/state' })).toBe('/xdg/state/pgcockpit/demo');
  });

  it('defaults env to process.env', () => {
    expect(defaultSandboxDir(me)).toBe(defaultSandboxDir(me, process.env));
  });
});
