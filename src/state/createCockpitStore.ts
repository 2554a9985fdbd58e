import { createStore } from 'zustand/vanilla';
import type { Alert, ClusterView, StandbyLink } from '../services/cluster/clusterView.js';
import type { LastSeenSlots } from '../services/cluster/lastSeenSlots.js';
import { rememberSlots } from '../services/cluster/lastSeenSlots.js';
import type { NodeSnapshot } from '../services/cluster/nodeSnapshot.js';
import { unpolledSnapshot } from '../services/cluster/nodeSnapshot.js';
import type { CockpitConfig } from '../services/config/schema.js';
import type { JobRecord } from '../services/runner/jobRecord.js';
import type { LogLine } from '../services/runner/logLine.js';
import type { NodeSample } from './nodeHistory.js';
import { appendSamples } from './nodeHistory.js';
import { stillNeedingRebuild } from './needsRebuild.js';
import type { Operation, OperationChoices, OperationKind, OperationOutcome, OperationPlan } from './operation.js';

export type { JobRecord, LogLine };

/** Which part of the screen hears the keys that panes listen to. */
export type Focus = 'nodes' | 'log';
/** What covers the node grid, if anything. */
export type Overlay = 'none' | 'help' | 'detail';

export const MIN_INTERVAL_MS = 500;
export const MAX_INTERVAL_MS = 10_000;
/** The steps +/- walk through. */
export const INTERVAL_STEPS_MS = [500, 1000, 2000, 5000, 10_000] as const;

export interface CockpitState {
  // cluster slice: written once per tick by the poller
  clusterName: string;
  nodes: NodeSnapshot[];
  links: StandbyLink[];
  alerts: Alert[];
  lastTickAt?: number;
  /** Last 10 minutes of lag and retention per node, for sparklines and forecasts. */
  history: Record<string, NodeSample[]>;
  /** Each node's replication slots as last seen while it answered: a failover lists those the dead primary held. */
  lastSeenSlots: Record<string, LastSeenSlots>;

  /** pgcockpit --read-only: commands that change anything are refused (by the runners); the header says so. */
  readOnly: boolean;

  // poll control: the views change these, the poller follows
  refreshIntervalMs: number;
  paused: boolean;
  /** Bumped by "refresh now"; the poller ticks when it changes. */
  refreshRequests: number;

  // log slice
  log: LogLine[];
  /** Lines ever appended (the ring buffer keeps the last LOG_CAPACITY). */
  logAppended: number;

  // jobs slice
  jobs: JobRecord[];
  /**
   * Running jobs the DBA asked to stop. The job-control service (which holds
   * each job's AbortController) watches this and aborts them; finishJob drops
   * a job from it.
   */
  cancelRequested: number[];

  // ui slice
  selectedNode: number;
  focus: Focus;
  overlay: Overlay;

  // log view (ui slice). Positions are absolute line numbers: line i of `log` is
  // number logAppended - log.length + i, so they stay valid as the ring buffer drops old lines.
  /** Just past the bottom line shown; null: follow the tail (the newest lines show). */
  logViewEnd: number | null;
  /** The search being typed; null when the search input is closed. */
  logSearchDraft: string | null;
  /** The confirmed search ('' for none): its matches are highlighted, n/N step through them. */
  logSearchQuery: string;
  /** The line of the active match, if any. */
  logSearchMatch: number | null;
  /** The log takes the whole screen between header and footer. */
  logFullScreen: boolean;

  // job view (ui slice)
  /** The running job the "stop it?" question is about; null: no question open. */
  stopJobPrompt: number | null;
  /** A one-line message for the DBA ("a job is running: stop it first"), gone at the next key. */
  notice: string | null;

  // operation (ui slice): a runbook asked for on a node, planned and confirmed through the modal
  /** The runbook asked for last; null: none (or cancelled). The operations glue plans and runs it. */
  operation: Operation | null;
  /** Nodes a runbook left needing a rebuild (the old primary after a failover): their panes say NEEDS REBUILD. */
  needsRebuild: readonly string[];

  applyView(view: ClusterView): void;
  appendLog(text: string, stream?: LogLine['stream']): void;
  /** Many lines in one set(): the job layer coalesces output so a flood renders a few times a second. */
  appendLogLines(lines: readonly LogLine[]): void;
  startJob(job: Omit<JobRecord, 'status'>): void;
  finishJob(id: number, outcome: Pick<JobRecord, 'status' | 'endedAt' | 'exitCode' | 'signal'>): void;
  /** A running job's progress, 0..1 (clamped); unchanged values cost no update. */
  setJobProgress(id: number, fraction: number): void;
  /** Asks the job-control service to stop a running job (ignored for a job that is not running). */
  requestJobCancel(id: number): void;
  /** Opens the "stop it?" question for a running job. */
  askStopJob(id: number): void;
  dismissStopJob(): void;
  showNotice(text: string): void;
  clearNotice(): void;
  selectNode(index: number): void;
  moveSelection(delta: number): void;
  cycleFocus(): void;
  openOverlay(overlay: Overlay): void;
  closeOverlay(): void;
  togglePause(): void;
  /** One step faster (-1) or slower (+1) through INTERVAL_STEPS_MS. */
  stepInterval(direction: -1 | 1): void;
  requestRefresh(): void;
  /** Moves the view `delta` lines (negative: older), keeping `page` lines in view; reaching the tail follows it again. */
  scrollLog(delta: number, page: number): void;
  /** The oldest `page` lines kept. */
  scrollLogToTop(page: number): void;
  /** Back to the tail: new lines show as they come. */
  followLog(): void;
  /** Brings line `line` into a view of `page` lines (centred when it was out of view) and stops following. */
  showLogLine(line: number, page: number): void;
  startLogSearch(): void;
  editLogSearch(draft: string): void;
  /** Closes the search input; a search confirmed earlier stays. */
  cancelLogSearch(): void;
  /** Closes the input and makes `query` the search, with `match` (found by the caller) active. */
  confirmLogSearch(query: string, match: number | null): void;
  setLogSearchMatch(match: number | null): void;
  /** No search: no highlights, n/N do nothing. */
  clearLogSearch(): void;
  toggleLogFullScreen(): void;
  /** Asks for a runbook on a node: the modal opens (planning) and the glue prepares its plan. Refused while one runs. */
  requestOperation(kind: OperationKind, target: string): void;
  /**
   * The operation asked again with these choices merged into its own (the
   * modal's Ctrl-F: fence, Ctrl-R: resume replay): same kind and target, back
   * to planning under a new id (a late plan for the old one is dropped), the
   * typed text cleared. Only from a plan being shown (phase confirm).
   */
  replanOperation(choices: OperationChoices): void;
  /** The plan for operation `id` (ignored once that request was cancelled or replaced): the modal shows it. */
  setOperationPlan(id: number, plan: OperationPlan): void;
  typeConfirmation(text: string): void;
  /** Closes the modal before anything ran; ignored once the steps run. */
  cancelOperation(): void;
  /** Starts the steps, only when the typed text is the confirm word exactly and the plan is not blocked. */
  confirmOperation(): void;
  /** The step executePlan announced last, with the lines that announce it (one set(): one render). */
  setOperationStep(id: number, step: { number: number; total: number }, lines?: readonly LogLine[]): void;
  /** Planning failed (the modal shows why) or the steps ended; nodes left needing a rebuild are marked, nodes rebuilt cleared. */
  operationFinished(id: number, outcome: OperationOutcome): void;
}

/** The log keeps this many lines; older ones fall off the front. */
export const LOG_CAPACITY = 10_000;

export type CockpitStore = ReturnType<typeof createCockpitStore>;

/** One store per cockpit (and per test): services write, views select. */
export function createCockpitStore(config: Pick<CockpitConfig, 'cluster' | 'nodes'>, refreshIntervalMs = 1000, options: { readOnly?: boolean } = {}) {
  return createStore<CockpitState>()((set) => ({
    clusterName: config.cluster,
    nodes: config.nodes.map(unpolledSnapshot),
    links: [],
    alerts: [],
    history: {},
    lastSeenSlots: {},
    refreshIntervalMs,
    readOnly: options.readOnly ?? false,
    paused: false,
    refreshRequests: 0,
    log: [],
    logAppended: 0,
    jobs: [],
    cancelRequested: [],
    selectedNode: 0,
    focus: 'nodes',
    overlay: 'none',
    logViewEnd: null,
    logSearchDraft: null,
    logSearchQuery: '',
    logSearchMatch: null,
    logFullScreen: false,
    stopJobPrompt: null,
    notice: null,
    operation: null,
    needsRebuild: [],

    // One poll result is one set(): one render per tick.
    applyView: (view) =>
      set((state) => ({
        nodes: view.nodes,
        links: view.links,
        alerts: view.alerts,
        lastTickAt: view.at,
        history: appendSamples(state.history, view),
        lastSeenSlots: rememberSlots(state.lastSeenSlots, view),
        // Same tick, same set(): a rebuilt node loses its mark as soon as it is seen streaming on the current timeline.
        needsRebuild: stillNeedingRebuild(state.needsRebuild, view),
      })),
    appendLog: (text, stream = 'info') =>
      set((state) => ({ log: appendBounded(state.log, [{ at: Date.now(), text, stream }]), logAppended: state.logAppended + 1 })),
    appendLogLines: (lines) =>
      set((state) => ({ log: appendBounded(state.log, lines), logAppended: state.logAppended + lines.length })),
    startJob: (job) => set((state) => ({ jobs: [...state.jobs, { ...job, status: 'running' }] })),
    // A finished job needs no stopping: its request and any question about it go.
    finishJob: (id, outcome) =>
      set((state) => ({
        jobs: state.jobs.map((job) => (job.id === id ? { ...job, ...outcome } : job)),
        cancelRequested: state.cancelRequested.includes(id) ? state.cancelRequested.filter((other) => other !== id) : state.cancelRequested,
        stopJobPrompt: state.stopJobPrompt === id ? null : state.stopJobPrompt,
      })),
    setJobProgress: (id, fraction) =>
      set((state) => {
        const progress = clamp(fraction, 0, 1);
        const job = state.jobs.find((candidate) => candidate.id === id);
        if (!job || job.progress === progress || Number.isNaN(progress)) return state;
        return { jobs: state.jobs.map((candidate) => (candidate === job ? { ...job, progress } : candidate)) };
      }),
    requestJobCancel: (id) =>
      set((state) => {
        const running = state.jobs.some((job) => job.id === id && job.status === 'running');
        return running && !state.cancelRequested.includes(id) ? { cancelRequested: [...state.cancelRequested, id] } : state;
      }),
    askStopJob: (id) =>
      set((state) => (state.jobs.some((job) => job.id === id && job.status === 'running') ? { stopJobPrompt: id } : state)),
    dismissStopJob: () => set({ stopJobPrompt: null }),
    showNotice: (text) => set({ notice: text }),
    clearNotice: () => set({ notice: null }),
    selectNode: (index) => set((state) => ({ selectedNode: clamp(index, 0, state.nodes.length - 1) })),
    moveSelection: (delta) =>
      set((state) => ({ selectedNode: (state.selectedNode + delta + state.nodes.length) % Math.max(1, state.nodes.length) })),
    cycleFocus: () => set((state) => ({ focus: state.focus === 'nodes' ? 'log' : 'nodes' })),
    openOverlay: (overlay) => set({ overlay }),
    closeOverlay: () => set({ overlay: 'none' }),
    togglePause: () => set((state) => ({ paused: !state.paused })),
    stepInterval: (direction) =>
      set((state) => {
        const steps: readonly number[] = INTERVAL_STEPS_MS;
        const current = steps.findIndex((step) => step >= state.refreshIntervalMs);
        const index = clamp((current === -1 ? steps.length - 1 : current) + direction, 0, steps.length - 1);
        return { refreshIntervalMs: steps[index] ?? state.refreshIntervalMs };
      }),
    requestRefresh: () => set((state) => ({ refreshRequests: state.refreshRequests + 1 })),
    // From where the view is drawn: an end the ring buffer has overtaken shows the oldest page kept.
    scrollLog: (delta, page) =>
      set((state) => ({ logViewEnd: followAtTail(state, keptViewEnd(state, keptViewEnd(state, state.logViewEnd ?? state.logAppended, page) + delta, page)) })),
    scrollLogToTop: (page) => set((state) => ({ logViewEnd: followAtTail(state, keptViewEnd(state, 0, page)) })),
    followLog: () => set({ logViewEnd: null }),
    // Stays put even at the tail: the match must not scroll away while lines stream in.
    showLogLine: (line, page) =>
      set((state) => {
        const end = keptViewEnd(state, state.logViewEnd ?? state.logAppended, page);
        const inView = line >= end - page && line < end;
        return { logViewEnd: keptViewEnd(state, inView ? end : line + Math.ceil(page / 2), page) };
      }),
    startLogSearch: () => set({ logSearchDraft: '' }),
    editLogSearch: (draft) => set({ logSearchDraft: draft }),
    cancelLogSearch: () => set({ logSearchDraft: null }),
    confirmLogSearch: (query, match) => set({ logSearchDraft: null, logSearchQuery: query, logSearchMatch: match }),
    setLogSearchMatch: (match) => set({ logSearchMatch: match }),
    clearLogSearch: () => set({ logSearchDraft: null, logSearchQuery: '', logSearchMatch: null }),
    toggleLogFullScreen: () => set((state) => ({ logFullScreen: !state.logFullScreen })),
    requestOperation: (kind, target) =>
      set((state) => {
        if (state.operation?.phase === 'running') return { notice: `${state.operation.kind} of ${state.operation.target} is running: one operation at a time` };
        return { operation: { id: (state.operation?.id ?? 0) + 1, kind, target, choices: {}, phase: 'planning', typed: '' } };
      }),
    replanOperation: (choices) =>
      set((state) => {
        const operation = state.operation;
        if (operation?.phase !== 'confirm') return state;
        return { operation: { id: operation.id + 1, kind: operation.kind, target: operation.target, choices: { ...operation.choices, ...choices }, phase: 'planning', typed: '' } };
      }),
    setOperationPlan: (id, plan) =>
      set((state) => (state.operation?.id === id && state.operation.phase === 'planning' ? { operation: { ...state.operation, phase: 'confirm', plan } } : state)),
    typeConfirmation: (text) => set((state) => (state.operation?.phase === 'confirm' ? { operation: { ...state.operation, typed: text } } : state)),
    cancelOperation: () =>
      set((state) => {
        const phase = state.operation?.phase;
        return phase === 'planning' || phase === 'confirm' || (phase === 'failed' && state.operation?.startedAt === undefined) ? { operation: null } : state;
      }),
    confirmOperation: () =>
      set((state) => {
        const operation = state.operation;
        if (operation?.phase !== 'confirm' || !operation.plan || operation.plan.blocked || operation.typed !== operation.plan.confirmWord) return state;
        return { operation: { ...operation, phase: 'running', startedAt: Date.now() } };
      }),
    setOperationStep: (id, step, lines = []) =>
      set((state) => {
        const running = state.operation?.id === id && state.operation.phase === 'running' ? state.operation : undefined;
        if (!running && lines.length === 0) return state;
        return {
          ...(running ? { operation: { ...running, step } } : {}),
          ...(lines.length > 0 ? { log: appendBounded(state.log, lines), logAppended: state.logAppended + lines.length } : {}),
        };
      }),
    operationFinished: (id, outcome) =>
      set((state) => {
        if (state.operation?.id !== id || state.operation.phase === 'done' || state.operation.phase === 'failed') return state;
        const rebuilt = outcome.rebuilt ?? [];
        const kept = rebuilt.length > 0 ? state.needsRebuild.filter((name) => !rebuilt.includes(name)) : state.needsRebuild;
        const marked = (outcome.needsRebuild ?? []).filter((name) => !kept.includes(name));
        return {
          operation: {
            ...state.operation,
            phase: outcome.succeeded ? 'done' : 'failed',
            ...(outcome.error !== undefined ? { error: outcome.error } : {}),
            ...(state.operation.startedAt !== undefined ? { endedAt: Date.now() } : {}),
          },
          needsRebuild: marked.length > 0 ? [...kept, ...marked] : kept,
        };
      }),
  }));
}

/** The log with `lines` added, keeping only the last LOG_CAPACITY lines. */
function appendBounded(log: readonly LogLine[], lines: readonly LogLine[]): LogLine[] {
  const keep = Math.max(0, LOG_CAPACITY - lines.length);
  const kept = log.length > keep ? log.slice(log.length - keep) : log.slice();
  for (const line of lines.length > LOG_CAPACITY ? lines.slice(lines.length - LOG_CAPACITY) : lines) kept.push(line);
  return kept;
}

/** A view end kept inside the buffer, with a full page above it when the log has that many lines. */
function keptViewEnd(state: Pick<CockpitState, 'log' | 'logAppended'>, end: number, page: number): number {
  const oldest = state.logAppended - state.log.length;
  return clamp(end, Math.min(oldest + Math.max(1, page), state.logAppended), state.logAppended);
}

/** A view scrolled down to the tail follows it again. */
function followAtTail(state: Pick<CockpitState, 'logAppended'>, end: number): number | null {
  return end >= state.logAppended ? null : end;
}

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, value));
}
