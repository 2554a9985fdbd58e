import type { Command } from 'commander';
import { Option } from 'commander';
import type { Plan } from '../services/runbooks/plan.js';
import type { OptionValue, RunbookEntry } from '../services/runbooks/registry.js';
import type { FormValues } from '../services/runbooks/form.js';
import type { PlanCommandFlags } from './runPlanCommand.js';

/** The value parsers for a runbook option's kind; each throws commander's InvalidArgumentError on a bad value. */
export interface OptionParsers {
  seconds(value: string): number;
  mebibytes(value: string): number;
}

/**
 * Adds a runbook's subcommand to the program, from its registry entry: the
 * target (argument or required option), --config, --dry-run, --yes and the
 * entry's own options. Running it prepares the plan with the options given
 * and hands it to runPlanCommand (print, refuse, confirm, run). An entry
 * whose subcommand is written by hand (cli.handWritten) adds nothing.
 */
export function addRunbookCommand<P extends Plan, O>(
  program: Command,
  entry: RunbookEntry<P, O>,
  parsers: OptionParsers,
  globals: (command: Command) => { config?: string; readOnly?: boolean },
): void {
  // A hand-written subcommand (archive setup) is already in the program.
  if (entry.cli.handWritten) return;
  const command = program.command(entry.cli.name).description(entry.cli.description);
  const target = entry.cli.target;
  if ('argument' in target) command.argument(target.argument, target.description);
  else command.requiredOption(target.option, target.description);
  command
    .option('-c, --config <file>', 'config file (default: as for pgcockpit)')
    .option('--dry-run', 'print the checks and the exact steps, change nothing (exit 0, or 2 when refused)')
    .option('--yes', 'carry the plan out without asking');
  const options = entry.cli.options.map((spec) => {
    const option = new Option(spec.flags, spec.description);
    const parse = parserFor(spec.value, parsers);
    if (parse) option.argParser(parse);
    command.addOption(option);
    return { spec, option };
  });
  // A form's fields with a flag are options too, so the plan's "same as:" line runs as printed.
  const formOptions = (entry.form?.fields ?? [])
    .filter((field) => field.flag !== undefined)
    .map((field) => {
      const option = new Option(field.kind === 'toggle' ? field.flag! : `${field.flag!} <value>`, field.label);
      // A repeatable field's flag may be given again (--table a --table b): the values joined with commas, as the form holds them.
      if (field.kind === 'text' && field.repeatable) option.argParser((value: string, previous: string | undefined) => (previous === undefined ? value : `${previous},${value}`));
      command.addOption(option);
      return { field, option };
    });
  command.action(async (...args: unknown[]) => {
    const self = args.at(-1) as Command;
    const opts = self.opts<Record<string, unknown>>();
    const node = 'argument' in target ? String(args[0]) : String(opts[new Option(target.option).attributeName()]);
    const plannerOptions = options.reduce<Partial<O>>((acc, { spec, option }) => {
      const value = opts[option.attributeName()];
      return value === undefined || value === false ? acc : { ...acc, ...spec.apply(value as number | true) };
    }, {}) as O;
    const global = globals(self);
    const flags: PlanCommandFlags = { dryRun: opts.dryRun === true, yes: opts.yes === true, readOnly: global.readOnly === true };
    const formInput = Object.fromEntries(
      formOptions.flatMap(({ field, option }) => {
        const value = opts[option.attributeName()];
        return value === undefined ? [] : [[field.name, field.kind === 'toggle' ? value === true : String(value)]];
      }),
    ) as FormValues;
    // The planners and the engine load only when a runbook runs: --help and --version never pay for them.
    const { runRunbook } = await import('./runRunbook.js');
    await runRunbook(entry, node, plannerOptions, flags, (opts.config as string | undefined) ?? global.config, formInput);
  });
}

function parserFor(value: OptionValue, parsers: OptionParsers): ((text: string) => number) | undefined {
  if (value === 'seconds') return parsers.seconds;
  if (value === 'mebibytes') return parsers.mebibytes;
  return undefined;
}
