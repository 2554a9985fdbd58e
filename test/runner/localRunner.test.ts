import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lookupOsUser, runningAsRoot } from '../../src/services/os/osUser.js';
import { LocalRunner } from '../../src/services/runner/localRunner.js';
import { LocalUserError } from '../../src/services/runner/localUserError.js';
import type { CommandSpec, OutputLine } from '../../src/services/runner/runner.js';
import { waitFor } from '../support/waitFor.js';
import { liveProcesses } from './processes.js';

const me = os.userInfo();
const self = { name: me.username, uid: me.uid, gid: me.gid, home: me.homedir };
const runner = new LocalRunner(self, { killGraceMs: 500 });

function sh(script: string, extra: Partial<CommandSpec> = {}): CommandSpec {
  return { program: 'sh', args: ['-c', script], mutating: false, ...extra };
}

async function collect(spec: CommandSpec, signal?: AbortSignal) {
  const lines: OutputLine[] = [];
  const result = await runner.run(spec, { signal, onLine: (line) => lines.push(line) });
  return { result, lines };
}

const tempDirs: string[] = [];
afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('LocalRunner', () => {
  it('streams stdout and stderr line by line in arrival order, stderr marked, time-stamped', async () => {
    const before = Date.now();
    // Each line is written once the previous one has arrived here (stdout and stderr are separate pipes):
    // the order is the program's, and the lines were streamed, not collected at the end.
    const gates = await mkdtemp(path.join(os.tmpdir(), 'pgcockpit-runner-'));
    tempDirs.push(gates);
    const gate = (n: number) => {
      const file = path.join(gates, `after-${n}`);
      return `i=0; until [ -e '${file}' ] || [ $i -ge 500 ]; do sleep 0.01; i=$((i+1)); done; [ -e '${file}' ] || echo 'gave up waiting for line ${n}'`;
    };
    const arrived = ['out1', 'err1', 'out2', 'err2'];
    const lines: OutputLine[] = [];
    const result = await runner.run(sh(`echo out1; ${gate(0)}; echo err1 >&2; ${gate(1)}; echo out2; ${gate(2)}; echo err2 >&2; ${gate(3)}; printf "no newline at the end"`), {
      onLine: (line) => {
        lines.push(line);
        const n = arrived.indexOf(line.text);
        if (n >= 0) writeFileSync(path.join(gates, `after-${n}`), '');
      },
    });
    expect(result).toMatchObject({ exitCode: 0, signal: null, timedOut: false, cancelled: false });
    expect(lines.map((line) => [line.stream, line.text])).toEqual([
      ['stdout', 'out1'],
      ['stderr', 'err1'],
      ['stdout', 'out2'],
      ['stderr', 'err2'],
      ['stdout', 'no newline at the end'],
    ]);
    const times = lines.map((line) => line.at);
    expect(times[0]).toBeGreaterThanOrEqual(before);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('keeps multi-byte characters whole and splits \\r\\n and \\r progress redraws into lines', async () => {
    const { lines } = await collect(sh("printf 'caf\\303'; sleep 0.05; printf '\\251 \\360\\237\\220\\230\\r\\n10%%\\r'; sleep 0.05; printf '\\n50%%\\r100%%\\n'"));
    expect(lines.map((line) => line.text)).toEqual(['café 🐘', '10%', '50%', '100%']);
  });

  it('reports exit codes and signals', async () => {
    expect((await collect(sh('exit 3'))).result).toMatchObject({ exitCode: 3, signal: null });
    expect((await collect(sh('kill -KILL $$'))).result).toMatchObject({ exitCode: null, signal: 'SIGKILL', cancelled: false, timedOut: false });
  });

  it('passes env and cwd, with the argument vector untouched by any shell', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pgcockpit-runner-'));
    tempDirs.push(dir);
    const { lines } = await collect({ program: 'sh', args: ['-c', 'pwd; echo "$GREETING"; printf "%s|" "$@"', 'sh', 'a b', '$HOME', "it's"], env: { GREETING: 'hello' }, cwd: dir, mutating: false });
    expect(lines.map((line) => line.text)).toEqual([dir, 'hello', "a b|$HOME|it's|"]);
  });

  it('hands the spec\'s stdin to the program, and end-of-file at once without it', async () => {
    const content = `first\n${'x'.repeat(300_000)}`;
    const { lines } = await collect(sh('read -r first; echo "$first"; wc -c', { stdin: content }));
    expect(lines.map((line) => line.text)).toEqual(['first', String(content.length - 'first\n'.length)]);
    expect((await collect(sh('cat; echo done'))).lines.map((line) => line.text)).toEqual(['done']);
  });

  it('stops a command at its timeout', async () => {
    const { result } = await collect(sh('echo started; sleep 30', { timeoutMs: 300 }));
    expect(result).toMatchObject({ timedOut: true, cancelled: false, exitCode: null, signal: 'SIGTERM' });
  });

  it('kills with SIGKILL after the grace period what ignores SIGTERM', async () => {
    const started = performance.now();
    const { result } = await collect(sh('trap "" TERM; sleep 31; echo not reached', { timeoutMs: 200 }));
    expect(result).toMatchObject({ timedOut: true, signal: 'SIGKILL' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(600);
    await waitFor(async () => (await liveProcesses('sleep 31')).length === 0, 'the TERM-proof sleep to be killed', 3000);
  });

  it('cancelling through the AbortSignal stops the whole process tree', async () => {
    const controller = new AbortController();
    const running = collect(sh('sleep 317 & sleep 317'), controller.signal);
    await waitFor(async () => (await liveProcesses('sleep 317')).length === 2, 'both sleeps to start', 5000, 20);
    controller.abort();
    const { result } = await running;
    expect(result).toMatchObject({ cancelled: true, timedOut: false, exitCode: null });
    // The background sleep is not the shell's direct child's only process: only a group kill reaches it.
    await waitFor(async () => (await liveProcesses('sleep 317')).length === 0, 'no "sleep 317" left', 3000, 20);
  });

  it('returns once the program exits, even when a background process it left keeps its stdout open', async () => {
    const quick = new LocalRunner(self, { outputDrainMs: 300 });
    const lines: string[] = [];
    const result = await quick.run(sh('echo started; sleep 319 & echo left; exit 0'), { onLine: (line) => lines.push(line.text) });
    expect(result).toMatchObject({ exitCode: 0, cancelled: false });
    expect(lines).toEqual(['started', 'left']);
    // It returned while the background sleep, holding stdout open, still runs.
    const leftBehind = await liveProcesses('sleep 319');
    expect(leftBehind).toHaveLength(1);
    for (const { pid } of leftBehind) process.kill(pid);
  });

  it('does not start a command whose signal was aborted already', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pgcockpit-runner-'));
    tempDirs.push(dir);
    const marker = path.join(dir, 'ran');
    const { result } = await collect({ program: 'touch', args: [marker], mutating: true }, AbortSignal.abort());
    expect(result.cancelled).toBe(true);
    await expect(import('node:fs/promises').then((fs) => fs.access(marker))).rejects.toThrow();
  });

  it('close() cancels what still runs', async () => {
    const own = new LocalRunner(self, { killGraceMs: 500 });
    const running = own.run(sh('sleep 318 & sleep 318'));
    await waitFor(async () => (await liveProcesses('sleep 318')).length === 2, 'both sleeps to start', 5000, 20);
    await own.close();
    expect((await running).cancelled).toBe(true);
    await waitFor(async () => (await liveProcesses('sleep 318')).length === 0, 'no "sleep 318" left', 3000, 20);
    await own.close();
  });

  it('a program that cannot start is a clear error', async () => {
    await expect(runner.run({ program: 'pgcockpit-no-such-program', args: [], mutating: false })).rejects.toThrow(
      `cannot start pgcockpit-no-such-program (local as ${self.name}): no such program`,
    );
    await expect(runner.run({ program: 'true', args: [], cwd: '/nonexistent/dir', mutating: false })).rejects.toThrow('/nonexistent/dir does not exist');
  });

  it.skipIf(!runningAsRoot())('running as root, a command runs with the OS user\'s uid, gid and home (postgres)', async () => {
    const postgres = await lookupOsUser('postgres');
    const asPostgres = new LocalRunner('postgres');
    expect(asPostgres.where).toBe('local as postgres');
    const lines: string[] = [];
    const result = await asPostgres.run(
      { program: 'sh', args: ['-c', 'id -u; id -g; id -un; echo "$HOME"; pwd'], mutating: false },
      { onLine: (line) => lines.push(line.text) },
    );
    expect(result.exitCode).toBe(0);
    expect(lines).toEqual([String(postgres.uid), String(postgres.gid), 'postgres', postgres.home, postgres.home]);
  });

  it('not root, running as another OS user is refused before anything runs, with the way out', async () => {
    const alice = { name: 'alice', uid: 4242, gid: 4242, home: '/home/alice' };
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pgcockpit-runner-'));
    tempDirs.push(dir);
    const marker = path.join(dir, 'ran');
    const asPostgres = new LocalRunner('postgres', { self: alice });
    const attempt = asPostgres.run({ program: 'touch', args: [marker], mutating: true });
    await expect(attempt).rejects.toBeInstanceOf(LocalUserError);
    await expect(attempt).rejects.toThrow('cannot run touch as postgres on this machine: pgcockpit runs as alice');
    await expect(import('node:fs/promises').then((fs) => fs.access(marker))).rejects.toThrow();
    // As themselves, fine.
    const asAlice = new LocalRunner('alice', { self: alice });
    expect((await asAlice.run({ program: 'true', args: [], mutating: false })).exitCode).toBe(0);
  });
});
