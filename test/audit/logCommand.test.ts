import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { logCommand } from '../../src/commands/logCommand.js';
import type { AuditEntry } from '../../src/services/audit/auditEntry.js';
import { parseSince } from '../../src/services/audit/parseSince.js';

const tempDirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pgcockpit-log-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const HOUR = 3_600_000;
const now = new Date();
const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();
const operator = { user: 'root', sudoUser: 'alice', sshClient: '10.0.0.5 53422 22' };

const entries: AuditEntry[] = [
  { kind: 'plan', at: ago(5 * HOUR), operator, title: 'rebuild pg3', node: 'pg3', steps: ['stop pg3', 'pg_basebackup', 'start pg3'] },
  {
    kind: 'command',
    at: ago(5 * HOUR - 1000),
    startedAt: ago(5 * HOUR - 3000),
    endedAt: ago(5 * HOUR - 1000),
    operator,
    title: 'pg_basebackup',
    node: 'pg3',
    where: 'local as postgres',
    osUser: 'postgres',
    program: 'pg_basebackup',
    args: ['-D', '/data/pg 3', '-R'],
    envKeys: ['PGPASSFILE'],
    mutating: true,
    outcome: 'failed',
    exitCode: 1,
    signal: null,
    durationMs: 2000,
  },
  { kind: 'plan', at: ago(HOUR), operator: { user: 'postgres' }, title: 'promote pg2', steps: ['pg_ctl promote'] },
  {
    kind: 'command',
    at: ago(30 * 60_000),
    startedAt: ago(30 * 60_000),
    endedAt: ago(30 * 60_000),
    operator: { user: 'postgres' },
    title: 'promote',
    node: 'pg2',
    where: 'local as postgres',
    osUser: 'postgres',
    program: 'pg_ctl',
    args: ['promote'],
    envKeys: [],
    mutating: true,
    outcome: 'refused',
    exitCode: null,
    signal: null,
    durationMs: 0,
    error: 'read-only mode: refused to run pg_ctl',
  },
];

async function journal(): Promise<string> {
  const file = path.join(await tempDir(), 'audit.jsonl');
  await appendFile(file, entries.map((entry) => `${JSON.stringify(entry)}\n`).join('') + '{"cut short by a cra\n');
  return file;
}

async function run(options: Parameters<typeof logCommand>[0]) {
  let stdout = '';
  let stderr = '';
  await logCommand(options, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  return { stdout, stderr, lines: stdout.trimEnd().split('\n').filter((line) => line !== '') };
}

describe('pgcockpit log', () => {
  it('prints one readable line per entry: when, who and from where, what', async () => {
    const file = await journal();
    const { lines, stderr } = await run({ json: false, file });
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}root \(sudo alice, ssh 10\.0\.0\.5\) {2}PLAN rebuild pg3 on pg3: 3 steps$/);
    expect(lines[1]).toMatch(/ {2}✗ exit 1 after 2 s {2}pg3, local as postgres: pg_basebackup -D '\/data\/pg 3' -R$/);
    expect(lines[2]).toMatch(/ {2}postgres {2}PLAN promote pg2: 1 step$/);
    expect(lines[3]).toMatch(/ {2}⊘ REFUSED \(read-only mode: refused to run pg_ctl\) {2}pg2, local as postgres: pg_ctl promote$/);
    expect(lines[4]).toBe('? line 5 is not a journal entry (cut short?): {"cut short by a cra');
    expect(stderr).toBe(`${file}: unreadable line 5\n`);
  });

  it('never crashes on an entry it does not know or one with missing fields: prints it as best it can', async () => {
    const file = path.join(await tempDir(), 'audit.jsonl');
    const lines = [
      { kind: 'plan', at: ago(HOUR), title: 'no operator here', steps: [] },
      { kind: 'command', at: ago(HOUR), operator: 'not an object', program: 'pg_ctl' },
      { kind: 'rebuild-progress', at: ago(HOUR), operator, percent: 40 },
      { at: 'not a time' },
      { kind: 'step', phase: 'later', at: ago(HOUR), operator },
      { kind: 'outcome', at: ago(HOUR), operator, outcome: 'exploded', plan: 'x' },
      [1, 2],
      'a string',
      { kind: 'plan', at: ago(HOUR), operator, title: 'escape \u001b[31mred\u001b[0m and host=h password=leaked', steps: {} },
    ];
    await appendFile(file, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
    const { lines: out, stderr } = await run({ json: false, file });
    expect(out).toHaveLength(9);
    expect(out[0]).toMatch(/ {2}\? {2}PLAN no operator here: 0 steps$/);
    expect(out[1]).toMatch(/ {2}\? {2}\? \? {2}\?: pg_ctl$/);
    expect(out[2]).toMatch(/root \(sudo alice, ssh 10\.0\.0\.5\) {2}\? rebuild-progress pgcockpit does not know: \{"kind":"rebuild-progress",.*"percent":40\}$/);
    expect(out[3]).toMatch(/^\?{4}-\?\?-\?\? \?\?:\?\?:\?\? {2}\? {2}\? entry pgcockpit does not know/);
    expect(out[4]).toMatch(/\? step \?\/\? on \?: \?$/);
    expect(out[5]).toMatch(/\? x: ended exploded$/);
    expect(out[6]).toContain('? line 7 is not a journal entry');
    expect(out[7]).toContain('? line 8 is not a journal entry');
    expect(out[8]).toMatch(/PLAN escape red and host=h password=\*{8}: \? steps$/);
    expect(out.join('\n')).not.toContain('\u001b');
    expect(stderr).toBe(`${file}: unreadable lines 7, 8\n`);
  });

  it('shows steps with their SQL and commands, statements, and the outcome: succeeded, failed at step N, interrupted after step N', async () => {
    const file = path.join(await tempDir(), 'audit.jsonl');
    const plan = 'switchover: make pg2 the primary, pg1 a standby of it';
    const base = { at: ago(HOUR), operator: { user: 'root' }, plan };
    const entries = [
      { kind: 'step', ...base, step: 2, total: 10, node: 'pg1', description: 'stop pg1 cleanly', phase: 'started', detail: 'pg_ctl -D /d -m fast -w stop\nwait' },
      { kind: 'step', ...base, step: 2, total: 10, node: 'pg1', description: 'stop pg1 cleanly', phase: 'succeeded', result: 'pg1 stopped', durationMs: 1200 },
      { kind: 'sql', ...base, step: 8, node: 'pg3', sql: "alter system set primary_conninfo = 'host=h password=x'", outcome: 'succeeded', durationMs: 3 },
      { kind: 'step', ...base, step: 4, total: 10, node: 'pg2', description: 'wait', phase: 'failed', error: 'timed out', durationMs: 60_000 },
      { kind: 'outcome', ...base, node: 'pg2', outcome: 'succeeded', total: 10, completedSteps: 10, elapsedMs: 12_000 },
      { kind: 'outcome', ...base, node: 'pg2', outcome: 'failed', step: 4, total: 10, completedSteps: 3, error: 'timed out', elapsedMs: 61_000 },
      { kind: 'outcome', ...base, node: 'pg2', outcome: 'interrupted', step: 2, total: 10, completedSteps: 2, signal: 'SIGINT', advice: 'pg1 is left stopped; start it: pg_ctl start', elapsedMs: 2000 },
    ];
    await appendFile(file, entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
    const { stdout } = await run({ json: false, file });
    const out = stdout.trimEnd().split('\n').map((line) => line.replace(/^\S+ \S+ {2}root {2}/, ''));
    expect(out).toEqual([
      '▶ step 2/10 on pg1: stop pg1 cleanly',
      '      pg_ctl -D /d -m fast -w stop',
      '      wait',
      '✓ step 2/10 on pg1 after 1.2 s: pg1 stopped',
      "  SQL ✓ step 8 on pg3 after 3 ms: alter system set primary_conninfo = 'host=h password=********'",
      '✗ step 4/10 on pg2 failed after 1 min: timed out',
      `✓ SUCCEEDED ${plan}: all 10 steps done in 12 s`,
      `✗ FAILED ${plan} at step 4/10 in 1 min 1 s: timed out`,
      `■ INTERRUPTED ${plan} after step 2/10 (SIGINT) in 2 s; pg1 is left stopped; start it: pg_ctl start`,
    ]);
  });

  it('--since a duration or an ISO time keeps only the entries since then', async () => {
    const file = await journal();
    const twoHours = await run({ json: false, file, since: parseSince('2h', now) });
    expect(twoHours.lines).toHaveLength(2);
    expect(twoHours.lines[0]).toContain('PLAN promote pg2');
    const iso = await run({ json: false, file, since: new Date(ago(45 * 60_000)) });
    expect(iso.lines).toHaveLength(1);
    expect(iso.lines[0]).toContain('REFUSED');
    expect((await run({ json: false, file, since: parseSince(new Date(now.getTime() + 1000).toISOString(), now) })).lines).toEqual([]);
  });

  it('--json prints the journal lines as written', async () => {
    const { lines } = await run({ json: true, file: await journal(), since: parseSince('90m', now) });
    expect(lines.map((line) => JSON.parse(line) as AuditEntry)).toEqual(entries.slice(2));
  });

  it('no journal yet: says where it will be, prints nothing', async () => {
    const file = path.join(await tempDir(), 'none', 'audit.jsonl');
    const { stdout, stderr } = await run({ json: false, file });
    expect(stdout).toBe('');
    expect(stderr).toContain(`no audit journal yet: ${file}`);
  });
});

describe('parseSince', () => {
  const at = new Date('2026-03-01T12:00:00Z');
  it('takes durations back from now', () => {
    expect(parseSince('2h', at).toISOString()).toBe('2026-03-01T10:00:00.000Z');
    expect(parseSince('90s', at).toISOString()).toBe('2026-03-01T11:58:30.000Z');
    expect(parseSince('15m', at).toISOString()).toBe('2026-03-01T11:45:00.000Z');
    expect(parseSince('1h30m', at).toISOString()).toBe('2026-03-01T10:30:00.000Z');
    expect(parseSince('1d', at).toISOString()).toBe('2026-02-28T12:00:00.000Z');
    expect(parseSince('1w', at).toISOString()).toBe('2026-02-22T12:00:00.000Z');
    expect(parseSince('0.5h', at).toISOString()).toBe('2026-03-01T11:30:00.000Z');
  });

  it('takes ISO times', () => {
    expect(parseSince('2026-02-01T08:00:00Z', at).toISOString()).toBe('2026-02-01T08:00:00.000Z');
    expect(parseSince('2026-02-01', at).toISOString()).toBe('2026-02-01T00:00:00.000Z');
    expect(parseSince('2026-02-01T08:00', at).getTime()).toBe(new Date(2026, 1, 1, 8, 0).getTime());
  });

  it('refuses anything else, saying what it takes', () => {
    for (const bad of ['2', 'yesterday', '2h ago', '', '5x', '2026-13-45']) {
      expect(() => parseSince(bad, at)).toThrow('is neither a time (2024-05-01T10:00, 2024-05-01) nor a duration (90s, 15m, 2h, 1d)');
    }
  });
});
