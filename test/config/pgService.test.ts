import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/services/config/ConfigError.js';
import { loadConfig, parseConfig } from '../../src/services/config/loadConfig.js';
import type { PgServiceLookup } from '../../src/services/postgres/pgServiceFile.js';
import {
  findPgService,
  findPgServices,
  parsePgServiceFile,
  serviceNotFoundMessage,
} from '../../src/services/postgres/pgServiceFile.js';
import { FILE } from './configProblems.js';
import { dedent } from './dedent.js';

const HOME = '/home/dba';
const SERVICE_FILE = '/etc/pg_service.conf';

describe('parsePgServiceFile', () => {
  it('reads sections of key=value lines, skipping comments and blank lines', () => {
    const sections = parsePgServiceFile(dedent`
      # production
      [prod]
      host=db1.example.com
      port=5433

      # a comment inside a section
        dbname=app
      [staging]
      host=db2
    `);
    expect([...sections.keys()]).toEqual(['prod', 'staging']);
    expect(sections.get('prod')).toEqual({
      name: 'prod',
      line: 2,
      params: { host: 'db1.example.com', port: '5433', dbname: 'app' },
      lines: { host: 3, port: 4, dbname: 7 },
    });
    expect(sections.get('staging')?.params).toEqual({ host: 'db2' });
  });

  it('trims whitespace around the = and at both ends of a line, CRLF included', () => {
    const sections = parsePgServiceFile('[a]\r\n  host =  db1  \r\n\tuser\t=\tdba\r\npassfile=/x=y\r\n');
    expect(sections.get('a')?.params).toEqual({ host: 'db1', user: 'dba', passfile: '/x=y' });
  });

  it('gives an empty value to a key without a value, and refuses a line without =', () => {
    const sections = parsePgServiceFile(dedent`
      [a]
      host=
      user=dba
      [b]
      host=db2
      sslmode
      port=5432
    `);
    expect(sections.get('a')?.params).toEqual({ host: '', user: 'dba' });
    expect(sections.get('a')?.syntaxError).toBeUndefined();
    expect(sections.get('b')?.syntaxError).toEqual({ line: 6, message: 'syntax error: expected key=value, got "sslmode"' });
    // libpq stops at the first error: nothing after it counts.
    expect(sections.get('b')?.params).toEqual({ host: 'db2' });
  });

  it('refuses an empty key and a nested service, as libpq does', () => {
    const sections = parsePgServiceFile('[a]\n=db1\n[b]\nservice=a\n');
    expect(sections.get('a')?.syntaxError).toEqual({ line: 2, message: 'syntax error: expected key=value, got "=db1"' });
    expect(sections.get('b')?.syntaxError).toEqual({ line: 4, message: 'nested service specifications are not supported' });
  });

  it('keeps the first of a repeated key and of a repeated section, and ignores lines before any section', () => {
    const sections = parsePgServiceFile(dedent`
      host=nobody
      [a] trailing text is ignored
      host=first
      host=second
      [a]
      host=third
      port=1
    `);
    expect([...sections.keys()]).toEqual(['a']);
    expect(sections.get('a')?.params).toEqual({ host: 'first' });
  });

  it('matches the section name exactly, spaces included', () => {
    const sections = parsePgServiceFile('[ prod ]\nhost=db1\n[Prod]\nhost=db2\n[broken\nhost=db3\n');
    expect([...sections.keys()]).toEqual([' prod ', 'Prod']);
  });
});

describe('findPgService: libpq lookup order', () => {
  let root: string;
  let home: string;
  let explicitFile: string;
  let userFile: string;
  let sysconfDir: string;
  let debianDir: string;
  let etcDir: string;

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'pgcockpit-service-'));
    home = path.join(root, 'home');
    explicitFile = path.join(root, 'explicit.conf');
    userFile = path.join(home, '.pg_service.conf');
    sysconfDir = path.join(root, 'sysconf');
    debianDir = path.join(root, 'etc', 'postgresql-common');
    etcDir = path.join(root, 'etc');
    await mkdir(home, { recursive: true });
    await mkdir(sysconfDir, { recursive: true });
    await mkdir(debianDir, { recursive: true });
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const service = (host: string) => `[db]\nhost=${host}\n`;
  const hostOf = (lookup: PgServiceLookup) => (lookup.status === 'found' ? lookup.section.params['host'] : lookup.status);
  const systemDirs = () => [debianDir, etcDir];

  it('takes $PGSERVICEFILE over ~/.pg_service.conf over $PGSYSCONFDIR', async () => {
    await writeFile(explicitFile, service('from-pgservicefile'));
    await writeFile(userFile, service('from-home'));
    await writeFile(path.join(sysconfDir, 'pg_service.conf'), service('from-sysconfdir'));
    const env = { PGSERVICEFILE: explicitFile, PGSYSCONFDIR: sysconfDir };

    const lookup = await findPgService('db', { env, home, systemDirs: systemDirs() });
    expect(lookup).toMatchObject({ status: 'found', file: explicitFile });
    expect(hostOf(lookup)).toBe('from-pgservicefile');

    expect(hostOf(await findPgService('db', { env: { PGSYSCONFDIR: sysconfDir }, home, systemDirs: systemDirs() }))).toBe('from-home');
    await rm(userFile);
    expect(hostOf(await findPgService('db', { env: { PGSYSCONFDIR: sysconfDir }, home, systemDirs: systemDirs() }))).toBe('from-sysconfdir');
  });

  it('goes on to the system file when the user file lacks the section', async () => {
    await writeFile(userFile, '[other]\nhost=x\n');
    await writeFile(path.join(sysconfDir, 'pg_service.conf'), service('from-sysconfdir'));
    const lookup = await findPgService('db', { env: { PGSYSCONFDIR: sysconfDir }, home });
    expect(lookup).toMatchObject({ status: 'found', file: path.join(sysconfDir, 'pg_service.conf') });
  });

  it('does not read ~/.pg_service.conf when $PGSERVICEFILE is set, as libpq', async () => {
    await writeFile(explicitFile, '[other]\nhost=x\n');
    await writeFile(userFile, service('from-home'));
    await writeFile(path.join(sysconfDir, 'pg_service.conf'), service('from-sysconfdir'));
    const env = { PGSERVICEFILE: explicitFile, PGSYSCONFDIR: sysconfDir };
    expect(hostOf(await findPgService('db', { env, home }))).toBe('from-sysconfdir');
  });

  it('takes an empty variable as unset', async () => {
    await writeFile(userFile, service('from-home'));
    expect(hostOf(await findPgService('db', { env: { PGSERVICEFILE: '', PGSYSCONFDIR: '' }, home, systemDirs: systemDirs() }))).toBe('from-home');
  });

  it('without $PGSYSCONFDIR, uses the Debian location when it holds the file, else /etc', async () => {
    await writeFile(path.join(debianDir, 'pg_service.conf'), service('from-debian'));
    await writeFile(path.join(etcDir, 'pg_service.conf'), service('from-etc'));
    expect(hostOf(await findPgService('db', { env: {}, home, systemDirs: systemDirs() }))).toBe('from-debian');
    await rm(path.join(debianDir, 'pg_service.conf'));
    expect(hostOf(await findPgService('db', { env: {}, home, systemDirs: systemDirs() }))).toBe('from-etc');
  });

  it('lists every file looked at when the service is nowhere', async () => {
    await writeFile(userFile, '[other]\nhost=x\n');
    const lookup = await findPgService('db', { env: {}, home, systemDirs: systemDirs() });
    expect(lookup).toEqual({
      status: 'not-found',
      name: 'db',
      searched: [
        { file: userFile, exists: true },
        { file: path.join(debianDir, 'pg_service.conf'), exists: false },
        { file: path.join(etcDir, 'pg_service.conf'), exists: false },
      ],
    });
    expect(lookup.status === 'not-found' && serviceNotFoundMessage('db', lookup.searched)).toBe(
      `service "db" not found in ${userFile} (no file at ${path.join(debianDir, 'pg_service.conf')}, ${path.join(etcDir, 'pg_service.conf')})`,
    );
  });

  it('says so when no service file exists at all', async () => {
    const lookup = await findPgService('db', { env: { PGSYSCONFDIR: sysconfDir }, home });
    expect(lookup.status === 'not-found' && serviceNotFoundMessage('db', lookup.searched)).toBe(
      `service "db" not found: no service file at ${userFile}, ${path.join(sysconfDir, 'pg_service.conf')}`,
    );
  });

  it('refuses a syntax error in the service asked for, not in the others', async () => {
    await writeFile(userFile, '[db]\nhost=db1\nbroken\n[other]\nhost=x\n[third]\nbroken\n');
    expect(await findPgService('db', { env: {}, home, systemDirs: [] })).toMatchObject({
      status: 'invalid',
      file: userFile,
      message: `service file ${userFile}:3: syntax error: expected key=value, got "broken" (in service "db")`,
    });
    expect(await findPgService('other', { env: {}, home, systemDirs: [] })).toMatchObject({ status: 'found' });
  });

  it('refuses a service file that is there but cannot be read', async () => {
    const lookup = await findPgService('db', { env: { PGSERVICEFILE: sysconfDir }, home, systemDirs: [] });
    expect(lookup).toMatchObject({ status: 'invalid', message: `cannot read service file ${sysconfDir}: is a directory` });
  });

  it('looks several services up at once', async () => {
    await writeFile(userFile, '[a]\nhost=h1\n[b]\nhost=h2\n');
    const lookups = await findPgServices(['a', 'b', 'a', 'c'], { env: {}, home, systemDirs: [] });
    expect([...lookups.entries()].map(([name, lookup]) => `${name}: ${hostOf(lookup)}`)).toEqual(['a: h1', 'b: h2', 'c: not-found']);
  });
});

/** Lookups as findPgServices would give them for one service file holding `text`. */
function servicesIn(text: string, file = SERVICE_FILE): Map<string, PgServiceLookup> {
  const searched = [{ file, exists: true }];
  const lookups = new Map<string, PgServiceLookup>();
  for (const [name, section] of parsePgServiceFile(text)) lookups.set(name, { status: 'found', name, file, section, searched });
  return lookups;
}

const SERVICES = servicesIn(dedent`
  [prod1]
  host=db1.example.com
  port=5433
  user=dba
  dbname=app
  passfile=~/.pgpass-prod
  sslmode=require

  [hostonly]
  host=db2.example.com

  [badport]
  host=db3
  port=54x2

  [bigport]
  host=db3
  port=70000

  [nohost]
  port=5434
  host=

  [twohosts]
  host=db4a,db4b
`);

function problems(text: string, services: ReadonlyMap<string, PgServiceLookup> = SERVICES): string[] {
  try {
    parseConfig(text, FILE, { home: HOME, services });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message.split('\n');
  }
  throw new Error('expected the config to be rejected, but it was accepted');
}

describe('parseConfig with pgService', () => {
  it('fills host, port, user, database and passfile from the service', () => {
    const config = parseConfig(
      dedent`
        cluster: prod
        passfile: ~/.pgpass-cluster
        nodes:
          - name: pg1
            pgService: prod1
            dataDir: /srv/pg1
      `,
      FILE,
      { home: HOME, services: SERVICES },
    );
    expect(config.nodes[0]).toEqual({
      name: 'pg1',
      pgService: 'prod1',
      host: 'db1.example.com',
      port: 5433,
      user: 'dba',
      database: 'app',
      passfile: '/home/dba/.pgpass-prod',
      // Honoured, not ignored: pgcockpit's own connections to pg1 then use TLS as psql's would.
      sslmode: 'require',
      dataDir: '/srv/pg1',
      osUser: 'postgres',
    });
    // The node's service is more specific than the cluster-wide passfile, which stays for the other nodes.
    expect(config.passfile).toBe('/home/dba/.pgpass-cluster');
  });

  it('lets the YAML win over the service', () => {
    const config = parseConfig(
      dedent`
        cluster: prod
        nodes:
          - name: pg1
            pgService: prod1
            host: 10.0.0.11
            port: 5432
            user: monitor
            database: postgres
            passfile: /etc/pgcockpit/pgpass
            dataDir: /srv/pg1
      `,
      FILE,
      { home: HOME, services: SERVICES },
    );
    expect(config.nodes[0]).toMatchObject({
      host: '10.0.0.11',
      port: 5432,
      user: 'monitor',
      database: 'postgres',
      passfile: '/etc/pgcockpit/pgpass',
    });
  });

  it('still applies the defaults to what neither gives', () => {
    const config = parseConfig(
      dedent`
        cluster: prod
        nodes:
          - { name: pg1, pgService: hostonly, dataDir: /srv/pg1 }
          - { name: pg2, pgService: nohost, host: 10.0.0.12, dataDir: /srv/pg2 }
      `,
      FILE,
      { home: HOME, services: SERVICES },
    );
    expect(config.nodes.map((node) => `${node.host}:${node.port} ${node.user}/${node.database} ${node.passfile}`)).toEqual([
      'db2.example.com:5432 postgres/postgres undefined',
      // An empty host= in the service counts as not set; the YAML's host is used.
      '10.0.0.12:5434 postgres/postgres undefined',
    ]);
  });

  it('reports an unknown service at its pgService, naming the files looked at', () => {
    const services = new Map<string, PgServiceLookup>([
      [
        'nosuch',
        {
          status: 'not-found',
          name: 'nosuch',
          searched: [
            { file: '/home/dba/.pg_service.conf', exists: true },
            { file: '/etc/pg_service.conf', exists: false },
          ],
        },
      ],
    ]);
    expect(
      problems(
        dedent`
          cluster: prod
          nodes:
            - { name: pg1, host: 10.0.0.11, dataDir: /srv/pg1 }
            - name: pg2
              pgService: nosuch
              dataDir: /srv/pg2
        `,
        services,
      ),
      // No "host is required" as well: the service, once found, may well set it.
    ).toEqual([`${FILE}:5:16: nodes[1].pgService: service "nosuch" not found in /home/dba/.pg_service.conf (no file at /etc/pg_service.conf)`]);
  });

  it('reports a service nobody looked up as not found', () => {
    expect(problems('cluster: prod\nnodes:\n  - { name: pg1, host: h, pgService: x, dataDir: /srv/pg1 }\n', new Map())).toEqual([
      `${FILE}:3:38: nodes[0].pgService: service "x" not found (no service file was searched)`,
    ]);
  });

  it('reports a service file the lookup refused at the pgService', () => {
    const services = new Map<string, PgServiceLookup>([
      ['db', { status: 'invalid', name: 'db', file: SERVICE_FILE, message: 'cannot read service file /etc/pg_service.conf: permission denied', searched: [] }],
    ]);
    expect(problems('cluster: prod\nnodes:\n  - name: pg1\n    pgService: db\n    dataDir: /srv/pg1\n', services)).toEqual([
      `${FILE}:4:16: nodes[0].pgService: cannot read service file /etc/pg_service.conf: permission denied`,
    ]);
  });

  it('reports a non-numeric port in the service at the pgService, naming the service file and line', () => {
    expect(
      problems(dedent`
        cluster: prod
        nodes:
          - name: pg1
            pgService: badport
            dataDir: /srv/pg1
      `),
    ).toEqual([`${FILE}:4:16: nodes[0].pgService: port=54x2 of service "badport" (${SERVICE_FILE}:14) is not a port number`]);
  });

  it('reports a port out of range in the service, and ignores a bad port the YAML overrides', () => {
    expect(problems('cluster: prod\nnodes:\n  - name: pg1\n    pgService: bigport\n    dataDir: /srv/pg1\n')).toEqual([
      `${FILE}:4:16: nodes[0].pgService: port=70000 of service "bigport" (${SERVICE_FILE}:18) is not a port number: must be between 1 and 65535`,
    ]);
    const config = parseConfig('cluster: prod\nnodes:\n  - { name: pg1, pgService: badport, port: 5432, dataDir: /srv/pg1 }\n', FILE, {
      home: HOME,
      services: SERVICES,
    });
    expect(config.nodes[0]).toMatchObject({ host: 'db3', port: 5432 });
  });

  it('refuses a service listing several hosts', () => {
    expect(problems('cluster: prod\nnodes:\n  - name: pg1\n    pgService: twohosts\n    dataDir: /srv/pg1\n')).toEqual([
      `${FILE}:4:16: nodes[0].pgService: host=db4a,db4b of service "twohosts" (${SERVICE_FILE}:25) lists several hosts: a node is one server; write its host in the YAML`,
    ]);
  });

  it('says host is required, and that neither the node nor its service sets it', () => {
    expect(
      problems(dedent`
        cluster: prod
        nodes:
          - name: pg1
            pgService: nohost
            dataDir: /srv/pg1
          - name: pg2
            dataDir: /srv/pg2
      `),
    ).toEqual([
      `${FILE}:3:5: nodes[0].host: is required: neither this node nor service "nohost" (${SERVICE_FILE}) sets host`,
      `${FILE}:6:5: nodes[1].host: is required, unless a pg_service.conf service named by pgService sets it`,
    ]);
  });

  it('reports a clash caused by a value from the service at the pgService, saying where it came from', () => {
    expect(
      problems(dedent`
        cluster: prod
        nodes:
          - { name: pg1, host: db1.example.com, port: 5433, dataDir: /srv/pg1 }
          - name: pg2
            dataDir: /srv/pg2
            pgService: prod1
      `),
    ).toEqual([
      `${FILE}:6:16: nodes[1].port: db1.example.com:5433 is already used by node "pg1" (port comes from service "prod1", ${SERVICE_FILE}:3)`,
    ]);
  });

  it('reports every problem at once, in file order', () => {
    expect(
      problems(dedent`
        cluster: prod
        nodes:
          - name: pg1
            pgService: badport
            dataDir: /srv/pg1
          - name: pg2
            pgService: 42
            host: h2
            dataDir: /srv/pg2
          - name: pg3
            pgService: prod1
            prot: 5432
            dataDir: /srv/pg3
      `),
    ).toEqual([
      `${FILE}:4:16: nodes[0].pgService: port=54x2 of service "badport" (${SERVICE_FILE}:14) is not a port number`,
      `${FILE}:7:16: nodes[1].pgService: expected a string, got the number 42 (quote it: "42")`,
      `${FILE}:12:5: nodes[2].prot: unknown key "prot", did you mean "port"? (allowed: name, host, port, user, database, pgService, passfile, sslmode, sslrootcert, dataDir, osUser, pgBinDir, serverLog, ssh, service)`,
    ]);
  });

  it('points psql habits (service: name) at pgService', () => {
    expect(problems('cluster: prod\nnodes:\n  - { name: pg1, host: h, service: prod1, dataDir: /srv/pg1 }\n')).toEqual([
      `${FILE}:3:36: nodes[0].service: expected a mapping, got the string "prod1"; for a pg_service.conf service write pgService: prod1`,
    ]);
  });
});

describe('loadConfig with pgService', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pgcockpit-config-service-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the service from the file $PGSERVICEFILE names', async () => {
    const serviceFile = path.join(dir, 'services.conf');
    await writeFile(serviceFile, '# ours\n[cockpit-pg1]\nhost = 127.0.0.1\nport = 5488\ndbname = app\n');
    const file = path.join(dir, 'pgcockpit.yaml');
    await writeFile(file, dedent`
      cluster: demo
      nodes:
        - name: pg1
          pgService: cockpit-pg1
          user: dba
          dataDir: /srv/pg1
    `);
    const config = await loadConfig(file, { env: { PGSERVICEFILE: serviceFile, PGSYSCONFDIR: dir }, home: dir });
    expect(config.nodes[0]).toMatchObject({ host: '127.0.0.1', port: 5488, user: 'dba', database: 'app', pgService: 'cockpit-pg1' });
  });

  it('names the files it looked in when the service is not there', async () => {
    const serviceFile = path.join(dir, 'services.conf');
    await writeFile(serviceFile, '[other]\nhost=h\n');
    const file = path.join(dir, 'pgcockpit.yaml');
    await writeFile(file, 'cluster: demo\nnodes:\n  - name: pg1\n    pgService: cockpit-pg1\n    dataDir: /srv/pg1\n');
    await expect(loadConfig(file, { env: { PGSERVICEFILE: serviceFile, PGSYSCONFDIR: dir }, home: dir })).rejects.toThrow(
      `${file}:4:16: nodes[0].pgService: service "cockpit-pg1" not found in ${serviceFile} (no file at ${path.join(dir, 'pg_service.conf')})`,
    );
  });
});
