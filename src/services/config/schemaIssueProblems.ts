import type { Document, LineCounter } from 'yaml';
import type { z } from 'zod';
import { allowedKeys } from './allowedKeys.js';
import type { ConfigProblem } from './ConfigError.js';
import { configKeyPath } from './configKeyPath.js';
import { keyNodeAt, locateInYaml } from './locateInYaml.js';
import { unknownKeyMessage } from './unknownKeyMessage.js';

export interface IssueSource {
  file: string;
  doc: Document;
  lineCounter: LineCounter;
  /** The plain data that was validated, to see the value an issue is about. */
  data: unknown;
  schema: z.ZodType;
}

/**
 * Schema issues as config problems, each pointing at the line to edit, in the
 * order they appear in the file (not the order the schema checked them).
 */
export function schemaIssueProblems(issues: readonly z.core.$ZodIssue[], source: IssueSource): ConfigProblem[] {
  const problems = issues.flatMap((issue) => issueProblems(issue, source));
  return problems.sort((a, b) => a.line - b.line || a.column - b.column);
}

function issueProblems(issue: z.core.$ZodIssue, source: IssueSource): ConfigProblem[] {
  if (issue.code === 'unrecognized_keys') {
    // One problem per key, at the key itself: that is what has to be renamed or removed.
    const allowed = allowedKeys(source.schema, issue.path);
    return issue.keys.map((key) => {
      const path = [...issue.path, key];
      const keyNode = keyNodeAt(source.doc, path);
      const offset = keyNode?.range ? keyNode.range[0] : locateInYaml(source.doc, issue.path);
      return problemAt(source, offset, path, unknownKeyMessage(key, allowed));
    });
  }
  const message = issue.message + argvHint(issue, source.data) + pgServiceHint(issue, source.data);
  return [problemAt(source, locateInYaml(source.doc, issue.path), issue.path, message)];
}

function problemAt(source: IssueSource, offset: number, path: readonly PropertyKey[], message: string): ConfigProblem {
  const { line, col } = source.lineCounter.linePos(offset);
  return { file: source.file, line, column: col, key: configKeyPath(path), message };
}

/**
 * A service command written as one string (`start: pg_ctl start -D ...`) is
 * the classic mistake: show it as the argument list pgcockpit wants.
 */
function argvHint(issue: z.core.$ZodIssue, data: unknown): string {
  if (issue.code !== 'invalid_type' || issue.expected !== 'array' || issue.path.at(-2) !== 'service') return '';
  const value = valueAt(data, issue.path);
  if (typeof value !== 'string') return '';
  const words = value.trim().split(/\s+/);
  return `; write the command as a list of arguments, e.g. [${words.map((word) => JSON.stringify(word)).join(', ')}]`;
}

/** `service: mydb` is how psql users say "use this pg_service.conf entry"; here that is pgService. */
function pgServiceHint(issue: z.core.$ZodIssue, data: unknown): string {
  const [top, , key] = issue.path;
  if (issue.code !== 'invalid_type' || issue.path.length !== 3 || top !== 'nodes' || key !== 'service') return '';
  const value = valueAt(data, issue.path);
  return typeof value === 'string' ? `; for a pg_service.conf service write pgService: ${value}` : '';
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let current = data;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}
