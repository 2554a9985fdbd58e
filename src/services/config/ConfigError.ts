/**
 * One thing wrong with a config file, in the shape editors and CI logs
 * understand (`file:line:col:`), so a DBA can jump straight to it.
 */
export interface ConfigProblem {
  file: string;
  /** 1-based; 0 when the problem is the file as a whole (it is missing, unreadable). */
  line: number;
  /** 1-based; 0 when `line` is 0. */
  column: number;
  /** Dotted path such as `nodes[0].ssh.port`, `(top)` for the root, `(yaml)` for a syntax error; empty for the whole file. */
  key: string;
  message: string;
}

/** `FILE:LINE:COL: KEY: MESSAGE`, or `FILE: MESSAGE` for a problem with the whole file. */
export function formatConfigProblem(problem: ConfigProblem): string {
  const where = problem.line > 0 ? `${problem.file}:${problem.line}:${problem.column}` : problem.file;
  const key = problem.key === '' ? '' : `${problem.key}: `;
  return `${where}: ${key}${problem.message}`;
}

/**
 * Everything wrong with a config file at once: fixing one typo per run, only
 * to be told about the next, is the experience this class exists to avoid.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly problems: ConfigProblem[];

  /** Problems in a file; the message is one `file:line:col: key: message` line per problem. */
  constructor(problems: ConfigProblem[]);
  /** A config problem that is not about a place in a file (e.g. no config file anywhere). */
  constructor(message: string, problems?: ConfigProblem[]);
  constructor(problemsOrMessage: ConfigProblem[] | string, problems: ConfigProblem[] = []) {
    const listed = typeof problemsOrMessage === 'string' ? problems : problemsOrMessage;
    super(typeof problemsOrMessage === 'string' ? problemsOrMessage : listed.map(formatConfigProblem).join('\n'));
    this.problems = listed;
  }
}
