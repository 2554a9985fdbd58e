import type { NodeSample } from './nodeSample.js';
import { forecastHoursToFull } from './walFullForecast.js';

/**
 * Hours until pg_wal fills its file system, per node whose free space is
 * known, from how fast its slots' retained WAL has grown over the history
 * window. Nodes whose retention is not growing get no forecast.
 */
export function walFullForecasts(history: Record<string, NodeSample[]>, freeSpace: ReadonlyMap<string, number>): Map<string, number> {
  const forecasts = new Map<string, number>();
  for (const [node, free] of freeSpace) {
    const samples = (history[node] ?? []).flatMap((sample) =>
      sample.slotRetainedBytes === null ? [] : [{ at: sample.at, usedBytes: sample.slotRetainedBytes }],
    );
    const hours = forecastHoursToFull(samples, free);
    if (hours !== null) forecasts.set(node, hours);
  }
  return forecasts;
}
