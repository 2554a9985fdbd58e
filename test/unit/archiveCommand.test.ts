import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { archiveRestoreCommand, durableArchiveCommand, refusesArchivedSegment, safeArchiveCommand } from '../../src/services/postgres/archiveCommand.js';

/**
 * What the server does with archive_command / restore_command before handing it to /bin/sh
 * (shell_archive.c, BuildRestoreCommand): one left-to-right pass where %p and %f become the
 * path and file name, %% becomes %, and any other % stays as it is.
 */
function expandPercent(command: string, values: Record<string, string>): string {
  let out = '';
  for (let i = 0; i < command.length; i++) {
    const char = command.charAt(i);
    const next = command.charAt(i + 1);
    if (char === '%' && next in values) {
      out += values[next];
      i++;
    } else if (char === '%' && next === '%') {
      out += '%';
      i++;
    } else {
      out += char;
    }
  }
  return out;
}

const SEGMENT = '000000010000000000000003';

let tmp: string;
let dataDir: string;
let archiveDir: string;

/** Runs a command as the server does: /bin/sh -c, in the data directory. */
function runAsServer(command: string): number {
  const result = spawnSync('/bin/sh', ['-c', command], { cwd: dataDir, stdio: 'pipe' });
  return result.status ?? -1;
}

beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'pgcockpit-archive-'));
  dataDir = path.join(tmp, 'data');
  mkdirSync(path.join(dataDir, 'pg_wal'), { recursive: true });
  // Spaces, a single quote, %, and a %f that must not be expanded: all legal in a directory name.
  archiveDir = path.join(tmp, "wal archive 'o'brien' 100% %f");
  mkdirSync(archiveDir);
});

afterEach(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('safeArchiveCommand', () => {
  it('compares an archived copy, else copies to a .part name and renames, with the directory shell-quoted and plain %p/%f', () => {
    expect(safeArchiveCommand('/var/lib/pgcockpit/archive')).toBe(
      'if test -f /var/lib/pgcockpit/archive/%f; then cmp -s %p /var/lib/pgcockpit/archive/%f; ' +
        'else cp %p /var/lib/pgcockpit/archive/%f.$$.part && mv /var/lib/pgcockpit/archive/%f.$$.part /var/lib/pgcockpit/archive/%f; fi',
    );
  });

  it('doubles % in the directory (also a bare, unquoted one) so the server expands only its own %p and %f', () => {
    expect(safeArchiveCommand('/srv/100%')).toBe(
      'if test -f /srv/100%%/%f; then cmp -s %p /srv/100%%/%f; else cp %p /srv/100%%/%f.$$.part && mv /srv/100%%/%f.$$.part /srv/100%%/%f; fi',
    );
    expect(safeArchiveCommand('/srv/a%fb')).toContain('/srv/a%%fb/%f');
  });

  it('quotes a directory with spaces and a single quote for the shell', () => {
    expect(safeArchiveCommand("/srv/o'brien dir")).toContain("if test -f '/srv/o'\\''brien dir'/%f; then cmp -s %p '/srv/o'\\''brien dir'/%f;");
  });

  it('succeeds again for a segment the archive holds with identical content (the manual\'s advice)', () => {
    const command = expandPercent(safeArchiveCommand(archiveDir), { p: `pg_wal/${SEGMENT}`, f: SEGMENT });
    writeFileSync(path.join(dataDir, 'pg_wal', SEGMENT), 'segment 3');
    expect(runAsServer(command)).toBe(0);
    expect(runAsServer(command)).toBe(0);
    expect(readdirSync(archiveDir)).toEqual([SEGMENT]);
  });

  it('after the server expands %p/%f, really copies the segment into the archive and leaves no .part', () => {
    writeFileSync(path.join(dataDir, 'pg_wal', SEGMENT), 'segment 3, first write');
    const command = expandPercent(safeArchiveCommand(archiveDir), { p: `pg_wal/${SEGMENT}`, f: SEGMENT });
    expect(command).not.toContain('%%');

    expect(runAsServer(command)).toBe(0);
    expect(readdirSync(archiveDir)).toEqual([SEGMENT]);
    expect(readFileSync(path.join(archiveDir, SEGMENT), 'utf8')).toBe('segment 3, first write');
  });

  it('refuses (non-zero exit) to overwrite a segment already archived, and leaves it and the directory untouched', () => {
    const command = expandPercent(safeArchiveCommand(archiveDir), { p: `pg_wal/${SEGMENT}`, f: SEGMENT });
    writeFileSync(path.join(dataDir, 'pg_wal', SEGMENT), 'segment 3, first write');
    expect(runAsServer(command)).toBe(0);

    writeFileSync(path.join(dataDir, 'pg_wal', SEGMENT), 'segment 3, DIFFERENT');
    expect(runAsServer(command)).not.toBe(0);
    expect(readdirSync(archiveDir)).toEqual([SEGMENT]);
    expect(readFileSync(path.join(archiveDir, SEGMENT), 'utf8')).toBe('segment 3, first write');
  });

  it('fails (so the server retries) when the segment cannot be read, without leaving a file under the final name', () => {
    const command = expandPercent(safeArchiveCommand(archiveDir), { p: 'pg_wal/missing', f: SEGMENT });
    expect(runAsServer(command)).not.toBe(0);
    expect(existsSync(path.join(archiveDir, SEGMENT))).toBe(false);
  });

  it('the durable variant (archive setup) does the same, flushing the copy and the directory', () => {
    const command = expandPercent(durableArchiveCommand(archiveDir), { p: `pg_wal/${SEGMENT}`, f: SEGMENT });
    expect(command).toMatch(/\.\$\$\.part && sync .*\.\$\$\.part && mv .* && sync /);
    writeFileSync(path.join(dataDir, 'pg_wal', SEGMENT), 'segment 3');
    expect(runAsServer(command)).toBe(0);
    expect(runAsServer(command)).toBe(0);
    expect(readdirSync(archiveDir)).toEqual([SEGMENT]);
    writeFileSync(path.join(dataDir, 'pg_wal', SEGMENT), 'segment 3, DIFFERENT');
    expect(runAsServer(command)).not.toBe(0);
    expect(readFileSync(path.join(archiveDir, SEGMENT), 'utf8')).toBe('segment 3');
  });

  it('archives several segments side by side', () => {
    const segments = ['000000010000000000000001', '000000010000000000000002', '00000002.history'];
    for (const segment of segments) {
      writeFileSync(path.join(dataDir, 'pg_wal', segment), `content of ${segment}`);
      expect(runAsServer(expandPercent(safeArchiveCommand(archiveDir), { p: `pg_wal/${segment}`, f: segment }))).toBe(0);
    }
    expect(readdirSync(archiveDir).sort()).toEqual([...segments].sort());
  });
});

describe('refusesArchivedSegment', () => {
  it('flags the manual\'s test ! -f ... && cp and its [ ! -f ] spelling', () => {
    expect(refusesArchivedSegment('test ! -f /mnt/server/archivedir/%f && cp %p /mnt/server/archivedir/%f')).toBe(true);
    expect(refusesArchivedSegment('[ ! -f /archive/%f ] && cp %p /archive/%f')).toBe(true);
    expect(refusesArchivedSegment("test ! -f '/wal archive'/%f && cp %p '/wal archive'/%f.part && mv '/wal archive'/%f.part '/wal archive'/%f")).toBe(true);
  });

  it('does not flag a command that compares, nor archiving tools, nor a plain copy', () => {
    expect(refusesArchivedSegment(safeArchiveCommand('/archive'))).toBe(false);
    expect(refusesArchivedSegment('test ! -f /a/%f && cp %p /a/%f || cmp -s %p /a/%f')).toBe(false);
    expect(refusesArchivedSegment('pgbackrest --stanza=main archive-push %p')).toBe(false);
    expect(refusesArchivedSegment('wal-g wal-push %p')).toBe(false);
    expect(refusesArchivedSegment('cp %p /archive/%f')).toBe(false);
    expect(refusesArchivedSegment('')).toBe(false);
  });
});

describe('archiveRestoreCommand', () => {
  it('is cp from the quoted, %-doubled archive directory to %p', () => {
    expect(archiveRestoreCommand('/var/lib/pgcockpit/archive')).toBe('cp /var/lib/pgcockpit/archive/%f %p');
    expect(archiveRestoreCommand("/srv/o'brien 100%")).toBe("cp '/srv/o'\\''brien 100%%'/%f %p");
  });

  it('copies an archived segment back to where the server asks for it', () => {
    writeFileSync(path.join(dataDir, 'pg_wal', SEGMENT), 'segment 3');
    expect(runAsServer(expandPercent(safeArchiveCommand(archiveDir), { p: `pg_wal/${SEGMENT}`, f: SEGMENT }))).toBe(0);

    // The server restores into pg_wal/RECOVERYXLOG and expands %r too (unused here).
    const restore = expandPercent(archiveRestoreCommand(archiveDir), { p: 'pg_wal/RECOVERYXLOG', f: SEGMENT, r: '000000010000000000000001' });
    expect(runAsServer(restore)).toBe(0);
    expect(readFileSync(path.join(dataDir, 'pg_wal', 'RECOVERYXLOG'), 'utf8')).toBe('segment 3');
  });

  it('exits non-zero for a segment the archive does not hold (the end of the archive for recovery)', () => {
    const restore = expandPercent(archiveRestoreCommand(archiveDir), { p: 'pg_wal/RECOVERYXLOG', f: '000000010000000000000099' });
    expect(runAsServer(restore)).not.toBe(0);
    expect(existsSync(path.join(dataDir, 'pg_wal', 'RECOVERYXLOG'))).toBe(false);
  });
});

describe('expandPercent (the test model of the server)', () => {
  it('expands in one pass: %%f is a literal %f, not the file name', () => {
    expect(expandPercent('a%%fb %f %p %x %%', { p: 'P', f: 'F' })).toBe('a%fb F P %x %');
  });
});
