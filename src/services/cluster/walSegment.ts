import { parseLsn } from '../postgres/lsn.js';

/**
 * WAL segment file names, "000000020000000100000003": the timeline, then the
 * segment number split in two 8-hex-digit halves, the high one counting
 * 4 GiB "xlogids" (so with 16 MiB segments the low half runs 00..FF). Which
 * segments a server still has is compared by number, whatever the timeline:
 * a promotion copies the segment holding the switch point to the new timeline.
 */
const SEGMENT_NAME = /^([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})$/;
const XLOGID_BYTES = 0x1_0000_0000n;

/** The number of the segment holding `lsn` ("0/5000060" with 16 MiB segments → 5n). */
export function segmentNumberOf(lsn: string, segmentBytes: number): bigint {
  return parseLsn(lsn) / BigInt(segmentBytes);
}

/** The segment number in a segment file name; null for anything else (a .history or .partial file). */
export function segmentNumberOfName(name: string, segmentBytes: number): bigint | null {
  const match = SEGMENT_NAME.exec(name);
  if (!match) return null;
  return BigInt(`0x${match[2]}`) * (XLOGID_BYTES / BigInt(segmentBytes)) + BigInt(`0x${match[3]}`);
}

/** The file name of segment `segment` on `timeline`, as pg_walfile_name prints it. */
export function segmentName(timeline: number, segment: bigint, segmentBytes: number): string {
  const perId = XLOGID_BYTES / BigInt(segmentBytes);
  const hex = (value: bigint | number) => value.toString(16).toUpperCase().padStart(8, '0');
  return `${hex(timeline)}${hex(segment / perId)}${hex(segment % perId)}`;
}
