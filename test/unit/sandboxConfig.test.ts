import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfig } from '../../src/services/config/loadConfig.js';
import { configSchema } from '../../src/services/config/schema.js';
import type { SandboxConfigInput } from '../../src/services/sandbox/sandboxConfig.js';
import { SANDBOX_DATABASE, SANDBOX_SUPERUSER, sandboxConfig, sandboxConfigYaml } from '../../src/services/sandbox/sandboxConfig.js';
import { sandboxLayout, sandboxNodeNames } from '../../src/services/sandbox/sandboxLayout.js';

function input(root: string, overrides: Partial<SandboxConfigInput> = {}): SandboxConfigInput {
  return {
    layout: sandboxLayout(root),
    nodes: sandboxNodeNames(3).map((name, i) => ({ name, port: 54321 + i })),
    osUser: 'postgres',
    pgBinDir: '/usr/lib/postgresql/15/bin',
    replicationUser: 'replication',
    slotNamePattern: 'slot_{node}',
    ...overrides,
  };
}

/** Every key of every object in a parsed YAML value. */
function allKeys(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(allKeys);
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([key, child]) => [key, ...allKeys(child)]);
  return [];
}

describe('sandboxConfig', () => {
  const root = '/var/lib/postgresql/.local/state/pgcockpit/demo';
  const config = sandboxConfig(input(root));

  it('passes the config schema', () => {
    const result = configSchema.safeParse(config);
    expect(result.success, JSON.stringify(result.error?.issues)).toBe(true);
  });

  it('describes each node on loopback, with its port, data directory, account and binaries', () => {
    expect(config.cluster).toBe('demo');
    expect(config.nodes).toEqual(
      ['pg1', 'pg2', 'pg3'].map((name, i) => ({
        name,
        host: '127.0.0.1',
        port: 54321 + i,
        user: SANDBOX_SUPERUSER,
        database: SANDBOX_DATABASE,
        dataDir: `${root}/nodes/${name}/data`,
        osUser: 'postgres',
        pgBinDir: '/usr/lib/postgresql/15/bin',
      })),
    );
    expect(config.passfile).toBe(`${root}/.pgpass`);
    expect(config.replication).toEqual({ user: 'replication', slotNamePattern: 'slot_{node}', passfile: `${root}/.pgpass` });
    expect(config.archive).toEqual({ dir: `${root}/archive` });
    expect(config.backups).toEqual({ dir: `${root}/backups` });
  });

  it('keeps every value it sets when loaded (the schema only adds defaults for what it leaves out)', () => {
    expect(configSchema.parse(config)).toMatchObject(config);
  });
});

describe('sandboxConfigYaml', () => {
  it.each([
    ['a plain root', '/var/lib/postgresql/.local/state/pgcockpit/demo'],
    // No double quote: pg_ctl would hand it to a shell, so the sandbox and the config refuse it (see below).
    ['a root YAML would misread unquoted', '/tmp/demo: #1 [x], {y} & *z \'q\' - yes ~'],
    ['a root with non-ASCII', '/home/zoë/état/🐘'],
  ])('parses back to the same config for %s', (_label, root) => {
    const config = sandboxConfig(input(root));
    const yaml = sandboxConfigYaml(config, root);
    // The YAML holds exactly the object, and loading it gives what the schema makes of that object.
    expect(parse(yaml)).toEqual(config);
    expect(parseConfig(yaml, 'pgcockpit.yaml', { home: '/home/nobody' })).toEqual(configSchema.parse(config));
  });

  // The comment stays a comment (the root is JSON-quoted in it), and the file loads back as far as
  // the config goes: a data directory with a newline (or a double quote) is refused at its key,
  // since pg_ctl hands it to a shell; `pgcockpit demo --dir` refuses such a root before anything is made.
  it('a root holding a newline or a double quote stays in the comment, and the config refuses it at dataDir', () => {
    for (const root of ['/tmp/a\ncluster: evil', '/tmp/say "hi"']) {
      const config = sandboxConfig(input(root));
      expect(() => parseConfig(sandboxConfigYaml(config, root), 'pgcockpit.yaml', { home: '/home/nobody' })).toThrow(/nodes\[0\]\.dataDir: holds/);
      expect(() => parseConfig(sandboxConfigYaml(config, root), 'pgcockpit.yaml', { home: '/home/nobody' })).not.toThrow(/duplicate key/);
    }
  });

  it('starts with a comment naming the sandbox root and where the passwords are', () => {
    const root = '/srv/demo';
    const lines = sandboxConfigYaml(sandboxConfig(input(root)), root).split('\n');
    expect(lines[0]).toBe('# Written by `pgcockpit demo` for the sandbox in "/srv/demo".');
    expect(lines[1]).toMatch(/^# Passwords are in the passfile/);
  });

  it('holds no password: no password key, and the only pass* keys are passfile paths (the cluster\'s, replication\'s)', () => {
    const root = '/srv/demo';
    const yaml = sandboxConfigYaml(sandboxConfig(input(root)), root);
    const keys = allKeys(parse(yaml));
    expect([...new Set(keys.filter((key) => /pass|secret|pwd/i.test(key)))]).toEqual(['passfile']);
    expect(yaml).not.toMatch(/^\s*password\s*:/im);
  });
});
