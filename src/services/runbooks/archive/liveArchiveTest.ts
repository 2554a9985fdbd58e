/** What the live test saw: the segment switched out, and whether it reached the archive directory in time (ArchiveFacts.live). */
export interface LiveArchiveResult {
  segment: string;
  arrived: boolean;
  waitedMs: number;
  /** pg_stat_archiver.last_failed_wal when it did not arrive: the archive_command's last failure. */
  lastFailed: string | null;
}

export interface LiveArchiveIo {
  /** A statement on the primary; `mutating` for the two that write WAL (a commit, the switch). */
  sql<Row extends Record<string, unknown>>(text: string, mutating: boolean): Promise<Row[]>;
  /** Whether the segment is a file in the archive directory, as its host sees it (`test -f`). */
  archived(segment: string): Promise<boolean>;
  timeoutMs: number;
  /** Between two looks at pg_stat_archiver (default 250 ms). */
  pollMs?: number;
  signal?: AbortSignal;
}

/**
 * The archive's live test: commit a transaction (pg_switch_wal switches
 * nothing when no WAL was written since the last switch), switch the segment
 * out, then watch pg_stat_archiver until the archiver reports it (or a later
 * one) archived, and look for the file in the archive directory: the
 * archive_command returning 0 is not proof that the segment landed where PITR
 * will read it (the file is looked for once, when the archiver reports it).
 * The archiver is watched in SQL, not with `test -f` in a loop,
 * so a step's log gets one command, not one every 250 ms. WAL file names
 * compare as text in order (timeline, then position, fixed-width hex).
 */
export async function liveArchiveTest(io: LiveArchiveIo): Promise<LiveArchiveResult> {
  await io.sql('select txid_current()', true);
  const [switched] = await io.sql<{ segment: string }>('select pg_walfile_name(pg_switch_wal()) as segment', true);
  const segment = switched!.segment;
  const startedAt = Date.now();
  let lastFailed: string | null = null;
  while (Date.now() - startedAt < io.timeoutMs) {
    io.signal?.throwIfAborted();
    const [archiver] = await io.sql<{ last_archived_wal: string | null; last_failed_wal: string | null }>('select last_archived_wal, last_failed_wal from pg_stat_archiver', false);
    lastFailed = archiver?.last_failed_wal ?? null;
    // Reported archived: the file is there now or never (the command said 0 but wrote elsewhere).
    if ((archiver?.last_archived_wal ?? '') >= segment) return { segment, arrived: await io.archived(segment), waitedMs: Date.now() - startedAt, lastFailed };
    await new Promise((resolve) => setTimeout(resolve, io.pollMs ?? 250));
  }
  return { segment, arrived: false, waitedMs: Date.now() - startedAt, lastFailed };
}
