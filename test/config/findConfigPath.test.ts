import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findConfigPath } from '../../src/services/config/findConfigPath.js';

describe('findConfigPath', () => {
  let root: string;
  let cwd: string;
  let home: string;
  let userConfig: string;
  let localConfig: string;

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'pgcockpit-find-'));
    cwd = path.join(root, 'project');
    home = path.join(root, 'home');
    localConfig = path.join(cwd, 'pgcockpit.yaml');
    userConfig = path.join(home, '.config', 'pgcockpit', 'config.yaml');
    await mkdir(cwd, { recursive: true });
    await mkdir(path.dirname(userConfig), { recursive: true });
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const touch = (file: string) => writeFile(file, 'cluster: x\n');

  it('prefers --config over everything, even when it does not exist', async () => {
    await touch(localConfig);
    await touch(userConfig);
    const found = findConfigPath({ explicit: '/etc/pgcockpit/prod.yaml', env: { PGCOCKPIT_CONFIG: '/elsewhere.yaml' }, cwd, home });
    expect(found).toBe('/etc/pgcockpit/prod.yaml');
  });

  it('resolves a relative --config against the working directory and expands ~/', () => {
    expect(findConfigPath({ explicit: 'conf/prod.yaml', env: {}, cwd, home })).toBe(path.join(cwd, 'conf', 'prod.yaml'));
    expect(findConfigPath({ explicit: '~/prod.yaml', env: {}, cwd, home })).toBe(path.join(home, 'prod.yaml'));
  });

  it('takes $PGCOCKPIT_CONFIG next, even when it does not exist', async () => {
    await touch(localConfig);
    expect(findConfigPath({ env: { PGCOCKPIT_CONFIG: '/srv/missing.yaml' }, cwd, home })).toBe('/srv/missing.yaml');
  });

  it('treats an empty $PGCOCKPIT_CONFIG as unset', async () => {
    await touch(localConfig);
    expect(findConfigPath({ env: { PGCOCKPIT_CONFIG: '' }, cwd, home })).toBe(localConfig);
  });

  it('takes ./pgcockpit.yaml before the user config', async () => {
    await touch(localConfig);
    await touch(userConfig);
    expect(findConfigPath({ env: {}, cwd, home })).toBe(localConfig);
  });

  it('falls back to ~/.config/pgcockpit/config.yaml', async () => {
    await touch(userConfig);
    expect(findConfigPath({ env: {}, cwd, home })).toBe(userConfig);
  });

  it('looks under $XDG_CONFIG_HOME instead of ~/.config when it is set', async () => {
    await touch(userConfig);
    const xdg = path.join(root, 'xdg');
    const xdgConfig = path.join(xdg, 'pgcockpit', 'config.yaml');
    expect(findConfigPath({ env: { XDG_CONFIG_HOME: xdg }, cwd, home })).toBeUndefined();
    await mkdir(path.dirname(xdgConfig), { recursive: true });
    await touch(xdgConfig);
    expect(findConfigPath({ env: { XDG_CONFIG_HOME: xdg }, cwd, home })).toBe(xdgConfig);
  });

  it('finds nothing when no conventional place has a file', async () => {
    // A directory named like the config file is not a config file.
    await mkdir(localConfig);
    expect(findConfigPath({ env: {}, cwd, home })).toBeUndefined();
  });
});
