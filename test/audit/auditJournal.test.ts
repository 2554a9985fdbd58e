import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AuditEntry, CommandRecord } from '../../src/services/audit/auditEntry.js';
import { AuditJournal } from '../../src/services/audit/auditJournal.js';
import { defaultAuditPath } from '../../src/services/audit/defaultAuditPath.js';

const tempDirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pgcockpit-audit-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const read = async (file: string) => (await readFile(file, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as AuditEntry);

function commandRecord(overrides: Partial<CommandRecord> = {}): CommandRecord {
  return {
    title: 'promote',
    node: 'pg2',
    where: 'local as postgres',
    osUser: 'postgres',
    program: '/usr/lib/postgresql/16/bin/pg_ctl',
    args: ['-D', '/var/lib/postgresql/16/main', 'promote'],
    envKeys: [],
    mutating: true,
    startedAt: Date.parse('2026-01-02T03:04:05.000Z'),
    endedAt: Date.parse('2026-01-02T03:04:07.500Z'),
    outcome: 'succeeded',
    exitCode: 0,
    signal: null,
    durationMs: 2500,
    ...overrides,
  };
}

describe('audit journal', () => {
  it('lives in $XDG_STATE_HOME/pgcockpit/audit.jsonl, default ~/.local/state (a relative XDG_STATE_HOME is ignored)', () => {
    expect(defaultAuditPath({ XDG_STATE_HOME: '/srv/state' }, '/home/dba')).toBe('/srv/state/pgcockpit/audit.jsonl');
    expect(defaultAuditPath({}, '/home/dba')).toBe('/home/dba/.local/state/pgcockpit/audit.jsonl');
    expect(defaultAuditPath({ XDG_STATE_HOME: 'state' }, '/home/dba')).toBe('/home/dba/.local/state/pgcockpit/audit.jsonl');
  });

  it('creates the file 0600 in a 0700 directory, and tightens a file that was left readable', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'state', 'pgcockpit', 'audit.jsonl');
    await new AuditJournal({ file }).recordPlan('promote pg2', ['checkpoint on pg1', 'pg_ctl promote']);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(path.dirname(file))).mode & 0o777).toBe(0o700);
    expect((await stat(path.join(dir, 'state'))).mode & 0o777).toBe(0o700);

    const loose = path.join(dir, 'loose.jsonl');
    await writeFile(loose, '');
    await chmod(loose, 0o644);
    await new AuditJournal({ file: loose }).recordPlan('x', []);
    expect((await stat(loose)).mode & 0o777).toBe(0o600);
  });

  it('records plans and commands with who, from where, and when, in order, one JSON object a line', async () => {
    const file = path.join(await tempDir(), 'audit.jsonl');
    const journal = new AuditJournal({ file, operator: { user: 'root', sudoUser: 'alice', sshClient: '10.0.0.5 53422 22' } });
    await Promise.all([
      journal.recordPlan('promote pg2', ['checkpoint on pg1', { title: 'promote', command: ['pg_ctl', 'promote'] }], { node: 'pg2' }),
      journal.recordCommand(commandRecord()),
      journal.recordCommand(commandRecord({ outcome: 'failed', exitCode: 1 })),
    ]);
    const entries = await read(file);
    expect(entries.map((entry) => entry.kind)).toEqual(['plan', 'command', 'command']);
    expect(entries[0]).toMatchObject({
      kind: 'plan',
      title: 'promote pg2',
      node: 'pg2',
      steps: ['checkpoint on pg1', { title: 'promote', command: ['pg_ctl', 'promote'] }],
      operator: { user: 'root', sudoUser: 'alice', sshClient: '10.0.0.5 53422 22' },
    });
    expect(Date.now() - Date.parse(entries[0]!.at)).toBeLessThan(60_000);
    expect(entries[1]).toEqual({
      kind: 'command',
      at: '2026-01-02T03:04:07.500Z',
      startedAt: '2026-01-02T03:04:05.000Z',
      endedAt: '2026-01-02T03:04:07.500Z',
      title: 'promote',
      node: 'pg2',
      where: 'local as postgres',
      osUser: 'postgres',
      program: '/usr/lib/postgresql/16/bin/pg_ctl',
      args: ['-D', '/var/lib/postgresql/16/main', 'promote'],
      envKeys: [],
      mutating: true,
      outcome: 'succeeded',
      exitCode: 0,
      signal: null,
      durationMs: 2500,
      operator: { user: 'root', sudoUser: 'alice', sshClient: '10.0.0.5 53422 22' },
    });
  });

  it('the operator defaults to this process\'s user, $SUDO_USER and $SSH_CLIENT', async () => {
    const file = path.join(await tempDir(), 'audit.jsonl');
    await new AuditJournal({ file }).recordPlan('x', []);
    const [entry] = await read(file);
    expect(entry!.operator.user).toBe(os.userInfo().username);
    expect(entry!.operator.sshClient).toBe(process.env.SSH_CLIENT);
  });

  it('masks the secrets of a plan, and passwords spelled out anywhere', async () => {
    const file = path.join(await tempDir(), 'audit.jsonl');
    const journal = new AuditJournal({ file });
    await journal.recordPlan('rebuild pg3', [{ sql: "ALTER ROLE replication PASSWORD 'plan-Secret-1'" }, 'write the passfile with plan-Secret-2'], {
      secrets: ['plan-Secret-2'],
    });
    await journal.recordCommand(commandRecord({ args: ['-d', 'host=db1 password=forgot-To-Mask'] }));
    const text = await readFile(file, 'utf8');
    for (const secret of ['plan-Secret-1', 'plan-Secret-2', 'forgot-To-Mask']) expect(text).not.toContain(secret);
    expect(text).toContain('write the passfile with ********');
  });

  it('a journal that cannot be written is an error for the caller, every time (the write queue never sticks)', async () => {
    const dir = await tempDir();
    const blocker = path.join(dir, 'not-a-dir');
    await writeFile(blocker, '');
    const journal = new AuditJournal({ file: path.join(blocker, 'audit.jsonl') });
    await expect(journal.recordPlan('x', [])).rejects.toThrow();
    await expect(journal.recordPlan('y', [])).rejects.toThrow();
  });
});
