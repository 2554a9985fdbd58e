import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { safeArchiveCommand } from '../../src/services/postgres/archiveCommand.js';
import { confString } from '../../src/services/postgres/confValue.js';
import { sandboxLayout, sandboxNodeNames } from '../../src/services/sandbox/sandboxLayout.js';
import { NODE_CONF, nodeSettings, sandboxHba, sharedSettings } from '../../src/services/sandbox/sandboxSettings.js';

/** name → value as written (quoted strings keep their quotes), for the non-comment lines of a conf text. */
function settingsOf(text: string): Map<string, string> {
  const settings = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const match = /^([a-z_]+)\s*=\s*(.*)$/.exec(line);
    expect(match, `not a setting line: ${JSON.stringify(line)}`).not.toBeNull();
    const [, name = '', value = ''] = match ?? [];
    expect(settings.has(name), `${name} set twice`).toBe(false);
    settings.set(name, value);
  }
  return settings;
}

/** The non-comment pg_hba.conf lines, split into fields. */
function hbaRules(text: string): string[][] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'))
    .map((line) => line.trim().split(/\s+/));
}

describe('sharedSettings', () => {
  const archiveDir = '/home/dba/.local/state/pgcockpit/demo/archive';
  const settings = settingsOf(sharedSettings(archiveDir));

  it.each([
    ['listen_addresses', "'127.0.0.1'"],
    ['unix_socket_directories', "''"],
    ['wal_level', "'replica'"],
    ['wal_log_hints', 'on'],
    ['hot_standby', 'on'],
    ['archive_mode', 'on'],
    ['fsync', 'on'],
    ['max_wal_senders', '10'],
    ['max_replication_slots', '10'],
  ])('sets %s = %s', (name, value) => {
    expect(settings.get(name)).toBe(value);
  });

  it('archives with the safe archive_command for the given directory', () => {
    expect(settings.get('archive_command')).toBe(confString(safeArchiveCommand(archiveDir)));
    expect(settings.get('archive_command')).toContain(`${archiveDir}/%f`);
  });

  it('includes the node file last, so a node setting wins over a shared one', () => {
    const text = sharedSettings(archiveDir);
    expect(settings.get('include_if_exists')).toBe(`'${NODE_CONF}'`);
    expect(text.trimEnd().split('\n').at(-1)).toBe(`include_if_exists = '${NODE_CONF}'`);
  });

  it('starts on a new line, so appending to a postgresql.conf without a final newline is safe', () => {
    expect(sharedSettings(archiveDir).startsWith('\n')).toBe(true);
    expect(sharedSettings(archiveDir).endsWith('\n')).toBe(true);
  });

  it('leaves port and cluster_name to the node file', () => {
    expect(settings.has('port')).toBe(false);
    expect(settings.has('cluster_name')).toBe(false);
  });
});

describe('nodeSettings', () => {
  it('sets the port bare and cluster_name quoted', () => {
    const settings = settingsOf(nodeSettings('pg2', 54322));
    expect(Object.fromEntries(settings)).toEqual({ port: '54322', cluster_name: "'pg2'" });
    expect(nodeSettings('pg2', 54322).startsWith('# written by pgcockpit for node pg2\n')).toBe(true);
  });
});

describe('sandboxHba', () => {
  const rules = hbaRules(sandboxHba('replication'));

  it('has only host (TCP) rules from 127.0.0.1/32 checked with scram-sha-256', () => {
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(rule).toHaveLength(5);
      expect(rule[0]).toBe('host');
      expect(rule[3]).toBe('127.0.0.1/32');
      expect(rule[4]).toBe('scram-sha-256');
    }
  });

  it('allows replication connections only to the replication user', () => {
    // In pg_hba.conf, database "all" does not match replication connections: only "replication" does.
    const replication = rules.filter((rule) => rule[1] === 'replication');
    expect(replication).toEqual([['host', 'replication', 'replication', '127.0.0.1/32', 'scram-sha-256']]);
  });

  it('names the given replication user', () => {
    const replication = hbaRules(sandboxHba('walsender')).filter((rule) => rule[1] === 'replication');
    expect(replication.map((rule) => rule[2])).toEqual(['walsender']);
  });

  it('lets every user reach every database over loopback', () => {
    expect(rules).toContainEqual(['host', 'all', 'all', '127.0.0.1/32', 'scram-sha-256']);
  });

  it('has no trust, peer, password or md5 rule and no local (Unix socket) rule', () => {
    const text = sandboxHba('replication');
    for (const rule of rules) expect(['trust', 'peer', 'ident', 'password', 'md5']).not.toContain(rule[4]);
    expect(rules.some((rule) => rule[0] === 'local')).toBe(false);
    expect(text.endsWith('\n')).toBe(true);
  });
});

describe('sandboxNodeNames', () => {
  it.each([
    [0, []],
    [1, ['pg1']],
    [3, ['pg1', 'pg2', 'pg3']],
  ])('%i → %j', (count, names) => {
    expect(sandboxNodeNames(count)).toEqual(names);
  });

  it('counts past 9 without padding', () => {
    expect(sandboxNodeNames(10).at(-1)).toBe('pg10');
  });
});

describe('sandboxLayout', () => {
  it('places everything below the root', () => {
    const layout = sandboxLayout('/srv/demo');
    expect({
      root: layout.root,
      marker: layout.marker,
      configFile: layout.configFile,
      passfile: layout.passfile,
      archiveDir: layout.archiveDir,
      backupsDir: layout.backupsDir,
      nodeDir: layout.nodeDir('pg2'),
      dataDir: layout.dataDir('pg2'),
      logFile: layout.logFile('pg2'),
    }).toEqual({
      root: '/srv/demo',
      marker: '/srv/demo/.pgcockpit-sandbox',
      configFile: '/srv/demo/pgcockpit.yaml',
      passfile: '/srv/demo/.pgpass',
      archiveDir: '/srv/demo/archive',
      backupsDir: '/srv/demo/backups',
      nodeDir: '/srv/demo/nodes/pg2',
      dataDir: '/srv/demo/nodes/pg2/data',
      logFile: '/srv/demo/nodes/pg2/server.log',
    });
  });

  it('resolves a relative root against the working directory and normalises it', () => {
    expect(sandboxLayout('demo').root).toBe(path.resolve('demo'));
    expect(sandboxLayout('/srv/demo/../demo/').archiveDir).toBe('/srv/demo/archive');
  });

  it('keeps each node in its own directory', () => {
    const layout = sandboxLayout('/srv/demo');
    const dirs = sandboxNodeNames(3).map((name) => layout.dataDir(name));
    expect(new Set(dirs).size).toBe(3);
    for (const name of sandboxNodeNames(3)) expect(layout.dataDir(name).startsWith(layout.nodeDir(name) + path.sep)).toBe(true);
  });
});
