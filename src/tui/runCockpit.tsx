import { render } from 'ink';
import type { CockpitConfig } from '../services/config/schema.js';
import { createJobControl } from '../services/runner/jobControl.js';
import { enterFullScreen } from '../services/terminal/fullScreen.js';
import { createCockpitStore } from '../state/createCockpitStore.js';
import { CockpitStoreContext } from '../state/storeContext.js';
import { App } from '../views/App.js';
import { ClockLineContext } from '../views/clockLine.js';
import { themeFor } from '../views/theme.js';
import { ThemeContext } from '../views/ThemeContext.js';
import { bindPollerToStore } from './bindPollerToStore.js';
import { bindBackupsToStore } from './bindBackupsToStore.js';
import { startClockLine } from './clockLine.js';
import { bindOperationsToStore } from './operations.js';

export interface RunCockpitOptions {
  intervalMs?: number;
  readOnly?: boolean;
}

/**
 * Opens the full-screen cockpit on a cluster and resolves when the DBA quits.
 * The poller writes into the store; the views only read it. Job control holds
 * the running jobs' cancels and stops those the DBA asks to stop (through the
 * store); the jobs themselves take it as runJob's `control`. The operations
 * glue plans and runs the runbooks the DBA asks for (p: failover).
 */
export async function runCockpit(config: CockpitConfig, options: RunCockpitOptions = {}): Promise<void> {
  const intervalMs = options.intervalMs ?? 1000;
  const store = createCockpitStore(config, intervalMs, { readOnly: options.readOnly });
  const stopPoller = bindPollerToStore(store, config);
  const jobControl = createJobControl(store);
  const stopOperations = bindOperationsToStore(store, config);
  const stopBackups = bindBackupsToStore(store, config, { readOnly: options.readOnly === true });
  // The header's clock is written on its own: a quiet tick changes nothing else, and composes no frame.
  const theme = themeFor();
  const clock = startClockLine(store, process.stdout, theme.muted);
  // A signal while a runbook runs lets its running step finish (a stop or a promotion cut off halfway
  // leaves a state nobody can describe), then says where it stopped and what completes it.
  const screen = enterFullScreen(process.stdout, process.stdin, {
    beforeSignalExit: async (signal) => {
      // The screen is the shell's again: ticks while the step finishes must not write the clock there.
      clock.stop();
      if (store.getState().operation?.phase !== 'running') return undefined;
      process.stderr.write(`pgcockpit: ${signal}: letting the running step finish; no later step starts\n`);
      return stopOperations.interruptRunning(signal);
    },
  });
  try {
    const instance = render(
      <CockpitStoreContext.Provider value={store}>
        <ThemeContext.Provider value={theme}>
          <ClockLineContext.Provider value={clock.line}>
            <App />
          </ClockLineContext.Provider>
        </ThemeContext.Provider>
      </CockpitStoreContext.Provider>,
      { exitOnCtrlC: false, stdout: clock.stream },
    );
    await instance.waitUntilExit();
  } finally {
    clock.stop();
    screen.restore();
    // The keys refuse to quit while a job runs; after a crash, stop what still runs rather than orphan it
    // (on a signal, process exit TERMs the local process groups: trackProcessGroup).
    jobControl.stop();
    await stopOperations();
    await stopBackups();
    await stopPoller();
  }
}
