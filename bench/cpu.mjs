// Cockpit CPU per second of wall time at 1 s refresh: the real program in a real terminal (tmux).
import { execa } from 'execa';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { withNodeClient } from '../dist/services/postgres/connectNode.js';
import { pgCtlStop, pgCtlStart } from '../dist/services/postgres/pgCtl.js';
import { writeOwnedFile } from '../dist/services/os/ownedPath.js';
import { localRunner } from '../dist/services/runner/localRunner.js';
import { cpuSeconds, report, sleep } from './support.mjs';

const CLI = path.resolve('dist/cli.js');
const MEASURE_SECONDS = 20;

async function cockpitCpuPercent(configFile) {
  const socket = `pgcockpit-bench-${process.pid}`;
  const env = { ...process.env, TERM: 'xterm-256color' };
  delete env.CI;
  const tmux = (...args) => execa('tmux', ['-L', socket, ...args], { env, extendEnv: false });
  await tmux('new-session', '-d', '-s', 'b', '-x', '160', '-y', '45', `node ${CLI} --config ${configFile}`);
  try {
    await sleep(4000); // start-up and first ticks are not the steady state
    // The node process itself, not the shell tmux started it from.
    const pid = Number((await execa('pgrep', ['-f', `^node ${CLI} --config ${configFile}$`])).stdout.trim().split('\n')[0]);
    if (!pid) throw new Error('the cockpit process was not found');
    const before = await cpuSeconds(pid);
    await sleep(MEASURE_SECONDS * 1000);
    const after = await cpuSeconds(pid);
    return ((after - before) / MEASURE_SECONDS) * 100;
  } finally {
    await tmux('kill-server').catch(() => undefined);
  }
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
  report('cockpit CPU at 1 s refresh, 3 nodes', (await cockpitCpuPercent(cluster.layout.configFile)).toFixed(2), '% of a core', 'target <= 2');
  const fifty = await fiftyNodeConfig(cluster);
  report('cockpit CPU at 1 s refresh, 50 nodes', (await cockpitCpuPercent(fifty)).toFixed(2), '% of a core', 'target <= 5');
}
