import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/services/config/ConfigError.js';
import { loadConfig } from '../../src/services/config/loadConfig.js';
import { dedent } from './dedent.js';

describe('loadConfig', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pgcockpit-config-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('says clearly that the file is missing and how to get one', async () => {
    const file = path.join(dir, 'nowhere.yaml');
    const error: unknown = await loadConfig(file).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(`${file}: no such file; create it (see README "Config file") or pass --config`);
    expect((error as ConfigError).problems).toEqual([
      { file, line: 0, column: 0, key: '', message: 'no such file; create it (see README "Config file") or pass --config' },
    ]);
  });

  it('says a directory is not a config file', async () => {
    await expect(loadConfig(dir)).rejects.toThrow(`${dir}: is a directory, not a config file`);
  });

  it('reads and validates a file', async () => {
    const file = path.join(dir, 'pgcockpit.yaml');
    await writeFile(file, dedent`
      cluster: demo
      nodes:
        - { name: pg1, host: 127.0.0.1, dataDir: /srv/pg1 }
    `);
    const config = await loadConfig(file);
    expect(config.cluster).toBe('demo');
    expect(config.nodes.map((node) => `${node.name} ${node.host}:${node.port}`)).toEqual(['pg1 127.0.0.1:5432']);
  });

  it('names the file in its problems', async () => {
    const file = path.join(dir, 'pgcockpit.yaml');
    await writeFile(file, 'cluster: demo\nnodes: []\n');
    await expect(loadConfig(file)).rejects.toThrow(`${file}:2:8: nodes: must list at least one node`);
  });
});
