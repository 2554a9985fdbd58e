import { describe, expect, it } from 'vitest';
import { formatLsn, lsnDiffBytes, parseLsn } from '../../src/services/postgres/lsn.js';

describe('parseLsn', () => {
  it.each([
    ['0/0', 0n],
    ['0/3000148', 0x3000148n],
    ['16/B374D848', 0x16b374d848n],
    ['16/b374d848', 0x16b374d848n],
    ['FFFFFFFF/FFFFFFFF', 0xffffffffffffffffn],
    // Zero-padded low part, as newer servers print it.
    ['0/03000148', 0x3000148n],
  ])('%s → %s', (text, lsn) => {
    expect(parseLsn(text)).toBe(lsn);
  });

  it.each(['', '16', '16/', '/B374D848', '16/B374D848/1', 'G/0', '1/123456789', '-1/0', '0x16/0'])(
    'rejects %j',
    (text) => {
      expect(() => parseLsn(text)).toThrow(/not a WAL position/);
    },
  );
});

describe('formatLsn', () => {
  it.each([
    [0n, '0/0'],
    [0x3000148n, '0/3000148'],
    [0x16b374d848n, '16/B374D848'],
    [0x100000000n, '1/0'],
    [0xffffffffffffffffn, 'FFFFFFFF/FFFFFFFF'],
  ])('%s → %s', (lsn, text) => {
    expect(formatLsn(lsn)).toBe(text);
  });

  it('round-trips what the server prints', () => {
    for (const text of ['0/0', '0/16B3748', '16/B374D848', 'A/1', 'FFFFFFFF/FFFFFFFF']) expect(formatLsn(parseLsn(text))).toBe(text);
  });

  it('refuses positions outside 64 bits', () => {
    expect(() => formatLsn(-1n)).toThrow(RangeError);
    expect(() => formatLsn(1n << 64n)).toThrow(RangeError);
  });
});

describe('lsnDiffBytes', () => {
  it('is a − b in bytes, like pg_wal_lsn_diff', () => {
    expect(lsnDiffBytes('0/3000148', '0/3000000')).toBe(0x148);
    expect(lsnDiffBytes('0/3000000', '0/3000148')).toBe(-0x148);
    expect(lsnDiffBytes('16/B374D848', '16/B374D848')).toBe(0);
  });

  it('crosses the 4 GB boundary between the two halves', () => {
    expect(lsnDiffBytes('1/0', '0/FFFFFFFF')).toBe(1);
    expect(lsnDiffBytes('2/10', '1/0')).toBe(2 ** 32 + 16);
  });

  it('is null when either side is unknown', () => {
    expect(lsnDiffBytes(null, '0/0')).toBeNull();
    expect(lsnDiffBytes('0/0', null)).toBeNull();
    expect(lsnDiffBytes(undefined, undefined)).toBeNull();
  });
});
