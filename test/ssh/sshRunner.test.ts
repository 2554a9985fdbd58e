import { writeFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { lookupOsUser } from '../../src/services/os/osUser.js';
import { freePort } from '../../src/services/os/freePort.js';
import type { CommandSpec, OutputLine } from '../../src/services/runner/runner.js';
import type { SshRunnerOptions } from '../../src/services/runner/sshRunner.js';
import { SshRunner, SudoError, createSshRunner, sshRunnerForNode } from '../../src/services/runner/sshRunner.js';
import { SshConnectionPool } from '../../src/services/ssh/sshConnectionPool.js';
import type { SshEnvironment } from '../../src/services/ssh/sshEnvironment.js';
import type { TestSshd } from '../support/sshd.js';
import { scratchHome, startSshd } from '../support/sshd.js';
import { processCommandLines, uniqueSleepSeconds, waitForProcess } from './processes.js';
import { testSshEnvironment } from './sshTestEnv.js';

let sshd: TestSshd;
let home: string;
let env: SshEnvironment;
let postgresUid: number;
const opened: Array<SshRunner | SshConnectionPool> = [];

beforeAll(async () => {
  sshd = await startSshd();
  home = await scratchHome();
  env = testSshEnvironment(home);
  await fs.writeFile(env.userKnownHostsFiles[0] ?? '', `${sshd.knownHostsLine}\n`);
  postgresUid = (await lookupOsUser('postgres')).uid;
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((item) => item.close()));
});

afterAll(async () => {
  await sshd?.stop();
  if (home) await fs.rm(home, { recursive: true, force: true });
});

function runner(options: { user?: string; osUser?: string; pool?: SshConnectionPool; killGraceMs?: number; identityFile?: string } = {}): SshRunner {
  const runnerOptions: SshRunnerOptions = {
    ssh: { host: '127.0.0.1', port: sshd.port, user: options.user ?? 'root', identityFile: options.identityFile ?? sshd.clientKeyFile },
    osUser: options.osUser ?? options.user ?? 'root',
    env,
  };
  if (options.pool) runnerOptions.pool = options.pool;
  if (options.killGraceMs !== undefined) runnerOptions.killGraceMs = options.killGraceMs;
  const created = createSshRunner(runnerOptions);
  opened.push(created);
  return created;
}

function pool(): SshConnectionPool {
  const created = new SshConnectionPool({ env });
  opened.push(created);
  return created;
}

function sh(script: string, extra: Partial<CommandSpec> = {}): CommandSpec {
  return { program: 'sh', args: ['-c', script], mutating: false, ...extra };
}

/**
 * Shell that waits (5 s at most) until the test creates `file`, then says so
 * if it never came: output written after it is ordered by what the test
 * received, not by sleeps.
 */
function waitForFile(file: string): string {
  return `i=0; until [ -e '${file}' ] || [ $i -ge 500 ]; do sleep 0.01; i=$((i+1)); done; [ -e '${file}' ] || echo 'gave up waiting for ${path.basename(file)}'`;
}

/** Runs and collects the output lines. */
async function collect(target: SshRunner, spec: CommandSpec, signal?: AbortSignal) {
  const lines: OutputLine[] = [];
  const result = await target.run(spec, { onLine: (line) => lines.push(line), ...(signal ? { signal } : {}) });
  return { result, lines, stdout: lines.filter((line) => line.stream === 'stdout').map((line) => line.text) };
}

describe('SshRunner output and exit', () => {
  it('streams stdout and stderr line by line in arrival order, stderr marked, with timestamps', async () => {
    const target = runner();
    const before = Date.now();
    // Each line is written once the previous one has arrived here: streamed, and in order across stdout and stderr.
    const gates = await fs.mkdtemp(path.join(home, 'gates-'));
    const gate = (n: number) => waitForFile(path.join(gates, `after-${n}`));
    const arrived = ['out1', 'err1', 'out2', 'err2 é'];
    const lines: OutputLine[] = [];
    const result = await target.run(
      sh(`echo out1; ${gate(0)}; echo err1 >&2; ${gate(1)}; echo out2; ${gate(2)}; printf "err2 é\\n" >&2; ${gate(3)}; printf "last without newline"`),
      {
        onLine: (line) => {
          lines.push(line);
          const n = arrived.indexOf(line.text);
          if (n >= 0) writeFileSync(path.join(gates, `after-${n}`), '');
        },
      },
    );
    // The wrapper's pid announcement is not output.
    expect(lines.some((line) => line.text.includes('PGCOCKPIT_PID'))).toBe(false);
    // Whatever root's login shell prints while it starts (this machine's ~/.bashrc) comes before the command's output.
    const fromCommand = lines.slice(lines.findIndex((line) => line.text === 'out1'));
    expect(fromCommand.map((line) => [line.stream, line.text])).toEqual([
      ['stdout', 'out1'],
      ['stderr', 'err1'],
      ['stdout', 'out2'],
      ['stderr', 'err2 é'],
      ['stdout', 'last without newline'],
    ]);
    const times = fromCommand.map((line) => line.at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times[0]).toBeGreaterThanOrEqual(before);
    expect(result).toMatchObject({ exitCode: 0, signal: null, timedOut: false, cancelled: false });
    expect(target.where).toBe(`ssh root@127.0.0.1:${sshd.port}`);
    expect(target.osUser).toBe('root');
  });

  it('reports exit codes', async () => {
    const target = runner();
    expect((await target.run(sh('exit 3'))).exitCode).toBe(3);
    expect((await target.run({ program: 'false', args: [], mutating: false })).exitCode).toBe(1);
    expect((await target.run({ program: 'no-such-program-pgcockpit', args: [], mutating: false })).exitCode).toBe(127);
  });

  it('reports a death by signal as the signal, with no exit code, directly and through sudo', async () => {
    const direct = await runner().run(sh('kill -TERM $$'));
    expect(direct).toMatchObject({ exitCode: null, signal: 'SIGTERM', cancelled: false, timedOut: false });
    const throughSudo = await runner({ user: 'root', osUser: 'postgres' }).run(sh('kill -KILL $$'));
    expect(throughSudo).toMatchObject({ exitCode: null, signal: 'SIGKILL' });
  });

  it('passes env and cwd, as the OS user, through sudo too', async () => {
    const dir = await fs.mkdtemp(path.join(home, 'work dir '));
    await fs.chmod(dir, 0o755);
    const spec = sh('pwd; printf "%s\\n" "$GREETING"; id -un', { env: { GREETING: "it's $HOME; `id`" }, cwd: dir });
    expect((await collect(runner(), spec)).stdout).toEqual([dir, "it's $HOME; `id`", 'root']);
    // Into a directory only postgres may enter: the cd happens after sudo.
    const privateDir = await fs.mkdtemp(path.join(home, 'postgres-only-'));
    await fs.chmod(home, 0o755);
    await fs.chown(privateDir, postgresUid, postgresUid);
    await fs.chmod(privateDir, 0o700);
    const viaSudo = await collect(runner({ user: 'root', osUser: 'postgres' }), { ...spec, cwd: privateDir });
    expect(viaSudo.stdout).toEqual([privateDir, "it's $HOME; `id`", 'postgres']);
  });

  it('gives the remote program end-of-file on stdin', async () => {
    const { result, stdout } = await collect(runner(), sh('cat; echo done'));
    expect(result.exitCode).toBe(0);
    expect(stdout).toEqual(['done']);
  });

  it('hands the spec\'s stdin to the program, after the environment the wrapper reads, through sudo too', async () => {
    const content = 'line one\n\nGREETING=not an assignment\n' + 'x'.repeat(300_000);
    const spec = sh('printf "%s\\n" "$GREETING"; wc -c; id -un', { env: { GREETING: 'hello' }, stdin: content });
    expect((await collect(runner({ user: 'root', osUser: 'postgres' }), spec)).stdout).toEqual(['hello', String(Buffer.byteLength(content)), 'postgres']);
    expect((await collect(runner(), sh('cat', { stdin: 'no env\nhere' }))).stdout).toEqual(['no env', 'here']);
  });
});

describe('SshRunner cancel and timeout', () => {
  it('cancel kills the remote process group (TERM), then reports cancelled', async () => {
    const seconds = uniqueSleepSeconds();
    const target = runner();
    const controller = new AbortController();
    const running = target.run(sh(`sleep ${seconds}; echo never`), { signal: controller.signal });
    await waitForProcess(`sleep ${seconds}`, true);
    controller.abort();
    const result = await running;
    // SIGTERM, not the KILL after the grace period: the group ended on the first signal.
    expect(result).toMatchObject({ cancelled: true, timedOut: false, exitCode: null, signal: 'SIGTERM' });
    expect(await processCommandLines()).not.toContain(`sleep ${seconds}`);
  });

  it('cancel through sudo kills the OS user’s processes too', async () => {
    const seconds = uniqueSleepSeconds();
    const target = runner({ user: 'root', osUser: 'postgres' });
    const controller = new AbortController();
    const running = target.run(sh(`sleep ${seconds} & sleep ${seconds}; wait`), { signal: controller.signal });
    await waitForProcess(`sleep ${seconds}`, true);
    controller.abort();
    expect(await running).toMatchObject({ cancelled: true });
    await waitForProcess(`sleep ${seconds}`, false, 2000);
  });

  it('escalates to KILL when the program ignores TERM', async () => {
    const seconds = uniqueSleepSeconds();
    const target = runner({ killGraceMs: 300 });
    const controller = new AbortController();
    const running = target.run(sh(`trap "" TERM; sleep ${seconds}`), { signal: controller.signal });
    await waitForProcess(`sleep ${seconds}`, true);
    controller.abort();
    expect(await running).toMatchObject({ cancelled: true, signal: 'SIGKILL' });
    expect(await processCommandLines()).not.toContain(`sleep ${seconds}`);
  });

  it('times out: the remote process is killed and the result says timedOut', async () => {
    const seconds = uniqueSleepSeconds();
    const result = await runner().run(sh(`sleep ${seconds}`, { timeoutMs: 700 }));
    expect(result).toMatchObject({ timedOut: true, cancelled: false, exitCode: null, signal: 'SIGTERM' });
    expect(result.durationMs).toBeGreaterThanOrEqual(650);
    expect(await processCommandLines()).not.toContain(`sleep ${seconds}`);
  });

  it('an already aborted signal runs nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const marker = path.join(home, 'must-not-exist');
    const result = await runner().run({ program: 'touch', args: [marker], mutating: true }, { signal: controller.signal });
    expect(result).toMatchObject({ cancelled: true, exitCode: null });
    await expect(fs.stat(marker)).rejects.toThrow();
  });

  it('close() cancels what still runs', async () => {
    const seconds = uniqueSleepSeconds();
    const target = runner();
    const running = target.run(sh(`sleep ${seconds}`));
    await waitForProcess(`sleep ${seconds}`, true);
    await target.close();
    expect(await running).toMatchObject({ cancelled: true });
    expect(await processCommandLines()).not.toContain(`sleep ${seconds}`);
    await expect(target.run(sh('true'))).rejects.toThrow('closed');
  });
});

describe('SshRunner connections', () => {
  const clientPort = async (target: SshRunner) => (await collect(target, sh('echo "$SSH_CLIENT"'))).stdout[0]?.split(' ')[1];

  it('reuses one connection for many commands, and for every runner sharing the pool', async () => {
    const shared = pool();
    const first = runner({ pool: shared });
    const second = runner({ pool: shared });
    const ports = [await clientPort(first), await clientPort(first), await clientPort(second)];
    expect(new Set(ports).size).toBe(1);
    expect(shared.connectionsOpened).toBe(1);
    expect(shared.openConnections()).toEqual([`root@127.0.0.1:${sshd.port}`]);
  });

  it('runs more commands at once than sshd allows sessions per connection (MaxSessions 10)', async () => {
    const shared = pool();
    const target = runner({ pool: shared });
    // Each command checks in, then waits until 8 have: the pool runs 8 at once (sshd's 10 less 2 kept for a
    // cancel's kill), so the first 8 overlap for certain and the other 6 wait their turn.
    const started = await fs.mkdtemp(path.join(home, 'started-'));
    const script = (index: number) =>
      `touch '${started}/${index}'; i=0; until [ $(ls '${started}' | wc -l) -ge 8 ] || [ $i -ge 500 ]; do sleep 0.01; i=$((i+1)); done; ` +
      `[ $(ls '${started}' | wc -l) -ge 8 ] && echo ${index} || echo 'fewer than 8 at once'`;
    const results = await Promise.all(Array.from({ length: 14 }, (_, index) => collect(target, sh(script(index)))));
    expect(results.map((result) => result.stdout[0])).toEqual(Array.from({ length: 14 }, (_, index) => String(index)));
    expect(shared.connectionsOpened).toBe(1);
  });

  it("a channel refused while sshd still counts one just closed (MaxSessions met for a moment) is tried again, not failed", async () => {
    // As many channels as sshd allows: each new command opens right as another closes, the race in its purest form.
    const shared = new SshConnectionPool({ env, maxChannelsPerConnection: 10 });
    opened.push(shared);
    const target = runner({ pool: shared });
    const results = await Promise.all(Array.from({ length: 60 }, (_, index) => collect(target, sh(`echo ${index}`))));
    expect(results.map((result) => result.stdout[0])).toEqual(Array.from({ length: 60 }, (_, index) => String(index)));
  });

  it('reconnects when sshd drops the connection', async () => {
    const shared = pool();
    const target = runner({ pool: shared });
    const before = await clientPort(target);
    await sshd.dropConnections();
    // No waiting for the client to notice: a command on the dead connection retries on a new one.
    const after = await clientPort(target);
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    expect(shared.connectionsOpened).toBe(2);
    expect(await clientPort(target)).toBe(after);
  });

  it('says so when the connection breaks while a command runs', async () => {
    const seconds = uniqueSleepSeconds();
    const target = runner();
    const running = target.run(sh(`sleep ${seconds}`));
    await waitForProcess(`sleep ${seconds}`, true);
    await sshd.dropConnections();
    await expect(running).rejects.toThrow('the connection broke while sh was running');
  });

  it('refuses a key the server does not accept, naming what was offered', async () => {
    // Another server's client key: authorised there, not here.
    const stranger = await startSshd();
    try {
      const target = runner({ identityFile: stranger.clientKeyFile });
      await expect(target.run(sh('true'))).rejects.toThrow(`the server refused every key offered for root (${stranger.clientKeyFile})`);
    } finally {
      await stranger.stop();
    }
  });

  it('reports a refused connection clearly', async () => {
    const port = await freePort();
    const target = createSshRunner({ ssh: { host: '127.0.0.1', port, user: 'root', identityFile: sshd.clientKeyFile }, osUser: 'root', env });
    opened.push(target);
    await expect(target.run(sh('true'))).rejects.toThrow(`connection refused at 127.0.0.1:${port}`);
  });

  it('reports a missing identity file clearly', async () => {
    const target = runner({ identityFile: path.join(home, 'nope') });
    await expect(target.run(sh('true'))).rejects.toThrow(`cannot read the identity file ${path.join(home, 'nope')}`);
  });
});

describe('SshRunner as the OS user', () => {
  it('logs in as root and runs through sudo -n -u postgres with postgres’s uid', async () => {
    const target = sshRunnerForNode(
      { osUser: 'postgres', ssh: { host: '127.0.0.1', port: sshd.port, user: 'root', identityFile: sshd.clientKeyFile, acceptNewHostKeys: false } },
      { env },
    );
    opened.push(target);
    expect(target.where).toBe(`ssh root@127.0.0.1:${sshd.port}, sudo to postgres`);
    expect(target.osUser).toBe('postgres');
    const { stdout } = await collect(target, sh('id -u; echo "sudo_user=$SUDO_USER"'));
    expect(stdout).toEqual([String(postgresUid), 'sudo_user=root']);
  });

  it('logs in as postgres directly, without sudo', async () => {
    const target = runner({ user: 'postgres', osUser: 'postgres' });
    expect(target.where).toBe(`ssh postgres@127.0.0.1:${sshd.port}`);
    const { stdout } = await collect(target, sh('id -u; echo "sudo_user=$SUDO_USER"'));
    expect(stdout).toEqual([String(postgresUid), 'sudo_user=']);
  });

  it('explains what to do when sudo wants a password', async () => {
    const target = runner({ user: 'postgres', osUser: 'root' });
    const error = await target.run(sh('id -u')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SudoError);
    const message = (error as Error).message;
    expect(message).toContain('sudo -n -u root needs a password for postgres');
    expect(message).toContain('"postgres ALL=(root) NOPASSWD: ALL"');
    expect(message).toContain('log in as root directly (ssh.user: root)');
  });
});
