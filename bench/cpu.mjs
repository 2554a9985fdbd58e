// Cockpit CPU per second of wall time at 1 s refresh: the real program in a real terminal (tmux), on the
// 3-node sandbox and on 50 configured nodes. Idle is the steady state once start-up is over (the lag
// sparklines fill for their first 20 ticks, a frame each): there a tick whose snapshots equal the last
// composes no frame, and only the header clock is written. Targets (issue 14): idle <= 1 % of a core for
// 3 nodes, <= 4 % for 50. The first 20 s after start-up are printed beside them for comparison, and what
// reached the terminal per idle tick (frames Ink wrote, clock writes, bytes) says why.
import { execa } from 'execa';
import { readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { stringify } from 'yaml';
import { withNodeClient } from '../dist/services/postgres/connectNode.js';
import { pgCtlStop, pgCtlStart } from '../dist/services/postgres/pgCtl.js';
import { writeOwnedFile } from '../dist/services/os/ownedPath.js';
import { localRunner } from '../dist/services/runner/localRunner.js';
import { cpuSeconds, report, sleep, startBenchCluster } from './support.mjs';

const CLI = path.resolve('dist/cli.js');
const MEASURE_SECONDS = 20;
/** Process start and the first ticks, left out of both windows. */
const START_UP_SECONDS = 4;
/** From start until every sparkline has its 20 bars (the first tick comes a second or two after start). */
const IDLE_FROM_SECONDS = 26;
/** Ink brackets every frame it writes for synchronized output (?2026); the clock line saves the cursor (ESC 7). */
const FRAME_MARK = '\x1b[?2026h';
const CLOCK_MARK = '\x1b7';

/** CPU over the first 20 s after start-up and over 20 idle seconds after that, and the terminal output of the idle ones. */
async function cockpitCpu(configFile) {
  const socket = `pgcockpit-bench-${process.pid}`;
  const env = { ...process.env, TERM: 'xterm-256color' };
  delete env.CI;
  const tmux = (...args) => execa('tmux', ['-L', socket, ...args], { env, extendEnv: false });
  const outputFile = path.join(os.tmpdir(), `pgcockpit-bench-terminal-${process.pid}.out`);
  const startedAt = Date.now();
  await tmux('new-session', '-d', '-s', 'b', '-x', '160', '-y', '45', `node ${CLI} --config ${configFile}`);
  const untilSecond = (second) => sleep(Math.max(0, startedAt + second * 1000 - Date.now()));
  try {
    await untilSecond(START_UP_SECONDS);
    // The node process itself, not the shell tmux started it from.
    const pid = Number((await execa('pgrep', ['-f', `^node ${CLI} --config ${configFile}$`])).stdout.trim().split('\n')[0]);
    if (!pid) throw new Error('the cockpit process was not found');
    const startUpFrom = await cpuSeconds(pid);
    await untilSecond(START_UP_SECONDS + MEASURE_SECONDS);
    const startUpTo = await cpuSeconds(pid);
    await untilSecond(IDLE_FROM_SECONDS);
    await tmux('pipe-pane', '-o', '-t', 'b', `cat > ${outputFile}`);
    const idleFrom = await cpuSeconds(pid);
    await untilSecond(IDLE_FROM_SECONDS + MEASURE_SECONDS);
    const idleTo = await cpuSeconds(pid);
    await tmux('pipe-pane', '-t', 'b');
    const output = await readFile(outputFile, 'latin1').catch(() => '');
    const perTick = (count) => count / MEASURE_SECONDS;
    return {
      startUp: ((startUpTo - startUpFrom) / MEASURE_SECONDS) * 100,
      idle: ((idleTo - idleFrom) / MEASURE_SECONDS) * 100,
      framesPerTick: perTick(output.split(FRAME_MARK).length - 1),
      clockWritesPerTick: perTick(output.split(CLOCK_MARK).length - 1),
      bytesPerTick: perTick(output.length),
    };
  } finally {
    await tmux('kill-server').catch(() => undefined);
    await rm(outputFile, { force: true });
  }
}

function reportCpu(label, figures, target) {
  report(`cockpit CPU at 1 s refresh, ${label}, idle`, figures.idle.toFixed(2), '% of a core', `target <= ${target}`);
  report(`  ${label}, first 20 s (sparklines filling)`, figures.startUp.toFixed(2), '% of a core', 'a frame each tick');
  report(
    `  ${label}, terminal output per idle tick`,
    figures.bytesPerTick.toFixed(0),
    'bytes',
    `${figures.framesPerTick.toFixed(2)} frames, ${figures.clockWritesPerTick.toFixed(2)} clock writes`,
  );
}

/**
 * 50 configured nodes on a 3-server sandbox: each server also listens on
 * 127.0.0.2..17 so every entry has its own address (pgcockpit rejects two
 * entries for the same host:port), and the passfile matches any host.
 */
async function fiftyNodeConfig(cluster) {
  const addresses = Array.from({ length: 17 }, (_, i) => `127.0.0.${i + 1}`);
  for (const node of cluster.config.nodes) {
    await withNodeClient(node, cluster.config, (client) => client.query(`alter system set listen_addresses = '${addresses.join(',')}'`));
    await writeOwnedFile(path.join(node.dataDir, 'pg_hba.conf'), 'host all all 127.0.0.0/8 scram-sha-256\nhost replication replication 127.0.0.0/8 scram-sha-256\n', cluster.osUser);
    const target = { pgBinDir: cluster.pgBinDir, dataDir: node.dataDir, runner: localRunner(cluster.osUser) };
    await pgCtlStop(target, 'fast');
    await pgCtlStart(target, cluster.layout.logFile(node.name));
  }
  const passfile = path.join(cluster.layout.root, 'bench.pgpass');
  const entries = (await readFile(cluster.layout.passfile, 'utf8')).replaceAll('127.0.0.1:', '*:');
  await writeOwnedFile(passfile, entries, cluster.osUser);
  const nodes = Array.from({ length: 50 }, (_, i) => {
    const server = cluster.config.nodes[i % 3];
    return { ...server, name: `n${String(i + 1).padStart(2, '0')}`, host: addresses[Math.floor(i / 3)] };
  });
  const file = path.join(cluster.layout.root, 'bench-50.yaml');
  await writeFile(file, stringify({ cluster: 'bench50', passfile, nodes }));
  return file;
}

export async function benchCpu(cluster) {
  reportCpu('3 nodes', await cockpitCpu(cluster.layout.configFile), 1);
  const fifty = await fiftyNodeConfig(cluster);
  reportCpu('50 nodes', await cockpitCpu(fifty), 4);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const cluster = await startBenchCluster(3);
  try {
    await benchCpu(cluster);
  } finally {
    await cluster.destroy();
  }
}
