import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/runCli.js';

const tempDirs: string[] = [];
async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

describe('pgcockpit command line', () => {
  afterAll(async () => {
    await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('--help lists every subcommand, nested ones included', async () => {
    const { exitCode, stdout } = await runCli(['--help']);
    expect(exitCode).toBe(0);
    for (const sub of ['pgcockpit demo ', 'pgcockpit demo down', 'pgcockpit config check']) expect(stdout).toContain(sub);
  });

  it('--version prints the package version', async () => {
    const { exitCode, stdout } = await runCli(['--version']);
    expect(exitCode).toBe(0);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('a usage error exits 2', async () => {
    const { exitCode, stderr } = await runCli(['demo', '--nodes', '12']);
    expect(exitCode).toBe(2);
    expect(stderr).toContain('a whole number from 1 to 9');
  });

  it('config check: a good file is summarised, a bad one gives file:line:col: key and exit 2', async () => {
    const dir = await tempDir('pgcockpit-cli-');
    const good = path.join(dir, 'good.yaml');
    const bad = path.join(dir, 'bad.yaml');
    await writeFile(good, 'cluster: prod\nnodes:\n  - name: db1\n    host: 127.0.0.1\n    dataDir: /srv/db1\n');
    await writeFile(bad, 'cluster: prod\nnodes:\n  - name: db1\n    host: 127.0.0.1\n    port: 70000\n    dataDir: /srv/db1\n');
    const ok = await runCli(['config', 'check', '--config', good]);
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout).toContain('config OK');
    expect(ok.stdout).toContain('db1');
    const wrong = await runCli(['config', 'check', '--config', bad]);
    expect(wrong.exitCode).toBe(2);
    expect(wrong.stderr).toMatch(/bad\.yaml:5:11: nodes\[0\]\.port: .*65535/);
  });

  it('finds the config through $PGCOCKPIT_CONFIG', async () => {
    const dir = await tempDir('pgcockpit-cli-');
    const file = path.join(dir, 'cockpit.yaml');
    await writeFile(file, 'cluster: viaenv\nnodes:\n  - name: db1\n    host: 127.0.0.1\n    dataDir: /srv/db1\n');
    const { exitCode, stdout } = await runCli(['config', 'check'], { PGCOCKPIT_CONFIG: file });
    expect(exitCode).toBe(0);
    expect(stdout).toContain('viaenv');
  });

  it('without any config file, says where it looked and exits 2', async () => {
    const home = await tempDir('pgcockpit-home-');
    const { exitCode, stderr } = await runCli(['config', 'check'], { HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), PGCOCKPIT_CONFIG: '' });
    expect(exitCode).toBe(2);
    expect(stderr).toContain('no config file found');
  });
});
