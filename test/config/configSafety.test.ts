import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/services/config/loadConfig.js';
import type { PgServiceLookup } from '../../src/services/postgres/pgServiceFile.js';
import { parsePgServiceFile } from '../../src/services/postgres/pgServiceFile.js';
import { FILE, onlyProblem, problemLines } from './configProblems.js';
import { dedent } from './dedent.js';

describe('config: data and binary directories', () => {
  it('a relative dataDir is an error at its key', () => {
    const message = onlyProblem(
      dedent`
        cluster: prod
        nodes:
          - name: db1
            host: 127.0.0.1
            dataDir: data/db1
      `,
      '5:14: nodes[0].dataDir',
    );
    expect(message).toBe('must be an absolute path (or start with ~/), got "data/db1": pg_ctl would read it relative to its working directory, not to this file');
  });

  it('a relative pgBinDir too, and on an ssh node "~/" is not expanded either', () => {
    const lines = problemLines(dedent`
      cluster: prod
      nodes:
        - name: db1
          host: 127.0.0.1
          dataDir: /srv/db1
          pgBinDir: bin
        - name: db2
          host: 10.0.0.2
          dataDir: ~/15/main
          ssh: { host: db2 }
    `);
    expect(lines).toEqual([
      `${FILE}:6:15: nodes[0].pgBinDir: must be an absolute path (or start with ~/), got "bin": pg_ctl would read it relative to its working directory, not to this file`,
      `${FILE}:9:14: nodes[1].dataDir: must be an absolute path on db2, got "~/15/main": neither "~" nor a relative path is expanded there`,
    ]);
  });

  it('a local node without dataDir is an error: the runbooks need it', () => {
    const message = onlyProblem('cluster: prod\nnodes:\n  - name: db1\n    host: 127.0.0.1\n', '3:5: nodes[0].dataDir');
    expect(message).toMatch(/^is required for a local node/);
  });

  it('refuses a dataDir pg_ctl would hand to its shell unsafely, naming the character', () => {
    const message = onlyProblem(
      dedent`
        cluster: prod
        nodes:
          - name: db1
            host: 127.0.0.1
            dataDir: "/srv/x$(touch /tmp/pwned)"
      `,
      '5:14: nodes[0].dataDir',
    );
    expect(message).toBe('holds a dollar sign ($), which the shell that pg_ctl starts the server with would interpret');
  });

  it('accepts ~/ on a local node and expands it', () => {
    const config = parseConfig('cluster: prod\nnodes:\n  - name: db1\n    host: 127.0.0.1\n    dataDir: ~/pg/db1\n', FILE, { home: '/home/dba' });
    expect(config.nodes[0]?.dataDir).toBe('/home/dba/pg/db1');
  });
});

describe('config: thresholds', () => {
  it('a warning above its critical is an error at the warning', () => {
    const lines = problemLines(dedent`
      cluster: prod
      nodes:
        - { name: db1, host: 127.0.0.1, dataDir: /srv/db1 }
      thresholds:
        lagBytesWarning: 536870912
        lagSecondsWarning: 600
        lagSecondsCritical: 60
    `);
    expect(lines).toEqual([
      `${FILE}:5:20: thresholds.lagBytesWarning: is above lagBytesCritical (536870912 > 268435456 bytes): the warning must come before the critical alert; lower it or raise lagBytesCritical`,
      `${FILE}:6:22: thresholds.lagSecondsWarning: is above lagSecondsCritical (600 > 60 seconds): the warning must come before the critical alert; lower it or raise lagSecondsCritical`,
    ]);
  });
});

describe('config: a YAML tab', () => {
  it('gives one line, not a cascade of parser errors after it', () => {
    const lines = problemLines(
      'cluster: prod\nnodes:\n  - name: db1\n    host: 127.0.0.1\n\tport: 5432\n    dataDir: /srv/db1\n  - name: db2\n    host: 127.0.0.2\n    dataDir: /srv/db2\nthresholds:\n  lagBytesWarning: 100\n',
    );
    expect(lines).toEqual([`${FILE}:5:1: (yaml): a tab is used for indentation; YAML allows only spaces: indent with spaces`]);
  });

  it('names every line with a tab in that one line', () => {
    const lines = problemLines('cluster: prod\nnodes:\n  - name: db1\n    host: 127.0.0.1\n    ssh:\n\thost: db1\n\tuser: admin\n    dataDir: /srv/db1\n');
    expect(lines).toEqual([`${FILE}:6:1: (yaml): a tab is used for indentation (lines 6, 7); YAML allows only spaces: indent with spaces`]);
  });
});

describe('config: TLS from pg_service.conf', () => {
  const file = '/etc/pg_service.conf';
  function services(text: string): Map<string, PgServiceLookup> {
    const lookups = new Map<string, PgServiceLookup>();
    for (const [name, section] of parsePgServiceFile(text)) lookups.set(name, { status: 'found', name, file, section, searched: [{ file, exists: true }] });
    return lookups;
  }
  const yaml = 'cluster: prod\nnodes:\n  - name: db1\n    pgService: db1\n    dataDir: /srv/db1\n';

  it('takes sslmode and sslrootcert from the service', () => {
    const config = parseConfig(yaml, FILE, { home: '/home/dba', services: services('[db1]\nhost=10.0.0.1\nsslmode=verify-full\nsslrootcert=~/ca.crt\n') });
    expect(config.nodes[0]).toMatchObject({ host: '10.0.0.1', sslmode: 'verify-full', sslrootcert: '/home/dba/ca.crt' });
  });

  it('refuses an sslmode that is not one, and TLS settings it cannot honour, naming the service line', () => {
    expect(() => parseConfig(yaml, FILE, { services: services('[db1]\nhost=10.0.0.1\nsslmode=required\n') })).toThrow(
      `${FILE}:4:16: nodes[0].pgService: sslmode=required of service "db1" (${file}:3) is not an sslmode: must be one of disable, allow, prefer, require, verify-ca, verify-full`,
    );
    expect(() => parseConfig(yaml, FILE, { services: services('[db1]\nhost=10.0.0.1\nsslmode=require\nsslcert=/c.crt\n') })).toThrow(
      `sslcert=/c.crt of service "db1" (${file}:4) is not supported by pgcockpit`,
    );
  });

  it('a node may write sslmode itself', () => {
    const config = parseConfig('cluster: prod\nnodes:\n  - { name: db1, host: h, dataDir: /d, sslmode: require }\n', FILE);
    expect(config.nodes[0]?.sslmode).toBe('require');
    expect(problemLines('cluster: prod\nnodes:\n  - { name: db1, host: h, dataDir: /d, sslmode: on }\n')[0]).toContain(
      'nodes[0].sslmode: must be one of disable, allow, prefer, require, verify-ca, verify-full',
    );
  });
});

describe('config: control characters', () => {
  it('refuses an escape in the cluster name or any other string, at its key, once', () => {
    const lines = problemLines(
      'cluster: "prod\\e[2J"\nnodes:\n  - name: "db1\\e[31m"\n    host: 127.0.0.1\n    user: "dba\\u0007"\n    dataDir: /srv/db1\n',
    );
    expect(lines).toEqual([
      `${FILE}:1:10: cluster: holds a control character (code 27, an escape), which would reach the terminal as is; remove it`,
      `${FILE}:3:11: nodes[0].name: holds a control character (code 27, an escape), which would reach the terminal as is; remove it`,
      `${FILE}:5:11: nodes[0].user: holds a control character (code 7), which would reach the terminal as is; remove it`,
    ]);
  });
});

describe('config: serverLog, the file pg_ctl start -l writes', () => {
  it('is checked like dataDir: relative, or holding a character the shell would read, is an error at its key', () => {
    const lines = problemLines(dedent`
      cluster: prod
      nodes:
        - name: db1
          host: 127.0.0.1
          dataDir: /srv/db1
          serverLog: logs/db1.log
        - name: db2
          host: 127.0.0.2
          dataDir: /srv/db2
          serverLog: "/var/log/pg/$HOST.log"
    `);
    expect(lines).toEqual([
      `${FILE}:6:16: nodes[0].serverLog: must be an absolute path (or start with ~/), got "logs/db1.log": pg_ctl would read it relative to its working directory, not to this file`,
      `${FILE}:10:16: nodes[1].serverLog: holds a dollar sign ($), which the shell that pg_ctl starts the server with would interpret`,
    ]);
  });

  it('an absolute path (or ~/ on this machine) is taken as written', () => {
    const config = parseConfig(
      dedent`
        cluster: prod
        nodes:
          - name: db1
            host: 127.0.0.1
            dataDir: /srv/db1/data
            serverLog: /var/log/postgresql/db1.log
      `,
      FILE,
      { home: '/home/dba' },
    );
    expect(config.nodes[0]?.serverLog).toBe('/var/log/postgresql/db1.log');
  });
});
