import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { allSubcommands } from './commands/allSubcommands.js';
import { addRunbookCommand } from './commands/runbookCommand.js';
import { EXIT_FAILURE, EXIT_USAGE } from './commands/exitCodes.js';
import { ConfigError } from './services/config/ConfigError.js';
import { parseSince } from './services/audit/parseSince.js';
import type { Plan } from './services/runbooks/plan.js';
import type { RunbookEntry } from './services/runbooks/registry.js';
import { RUNBOOKS } from './services/runbooks/registry.js';
import type { RunnerOptions } from './services/runner/runnerForNode.js';

/** The global options: --read-only reaches runnerForNode as RunnerOptions.readOnly. */
type GlobalOptions = { config?: string } & Partial<Pick<RunnerOptions, 'readOnly'>>;

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

function nodeCount(value: string): number {
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1 || count > 9) throw new InvalidArgumentError('a whole number from 1 to 9');
  return count;
}

function seconds(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0.5 || parsed > 3600) throw new InvalidArgumentError('seconds, from 0.5 to 3600');
  return parsed;
}

function megabytes(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0 || parsed > 1_000_000) throw new InvalidArgumentError('MiB, from 0 to 1000000');
  return parsed;
}

function sinceTime(value: string): Date {
  try {
    return parseSince(value, new Date());
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
}

const program = new Command()
  .name('pgcockpit')
  .description('A full-screen terminal cockpit for PostgreSQL streaming replication.')
  .version(version, '-V, --version')
  .option('-c, --config <file>', 'config file (default: $PGCOCKPIT_CONFIG, ./pgcockpit.yaml, ~/.config/pgcockpit/config.yaml)')
  .option('--read-only', 'refuse every command that would change something (promote, rebuild, restore, ...); watching still works')
  .showHelpAfterError()
  // Throw instead of exiting, so a usage error gets exit code 2 like a config error.
  .exitOverride()
  // Options after a subcommand belong to it: `demo down --dir X` must reach `down`, not `demo`.
  .enablePositionalOptions()
  // Global options precede a subcommand (`pgcockpit --read-only demo`); a subcommand reads them with optsWithGlobals().
  // A word that is no subcommand reaches the root as an argument: name it, instead of commander's "too many arguments".
  .allowExcessArguments()
  .action(async (options: GlobalOptions, command: Command) => {
    const [unknown] = command.args;
    if (unknown !== undefined) {
      const known = command.commands.map((sub) => sub.name());
      const guess = known.find((name) => sameLetters(name, unknown));
      command.error(`error: unknown command '${unknown}'${guess ? ` (did you mean ${guess}?)` : ''}; the commands are: ${known.join(', ')}`, {
        code: 'commander.unknownCommand',
        exitCode: EXIT_USAGE,
      });
    }
    // Ink and React load only for the cockpit: every other subcommand starts without them.
    const { cockpitCommand } = await import('./commands/cockpitCommand.js');
    await cockpitCommand(options);
  });

/** A typo of `name`: the same letters, or one letter more or less (stauts, statsu, statu). */
function sameLetters(name: string, typo: string): boolean {
  const sorted = (word: string) => [...word.toLowerCase()].sort().join('');
  return sorted(name) === sorted(typo) || (Math.abs(name.length - typo.length) === 1 && (name.startsWith(typo) || typo.startsWith(name)));
}

const demo = program
  .command('demo')
  .description('create (or reuse) a sandbox cluster of real PostgreSQL servers on loopback and open the cockpit on it')
  .option('-n, --nodes <count>', 'nodes in a new sandbox: 1 primary + count-1 standbys (default 3)', nodeCount)
  .option('-d, --dir <dir>', 'sandbox directory (default: $XDG_STATE_HOME/pgcockpit/demo; the postgres user\'s home when run as root)')
  .option('--pg-bin <dir>', 'PostgreSQL server binaries (default: $PG_BINDIR, pg_config --bindir, newest /usr/lib/postgresql/*/bin)')
  .option('--no-open', 'set the sandbox up and print where it is, without opening the cockpit')
  .enablePositionalOptions()
  .action(async (options: { nodes?: number; dir?: string; pgBin?: string; open: boolean }, command: Command) => {
    const { demoCommand } = await import('./commands/demoCommand.js');
    await demoCommand({ ...options, readOnly: command.optsWithGlobals<GlobalOptions>().readOnly });
  });

demo
  .command('down')
  .description('stop the sandbox\'s servers and remove its directory')
  .option('-d, --dir <dir>', 'sandbox directory (default: as for demo)')
  .option('--pg-bin <dir>', 'PostgreSQL server binaries (default: as for demo)')
  .action(async (options: { dir?: string; pgBin?: string }) => (await import('./commands/demoDownCommand.js')).demoDownCommand(options));

program
  .command('status')
  .description('print the cluster\'s state once (or --watch) without the TUI; exit 0 healthy, 1 warning, 2 critical, 3 unknown')
  .option('-c, --config <file>', 'config file (default: as for pgcockpit)')
  .option('--json', 'machine-readable output')
  .option('-w, --watch', 'print again every --interval seconds until Ctrl-C')
  .option('-i, --interval <seconds>', 'seconds between looks with --watch', seconds, 2)
  .action(async (options: { config?: string; json?: boolean; watch?: boolean; interval: number }, command: Command) =>
    (await import('./commands/statusCommand.js')).statusCommand({
      config: options.config ?? command.optsWithGlobals<{ config?: string }>().config,
      json: options.json ?? false,
      watch: options.watch ?? false,
      interval: options.interval,
    }),
  );

program
  .command('config')
  .description('work with the config file')
  .command('check')
  .description('validate the config file and summarise the cluster it describes')
  .option('-c, --config <file>', 'config file (default: as for pgcockpit)')
  .action(async (options: { config?: string }, command: Command) =>
    (await import('./commands/configCheckCommand.js')).configCheckCommand({ config: options.config ?? command.optsWithGlobals<{ config?: string }>().config }),
  );

program
  .command('log')
  .description('print the audit journal: every plan shown and command run, by whom, from where')
  .option('--since <time>', 'only entries since an ISO time (2024-05-01T10:00, 2024-05-01) or a duration ago (90s, 15m, 2h, 1d)', sinceTime)
  .option('--json', 'the journal\'s JSON lines, as written')
  .action(async (options: { since?: Date; json?: boolean }) => (await import('./commands/logCommand.js')).logCommand({ since: options.since, json: options.json ?? false }));

program
  .command('cleanup')
  .description("list what rebuilds kept beside the nodes' data directories (old data directories, partial copies), with sizes; --remove DIR deletes one")
  .option('-c, --config <file>', 'config file (default: as for pgcockpit)')
  .option('--remove <directory>', 'delete this kept directory (asks for its name on a terminal)')
  .option('--dry-run', 'with --remove: say what would be removed, remove nothing')
  .option('--yes', 'with --remove: do not ask')
  .action(async (options: { config?: string; remove?: string; dryRun?: boolean; yes?: boolean }, command: Command) => {
    const global = command.optsWithGlobals<GlobalOptions>();
    await (await import('./commands/cleanupCommand.js')).cleanupCommand({
      config: options.config ?? global.config,
      ...(options.remove !== undefined ? { remove: options.remove } : {}),
      dryRun: options.dryRun ?? false,
      yes: options.yes ?? false,
      readOnly: global.readOnly ?? false,
    });
  });

program
  .command('backups')
  .description('the backup catalog, newest first (when, age, database, node, format, size, duration, verified), base backups under the dumps; --verify ID checks a dump (or a base backup with pg_verifybackup), --delete ID removes a dump')
  .option('-c, --config <file>', 'config file (default: as for pgcockpit)')
  .option('--json', 'the catalog entries as a JSON array')
  .option('--show <id>', "a dump's catalog entry and its objects (pg_restore --list)")
  .option('--verify <id>', 'sha256 against the catalog and pg_restore --list over the whole table of contents (a base backup: pg_verifybackup); records verifiedAt (exit 1 when it fails)')
  .option('--delete <id>', 'delete a dump and its catalog entry (asks for its id on a terminal)')
  .option('--yes', 'with --delete: do not ask')
  .action(async (options: { config?: string; json?: boolean; show?: string; verify?: string; delete?: string; yes?: boolean }, command: Command) => {
    const global = command.optsWithGlobals<GlobalOptions>();
    await (await import('./commands/backupsCommand.js')).backupsCommand({
      config: options.config ?? global.config,
      json: options.json ?? false,
      ...(options.show !== undefined ? { show: options.show } : {}),
      ...(options.verify !== undefined ? { verify: options.verify } : {}),
      ...(options.delete !== undefined ? { delete: options.delete } : {}),
      yes: options.yes ?? false,
      readOnly: global.readOnly ?? false,
    });
  });

const archive = program.command('archive').description('the WAL archive point-in-time recovery depends on');
archive
  .command('setup')
  .description('create the archive directory (the OS user\'s, 0750), write a durable archive_command, archive_mode on and wal_level replica when they are not (a restart is said, not done); --dry-run prints the plan')
  .option('-c, --config <file>', 'config file (default: as for pgcockpit)')
  .option('--node <node>', 'the node to set up (default: the primary)')
  .option('--replace', 'write the durable command over an archive_command already set')
  .option('--dry-run', 'print the plan, change nothing')
  .option('--yes', 'do not ask')
  .action(async (options: { config?: string; node?: string; replace?: boolean; dryRun?: boolean; yes?: boolean }, command: Command) => {
    const global = command.optsWithGlobals<GlobalOptions>();
    await (await import('./commands/archiveSetupCommand.js')).archiveSetupCommand({
      config: options.config ?? global.config,
      ...(options.node ? { node: options.node } : {}),
      replace: options.replace ?? false,
      dryRun: options.dryRun ?? false,
      yes: options.yes ?? false,
      readOnly: global.readOnly ?? false,
    });
  });
archive
  .command('check')
  .description("check the archive on the primary (or --node): directory, owner and mode, wal_level, archive_mode, archive_command, and a live test: a switched-out segment must arrive; exit 0 all pass, 2 one fails")
  .option('-c, --config <file>', 'config file (default: as for pgcockpit)')
  .option('--node <node>', 'the node whose archiving is checked (default: the primary)')
  .option('--no-live', 'skip the live test (it switches out a WAL segment)')
  .action(async (options: { config?: string; node?: string; live: boolean }, command: Command) => {
    const global = command.optsWithGlobals<GlobalOptions>();
    await (await import('./commands/archiveCheckCommand.js')).archiveCheckCommand({ config: options.config ?? global.config, ...(options.node ? { node: options.node } : {}), live: options.live, readOnly: global.readOnly ?? false });
  });

program
  .command('window')
  .description("for each base backup, the times it can be recovered to: from its end to the last commit in the archived WAL after it without a gap, with the timeline, gaps and restore points (pg_waldump on the archive's host)")
  .option('-c, --config <file>', 'config file (default: as for pgcockpit)')
  .option('--node <node>', 'the node whose archive is read (default: archive.host, else the primary)')
  .option('--json', 'an array of windows: from/to as ISO 8601 with offset, LSNs, timeline, gaps, restore points')
  .action(async (options: { config?: string; node?: string; json?: boolean }, command: Command) => {
    const global = command.optsWithGlobals<GlobalOptions>();
    await (await import('./commands/windowCommand.js')).windowCommand({ config: options.config ?? global.config, ...(options.node ? { node: options.node } : {}), json: options.json ?? false });
  });

// Every runbook's subcommand (promote, switchover, ...) comes from its registry entry.
// Each subcommand loads what it uses when it runs: --version and --help load none of it.
for (const entry of RUNBOOKS) {
  addRunbookCommand(program, entry as RunbookEntry<Plan, object>, { seconds, mebibytes: megabytes }, (command) => command.optsWithGlobals<GlobalOptions>());
}

program.addHelpText('after', () => allSubcommands(program));

try {
  await program.parseAsync();
} catch (error) {
  if (error instanceof CommanderError) {
    // commander has printed the message (or the help, or the version) already.
    process.exitCode = error.exitCode === 0 ? 0 : EXIT_USAGE;
  } else if (error instanceof ConfigError) {
    // Problems in a file are already `file:line:col: key: message` lines, one each.
    process.stderr.write(error.problems.length > 0 ? `${error.message}\n` : `pgcockpit: ${error.message}\n`);
    process.exitCode = EXIT_USAGE;
  } else {
    process.stderr.write(`pgcockpit: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = EXIT_FAILURE;
  }
}
