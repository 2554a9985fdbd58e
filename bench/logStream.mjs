// Lines per second through a job into the rendered log pane, and the cockpit's CPU while it streams.
import { localRunner } from '../dist/services/runner/localRunner.js';
import { runJob } from '../dist/services/runner/runJob.js';
import { createCockpitStore } from '../dist/state/createCockpitStore.js';
import { mountCockpit } from './mountCockpit.mjs';
import { report } from './support.mjs';

const LINES = 500_000;

export async function benchLogStream(cluster) {
  const store = createCockpitStore(cluster.config, 1000);
  store.getState().cycleFocus(); // the log focused, as a DBA watching a job would have it
  let frames = 0;
  const instance = mountCockpit(store, () => (frames += 1));
  const runner = localRunner(cluster.osUser);
  // The event loop's longest pause while the flood goes through: what a key press would wait.
  let longestPauseMs = 0;
  let lastTick = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    longestPauseMs = Math.max(longestPauseMs, now - lastTick);
    lastTick = now;
  }, 5);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  // pg_dump --verbose-like lines: a prefix and some text.
  await runJob({
    title: 'stream benchmark',
    runner,
    spec: { program: 'sh', args: ['-c', `seq ${LINES} | sed 's/^/pg_dump: dumping contents of table "public.orders" row /'`], mutating: false },
    sink: store,
  });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  clearInterval(ticker);
  instance.unmount();
  await runner.close();
  report('lines per second through the log pane', Math.round(LINES / seconds).toLocaleString('en'), 'lines/s', `${LINES.toLocaleString('en')} lines, ${frames} frames`);
  report('cockpit CPU while streaming', (((cpu.user + cpu.system) / 1e6 / seconds) * 100).toFixed(1), '% of a core', 'the job itself runs in another process');
  report('longest event-loop pause while streaming', Math.round(longestPauseMs), 'ms', 'how long a key press could wait (5 ms ticker)');
  report('log lines kept in memory', store.getState().log.length.toLocaleString('en'), 'lines', 'ring buffer bound');
}
