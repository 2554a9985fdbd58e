import { execa } from 'execa';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestCluster } from '../support/testCluster.js';
import { startTestCluster } from '../support/testCluster.js';
import { CLI } from '../support/runCli.js';

/**
 * The bundle marks each library's code with a `// node_modules/<package>/...` line (rolldown's region
 * comments): a loaded chunk with one of these holds the TUI's libraries.
 */
const TUI_LIBRARY = /^\/\/ node_modules\/(ink|react|react-reconciler|yoga-layout)\//m;

/**
 * A module-load hook (Node 20's module.register) that appends every file the process loads to
 * `initialize`'s log file: what a run paid for, as the process saw it.
 */
const RECORD_LOADS = `data:text/javascript,${encodeURIComponent(`
import { appendFileSync } from 'node:fs';
let log;
export function initialize(data) { log = data.log; }
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(log, url + '\\n');
  return next(url, context);
}`)}`;

/** Runs the built command line and returns the files it loaded, with its output. */
async function loadedBy(args: string[]) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pgcockpit-loads-'));
  const log = path.join(dir, 'loaded.txt');
  try {
    const register = `import { register } from 'node:module'; register(${JSON.stringify(RECORD_LOADS)}, { data: { log: ${JSON.stringify(log)} } });`;
    const result = await execa('node', ['--import', `data:text/javascript,${encodeURIComponent(register)}`, CLI, ...args], { reject: false, stdin: 'ignore' });
    const files = (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean).map((url) => fileURLToPath(url));
    return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr), files };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The loaded files that hold Ink, React or Yoga code. */
async function tuiFilesAmong(files: string[]) {
  const tui: string[] = [];
  for (const file of files) if (TUI_LIBRARY.test(await readFile(file, 'utf8'))) tui.push(path.relative(process.cwd(), file));
  return tui;
}

describe('the bundled command line (dist/cli.js) loads per subcommand only what it uses', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startTestCluster(1);
  });
  afterAll(async () => {
    await cluster?.destroy();
  });

  it('--version runs from the bundle: a few chunks, no node_modules, no Ink or React', async () => {
    const { exitCode, stdout, files } = await loadedBy(['--version']);
    expect(exitCode).toBe(0);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const dist = path.resolve('dist');
    expect(files.slice(0, 2)).toEqual([path.join(dist, 'cli.js'), path.join(dist, 'main.js')]);
    // Everything else comes from the bundle's chunks: not from tsc's per-module output, not from node_modules.
    expect(files.slice(2).filter((file) => path.dirname(file) !== path.join(dist, 'chunks'))).toEqual([]);
    expect(await tuiFilesAmong(files)).toEqual([]);
  });

  it('status --json reads the cluster without loading Ink or React, and loads no library outside the bundle', async () => {
    const { exitCode, stdout, stderr, files } = await loadedBy(['status', '--json', '--config', cluster.layout.configFile]);
    expect(stderr).toBe('');
    expect(exitCode).toBe(0);
    const status = JSON.parse(stdout) as { nodes: Array<{ name: string; status: string; role: string }> };
    expect(status.nodes.map(({ name, status: state, role }) => `${name} ${state} ${role}`)).toEqual(['pg1 up primary']);
    expect(files.some((file) => /[\\/]chunks[\\/]statusCommand-[^/\\]+\.js$/.test(file))).toBe(true);
    expect(files.filter((file) => file.includes(`${path.sep}node_modules${path.sep}`))).toEqual([]);
    expect(await tuiFilesAmong(files)).toEqual([]);
  });

  it('the cockpit chunk loads with DEV=true in the environment (Ink would read a package.json the bundle does not have)', async () => {
    const chunks = path.resolve('dist/chunks');
    // The newest: an earlier build's chunks stay a day beside this one's.
    const candidates = (await readdir(chunks)).filter((name) => /^runCockpit-.*\.js$/.test(name));
    const times = await Promise.all(candidates.map(async (name) => (await stat(path.join(chunks, name))).mtimeMs));
    const cockpit = candidates[times.indexOf(Math.max(...times))];
    expect(cockpit).toBeDefined();
    const run = await execa('node', ['--input-type=module', '-e', `await import(${JSON.stringify(path.join(chunks, cockpit!))}); console.log('loaded')`], { env: { DEV: 'true', NODE_ENV: 'production' }, reject: false });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('loaded');
  });

  it('the marker the checks above look for is real: the cockpit chunk holds Ink and React', async () => {
    const chunks = path.resolve('dist/chunks');
    const scripts = (await readdir(chunks)).filter((name) => name.endsWith('.js')).map((name) => path.join(chunks, name));
    expect((await tuiFilesAmong(scripts)).some((file) => /runCockpit-/.test(file))).toBe(true);
  });
});
