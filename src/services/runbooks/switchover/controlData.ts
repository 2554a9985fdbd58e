/** What a switchover needs of pg_controldata's output. */
export interface ControlData {
  /** "Database cluster state": "shut down", "in production", "shut down in recovery", ... */
  clusterState: string;
  /** "Latest checkpoint location": after a clean shutdown, the shutdown checkpoint's LSN. */
  latestCheckpointLsn: string;
  /** "Latest checkpoint's TimeLineID". */
  timeline: number | null;
}

/** One labelled line of pg_controldata's output (LC_ALL=C): "Latest checkpoint location:    0/5000028" → "0/5000028". */
export const controlDataField = (text: string, label: string): string | undefined => {
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0 && line.slice(0, colon).trim() === label) return line.slice(colon + 1).trim();
  }
  return undefined;
};

/**
 * Reads pg_controldata's output (run with LC_ALL=C). Throws naming the field
 * when one the switchover relies on is missing or malformed.
 */
export function parseControlData(output: string): ControlData {
  const clusterState = controlDataField(output, 'Database cluster state');
  if (clusterState === undefined) throw new Error('pg_controldata: no "Database cluster state:" line in its output');
  const latestCheckpointLsn = controlDataField(output, 'Latest checkpoint location');
  if (latestCheckpointLsn === undefined || !/^[0-9A-F]{1,8}\/[0-9A-F]{1,8}$/i.test(latestCheckpointLsn)) {
    throw new Error(`pg_controldata: no valid "Latest checkpoint location:" line in its output (${latestCheckpointLsn ?? 'missing'})`);
  }
  const timelineText = controlDataField(output, "Latest checkpoint's TimeLineID");
  const timeline = timelineText !== undefined && /^\d+$/.test(timelineText) ? Number(timelineText) : null;
  return { clusterState, latestCheckpointLsn, timeline };
}

/** A primary stopped cleanly says exactly this; "shut down in recovery" is a standby's. */
export const CLEAN_SHUTDOWN_STATE = 'shut down';
