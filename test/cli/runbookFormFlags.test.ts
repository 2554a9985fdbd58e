import { Command } from 'commander';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { addRunbookCommand } from '../../src/commands/runbookCommand.js';
import { cliLine, initialFormValues } from '../../src/services/runbooks/form.js';
import type { Plan } from '../../src/services/runbooks/plan.js';
import type { RunbookEntry } from '../../src/services/runbooks/registry.js';

/** A runbook with a form (a test's, not the product's): source node, a recovery target time, a toggle. */
function restoreEntry(seen: object[]): RunbookEntry<Plan, { from?: string; time?: string; rewind?: boolean }> {
  return {
    kind: 'failover',
    key: 'x',
    keyHelp: { description: 'test', footer: 'test' },
    confirmVerb: 'restore it',
    cli: { name: 'restore', description: 'a test runbook with a form', target: { argument: '<node>', description: 'the node' }, options: [] },
    form: {
      fields: [
        { kind: 'choice', name: 'from', label: 'source node', choices: 'nodes', flag: '--from' },
        {
          kind: 'text',
          name: 'time',
          label: 'recovery target time',
          flag: '--recovery-target-time',
          validate: (value) => (/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(value) ? undefined : 'write it as 2026-11-30 12:00:00'),
        },
        { kind: 'toggle', name: 'rewind', label: 'rewind', flag: '--rewind', default: false },
      ],
    },
    fromForm: (values) => ({ from: String(values.from), time: String(values.time), rewind: values.rewind === true }),
    fromChoices: () => ({}),
    prepare: async (_config, target, options) => {
      seen.push(options);
      return { title: `restore ${target}`, target, checks: [], steps: [], blocked: true, blockedReasons: ['a test'], confirmWord: target, warnings: [] };
    },
    succeeded: () => 'done',
  };
}

async function configFile(): Promise<string> {
  const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'pgcockpit-form-')), 'pgcockpit.yaml');
  await writeFile(file, 'cluster: t\nnodes:\n  - { name: pg1, host: 127.0.0.1, port: 5501, dataDir: /d/pg1 }\n  - { name: pg2, host: 127.0.0.1, port: 5502, dataDir: /d/pg2 }\n  - { name: pg3, host: 127.0.0.1, port: 5503, dataDir: /d/pg3 }\n');
  return file;
}

describe("a runbook form's fields are its subcommand's options", () => {
  afterEach(() => {
    process.exitCode = undefined;
    vi.restoreAllMocks();
  });
  const run = async (entry: ReturnType<typeof restoreEntry>, args: string[]) => {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const stderr: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (stderr.push(String(chunk)), true));
    const program = new Command().exitOverride();
    addRunbookCommand(program, entry, { seconds: Number, mebibytes: Number }, () => ({}));
    await program.parseAsync(args, { from: 'user' });
    return stderr.join('');
  };

  it('the "same as:" line the plan shows runs as printed: the same values reach the planner', async () => {
    const seen: object[] = [];
    const entry = restoreEntry(seen);
    const values = { ...initialFormValues(entry.form!, ['pg1', 'pg2', 'pg3']), from: 'pg2', time: '2026-11-30 12:00:00', rewind: true };
    const line = cliLine(entry.cli, 'pg3', entry.form!, values);
    expect(line).toBe("pgcockpit restore pg3 --from pg2 --recovery-target-time '2026-11-30 12:00:00' --rewind --yes");
    const words = ['restore', 'pg3', '--from', 'pg2', '--recovery-target-time', '2026-11-30 12:00:00', '--rewind', '--dry-run', '--config', await configFile()];
    await run(entry, words);
    expect(seen).toEqual([{ from: 'pg2', time: '2026-11-30 12:00:00', rewind: true }]);
  });

  it('a value the form would refuse is refused on the command line too, naming the flag, before any planning', async () => {
    const seen: object[] = [];
    const stderr = await run(restoreEntry(seen), ['restore', 'pg3', '--recovery-target-time', 'noon', '--dry-run', '--config', await configFile()]);
    expect(stderr).toContain('pgcockpit: --recovery-target-time: write it as 2026-11-30 12:00:00');
    expect(process.exitCode).toBe(2);
    expect(seen).toEqual([]);
  });
});
