// The main-thread cost of a runbook step's output on its way into the cockpit's store: a step prints 100 000
// lines with escape codes, a password on every thousandth; they go through runJob (masking, escape stripping, coalescing) and
// the typed plan events into the store, as in the cockpit.
import { executePlan } from '../dist/services/runbooks/executePlan.js';
import { createNodeRunners } from '../dist/services/runner/nodeRunners.js';
import { createCockpitStore } from '../dist/state/createCockpitStore.js';
import { applyPlanEvent } from '../dist/tui/operations.js';
import { report } from './support.mjs';

const LINES = 100_000;

export async function benchRunbookStream(cluster) {
  const store = createCockpitStore(cluster.config, 1000);
  let sets = 0;
  const unsubscribe = store.subscribe(() => (sets += 1));
  const runners = createNodeRunners(cluster.config, { readOnly: false });
  const node = cluster.config.nodes[0].name;
  // Every line coloured, every thousandth names a password (pass'"word"': the command line itself holds none,
  // which runJob would refuse; the output does).
  const script = `seq ${LINES} | sed -e 's/^/\\x1b[31mrow\\x1b[0m /' -e '0~1000s/$/ pass'"word"'=hunter2/'`;
  const plan = {
    title: 'stream benchmark',
    target: node,
    checks: [],
    steps: [{ node, description: 'print 100 000 lines', detail: script, mutating: false, run: async (ctx) => { await ctx.command(node, { program: 'sh', args: ['-c', script], mutating: false }); } }],
    blocked: false,
    blockedReasons: [],
    confirmWord: node,
    warnings: [],
  };
  const cpuBefore = process.cpuUsage();
  const eluBefore = performance.eventLoopUtilization();
  const started = performance.now();
  await executePlan(plan, { config: cluster.config, readOnly: false, runners, onEvent: (event) => applyPlanEvent(store, 1, event) });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  // The main thread's busy time (event-loop utilisation): what the cockpit's keys and frames compete with.
  const mainThreadMs = performance.eventLoopUtilization(eluBefore).active;
  unsubscribe();
  await runners.close();
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const log = store.getState().log;
  const leaked = log.some((line) => line.text.includes('hunter2') || line.text.includes('\x1b')) || !log.some((line) => line.text.includes('password=********'));
  report('a runbook step printing 100 000 lines: main-thread time', Math.round(mainThreadMs), 'ms', `${seconds.toFixed(2)} s wall, target <= 200 ms${leaked ? ', PASSWORD OR ESCAPE LEAKED' : ''}`);
  report('  process CPU for it (all threads, GC included)', Math.round(cpuMs), 'ms');
  report('  store updates for it', sets, 'set() calls', `${(sets / seconds).toFixed(1)} a second`);
}
