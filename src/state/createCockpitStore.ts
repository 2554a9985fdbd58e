import { createStore } from 'zustand/vanilla';
import type { CockpitConfig } from '../services/config/schema.js';
import type { JobRecord } from '../services/runner/jobRecord.js';
import type { LogLine } from '../services/runner/logLine.js';
import type { BackupsSlice } from './slices/backups.js';
import { createBackupsSlice } from './slices/backups.js';
import type { ClusterSlice } from './slices/cluster.js';
import { createClusterSlice } from './slices/cluster.js';
import type { JobsSlice } from './slices/jobs.js';
import { createJobsSlice } from './slices/jobs.js';
import type { LogSlice } from './slices/log.js';
import { createLogSlice } from './slices/log.js';
import type { OperationSlice } from './slices/operation.js';
import { createOperationSlice } from './slices/operation.js';
import type { UiSlice } from './slices/ui.js';
import { createUiSlice } from './slices/ui.js';

export type { JobRecord, LogLine };
export { INTERVAL_STEPS_MS, MAX_INTERVAL_MS, MIN_INTERVAL_MS } from './slices/cluster.js';
export { LOG_CAPACITY } from './slices/log.js';
export type { Focus, Overlay } from './slices/ui.js';

/**
 * The cockpit's state, one slice per concern (src/state/slices/*), each with
 * its own state and actions: cluster (the poller's view, rebuild marks, poll
 * control), log (the ring buffer and the DBA's place in it), jobs, operation
 * (the runbook in the modal), ui (selection, focus, overlays, questions) and
 * backups (the picker's catalog, filter, details and delete question).
 * An action may write other slices' fields in its own set(): one poll result,
 * one plan event, one render.
 */
export interface CockpitState extends ClusterSlice, LogSlice, JobsSlice, OperationSlice, UiSlice, BackupsSlice {}

export type CockpitStore = ReturnType<typeof createCockpitStore>;

/** One store per cockpit (and per test): services write, views select. */
export function createCockpitStore(config: Pick<CockpitConfig, 'cluster' | 'nodes'>, refreshIntervalMs = 1000, options: { readOnly?: boolean } = {}) {
  return createStore<CockpitState>()((...slice) => ({
    ...createClusterSlice(config, { refreshIntervalMs, readOnly: options.readOnly ?? false })(...slice),
    ...createLogSlice(...slice),
    ...createJobsSlice(...slice),
    ...createOperationSlice(...slice),
    ...createUiSlice(...slice),
    ...createBackupsSlice(...slice),
  }));
}
