import { writeFileSync } from 'node:fs';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CommandEntry } from '../../src/services/audit/auditEntry.js';
import { AuditJournal } from '../../src/services/audit/auditJournal.js';
import { LocalRunner } from '../../src/services/runner/localRunner.js';
import { readOnlyRunner } from '../../src/services/runner/readOnlyRunner.js';
import { ReadOnlyError } from '../../src/services/runner/runner.js';
import type { CommandSpec } from '../../src/services/runner/runner.js';
import type { JobSink } from '../../src/services/runner/runJob.js';
import { LOG_FLUSH_INTERVAL_MS } from '../../src/services/runner/coalescedLog.js';
import { basebackupProgressFraction, basebackupProgressReport } from '../../src/services/runner/progress/basebackupProgress.js';
import { MAX_LOG_LINE, runJob } from '../../src/services/runner/runJob.js';
import { SecretInArgsError } from '../../src/services/runner/secretInArgsError.js';
import type { LogLine } from '../../src/state/createCockpitStore.js';
import { createCockpitStore, LOG_CAPACITY } from '../../src/state/createCockpitStore.js';

const me = os.userInfo().username;
const runner = new LocalRunner(me, { killGraceMs: 500 });
const tempDirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pgcockpit-job-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const newStore = () => createCockpitStore({ cluster: 'test', nodes: [] });
const sh = (script: string, extra: Partial<CommandSpec> = {}): CommandSpec => ({ program: 'sh', args: ['-c', script], mutating: false, ...extra });
const exists = (file: string) => access(file).then(() => true, () => false);

type Store = ReturnType<typeof newStore>;

/**
 * A file created once `reached` holds for the store; `wait` is the shell line
 * that waits for it. A script that writes its next output only after `wait`
 * orders its output by what the cockpit has seen, not by sleeps.
 */
async function gate(store: Store, reached: (state: ReturnType<Store['getState']>) => boolean) {
  const file = path.join(await tempDir(), 'open');
  const open = () => {
    if (!reached(store.getState())) return false;
    writeFileSync(file, '');
    unsubscribe();
    return true;
  };
  const unsubscribe = store.subscribe(() => void open());
  // Bounded (about 10 s), so a gate that never opens fails the assertions instead of leaving the script behind.
  return { wait: `i=0; until [ -e '${file}' ] || [ $i -ge 1000 ]; do sleep 0.01; i=$((i+1)); done` };
}
const logHas = (text: string) => (state: ReturnType<Store['getState']>) => state.log.some((line) => line.text === text);

/** Timer flushes happen at most once per interval; the header and the final flush come on top. */
const maxFlushes = (elapsedMs: number) => Math.ceil(elapsedMs / LOG_FLUSH_INTERVAL_MS) + 3;

async function journalIn(dir: string) {
  const file = path.join(dir, 'state', 'pgcockpit', 'audit.jsonl');
  return { journal: new AuditJournal({ file }), file, entries: async () => (await readFile(file, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as CommandEntry) };
}

describe('runJob', () => {
  it('writes a header, the output (escape codes stripped, stderr kept, long lines cut), then the result; records the job', async () => {
    const store = newStore();
    // Each line is written once the previous one is in the log: stdout and stderr are separate pipes.
    const red = await gate(store, logHas('red plain'));
    const oops = await gate(store, logHas('oops'));
    const result = await runJob({
      title: 'pg_basebackup',
      node: 'pg2',
      runner,
      spec: sh(`printf '\\033[1;31mred\\033[0m plain\\n'; ${red.wait}; echo oops >&2; ${oops.wait}; head -c 5000 /dev/zero | tr '\\0' x; echo; exit 2`),
      sink: store,
    });
    expect(result.exitCode).toBe(2);
    const { log, jobs, logAppended } = store.getState();
    const jobId = jobs[0]!.id;
    expect(log.map((line) => [line.stream, line.text.slice(0, 60)])).toEqual([
      ['header', `▶ pg_basebackup on pg2 — local as ${me}`],
      ['stdout', 'red plain'],
      ['stderr', 'oops'],
      ['stdout', 'x'.repeat(60)],
      ['info', expect.stringMatching(/^✗ exit 2 after \d/)],
    ]);
    expect(log[3]!.text).toBe(`${'x'.repeat(MAX_LOG_LINE)}… (${5000 - MAX_LOG_LINE} more characters)`);
    expect(log.every((line) => line.jobId === jobId)).toBe(true);
    expect(logAppended).toBe(5);
    expect(jobs).toEqual([
      expect.objectContaining({ id: jobId, title: 'pg_basebackup', where: `local as ${me}`, status: 'failed', exitCode: 2, signal: null, endedAt: expect.any(Number) }),
    ]);
  });

  it('a successful job says so; each job gets its own id', async () => {
    const store = newStore();
    await runJob({ title: 'first', runner, spec: sh('echo one'), sink: store });
    await runJob({ title: 'second', runner, spec: sh('true'), sink: store });
    const { jobs, log } = store.getState();
    expect(jobs.map((job) => job.status)).toEqual(['succeeded', 'succeeded']);
    expect(new Set(jobs.map((job) => job.id)).size).toBe(2);
    expect(log.at(-1)!.text).toMatch(/^✓ exit 0 after /);
  });

  it('never shows or records a password: not from the environment, not a known one, not one spelled out', async () => {
    const dir = await tempDir();
    const { journal, file } = await journalIn(dir);
    const passfile = path.join(dir, 'pgpass');
    await writeFile(passfile, '127.0.0.1:*:*:replication:repl-Pa55-word\n', { mode: 0o600 });
    const store = newStore();
    const result = await runJob({
      title: 'check the passwords',
      node: 'pg1',
      runner,
      spec: sh(
        [
          'echo "PGPASSWORD is $PGPASSWORD"',
          'echo "$PGPASSWORD" >&2',
          // Spelled out in the script, "password=..." would be refused as a password on the command line.
          'printf "primary_conninfo = \'user=replication %s=%s host=db1\'\\n" password "$PGPASSWORD"',
          `cat ${passfile}`,
          'printf "unknown one: %s=%s-%s\\n" password never-told anyone',
          `printf '\\033[1mpg-\\033[0mSuper-Secret-99\\n'`,
        ].join('; '),
        { env: { PGPASSWORD: 'pg-Super-Secret-99', PGPASSFILE: passfile } },
      ),
      secrets: ['repl-Pa55-word'],
      sink: store,
      audit: journal,
    });
    expect(result.exitCode).toBe(0);
    const shown = JSON.stringify(store.getState());
    const recorded = await readFile(file, 'utf8');
    for (const secret of ['pg-Super-Secret-99', 'repl-Pa55-word', 'never-told-anyone']) {
      expect(shown).not.toContain(secret);
      expect(recorded).not.toContain(secret);
    }
    const texts = store.getState().log.map((line) => line.text);
    expect(texts).toContain('PGPASSWORD is ********');
    expect(texts).toContain("primary_conninfo = 'user=replication password=******** host=db1'");
    expect(texts).toContain('127.0.0.1:*:*:replication:********');
    // The escape codes that split the password went first, then the mask.
    expect(texts).toContain('********');
    const [entry] = recorded.trim().split('\n').map((line) => JSON.parse(line) as CommandEntry);
    expect(entry).toMatchObject({ kind: 'command', title: 'check the passwords', node: 'pg1', outcome: 'succeeded', exitCode: 0, envKeys: ['PGPASSWORD', 'PGPASSFILE'] });
  });

  it('refuses a password in the arguments before anything runs, and says so in the log and the journal', async () => {
    const dir = await tempDir();
    const { journal, file, entries } = await journalIn(dir);
    const marker = path.join(dir, 'must-not-exist');
    const store = newStore();
    const attempt = runJob({
      title: 'bad idea',
      runner,
      spec: { program: 'sh', args: ['-c', `touch ${marker}; echo $1`, 'sh', 'the-Pa55word'], env: { PGPASSWORD: 'the-Pa55word' }, mutating: true },
      sink: store,
      audit: journal,
    });
    await expect(attempt).rejects.toBeInstanceOf(SecretInArgsError);
    await expect(attempt).rejects.toThrow('refused to run sh: its argument 4 holds a password');
    expect(await exists(marker)).toBe(false);
    const { jobs, log } = store.getState();
    expect(jobs[0]).toMatchObject({ status: 'failed', exitCode: null });
    expect(log.at(-1)!.text).toMatch(/^✗ refused to run sh: its argument 4 holds a password/);
    expect(await readFile(file, 'utf8')).not.toContain('the-Pa55word');
    const [entry] = await entries();
    expect(entry).toMatchObject({ outcome: 'refused', args: ['-c', `touch ${marker}; echo $1`, 'sh', '********'], mutating: true });
  });

  it('in read-only mode a mutating job is refused (nothing runs) and recorded as refused', async () => {
    const dir = await tempDir();
    const { journal, entries } = await journalIn(dir);
    const marker = path.join(dir, 'must-not-exist');
    const store = newStore();
    await expect(runJob({ title: 'touch', runner: readOnlyRunner(runner), spec: { program: 'touch', args: [marker], mutating: true }, sink: store, audit: journal })).rejects.toBeInstanceOf(
      ReadOnlyError,
    );
    expect(await exists(marker)).toBe(false);
    expect(store.getState().log.at(-1)!.text).toMatch(/^✗ read-only mode: refused to run touch/);
    expect((await entries())[0]).toMatchObject({ outcome: 'refused', program: 'touch', args: [marker] });
    const result = await runJob({ title: 'look', runner: readOnlyRunner(runner), spec: sh('echo fine'), sink: store, audit: journal });
    expect(result.exitCode).toBe(0);
    expect((await entries())[1]).toMatchObject({ outcome: 'succeeded', title: 'look' });
  });

  it('cancelling through the signal ends the job as cancelled', async () => {
    const store = newStore();
    const controller = new AbortController();
    // Cancel once the program runs (its first line is in the log), not after a guess at how long starting takes.
    const unsubscribe = store.subscribe((state) => {
      if (state.log.some((line) => line.text === 'begun')) controller.abort();
    });
    const result = await runJob({ title: 'long', runner, spec: sh('echo begun; sleep 30'), sink: store, signal: controller.signal });
    expect(result.cancelled).toBe(true);
    expect(store.getState().jobs[0]!.status).toBe('cancelled');
    expect(store.getState().log.at(-1)!.text).toMatch(/^■ cancelled after .* \(killed by SIGTERM\)$/);
    unsubscribe();
  });

  it('100 000 lines of output: at most one store update per flush interval, a bounded log, every line counted', async () => {
    const store = newStore();
    let updates = 0;
    store.subscribe(() => updates++);
    let appendCalls = 0;
    const sink: JobSink = {
      startJob: store.getState().startJob,
      finishJob: store.getState().finishJob,
      appendLogLines: (lines: readonly LogLine[]) => {
        appendCalls++;
        store.getState().appendLogLines(lines);
      },
    };
    // How long the event loop stalls under the flood is a speed figure: bench/logStream.mjs measures it.
    const startedAt = performance.now();
    const result = await runJob({ title: 'seq', runner, spec: { program: 'seq', args: ['100000'], mutating: false }, sink });
    const elapsedMs = performance.now() - startedAt;
    expect(result.exitCode).toBe(0);
    const { log, logAppended } = store.getState();
    expect(logAppended).toBe(100_000 + 2);
    expect(log.length).toBe(LOG_CAPACITY);
    expect(log.at(-2)!.text).toBe('100000');
    expect(log.at(-1)!.text).toMatch(/^✓ exit 0/);
    // However long the flood takes on this machine, the output reached the store at the coalescer's pace, not a line at a time.
    expect(appendCalls).toBeLessThanOrEqual(maxFlushes(elapsedMs));
    expect(updates).toBeLessThanOrEqual(appendCalls + 2); // + startJob and finishJob
  });

  it('progress read off the output reaches the job record: 0.1 while it runs, then 1', async () => {
    const store = newStore();
    const seen: Array<{ progress: number | undefined; status: string }> = [];
    store.subscribe((state, previous) => {
      const job = state.jobs[0];
      if (job && job.progress !== previous.jobs[0]?.progress) seen.push({ progress: job.progress, status: job.status });
    });
    // The last report is written only once the first one's progress is in the store: two flushes, two updates.
    const first = await gate(store, (state) => state.jobs[0]?.progress === 0.1);
    const result = await runJob({
      title: 'pg_basebackup',
      node: 'pg2',
      runner,
      // pg_basebackup on a terminal ends a report with \r; the runner makes each one a line.
      spec: sh(`printf '10/100 kB (10%%), 0/1 tablespace\r'; ${first.wait}; printf '100/100 kB (100%%), 1/1 tablespace\n'`),
      sink: store,
      parseProgress: basebackupProgressFraction,
    });
    expect(result.exitCode).toBe(0);
    expect(seen).toEqual([
      { progress: 0.1, status: 'running' },
      { progress: 1, status: 'running' },
    ]);
    const { jobs, log } = store.getState();
    expect(jobs[0]).toMatchObject({ node: 'pg2', progress: 1, status: 'succeeded' });
    expect(log.map((line) => line.text)).toContain('10/100 kB (10%), 0/1 tablespace');
  });

  it("a parser's amounts reach the job record with its fraction (the job bar's rate and time left)", async () => {
    const store = newStore();
    await runJob({
      title: 'pg_basebackup',
      runner,
      spec: sh(`printf '50/100 kB (50%%), 0/1 tablespace\\n'`),
      sink: store,
      parseProgress: basebackupProgressReport,
    });
    expect(store.getState().jobs[0]).toMatchObject({ progress: 0.5, progressAmount: { done: 50 * 1024, total: 100 * 1024, unit: 'bytes' } });
  });

  it('progress goes to the store with the output flush, not once a line', async () => {
    const store = newStore();
    let progressUpdates = 0;
    store.subscribe((state, previous) => {
      if (state.jobs[0]?.progress !== previous.jobs[0]?.progress) progressUpdates++;
    });
    const script = 'i=1; while [ $i -le 2000 ]; do echo "$i/2000 kB ($((i * 100 / 2000))%), 0/1 tablespace"; i=$((i+1)); done';
    const startedAt = performance.now();
    await runJob({ title: 'many reports', runner, spec: sh(script), sink: store, parseProgress: basebackupProgressFraction });
    const elapsedMs = performance.now() - startedAt;
    expect(store.getState().jobs[0]!.progress).toBe(1);
    // 2000 reports, yet progress moved only with the flushes, however long the loop took here.
    expect(progressUpdates).toBeLessThanOrEqual(maxFlushes(elapsedMs));
  });

  it('a progress parser that throws costs the progress, not the job, and says so once', async () => {
    const store = newStore();
    const result = await runJob({
      title: 'odd output',
      runner,
      spec: sh('echo one; echo two; echo three'),
      sink: store,
      parseProgress: () => {
        throw new Error('parser bug');
      },
    });
    expect(result.exitCode).toBe(0);
    const { jobs, log } = store.getState();
    expect(jobs[0]).toMatchObject({ status: 'succeeded' });
    expect(jobs[0]!.progress).toBeUndefined();
    expect(log.filter((line) => line.text.includes('progress not shown')).map((line) => line.text)).toEqual(['⚠ progress not shown: reading it failed (parser bug)']);
    expect(log.at(-1)!.text).toMatch(/^✓ exit 0/);
  });
});
