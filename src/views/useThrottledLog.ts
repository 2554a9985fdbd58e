import { useEffect, useState } from 'react';
import type { LogLine } from '../state/createCockpitStore.js';
import { useCockpitStore } from '../state/storeContext.js';

/** At most this many log renders a second, however often lines arrive. */
export const LOG_RENDERS_PER_SECOND = 5;

export interface LogSnapshot {
  log: readonly LogLine[];
  logAppended: number;
}

/**
 * The log as of the last render it was allowed: a change shows at once after a
 * quiet spell, then at most every 1000/rate ms (the last change always shows).
 * The job layer already coalesces output into few appends; this is the view's
 * own guard, so even a writer appending line by line cannot flood React with
 * renders and starve the key handler.
 */
export function useThrottledLog(rate = LOG_RENDERS_PER_SECOND): LogSnapshot {
  const store = useCockpitStore();
  const [snapshot, setSnapshot] = useState<LogSnapshot>(() => read(store.getState()));
  useEffect(() => {
    const intervalMs = 1000 / rate;
    let shownAt = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const show = () => {
      timer = undefined;
      shownAt = Date.now();
      setSnapshot(read(store.getState()));
    };
    // Lines appended between the first render and this effect.
    if (store.getState().logAppended !== snapshot.logAppended) show();
    const unsubscribe = store.subscribe((state, previous) => {
      if (state.logAppended === previous.logAppended || timer) return;
      const wait = shownAt + intervalMs - Date.now();
      if (wait <= 0) show();
      else timer = setTimeout(show, wait);
    });
    return () => {
      unsubscribe();
      clearTimeout(timer);
    };
    // One subscription per store: `snapshot` is read above only as the first render's, and
    // re-subscribing on every new snapshot would restart the throttle.
  }, [store, rate]);
  return snapshot;
}

function read(state: LogSnapshot): LogSnapshot {
  return { log: state.log, logAppended: state.logAppended };
}
