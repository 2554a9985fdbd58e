import { describe, expect, it } from 'vitest';
import { commandLine } from '../../src/services/os/shellQuote.js';
import { pgCtlArgv } from '../../src/services/postgres/pgCtl.js';
import { serviceCommand } from '../../src/services/runbooks/serviceControl.js';

const BIN = '/usr/lib/postgresql/16/bin';

describe('pgCtlArgv: the one place pg_ctl is spelt', () => {
  it('starts with a log file and a bounded wait', () => {
    expect(pgCtlArgv(BIN, '/srv/pg1/data', { action: 'start', logFile: '/srv/pg1/server.log', waitSeconds: 60 })).toEqual([
      `${BIN}/pg_ctl`, '-D', '/srv/pg1/data', '-l', '/srv/pg1/server.log', '-w', '-t', '60', 'start',
    ]);
  });
  it('stops in the mode asked, with pg_ctl\'s own wait unless one is given', () => {
    expect(pgCtlArgv(BIN, '/d', { action: 'stop', mode: 'immediate' })).toEqual([`${BIN}/pg_ctl`, '-D', '/d', '-m', 'immediate', '-w', 'stop']);
    expect(pgCtlArgv(BIN, '/d', { action: 'stop', mode: 'fast', waitSeconds: 300 })).toEqual([`${BIN}/pg_ctl`, '-D', '/d', '-m', 'fast', '-w', '-t', '300', 'stop']);
  });
  it('restarts with a log file (else the new postmaster keeps the runner\'s pipe open) and asks the status', () => {
    expect(pgCtlArgv(BIN, '/d', { action: 'restart', logFile: '/l', mode: 'fast', waitSeconds: 120 })).toEqual([
      `${BIN}/pg_ctl`, '-D', '/d', '-l', '/l', '-m', 'fast', '-w', '-t', '120', 'restart',
    ]);
    expect(pgCtlArgv(undefined, '/d', { action: 'status' })).toEqual(['pg_ctl', '-D', '/d', 'status']);
  });
});

describe('serviceCommand: a runbook\'s pg_ctl comes from pgCtlArgv', () => {
  const node = { name: 'pg1', host: '127.0.0.1', port: 5432, dataDir: "/srv/o'brien/pg1", pgBinDir: BIN } as Parameters<typeof serviceCommand>[0];
  it.each([
    ['start', { action: 'start', logFile: "/srv/o'brien/server.log", waitSeconds: 120 }],
    ['stop', { action: 'stop', mode: 'fast', waitSeconds: 300 }],
    ['restart', { action: 'restart', logFile: "/srv/o'brien/server.log", mode: 'fast', waitSeconds: 120 }],
    ['status', { action: 'status' }],
  ] as const)('%s', (action, request) => {
    const spec = serviceCommand(node, action);
    expect([spec.program, ...spec.args]).toEqual(pgCtlArgv(BIN, "/srv/o'brien/pg1", request));
  });
  it('shows it quoted for a shell, by the one joiner', () => {
    expect(commandLine(serviceCommand(node, 'status'))).toBe(`${BIN}/pg_ctl -D '/srv/o'\\''brien/pg1' status`);
  });
  it('leaves a configured service command alone but for its placeholders', () => {
    const custom = { ...node, service: { restart: ['sudo', 'systemctl', 'restart', 'postgresql@{node}'] } };
    expect(serviceCommand(custom, 'restart')).toMatchObject({ program: 'sudo', args: ['systemctl', 'restart', 'postgresql@pg1'], mutating: true });
  });
});
