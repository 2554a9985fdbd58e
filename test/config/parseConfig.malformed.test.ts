import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/services/config/ConfigError.js';
import { parseConfig } from '../../src/services/config/loadConfig.js';
import { FILE, onlyProblem, problemLines } from './configProblems.js';
import { dedent } from './dedent.js';

describe('parseConfig rejects a malformed file, pointing at the line to fix', () => {
  it('reports a YAML syntax error as (yaml)', () => {
    const message = onlyProblem(
      dedent`
        cluster: demo
        nodes: [pg1, pg2
      `,
      '3:1: (yaml)',
    );
    expect(message).toMatch(/Flow sequence .* end with a \]/);
    expect(message).not.toContain('\n');
  });

  it('reports a missing closing quote as (yaml)', () => {
    const message = onlyProblem(
      dedent`
        cluster: demo
        nodes:
          - name: pg1
            host: "127.0.0.1
      `,
      '5:1: (yaml)',
    );
    expect(message).toBe('Missing closing "quote');
  });

  it('reports tab indentation as (yaml)', () => {
    const message = onlyProblem('cluster: demo\nnodes:\n\t- name: pg1\n', '3:1: (yaml)');
    expect(message).toBe('a tab is used for indentation; YAML allows only spaces: indent with spaces');
  });

  it('reports a duplicate key instead of letting the last one win', () => {
    const message = onlyProblem(
      dedent`
        cluster: demo
        nodes:
          - name: pg1
            host: 127.0.0.1
            port: 5432
            port: 5433
            dataDir: /srv/pg1
      `,
      '6:5: (yaml)',
    );
    expect(message).toBe('duplicate key "port": a key may appear only once in a mapping');
  });

  it('reports an unknown top-level key at the key, with the allowed keys', () => {
    const message = onlyProblem(
      dedent`
        cluster: demo
        monitoring: true
        nodes:
          - { name: pg1, host: 127.0.0.1, dataDir: /srv/pg1 }
      `,
      '2:1: monitoring',
    );
    expect(message).toBe('unknown key "monitoring" (allowed: cluster, passfile, nodes, replication, archive, backups, thresholds)');
  });

  it('suggests the intended key for a typo in a node', () => {
    const message = onlyProblem(
      dedent`
        cluster: demo
        nodes:
          - name: pg1
            host: 127.0.0.1
            prot: 5433
            dataDir: /srv/pg1
      `,
      '5:5: nodes[0].prot',
    );
    expect(message).toMatch(/^unknown key "prot", did you mean "port"\? \(allowed: name, host, port, user, database, /);
  });

  it('names the expected and the found type for port: abc', () => {
    const message = onlyProblem(
      dedent`
        cluster: demo
        nodes:
          - name: pg1
            host: 127.0.0.1
            port: abc
            dataDir: /srv/pg1
      `,
      '5:11: nodes[0].port',
    );
    expect(message).toBe('expected a number, got the string "abc"');
  });

  it('tells to remove the quotes around a quoted port', () => {
    const message = onlyProblem(
      dedent`
        cluster: demo
        nodes:
          - { name: pg1, host: 127.0.0.1, port: "5432", dataDir: /srv/pg1 }
      `,
      '3:41: nodes[0].port',
    );
    expect(message).toBe('expected a number, got the string "5432" (remove the quotes)');
  });

  it('rejects a port out of range', () => {
    const message = onlyProblem(
      dedent`
        cluster: demo
        nodes:
          - { name: pg1, host: 127.0.0.1, dataDir: /srv/pg1 }
          - name: pg2
            host: 127.0.0.1
            dataDir: /srv/pg2
            port: 70000
      `,
      '7:11: nodes[1].port',
    );
    expect(message).toBe('must be between 1 and 65535');
  });

  it('rejects a duplicate node name at the second one', () => {
    const message = onlyProblem(
      dedent`
        cluster: demo
        nodes:
          - name: pg1
            host: 127.0.0.1
            port: 5432
            dataDir: /srv/pg1
          - name: pg1
            host: 127.0.0.1
            port: 5433
            dataDir: /srv/pg1b
      `,
      '7:11: nodes[1].name',
    );
    expect(message).toBe('duplicate node name "pg1" (first used by nodes[0])');
  });

  it('requires dataDir for a local node, pointing at the node', () => {
    const message = onlyProblem(
      dedent`
        cluster: demo
        nodes:
          - name: pg1
            host: 127.0.0.1
            dataDir: /srv/pg1
          - name: pg2
            host: 127.0.0.1
            port: 5433
      `,
      '6:5: nodes[1].dataDir',
    );
    expect(message).toMatch(/^is required for a local node \(one without ssh\)/);
  });

  it('requires a host, pointing at the node that lacks it', () => {
    const message = onlyProblem(
      dedent`
        cluster: demo
        nodes:
          - name: pg1
            dataDir: /srv/pg1
      `,
      '3:5: nodes[0].host',
    );
    expect(message).toBe('is required, unless a pg_service.conf service named by pgService sets it');
  });

  it('shows an empty value at its key', () => {
    const message = onlyProblem(
      dedent`
        cluster: demo
        nodes:
          - name: pg1
            host:
            dataDir: /srv/pg1
      `,
      '4:5: nodes[0].host',
    );
    expect(message).toBe('expected a string, got an empty value');
  });

  it('rejects an empty node list', () => {
    const message = onlyProblem('cluster: demo\nnodes: []\n', '2:8: nodes');
    expect(message).toBe('must list at least one node');
  });

  it('requires cluster, pointing at the top mapping', () => {
    const message = onlyProblem(
      dedent`
        # the cluster name was forgotten
        nodes:
          - { name: pg1, host: 127.0.0.1, dataDir: /srv/pg1 }
      `,
      '2:1: cluster',
    );
    expect(message).toBe('is required');
  });

  it('rejects an unknown key under ssh, with a suggestion', () => {
    const message = onlyProblem(
      dedent`
        cluster: demo
        nodes:
          - name: pg2
            host: 10.0.0.12
            ssh:
              host: db2
              identifyFile: ~/.ssh/id_ed25519
      `,
      '7:7: nodes[0].ssh.identifyFile',
    );
    expect(message).toBe('unknown key "identifyFile", did you mean "identityFile"? (allowed: host, user, port, identityFile, acceptNewHostKeys)');
  });

  it('rejects a service command written as a string, showing it as a list', () => {
    const message = onlyProblem(
      dedent`
        cluster: demo
        nodes:
          - name: pg1
            host: 127.0.0.1
            dataDir: /srv/pg1
            service:
              start: pg_ctl -D {dataDir} start
      `,
      '7:14: nodes[0].service.start',
    );
    expect(message).toBe(
      'expected a list, got the string "pg_ctl -D {dataDir} start"; ' +
        'write the command as a list of arguments, e.g. ["pg_ctl", "-D", "{dataDir}", "start"]',
    );
  });

  it.each(['slot-{node}', 'Slot_{node}', 'slot_{host}'])('rejects slotNamePattern %s', (pattern) => {
    const message = onlyProblem(
      dedent`
        cluster: demo
        nodes:
          - { name: pg1, host: 127.0.0.1, dataDir: /srv/pg1 }
        replication:
          slotNamePattern: "${pattern}"
      `,
      '5:20: replication.slotNamePattern',
    );
    expect(message).toBe('may use only lower-case letters, digits, "_" and the {node} placeholder');
  });

  it('rejects an archive.host that names no node', () => {
    const message = onlyProblem(
      dedent`
        cluster: demo
        nodes:
          - { name: pg1, host: 127.0.0.1, port: 5432, dataDir: /srv/pg1 }
          - { name: pg2, host: 127.0.0.1, port: 5433, dataDir: /srv/pg2 }
        archive:
          dir: /srv/archive
          host: pg3
      `,
      '7:9: archive.host',
    );
    expect(message).toBe('names no node: "pg3" is not one of pg1, pg2');
  });

  it('rejects a top level that is a list', () => {
    const message = onlyProblem(
      dedent`
        - name: pg1
        - name: pg2
      `,
      '1:1: (top)',
    );
    expect(message).toBe('must be a mapping of settings (cluster:, nodes:, ...), got a list');
  });

  it.each([
    ['a string', 'pgcockpit\n', 'the string "pgcockpit"'],
    ['a lone alias', '*cluster\n', 'an alias'],
  ])('rejects a top level that is %s', (_, text, found) => {
    const message = onlyProblem(text, '1:1: (top)');
    expect(message).toBe(`must be a mapping of settings (cluster:, nodes:, ...), got ${found}`);
  });

  it.each([
    ['an empty file', ''],
    ['a file with only comments', '# to do\n'],
  ])('rejects %s', (_, text) => {
    const message = onlyProblem(text, '1:1: (top)');
    expect(message).toBe('the file is empty: it must name the cluster and list its nodes (see README "Config file")');
  });

  it('turns away a password with a pointer to the passfile', () => {
    const message = onlyProblem(
      dedent`
        cluster: demo
        nodes:
          - { name: pg1, host: 127.0.0.1, dataDir: /srv/pg1, password: secret }
      `,
      '3:54: nodes[0].password',
    );
    expect(message).toMatch(/passwords do not belong in this file; use a passfile/);
  });

  it('reports an alias to an undefined anchor at the alias', () => {
    const message = onlyProblem('cluster: *name\nnodes: []\n', '1:10: (yaml)');
    expect(message).toMatch(/Unresolved alias/);
  });

  it('lists every problem, one per line, in file order', () => {
    const lines = problemLines(dedent`
      nodes:
        - name: pg1
          host: 127.0.0.1
          port: 0
          dataDir: /srv/pg1
        - name: pg2
          hots: 127.0.0.1
          dataDir: /srv/pg2
      replication:
        user: 42
    `);
    expect(lines).toEqual([
      `${FILE}:1:1: cluster: is required`,
      `${FILE}:4:11: nodes[0].port: must be between 1 and 65535`,
      `${FILE}:6:5: nodes[1].host: is required, unless a pg_service.conf service named by pgService sets it`,
      `${FILE}:7:5: nodes[1].hots: unknown key "hots", did you mean "host"? (allowed: name, host, port, user, database, pgService, passfile, sslmode, sslrootcert, dataDir, osUser, pgBinDir, serverLog, ssh, service)`,
      `${FILE}:10:9: replication.user: expected a string, got the number 42 (quote it: "42")`,
    ]);
  });

  it('exposes each problem as structured data as well', () => {
    let caught: unknown;
    try {
      parseConfig('cluster: demo\nnodes:\n  - { name: pg1, host: h, dataDir: /d, port: 70000 }\n', 'etc/pg.yaml');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).problems).toEqual([
      { file: 'etc/pg.yaml', line: 3, column: 46, key: 'nodes[0].port', message: 'must be between 1 and 65535' },
    ]);
  });
});

describe('replication slot names derived from node names', () => {
  it('rejects two nodes whose names give the same slot', () => {
    expect(() =>
      parseConfig('cluster: c\nnodes:\n  - name: pg-1\n    host: a\n    dataDir: /d\n  - name: pg_1\n    host: b\n    dataDir: /d\n', 'f.yaml'),
    ).toThrow(/f\.yaml:6:\d+: nodes\[1\]\.name: gives the same replication slot name "slot_pg_1" as node "pg-1"/);
  });

  it('rejects a node name that makes the slot name longer than 63 characters', () => {
    const long = 'n'.repeat(60);
    expect(() => parseConfig(`cluster: c\nnodes:\n  - name: ${long}\n    host: a\n    dataDir: /d\n`, 'f.yaml')).toThrow(
      /nodes\[0\]\.name: makes the slot name "slot_n+" longer than PostgreSQL's 63 characters/,
    );
  });
});
