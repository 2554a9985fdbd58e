import { execa } from 'execa';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestCluster } from '../support/testCluster.js';
import { startTestCluster } from '../support/testCluster.js';
import { TmuxSession } from '../support/tmux.js';

const CLI = path.resolve('dist/cli.js');

describe('the cockpit in a real terminal (tmux)', () => {
  let cluster: TestCluster;
  let tmux: TmuxSession;
  beforeAll(async () => {
    cluster = await startTestCluster(2);
  });
  afterAll(async () => {
    await cluster?.destroy();
  });
  afterEach(async () => {
    await tmux?.kill();
  });

  async function openCockpit(): Promise<TmuxSession> {
    tmux = new TmuxSession();
    await tmux.start(`node ${CLI} --config ${cluster.layout.configFile}`);
    const screen = await tmux.waitForScreen(/pg2\s+STANDBY/);
    expect(screen).toMatch(/pg1\s+PRIMARY/);
    expect(screen).toContain('2/2 up');
    expect(await tmux.alternateScreen()).toBe(true);
    return tmux;
  }

  it('shows the nodes full screen and q leaves the terminal as it was', async () => {
    await openCockpit();
    await tmux.sendKeys('q');
    const screen = await tmux.waitForScreen(/EXIT=\d+/);
    expect(screen).toContain('EXIT=0');
    expect(await tmux.alternateScreen()).toBe(false);
    expect(screen).not.toContain('PRIMARY');
  });

  it('Ctrl-C quits the same way', async () => {
    await openCockpit();
    await tmux.sendKeys('C-c');
    expect(await tmux.waitForScreen(/EXIT=\d+/)).toContain('EXIT=0');
    expect(await tmux.alternateScreen()).toBe(false);
  });

  it('SIGTERM restores the terminal and exits 143', async () => {
    await openCockpit();
    process.kill(await tmux.programPid(), 'SIGTERM');
    expect(await tmux.waitForScreen(/EXIT=\d+/)).toContain('EXIT=143');
    expect(await tmux.alternateScreen()).toBe(false);
  });

  it('--read-only says so in the header', async () => {
    tmux = new TmuxSession();
    await tmux.start(`node ${CLI} --read-only --config ${cluster.layout.configFile}`);
    const screen = await tmux.waitForScreen(/pg2\s+STANDBY/);
    expect(screen).toContain('READ-ONLY');
    await tmux.sendKeys('q');
    expect(await tmux.waitForScreen(/EXIT=\d+/)).toContain('EXIT=0');
  });

  it('handles every key of a chunk, in order, as ssh and send-keys deliver them: "2 Enter", "jjj Enter"', async () => {
    await openCockpit();
    await tmux.sendKeys('2', 'Enter');
    expect(await tmux.waitForScreen(/2 pg2 · STANDBY · detail/)).toContain('Esc closes');
    await tmux.sendKeys('Escape');
    await tmux.waitForScreen(/pg2\s+STANDBY/);
    // From pg2, three steps on two nodes land on pg1.
    await tmux.sendKeys('jjj', 'Enter');
    await tmux.waitForScreen(/1 pg1 · PRIMARY · detail/);
    await tmux.sendKeys('q');
    expect(await tmux.waitForScreen(/EXIT=\d+/)).toContain('EXIT=0');
  });

  it('a paste is text, never keys: "q2" and a newline pasted over the grid do nothing, pasted into the search they are typed', async () => {
    await openCockpit();
    await tmux.paste('q2\n');
    await tmux.sendKeys('Enter');
    // Enter alone (after the paste) opens the detail of the node still selected: pg1, not pg2; and q did not quit.
    await tmux.waitForScreen(/1 pg1 · PRIMARY · detail/);
    await tmux.sendKeys('Escape');
    await tmux.waitForScreen(/pg2\s+STANDBY/);
    await tmux.sendKeys('Tab', '/');
    await tmux.paste('q?\nx');
    expect(await tmux.waitForScreen(/\/q\?x/)).not.toContain('EXIT=');
    await tmux.sendKeys('Escape', 'q');
    expect(await tmux.waitForScreen(/EXIT=\d+/)).toContain('EXIT=0');
  });

  it('shows a stopped node as DOWN with the reason', async () => {
    await openCockpit();
    await execa(path.join(cluster.pgBinDir, 'pg_ctl'), ['-D', cluster.node('pg2').dataDir ?? '', '-m', 'immediate', 'stop'], {
      uid: cluster.osUser.uid,
      gid: cluster.osUser.gid,
      cwd: '/',
    });
    const screen = await tmux.waitForScreen(/✗ DOWN/);
    expect(screen).toContain('connection refused');
    expect(screen).toContain('1/2 up');
  });
});

describe('terminal restore on a crash', () => {
  it('leaves the alternate screen and exits 70 when the program throws', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pgcockpit-crash-'));
    const script = path.join(dir, 'crash.mjs');
    await writeFile(
      script,
      `import { enterFullScreen } from ${JSON.stringify(path.resolve('dist/services/terminal/fullScreen.js'))};\n` +
        `enterFullScreen();\nsetTimeout(() => { throw new Error('boom'); }, 200);\nsetInterval(() => {}, 1000);\n`,
    );
    const tmux = new TmuxSession();
    try {
      await tmux.start(`node ${script}`);
      const screen = await tmux.waitForScreen(/EXIT=\d+/);
      expect(screen).toContain('EXIT=70');
      expect(screen).toContain('pgcockpit crashed: Error: boom');
      expect(await tmux.alternateScreen()).toBe(false);
    } finally {
      await tmux.kill();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
