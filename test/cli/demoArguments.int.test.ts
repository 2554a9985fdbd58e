import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pathExists } from '../../src/services/os/pathExists.js';
import { runCli } from '../support/runCli.js';

/** What the command line hands to the sandbox commands, refused before anything is created or run. */
describe('pgcockpit demo: arguments that must be refused', () => {
  let parent: string;
  beforeAll(async () => {
    parent = await mkdtemp(path.join(os.tmpdir(), 'pgcockpit-demo-args-'));
    await chmod(parent, 0o755);
  });
  afterAll(async () => {
    await rm(parent, { recursive: true, force: true });
  });

  it('a --dir with $( ) in it is refused, naming the character and the path, and runs nothing', async () => {
    const pwned = path.join(parent, 'pwned');
    const dir = `${parent}/x$(touch ${pwned})`;
    const { exitCode, stderr } = await runCli(['demo', '--no-open', '--dir', dir]);
    expect(exitCode).not.toBe(0);
    expect(stderr).toContain(`sandbox directory (--dir) ${JSON.stringify(dir)} holds a dollar sign ($)`);
    expect(await pathExists(pwned)).toBe(false);
    expect(await readdir(parent)).toEqual([]);
  });

  it('a --dir with a double quote is refused too', async () => {
    const dir = path.join(parent, 'say "hi"');
    const { exitCode, stderr } = await runCli(['demo', '--no-open', '--dir', dir]);
    expect(exitCode).not.toBe(0);
    expect(stderr).toContain('holds a double quote (")');
    expect(await pathExists(dir)).toBe(false);
  });

  it('demo down on a directory that does not exist is an error naming it (a typo must not read as success)', async () => {
    const typo = path.join(parent, 'sandbxo');
    const { exitCode, stderr } = await runCli(['demo', 'down', '--dir', typo]);
    expect(exitCode).toBe(1);
    expect(stderr).toContain(`no sandbox at ${typo}: the directory does not exist`);
    expect(stderr).not.toContain('is gone');
  });
});

describe('pgcockpit: an unknown subcommand', () => {
  it('is named as unknown, with the commands there are', async () => {
    const { exitCode, stderr } = await runCli(['stauts']);
    expect(exitCode).toBe(2);
    expect(stderr).toContain("unknown command 'stauts'");
    expect(stderr).not.toContain('too many arguments');
    for (const command of ['demo', 'status', 'config', 'log', 'promote', 'switchover']) expect(stderr).toContain(command);
  });
});
