import { readFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localRunner } from '../../src/services/runner/localRunner.js';
import { pgCtlIsRunning, pgCtlStart, pgCtlStop } from '../../src/services/postgres/pgCtl.js';
import type { TestCluster } from '../support/testCluster.js';
import { startTestCluster } from '../support/testCluster.js';

/**
 * Every command line the README shows in a ```sh or ```bash block runs as
 * written (issue 10, points 7 and 9): after `npm install`, `pgcockpit` is
 * not on PATH, so each one says `npx pgcockpit`; the safe ones (help, status,
 * config check, log, the dry runs) run against one sandbox, in the README's
 * order, each expected to exit as its comment says (`# exit 2: ...`), else 0.
 * A `pg_ctl -D .../nodes/pgN/data ... stop` line stops that sandbox node (the
 * README's "stop pg1 first"); it is started again after its block. Needs
 * `npm run build`.
 */
const README = readFileSync(path.resolve('README.md'), 'utf8');

interface ShownLine {
  block: number;
  text: string;
}

/** The lines of every ```sh / ```bash block, with the block they are in. */
function shownLines(markdown: string): ShownLine[] {
  const lines: ShownLine[] = [];
  let block = -1;
  let inShell = false;
  for (const line of markdown.split('\n')) {
    const fence = /^\s*```(\w*)/.exec(line);
    if (fence) {
      if (inShell) inShell = false;
      else if (fence[1] === 'sh' || fence[1] === 'bash') {
        inShell = true;
        block++;
      }
      continue;
    }
    if (inShell && line.trim() !== '') lines.push({ block, text: line.trim() });
  }
  return lines;
}

const PGCOCKPIT = /^(npx )?pgcockpit\b/;
/** What may run against a live sandbox: it reads, or plans without changing anything. */
const SAFE = [/ --help\b/, / --version\b/, / status\b(?!.*--watch)/, / config check\b/, / log\b/, / --dry-run\b/];
/** Shown but not run here: they open the cockpit, remove the sandbox, or change the cluster. */
const NOT_RUN = [/^npx pgcockpit demo\b/, /^npx pgcockpit( --read-only)?( --config \S+)?\s*(#.*)?$/, / --yes\b/, / status .*--watch\b/];

function expectedExit(line: string): number {
  const said = /#.*?\bexit (\d+)/.exec(line);
  return said ? Number(said[1]) : 0;
}

describe("the README's command lines", () => {
  const lines = shownLines(README);
  const commands = lines.filter((line) => PGCOCKPIT.test(line.text));

  it('are there, and each says npx pgcockpit (plain pgcockpit is not on PATH after npm install)', () => {
    expect(commands.length).toBeGreaterThanOrEqual(8);
    expect(commands.filter((line) => !line.text.startsWith('npx pgcockpit')).map((line) => line.text)).toEqual([]);
  });

  it('each is either run below or one of the kinds not run against a live sandbox', () => {
    const unknown = commands.filter((line) => !SAFE.some((safe) => safe.test(line.text)) && !NOT_RUN.some((kind) => kind.test(line.text)));
    expect(unknown.map((line) => line.text)).toEqual([]);
  });

  describe('against the sandbox', () => {
    let cluster: TestCluster;
    const stopped = new Set<string>();
    beforeAll(async () => {
      cluster = await startTestCluster(3);
    });
    afterAll(async () => {
      await cluster?.destroy();
    });
    const target = (node: string) => ({ pgBinDir: cluster.pgBinDir, dataDir: cluster.layout.dataDir(node), runner: localRunner(cluster.osUser) });
    const restartStopped = async () => {
      for (const node of stopped) if (!(await pgCtlIsRunning(target(node)))) await pgCtlStart(target(node), cluster.layout.logFile(node));
      stopped.clear();
    };

    it('run as written, in order, and exit as their comments say', async () => {
      const env = {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/root',
        // What the README's `export PGCOCKPIT_CONFIG=...` line does for the sandbox it describes.
        PGCOCKPIT_CONFIG: cluster.layout.configFile,
        XDG_STATE_HOME: cluster.layout.root,
      };
      const ran: string[] = [];
      let block = -1;
      for (const line of lines) {
        if (line.block !== block) {
          await restartStopped();
          block = line.block;
        }
        const stop = /^pg_ctl -D \S*\/nodes\/(pg\d+)\/data .*\bstop\b/.exec(line.text);
        if (stop) {
          // The README's path is the default sandbox's; this test's sandbox lives elsewhere: stop the same node here.
          await pgCtlStop(target(stop[1]!));
          stopped.add(stop[1]!);
          continue;
        }
        if (!PGCOCKPIT.test(line.text) || !SAFE.some((safe) => safe.test(line.text))) continue;
        const result = await execa('sh', ['-c', line.text], { cwd: path.resolve('.'), env, extendEnv: false, reject: false, stdin: 'ignore' });
        const output = `$ ${line.text}\n${String(result.stdout)}\n${String(result.stderr)}`;
        expect(result.exitCode, output).toBe(expectedExit(line.text));
        expect(`${String(result.stdout)}${String(result.stderr)}`.trim(), output).not.toBe('');
        ran.push(line.text.replace(/\s+#.*$/, ''));
      }
      await restartStopped();
      // The kinds the README promises to run: help, status, config check, log and the dry runs (a refused one, then after pg1 stops, a planned one).
      for (const kind of ['npx pgcockpit --help', 'npx pgcockpit status', 'npx pgcockpit config check', 'npx pgcockpit log', 'npx pgcockpit switchover --to pg2 --dry-run']) {
        expect(ran.some((text) => text.startsWith(kind)), `${kind} in ${ran.join(' | ')}`).toBe(true);
      }
      expect(ran.filter((text) => text === 'npx pgcockpit promote pg2 --dry-run')).toHaveLength(2);
    }, 180_000);
  });
});
