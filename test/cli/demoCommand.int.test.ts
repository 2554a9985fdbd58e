import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/services/config/loadConfig.js';
import type { CockpitConfig } from '../../src/services/config/schema.js';
import { portInUse } from '../../src/services/os/freePort.js';
import { serverOsUser } from '../../src/services/os/osUser.js';
import { pathExists } from '../../src/services/os/pathExists.js';
import { withNodeClient } from '../../src/services/postgres/connectNode.js';
import { findPgBinDir } from '../../src/services/postgres/findPgBinDir.js';
import { destroySandbox } from '../../src/services/sandbox/destroySandbox.js';
import { sandboxLayout } from '../../src/services/sandbox/sandboxLayout.js';
import { CLI, runCli } from '../support/runCli.js';
import { TmuxSession } from '../support/tmux.js';

describe('pgcockpit demo / demo down (the newcomer\'s first command)', () => {
  let parent: string;
  let dir: string;
  beforeAll(async () => {
    parent = await mkdtemp(path.join(os.tmpdir(), 'pgcockpit-demo-'));
    await chmod(parent, 0o755); // the postgres account must be able to reach the sandbox below it
    dir = path.join(parent, 'sandbox');
  });
  afterAll(async () => {
    await destroySandbox({ layout: sandboxLayout(dir), pgBinDir: await findPgBinDir(), osUser: await serverOsUser(), stopMode: 'immediate' }).catch(() => undefined);
    await rm(parent, { recursive: true, force: true });
  });

  it('creates a 3-node sandbox, shows it full screen, and q leaves it running', async () => {
    const tmux = new TmuxSession();
    try {
      await tmux.start(`node ${CLI} demo --dir ${dir}`);
      const screen = await tmux.waitForScreen(/3\/3 up/, 60_000);
      expect(screen).toMatch(/pg1\s+PRIMARY/);
      expect(screen).toMatch(/pg2\s+STANDBY/);
      expect(screen).toMatch(/pg3\s+STANDBY/);
      expect(await tmux.alternateScreen()).toBe(true);
      await tmux.sendKeys('q');
      const after = await tmux.waitForScreen(/EXIT=\d+/);
      expect(after).toContain('EXIT=0');
      expect(after).toContain(`pgcockpit: sandbox in ${dir}`);
      expect(after).toContain('the sandbox keeps running');
      expect(await tmux.alternateScreen()).toBe(false);
    } finally {
      await tmux.kill();
    }
    const config = await loadConfig(path.join(dir, 'pgcockpit.yaml'));
    const primary = config.nodes[0]!;
    const inRecovery = await withNodeClient(primary, config, async (client) => (await client.query('select pg_is_in_recovery() as r')).rows[0]?.r);
    expect(inRecovery).toBe(false);
  });

  it('reuses the running sandbox on the next start', async () => {
    const before = await loadConfig(path.join(dir, 'pgcockpit.yaml'));
    const { exitCode, stderr } = await runCli(['demo', '--dir', dir, '--no-open']);
    expect(exitCode).toBe(0);
    expect(stderr).toContain('reusing a 3-node sandbox');
    expect((await loadConfig(path.join(dir, 'pgcockpit.yaml'))).nodes.map((n) => n.port)).toEqual(before.nodes.map((n) => n.port));
  });

  it('demo down stops every server and removes the directory', async () => {
    const config: CockpitConfig = await loadConfig(path.join(dir, 'pgcockpit.yaml'));
    const { exitCode, stderr } = await runCli(['demo', 'down', '--dir', dir]);
    expect(exitCode).toBe(0);
    expect(stderr).toContain('is gone');
    expect(await pathExists(dir)).toBe(false);
    for (const node of config.nodes) expect(await portInUse(node.port)).toBe(false);
  });

  it('demo down refuses a directory that is not a sandbox, and removes nothing', async () => {
    const { exitCode, stderr } = await runCli(['demo', 'down', '--dir', parent]);
    expect(exitCode).toBe(1);
    expect(stderr).toContain('is not a pgcockpit sandbox');
    expect(await pathExists(parent)).toBe(true);
  });

  it('names what to install when the server binaries are missing', async () => {
    const { exitCode, stderr } = await runCli(['demo', '--dir', path.join(parent, 'none'), '--pg-bin', '/nonexistent/bin', '--no-open']);
    expect(exitCode).toBe(1);
    expect(stderr).toContain('PostgreSQL server binaries');
    expect(stderr).toContain('apt-get install postgresql');
  });

  it.runIf(process.getuid?.() === 0)('as root, refuses a --dir the postgres account cannot reach', async () => {
    const hidden = await mkdtemp(path.join(os.tmpdir(), 'pgcockpit-hidden-')); // 0700, owned by root
    try {
      const { exitCode, stderr } = await runCli(['demo', '--dir', path.join(hidden, 'sandbox'), '--no-open']);
      expect(exitCode).toBe(1);
      expect(stderr).toContain(`postgres cannot reach ${path.join(hidden, 'sandbox')}`);
      expect(await pathExists(path.join(hidden, 'sandbox'))).toBe(false);
    } finally {
      await rm(hidden, { recursive: true, force: true });
    }
  });
});
