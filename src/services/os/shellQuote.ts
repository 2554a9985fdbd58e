/**
 * Quotes one argument for a POSIX shell: the result is a single word that the
 * shell turns back into exactly `arg`, whatever bytes it holds. Single quotes
 * protect everything except a single quote itself, which is written as '\''.
 */
export function shellQuote(arg: string): string {
  if (arg !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** A command line a shell splits back into exactly `argv`. */
export function shellJoin(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

/** A command (program and arguments) as the one line a plan, an advice or the journal shows: shellJoin of its argv. */
export function commandLine(spec: { program: string; args: readonly string[] }): string {
  return shellJoin([spec.program, ...spec.args]);
}
