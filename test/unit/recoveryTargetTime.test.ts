import { describe, expect, it } from 'vitest';
import { readTargetTime } from '../../src/services/pitr/recoveryTargetTime.js';

describe('readTargetTime', () => {
  it("writes the runbook's own time with an explicit numeric offset, and says how the server shows it", () => {
    expect(readTargetTime('2022-04-24 18:16:29.651735+09', 'Etc/UTC')).toEqual({
      ok: true,
      value: '2022-04-24 18:16:29.651735+09:00',
      utc: '2022-04-24 09:16:29.651735Z',
      reading: 'read at offset +09:00: 2022-04-24 18:16:29.651735+09:00 (2022-04-24 09:16:29.651735Z); Etc/UTC shows it as 2022-04-24 09:16:29.651735+00:00',
    });
  });

  it('takes ISO 8601 and PostgreSQL forms, Z, UTC and zone names', () => {
    expect(readTargetTime('2026-11-30T12:00:00Z', 'Europe/Berlin')).toMatchObject({ value: '2026-11-30 12:00:00+00:00', utc: '2026-11-30 12:00:00Z' });
    expect(readTargetTime('2026-11-30 12:00 UTC', 'Europe/Berlin')).toMatchObject({ value: '2026-11-30 12:00:00+00:00' });
    expect(readTargetTime('2026-11-30 12:00:00 Asia/Tokyo', 'Etc/UTC')).toMatchObject({ value: '2026-11-30 12:00:00+09:00', utc: '2026-11-30 03:00:00Z' });
    expect(readTargetTime('2026-07-01 12:00:00-0430', 'Etc/UTC')).toMatchObject({ value: '2026-07-01 12:00:00-04:30' });
  });

  it("without a zone, reads it in the server's TimeZone (summer and winter), and says so", () => {
    const winter = readTargetTime('2026-11-30 12:00:00', 'Europe/Berlin');
    expect(winter).toMatchObject({ ok: true, value: '2026-11-30 12:00:00+01:00', utc: '2026-11-30 11:00:00Z' });
    expect(winter.ok && winter.reading).toMatch(/in the server's TimeZone Europe\/Berlin \(no zone was given\)/);
    expect(readTargetTime('2026-07-01 12:00:00', 'Europe/Berlin')).toMatchObject({ value: '2026-07-01 12:00:00+02:00' });
  });

  it('refuses abbreviations, impossible dates, times that do not exist or happen twice, and unknown zones', () => {
    expect(readTargetTime('2026-11-30 12:00:00 CST', 'Etc/UTC')).toMatchObject({ ok: false, reason: expect.stringMatching(/"CST" is a zone abbreviation.*PostgreSQL 18/) });
    expect(readTargetTime('2026-02-30 12:00:00Z', 'Etc/UTC')).toMatchObject({ ok: false, reason: expect.stringMatching(/not a valid date/) });
    expect(readTargetTime('yesterday', 'Etc/UTC')).toMatchObject({ ok: false, reason: expect.stringMatching(/is not a time/) });
    expect(readTargetTime('2026-03-29 02:30:00', 'Europe/Berlin')).toMatchObject({ ok: false, reason: expect.stringMatching(/does not exist in Europe\/Berlin/) });
    expect(readTargetTime('2026-10-25 02:30:00', 'Europe/Berlin')).toMatchObject({ ok: false, reason: expect.stringMatching(/happens twice in Europe\/Berlin.*\+02:00 or \+01:00|\+01:00 or \+02:00/) });
    expect(readTargetTime('2026-11-30 12:00:00 Mars/Olympus', 'Etc/UTC')).toMatchObject({ ok: false, reason: expect.stringMatching(/not a zone this machine knows/) });
  });
});
