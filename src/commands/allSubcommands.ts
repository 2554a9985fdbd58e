import type { Command } from 'commander';

/**
 * Every subcommand at every depth ("demo down", "config check"), one line
 * each, built from the command tree itself so --help never misses one.
 */
export function allSubcommands(program: Command): string {
  const lines: string[] = [];
  const walk = (command: Command, prefix: string) => {
    for (const sub of command.commands) {
      const name = `${prefix}${sub.name()}`;
      lines.push(`  ${`${program.name()} ${name}`.padEnd(28)} ${sub.description()}`);
      walk(sub, `${name} `);
    }
  };
  walk(program, '');
  return `\nAll subcommands:\n${lines.join('\n')}\n\nRun \`${program.name()} <subcommand> --help\` for its options.`;
}
