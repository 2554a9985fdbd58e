import type { JobRecord } from './jobRecord.js';

/** A running job's hold on its cancel: the signal to hand the runner, and the release when it ends. */
export interface JobRegistration {
  signal: AbortSignal;
  release(): void;
}

/** What runJob needs of job control. */
export interface JobSignals {
  /** A signal for job `id` that aborts on cancelJob(id) or when `signal` (the caller's own) aborts. */
  register(id: number, signal?: AbortSignal): JobRegistration;
}

export interface JobControl extends JobSignals {
  /** Stops a running job (its process tree locally, the remote process over SSH); false if no such job runs under control. */
  cancelJob(id: number): boolean;
  /** The jobs running under control now. */
  runningIds(): number[];
  /** Stops listening to the store and stops every job still running: nobody would be left to watch them. */
  stop(): void;
}

/** What job control reads of the cockpit's state: the stop requests, the jobs, and the log to say what it could not stop. */
export interface JobControlState {
  /** The running jobs the DBA asked to stop (the store's jobs slice). */
  cancelRequested: readonly number[];
  jobs: readonly JobRecord[];
  appendLog(text: string): void;
}

/** The part of the cockpit store job control reads (the store satisfies it; the service never imports it). */
export interface JobControlStore {
  getState(): JobControlState;
  subscribe(listener: (state: Pick<JobControlState, 'cancelRequested'>, previous: Pick<JobControlState, 'cancelRequested'>) => void): () => void;
}

/**
 * Keeps each running job's AbortController by job id. Views never hold one:
 * they ask through the store (requestJobCancel), and this service, subscribed
 * to the store, aborts the job. runJob registers a job as it starts and
 * releases it when it ends.
 */
export function createJobControl(store: JobControlStore): JobControl {
  const controllers = new Map<number, AbortController>();

  const cancelJob = (id: number): boolean => {
    const controller = controllers.get(id);
    if (!controller) return false;
    controller.abort(new Error(`job ${id} stopped by the operator`));
    return true;
  };

  const handle = (requested: readonly number[], before: readonly number[]) => {
    for (const id of requested) {
      if (before.includes(id) || cancelJob(id)) continue;
      const state = store.getState();
      const job = state.jobs.find((candidate) => candidate.id === id);
      // A request for a job started without job control would otherwise say "stopping…" forever.
      if (job?.status === 'running') state.appendLog(`⚠ cannot stop "${job.title}": it was started without job control`);
    }
  };

  handle(store.getState().cancelRequested, []);
  const unsubscribe = store.subscribe((state, previous) => {
    if (state.cancelRequested !== previous.cancelRequested) handle(state.cancelRequested, previous.cancelRequested);
  });

  return {
    register(id, signal) {
      const controller = new AbortController();
      const follow = () => controller.abort(signal?.reason);
      if (signal?.aborted) follow();
      else signal?.addEventListener('abort', follow, { once: true });
      controllers.set(id, controller);
      // Asked to stop before it registered (the request came first): stop it now.
      if (store.getState().cancelRequested.includes(id)) cancelJob(id);
      return {
        signal: controller.signal,
        release() {
          signal?.removeEventListener('abort', follow);
          if (controllers.get(id) === controller) controllers.delete(id);
        },
      };
    },
    cancelJob,
    runningIds: () => [...controllers.keys()],
    stop() {
      unsubscribe();
      for (const id of [...controllers.keys()]) cancelJob(id);
    },
  };
}
