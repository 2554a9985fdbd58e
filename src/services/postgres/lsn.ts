/**
 * WAL positions (pg_lsn) as PostgreSQL prints them: two hex numbers, the high
 * and low 32 bits of a 64-bit byte position ("16/B374D848"). A bigint holds
 * all 64 bits; Number would lose precision past 2^53.
 */
const LSN = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/;

/** "16/B374D848" → 0x16B374D848n. Throws on anything that is not an LSN. */
export function parseLsn(text: string): bigint {
  const match = LSN.exec(text.trim());
  if (!match) throw new Error(`not a WAL position (LSN): "${text}"`);
  return (BigInt(`0x${match[1]}`) << 32n) | BigInt(`0x${match[2]}`);
}

/** 0x16B374D848n → "16/B374D848", the way pg_lsn prints (upper case, no padding). */
export function formatLsn(lsn: bigint): string {
  if (lsn < 0n || lsn > 0xffffffffffffffffn) throw new RangeError(`WAL position out of range: ${lsn}`);
  const high = lsn >> 32n;
  const low = lsn & 0xffffffffn;
  return `${high.toString(16).toUpperCase()}/${low.toString(16).toUpperCase()}`;
}

/**
 * a − b in bytes, like pg_wal_lsn_diff(a, b); null when either is unknown
 * (a standby's LSNs are null before its first WAL arrives, a primary's receive LSN always is).
 */
export function lsnDiffBytes(a: string | null | undefined, b: string | null | undefined): number | null {
  if (a == null || b == null) return null;
  return Number(parseLsn(a) - parseLsn(b));
}
